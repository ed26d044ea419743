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

import bisect
from array import array
from collections import Counter
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from desk.across.grouping import (
    MAGNITUDE_RATIO, QUOTE_THRESHOLD, TOPIC_THRESHOLD, _name_components,
)
from desk.across.index import (
    BAND_CAP,
    CLAIM_SQL,
    FIGURE_NEIGHBOURS,
    INCREMENTAL_LIMIT,
    INSERT_KEYS,
    LENGTH_WINDOW,
    _MIN_SHARE,
    cancel_check,
    refresh_claims,
)
from desk.across import signatures
from desk.across.signatures import ClaimTable as _Claims
from desk.across.signatures import bands_of_many, is_prefix_key, keys_of
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
BATCH = 5_000
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
    phase("comparing figures")
    pairs.extend(_not_in(figure_pairs(desk, claims, cancelled), pairs))
    phase("grouping")
    with desk.writing():
        assigned = _cluster(conn, claims, pairs)
        del pairs
        _write_groups(desk, claims, assigned)
        if progress:
            progress(total, total, "finding disagreements")
        rebuild_disagreements(conn)
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
        conn.execute("DROP INDEX IF EXISTS idx_claim_bands_band")
        conn.execute("DELETE FROM claim_bands")
        conn.execute("DELETE FROM claim_keys")
    claims = _Claims()
    claims.bands = signatures.BandMatrix()
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
    with desk.writing():
        conn.execute("CREATE INDEX IF NOT EXISTS idx_claim_bands_band ON claim_bands (band, n)")
    claims.bands.done()
    return claims


def _rank(desk: Desk, claims: _Claims) -> None:
    """Each claim's place in :meth:`desk.Desk.claims` order: the pair's first claim, whose
    group's first claim it becomes, is the earlier one there (as in the all-pairs method)."""
    numbers = {claim_id: n for n, claim_id in enumerate(claims.ids) if n}
    claims.rank = array("i", [0]) * len(claims.ids)
    rows = desk.conn.execute(
        "SELECT c.id FROM claims c JOIN articles a ON a.id = c.article_id "
        "WHERE c.deleted_at IS NULL "
        "ORDER BY a.imported_at, a.rowid, c.start_char, c.end_char, c.created_at, c.id")
    for place, (claim_id,) in enumerate(rows, 1):
        n = numbers.get(claim_id)
        if n is not None:
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
                                workers=WORKERS)
        hit = scores >= QUOTE_THRESHOLD
        _pack_many(found, scores[hit].astype(np.float64) + 100.0, x[hit], y[hit], rank)
    return found


#: Threads rapidfuzz scores pairs on (-1: every core).
WORKERS = -1


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
    bands = signatures.BandMatrix()
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
    ``ratio`` of the words sorted, so each quote's words are sorted once)."""
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
    width = len(kinds) + 1
    run = np.array(bucket, dtype=np.int64) * width + kind + 1  # kind 0: the unsaid alone
    unsaid = kind < 0
    # each claim of an unsaid kind also joins every kind's run of its bucket
    said_runs = np.unique(run[~unsaid])
    lows = np.searchsorted(said_runs // width, run[unsaid] // width, side="left")
    counts = np.searchsorted(said_runs // width, run[unsaid] // width, side="right") - lows
    extra = np.repeat(np.flatnonzero(unsaid), counts)
    steps = np.arange(len(extra)) - np.repeat(np.cumsum(counts) - counts, counts)
    entry = np.concatenate((np.arange(len(n)), extra))
    runs = np.concatenate((run, said_runs[np.repeat(lows, counts) + steps]))
    value = np.frombuffer(claims.value, dtype=np.float64)[n][entry]
    rank = np.frombuffer(claims.rank, dtype=np.int32)[n][entry]
    order = np.lexsort((rank, value, runs))
    entry, runs, value = entry[order], runs[order], value[order]
    claim = n[entry]
    article = np.frombuffer(claims.article, dtype=np.int32)[claim]
    blank = unsaid[entry]
    skip = blank & (runs % width != 0)  # in a kind's run, two unsaid claims are not paired
    end, _ = signatures._buckets(runs)  # noqa: SLF001
    words = np.empty(len(claims.masked), dtype=object)
    for x in set(numbers):
        words[x] = " ".join(sorted(claims.masked[x].split()))
    taken = np.zeros(len(entry), dtype=np.int64)
    active = np.arange(len(entry))
    step = 1
    while active.size:
        cancel_check(cancelled)
        j = active + step
        ok = j < end[active]
        active, j = active[ok], j[ok]
        ok = value[j] <= value[active] * MAGNITUDE_RATIO
        active, j = active[ok], j[ok]
        pair = (article[active] != article[j]) & ~(skip[active] & blank[j])
        a, b = claim[active[pair]], claim[j[pair]]
        taken[active[pair]] += 1
        active = active[taken[active] < FIGURE_NEIGHBOURS]
        step += 1
        for start in range(0, len(a), 200_000):
            x, y = a[start:start + 200_000], b[start:start + 200_000]
            scores = process.cpdist(words[x], words[y], scorer=fuzz.ratio, processor=None,
                                    score_cutoff=TOPIC_THRESHOLD, dtype=np.float64,
                                    workers=WORKERS)
            hit = scores >= TOPIC_THRESHOLD
            x, y = x[hit], y[hit]
            packed = (((_TOP - np.rint(scores[hit] * _SCORE_SCALE).astype(np.int64))
                       << (2 * _SHIFT)) | (x << _SHIFT) | y)
            found.frombytes(packed.tobytes())
    return found


def _not_in(pairs: array, others: array) -> array:
    """``pairs`` but those of two claims also paired in ``others`` (a pair that both rules
    find is a quote pair, as in the all-pairs method)."""
    np = signatures.numpy()
    mask = (1 << _SHIFT) - 1

    def keys(packed):  # noqa: ANN001, ANN202
        a, b = (packed >> _SHIFT) & mask, packed & mask
        return (np.minimum(a, b) << _SHIFT) | np.maximum(a, b)

    mine = np.frombuffer(pairs, dtype=np.int64)
    if not len(mine) or not len(others):
        return pairs
    kept = mine[~np.isin(keys(mine), keys(np.frombuffer(others, dtype=np.int64)))]
    return array("q", kept.tobytes())


def unpack_pairs(pairs: array) -> list[tuple[float, int, int]]:
    """Packed pairs back as ``(score, a, b)`` (for measuring; small desks only)."""
    mask = (1 << _SHIFT) - 1
    return [((_TOP - (p >> (2 * _SHIFT))) / _SCORE_SCALE, (p >> _SHIFT) & mask, p & mask)
            for p in pairs]


def _sorted_chunks(pairs: array):  # noqa: ANN202
    np = signatures.numpy()
    ordered = np.frombuffer(pairs, np.int64)  # sorted in place, repeats dropped
    ordered.sort()
    ordered = ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
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
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS across_new "
                 "(claim_id TEXT PRIMARY KEY, group_id TEXT, how TEXT)")
    conn.execute("DELETE FROM temp.across_new")
    conn.executemany("INSERT INTO temp.across_new VALUES (?, ?, ?)",
                     ((claims.ids[n], gid, how) for n, (gid, how) in assigned.items()))
    conn.execute("""DELETE FROM claim_groups WHERE how != 'editor'
                    AND claim_id NOT IN (SELECT claim_id FROM temp.across_new)""")
    conn.execute("""INSERT OR REPLACE INTO claim_groups
                    (claim_id, group_id, how, confirmed_at, editor, updated_at)
                    SELECT n.claim_id, n.group_id, n.how, NULL, ?, ? FROM temp.across_new n
                    LEFT JOIN claim_groups g ON g.claim_id = n.claim_id
                    WHERE g.claim_id IS NULL OR g.group_id != n.group_id OR g.how != n.how""",
                 [desk.editor or "", now_iso()])
    conn.execute("DELETE FROM temp.across_new")
