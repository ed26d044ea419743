"""Rebuild the across-the-desk index, the automatic groups and the stored disagreements.

For a desk that was never indexed (after the upgrade to format 4), or on demand. It works in
bounded memory: claims are read in batches of :data:`BATCH` and their keys and MinHash bands
written with ``executemany``; candidate pairs of quotes come from a self-join of the bands in
SQL (bands shared by more than :data:`desk.across.index.BAND_CAP` claims skipped), figure
pairs from a walk of each source's figures in size order; only candidates are checked in
Python, each pair packed into one 64-bit integer (score, then the two claims), sorted with
numpy and joined by union-find over integer ids with the rules of
:func:`desk.across.grouping._cluster` (no chains; an editor's group is never moved or joined
to another). Groups are written set-based: only rows that change are touched.
"""

from __future__ import annotations

import json
import os
from array import array
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from desk.across.grouping import (
    MAGNITUDE_RATIO, MIN_QUOTE_CHARS, QUOTE_THRESHOLD, TOPIC_THRESHOLD, _name_components,
)
from desk.across.index import (
    BAND_CAP,
    CLAIM_SQL,
    FIGURE_NEIGHBOURS,
    INCREMENTAL_LIMIT,
    INSERT_KEYS,
    _MIN_SHARE,
    cancel_check,
    refresh_claims,
)
from desk.across import signatures
from desk.across.signatures import ClaimTable as _Claims
from desk.across.signatures import bands_of_many, keys_of
from desk.across.stored import (
    META_KEY,
    is_built,
    is_current,
    pending_count,
    rebuild_disagreements,
    stored_conflicts,
)
from desk.across.summary import rebuild_summaries
from desk.clock import now_iso
from desk.model import Change

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.model import Cancelled, Progress

#: Claims read, keyed and written per batch.
BATCH = 20_000
_SCORE_SCALE = 1000  # a pair's score is kept to a thousandth
_TOP = 200 * _SCORE_SCALE
_SHIFT = 22  # claim numbers below 2**22 (4 million)


def refresh(desk: Desk, progress: Progress | None = None,
            cancelled: Cancelled | None = None) -> bool:
    """Bring the index, groups and disagreements up to date: a :func:`rebuild` when the
    index was never built or too much changed, else :func:`desk.across.index.refresh_claims`
    for the changed claims. Returns whether anything was done."""
    desk._check_writable()  # noqa: SLF001
    conn = desk.conn
    pending = pending_count(conn)
    if not is_built(conn) or needs_rebuild(conn):
        rebuild(desk, progress, cancelled)
        return True
    if not pending:
        return False
    cancel_check(cancelled)
    refresh_claims(desk)
    return True


def current_conflicts(desk: Desk, cancelled: Cancelled | None = None) -> dict[str, str]:
    """The CSV export's ``figure_conflict`` cells, read from the stored disagreements (on a
    writable desk, a few changed claims are brought up to date first). A desk whose index
    is far behind is not rebuilt by an export: its cells are worked out as before."""
    conn = desk.conn
    if not desk.read_only and is_built(conn) and not needs_rebuild(conn):
        if pending_count(conn):
            refresh_claims(desk)
        return stored_conflicts(conn)
    if is_current(conn):
        return stored_conflicts(conn)
    from desk.across.disagreement import conflicts_by_claim

    return conflicts_by_claim(desk, cancelled=cancelled)


def needs_rebuild(conn) -> bool:  # noqa: ANN001
    """Whether so many claims changed that a rebuild is quicker than one at a time."""
    pending = pending_count(conn)
    return pending > 1 and pending > min(INCREMENTAL_LIMIT, max(1, _indexed(conn) // 10))


def _indexed(conn) -> int:  # noqa: ANN001
    return conn.execute("SELECT count(*) FROM claim_keys").fetchone()[0]


def rebuild(desk: Desk, progress: Progress | None = None,
            cancelled: Cancelled | None = None) -> None:
    """Rebuild the index, the automatic groups and the disagreements of the whole desk.

    ``progress(done, total, label)`` is told as claims are indexed; ``cancelled()`` stops
    it with :class:`desk.across.grouping.GroupingCancelled`, the stored groups as they were.
    """
    desk._check_writable()  # noqa: SLF001
    conn = desk.conn
    total = conn.execute("SELECT count(*) FROM claims WHERE deleted_at IS NULL").fetchone()[0]
    with desk.writing():
        _restore_indexes(conn)  # (those of a rebuild stopped half-way)
    if progress:
        progress(0, total, "indexing quotes")
    claims = _index(desk, total, progress, cancelled)

    def phase(label: str) -> None:
        cancel_check(cancelled)
        if progress:
            progress(total, total, label)

    phase("ordering claims")
    _rank(desk, claims)
    phase("comparing quotes")
    pairs = quote_pairs(desk, claims, cancelled)
    claims.bands = None  # (memory: the rest does not read them)
    phase("comparing figures")
    pairs.extend(figure_pairs(desk, claims, cancelled))
    phase("grouping")
    with desk.writing():
        assigned = _cluster(conn, claims, pairs)
        del pairs
        _write_groups(desk, claims, assigned)
        if progress:
            progress(total, total, "finding disagreements")
        _drop_indexes(conn, ["figure_disagreements"])  # (one transaction: undone if it fails)
        rebuild_disagreements(conn)
        _restore_indexes(conn)
        conn.execute("INSERT OR REPLACE INTO desk_meta (key, value) VALUES (?, 'built')",
                     [META_KEY])
        rebuild_summaries(conn)
    if progress:
        progress(total, total, "done")
    desk._notify(Change("groups_changed"))  # noqa: SLF001


def _index(desk: Desk, total: int, progress: Progress | None,
           cancelled: Cancelled | None) -> _Claims:
    """Store every live claim's keys and bands, in batches; returns what union-find needs."""
    conn = desk.conn
    with desk.writing():
        conn.execute("DELETE FROM desk_meta WHERE key = ?", [META_KEY])
        conn.execute("DELETE FROM across_pending")
        _drop_indexes(conn, ["claim_keys", "claim_bands"])
        conn.execute("DELETE FROM claim_bands")
        conn.execute("DELETE FROM claim_keys")
    try:
        claims = _read_keys(desk, total, progress, cancelled)
    finally:
        with desk.writing():
            _restore_indexes(conn)
    return claims


def _read_keys(desk: Desk, total: int, progress: Progress | None,
               cancelled: Cancelled | None) -> _Claims:
    conn = desk.conn
    claims = _Claims(keep_ids=False)  # (memory: a million ids are read back when needed)
    claims.bands = signatures.BandMatrix(total)
    reader = desk.conn.execute(f"{CLAIM_SQL} WHERE deleted_at IS NULL ORDER BY id")
    while True:
        rows = reader.fetchmany(BATCH)
        if not rows:
            break
        cancel_check(cancelled)
        keys = [keys_of(*row) for row in rows]
        bands = bands_of_many([k.masked for k in keys])
        first = len(claims) + 1
        for k in keys:
            claims.add(k)
        claims.bands.add(bands)
        with desk.writing():
            conn.executemany(INSERT_KEYS, [(first + i, *k, array("q", b).tobytes())
                                           for i, (k, b) in enumerate(zip(keys, bands))])
            conn.executemany("INSERT OR IGNORE INTO claim_bands (n, band) VALUES (?, ?)",
                             [(first + i, band) for i, b in enumerate(bands) for band in b])
        if progress:
            progress(len(claims), total, "indexing quotes")
    claims.bands.done()
    return claims


#: ``desk_meta`` key: the indexes a rebuild dropped to fill their tables quickly, until it
#: makes them again (a rebuild stopped half-way makes them at its next start).
_DROPPED = "across_rebuild_indexes"


def _drop_indexes(conn, tables: list[str]) -> None:  # noqa: ANN001
    """Drop these tables' own indexes (a bulk write then sorts each index once instead of
    updating it row by row), keeping their definitions in ``desk_meta``."""
    rows = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({', '.join('?' * len(tables))})", tables).fetchall()
    kept = conn.execute("SELECT value FROM desk_meta WHERE key = ?", [_DROPPED]).fetchone()
    saved = (json.loads(kept[0]) if kept else []) + [sql for _, sql in rows]
    conn.execute("INSERT OR REPLACE INTO desk_meta (key, value) VALUES (?, ?)",
                 [_DROPPED, json.dumps(saved)])
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')


def _restore_indexes(conn) -> None:  # noqa: ANN001
    """Make again the indexes :func:`_drop_indexes` dropped."""
    kept = conn.execute("SELECT value FROM desk_meta WHERE key = ?", [_DROPPED]).fetchone()
    for sql in json.loads(kept[0]) if kept else []:
        conn.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
    conn.execute("DELETE FROM desk_meta WHERE key = ?", [_DROPPED])


def _rank(desk: Desk, claims: _Claims) -> None:
    """Each claim's place in :meth:`desk.Desk.claims` order: the pair's first claim, whose
    group's first claim it becomes, is the earlier one there (as in the all-pairs method)."""
    claims.rank = array("i", [0]) * (len(claims) + 1)
    rows = desk.conn.execute(
        "SELECT k.n FROM claims c JOIN articles a ON a.id = c.article_id "
        "JOIN claim_keys k ON k.claim_id = c.id WHERE c.deleted_at IS NULL "
        "ORDER BY a.imported_at, a.rowid, c.start_char, c.end_char, c.created_at, c.id")
    for place, (n,) in enumerate(rows, 1):
        if n < len(claims.rank):
            claims.rank[n] = place


def _pack(score: float, a: int, b: int) -> int:
    """One pair as an integer that sorts strongest first, then by claim numbers."""
    return ((_TOP - round(score * _SCORE_SCALE)) << (2 * _SHIFT)) | (a << _SHIFT) | b


def quote_pairs(desk: Desk, claims: _Claims, cancelled: Cancelled | None = None) -> array:
    """Pairs of claims of different articles with near-identical quotes, found within the
    claims sharing a band or a prefix key (packed, see :func:`_pack`), each pair scored
    once (:func:`desk.across.signatures.quote_candidates`). MinHash bands shared by more
    than :data:`BAND_CAP` claims are boilerplate and skipped; in a prefix bucket of more,
    each quote is compared with its :data:`BOILERPLATE_WINDOW` nearest in length."""
    np = signatures.numpy()
    bands = claims.bands if claims.bands is not None else _stored_bands(desk, claims)
    texts = np.empty(len(claims.masked), dtype=object)
    texts[:] = claims.masked
    lengths = np.fromiter((len(t) for t in claims.masked), dtype=np.int64,
                          count=len(claims.masked))
    article = np.frombuffer(claims.article, dtype=np.int32)
    rank = np.frombuffer(claims.rank, dtype=np.int32)
    workers = _workers()
    found = array("q")
    for step, (x, y) in enumerate(signatures.quote_candidates(
            bands, lengths, cap=BAND_CAP, boilerplate_window=BOILERPLATE_WINDOW,
            min_share=_MIN_SHARE)):
        if step % 20 == 0:
            cancel_check(cancelled)
        different = article[x] != article[y]
        x, y = x[different], y[different]
        if not len(x):
            continue
        scores = process.cpdist(texts[x], texts[y], scorer=fuzz.ratio, processor=None,
                                score_cutoff=QUOTE_THRESHOLD, dtype=np.float32,
                                workers=workers)
        hit = scores >= QUOTE_THRESHOLD
        _pack_many(found, scores[hit].astype(np.float64) + 100.0, x[hit], y[hit], rank)
    return found


def _workers() -> int:
    """Threads rapidfuzz scores pairs on: every core when some are idle, else one (on the
    loaded 2-core machine two cost 70 % more CPU time, 45 → 76 s at 100,000 claims, for no
    quicker finish)."""
    if WORKERS:
        return WORKERS
    cores = os.cpu_count() or 1
    return -1 if cores > 1 and os.getloadavg()[0] < cores - 0.5 else 1


#: Threads for rapidfuzz (-1: every core), or 0: as :func:`_workers` finds.
WORKERS = 0


def _pack_many(found: array, scores, a, b, rank) -> None:  # noqa: ANN001
    """:func:`_pack` for arrays of pairs, the earlier claim in the desk's order first."""
    np = signatures.numpy()
    first = rank[a] < rank[b]
    x, y = np.where(first, a, b).astype(np.int64), np.where(first, b, a).astype(np.int64)
    packed = (((_TOP - np.rint(scores * _SCORE_SCALE).astype(np.int64)) << (2 * _SHIFT))
              | (x << _SHIFT) | y)
    found.frombytes(packed.astype(np.int64).tobytes())


def _stored_bands(desk: Desk, claims: _Claims) -> signatures.BandMatrix:
    """The claims' bands as the index stored them (numbered as ``claims``)."""
    bands = signatures.BandMatrix(len(claims))
    rows = [list(array("q", blob or b"")) for _, blob in desk.conn.execute(
        "SELECT n, bands FROM claim_keys ORDER BY n")]
    if len(rows) != len(claims):
        raise ValueError("the index does not number the claims as given")
    bands.add(rows)
    bands.done()
    return bands


#: In a prefix bucket of more than :data:`BAND_CAP` quotes (boilerplate: they begin the same
#: way), each is compared with its this many nearest in length, enough to join them and no
#: more (all of them would be pairs by the million).
BOILERPLATE_WINDOW = 24


def figure_pairs(desk: Desk, claims: _Claims, cancelled: Cancelled | None = None) -> array:
    """Pairs of claims by the figure rule (packed, see :func:`_pack`): every run (a source,
    unit and counted kind, with the claims of an unsaid kind; and those of an unsaid kind
    alone) sorted by size, each claim with its next :data:`FIGURE_NEIGHBOURS` of other
    articles within :data:`MAGNITUDE_RATIO`, all scored at once (``token_sort_ratio`` is
    ``ratio`` of the words sorted, so each quote's words are sorted once). A pair whose
    quotes the quote rule also joins is given as a quote pair (as all-pairs gives it)."""
    np = signatures.numpy()
    found = array("q")
    buckets: dict[tuple[str, str | None], int] = {}
    kinds: dict[str, int] = {}
    numbers, bucket = [], []
    for n, source, unit in desk.conn.execute(
            "SELECT n, source_key, unit FROM claim_keys WHERE lo IS NOT NULL AND value > 0 "
            "AND source_key != ''"):
        numbers.append(n)
        bucket.append(buckets.setdefault((source, unit), len(buckets)))
    if not numbers:
        return found
    n = np.array(numbers, dtype=np.int64)
    kind = np.array([-1 if claims.kind[x] is None else kinds.setdefault(claims.kind[x], len(kinds))
                     for x in numbers], dtype=np.int64)
    placed = np.frombuffer(claims.rank, dtype=np.int32)
    workers = _workers()
    words = np.empty(len(claims.masked), dtype=object)
    texts = np.empty(len(claims.masked), dtype=object)
    for x in set(numbers):
        words[x] = " ".join(sorted(claims.masked[x].split()))
        texts[x] = claims.masked[x]
    lengths = np.fromiter((len(t) for t in claims.masked), dtype=np.int64,
                          count=len(claims.masked))
    for a, b in signatures.figure_candidates(
            n, np.array(bucket, dtype=np.int64), kind,
            np.frombuffer(claims.value, dtype=np.float64), placed,
            np.frombuffer(claims.article, dtype=np.int32),
            neighbours=FIGURE_NEIGHBOURS, ratio=MAGNITUDE_RATIO):
        cancel_check(cancelled)
        low, high = np.minimum(lengths[a], lengths[b]), np.maximum(lengths[a], lengths[b])
        keep = low * (200 - TOPIC_THRESHOLD) >= high * TOPIC_THRESHOLD  # else ratio < it
        a, b = a[keep], b[keep]
        for start in range(0, len(a), 200_000):
            x, y = a[start:start + 200_000], b[start:start + 200_000]
            scores = process.cpdist(words[x], words[y], scorer=fuzz.ratio, processor=None,
                                    score_cutoff=TOPIC_THRESHOLD, dtype=np.float64,
                                    workers=workers)
            hit = scores >= TOPIC_THRESHOLD
            x, y, scores = x[hit], y[hit], scores[hit]
            # a pair the quote rule also makes is a quote pair (as in the all-pairs method)
            quote = process.cpdist(texts[x], texts[y], scorer=fuzz.ratio, processor=None,
                                   score_cutoff=QUOTE_THRESHOLD, dtype=np.float64,
                                   workers=workers)
            quote[(lengths[x] < MIN_QUOTE_CHARS) | (lengths[y] < MIN_QUOTE_CHARS)] = 0
            both = quote >= QUOTE_THRESHOLD
            scores = np.where(both, quote + 100.0, scores)
            swap = both & (placed[y] < placed[x])  # a quote pair: the earlier claim first
            x, y = np.where(swap, y, x), np.where(swap, x, y)
            packed = (((_TOP - np.rint(scores * _SCORE_SCALE).astype(np.int64))
                       << (2 * _SHIFT)) | (x << _SHIFT) | y)
            found.frombytes(packed.tobytes())
    return found


def unpack_pairs(pairs: array) -> list[tuple[float, int, int]]:
    """Packed pairs back as ``(score, a, b)`` (for measuring; small desks only)."""
    mask = (1 << _SHIFT) - 1
    return [((_TOP - (p >> (2 * _SHIFT))) / _SCORE_SCALE, (p >> _SHIFT) & mask, p & mask)
            for p in pairs]


def _sorted_chunks(pairs: array):  # noqa: ANN202
    np = signatures.numpy()
    ordered = np.frombuffer(pairs, np.int64)  # sorted in place (a repeat is passed over)
    ordered.sort()
    for start in range(0, len(ordered), 100_000):
        chunk = ordered[start:start + 100_000]
        yield chunk


def _cluster(conn, claims: _Claims, pairs: array) -> dict[int, tuple[str, str]]:  # noqa: ANN001
    """Group ids and how, by claim number, for the claims the editor does not hold."""
    held: dict[int, str] = {}
    previous: dict[int, str] = {}
    for n, group_id, how in conn.execute(
            "SELECT k.n, g.group_id, g.how FROM claim_groups g "
            "JOIN claim_keys k ON k.claim_id = g.claim_id"):
        (held if how == "editor" else previous)[n] = group_id
    size = len(claims) + 1
    parent = array("i", range(size))
    anchor: dict[int, str] = {}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_of: dict[str, int] = {}
    for n, group_id in held.items():
        first = first_of.setdefault(group_id, n)
        parent[root(n)] = root(first)
        anchor[root(first)] = group_id
    how_of: dict[int, str] = {}
    mask = (1 << _SHIFT) - 1
    quote_floor = (_TOP - 100 * _SCORE_SCALE)
    np = signatures.numpy()
    tops = np.frombuffer(parent, dtype=np.int32)
    matches: dict[tuple[int, int], bool] = {}  # claims.same of two groups' first claims
    for chunk in _sorted_chunks(pairs):
        _flatten(tops)  # pairs already within one group are passed over in numpy
        for packed in chunk[tops[(chunk >> _SHIFT) & mask] != tops[chunk & mask]].tolist():
            a, b = (packed >> _SHIFT) & mask, packed & mask
            ra, rb = root(a), root(b)
            if ra == rb:
                continue
            ga, gb = anchor.get(ra), anchor.get(rb)
            if ga is not None and gb is not None:
                continue
            if (ra, rb) != (a, b):
                same = matches.get((ra, rb))
                if same is None:
                    if len(matches) > 1_000_000:  # (bounded memory)
                        matches.clear()
                    same = matches[(ra, rb)] = claims.same(ra, rb)
                if not same:
                    continue
            if ga is None and gb is not None:
                ra, rb = rb, ra
            parent[rb] = ra
            if ga is not None or gb is not None:
                anchor[ra] = ga if ga is not None else gb  # type: ignore[assignment]
            how = "quote" if (packed >> (2 * _SHIFT)) < quote_floor else "figure"
            for n in (a, b):
                if n not in held and how_of.get(n) != "quote":
                    how_of[n] = how
    _flatten(tops)
    grouped = np.flatnonzero(np.bincount(tops, minlength=size)[tops] >= 2)
    grouped = grouped[grouped > 0]
    owners = tops[grouped]
    order = np.argsort(owners, kind="stable")
    owners, grouped = owners[order], grouped[order]
    cuts = np.flatnonzero(owners[1:] != owners[:-1]) + 1
    heads = np.concatenate(([0], cuts))
    found = sorted(zip(grouped[heads].tolist(), owners[heads].tolist(),
                       np.split(grouped, cuts)))  # in the order of their first claims
    components = {top: members.tolist() for _, top, members in found if len(members)}
    return _name_components(components, anchor, held, how_of, previous)


def _flatten(parent) -> None:  # noqa: ANN001
    """Point every claim of ``parent`` (a numpy view of the union-find) at its root."""
    while True:
        up = parent[parent]
        if (up == parent).all():
            return
        parent[:] = up


def _write_groups(desk: Desk, claims: _Claims, assigned: dict[int, tuple[str, str]]) -> None:
    """Store the automatic groups, touching only the rows that change."""
    conn = desk.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS across_assigned "
                 "(n INTEGER PRIMARY KEY, group_id TEXT, how TEXT)")
    conn.execute("DELETE FROM temp.across_assigned")
    conn.executemany("INSERT INTO temp.across_assigned VALUES (?, ?, ?)",
                     ((n, gid, how) for n, (gid, how) in assigned.items()))
    new = "temp.across_assigned t JOIN claim_keys k ON k.n = t.n"  # (claim ids read back)
    conn.execute(f"""DELETE FROM claim_groups WHERE how != 'editor'
                     AND claim_id NOT IN (SELECT k.claim_id FROM {new})""")
    conn.execute(f"""INSERT OR REPLACE INTO claim_groups
                     (claim_id, group_id, how, confirmed_at, editor, updated_at)
                     SELECT k.claim_id, t.group_id, t.how, NULL, ?, ? FROM {new}
                     LEFT JOIN claim_groups g ON g.claim_id = k.claim_id
                     WHERE g.claim_id IS NULL OR g.group_id != t.group_id OR g.how != t.how""",
                 [desk.editor or "", now_iso()])
    conn.execute("DELETE FROM temp.across_assigned")
