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
    pairs.extend(figure_pairs(desk, claims, cancelled))
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
        with desk.writing():
            conn.executemany(INSERT_KEYS, [(first + i, *k, array("q", b).tobytes())
                                           for i, (k, b) in enumerate(zip(keys, bands))])
            conn.executemany("INSERT OR IGNORE INTO claim_bands (n, band) VALUES (?, ?)",
                             [(first + i, band) for i, b in enumerate(bands) for band in b])
        if progress:
            progress(len(claims), total, "indexing quotes")
    with desk.writing():
        conn.execute("CREATE INDEX IF NOT EXISTS idx_claim_bands_band ON claim_bands (band, n)")
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
    claims sharing a band or a prefix key (packed, see :func:`_pack`; a pair may come more
    than once). MinHash bands shared by more than :data:`BAND_CAP` claims are boilerplate
    and skipped; within a bucket, quotes are compared (in rapidfuzz, a block at a time)
    only with those of a length a ratio of 85 allows, at most :data:`LENGTH_WINDOW` of them."""
    np = signatures.numpy()
    found = _Pairs("q")
    if np is None:
        return _quote_pairs_plain(desk, claims)
    lengths = np.fromiter((len(t) for t in claims.masked), dtype=np.int64,
                          count=len(claims.masked))
    article = np.frombuffer(claims.article, dtype=np.int32)
    rank = np.frombuffer(claims.rank, dtype=np.int32)
    members: list[int] = []
    current = None
    buckets = 0
    for band, n in desk.conn.execute("SELECT band, n FROM claim_bands ORDER BY band, n"):
        if band != current:
            if len(members) > 1 and (is_prefix_key(current) or len(members) <= BAND_CAP):
                _bucket_pairs(claims, np.array(members, dtype=np.int64), lengths, article,
                              rank, found)
                buckets += 1
                if buckets % 2000 == 0:
                    cancel_check(cancelled)
            members, current = [], band
        members.append(n)
    if len(members) > 1 and (is_prefix_key(current) or len(members) <= BAND_CAP):
        _bucket_pairs(claims, np.array(members, dtype=np.int64), lengths, article, rank, found)
    return found


_BLOCK = 256


def _quote_pairs_plain(desk: Desk, claims: _Claims) -> array:
    """:func:`quote_pairs` without numpy (the standalone build): the same buckets and
    comparisons, one quote at a time."""
    found = array("q")
    masked, article, rank = claims.masked, claims.article, claims.rank
    buckets: list[list[int]] = []
    members: list[int] = []
    current = None
    for band, n in desk.conn.execute("SELECT band, n FROM claim_bands ORDER BY band, n"):
        if band != current:
            if len(members) > 1 and (is_prefix_key(current) or len(members) <= BAND_CAP):
                buckets.append(members)
            members, current = [], band
        members.append(n)
    if len(members) > 1 and (is_prefix_key(current) or len(members) <= BAND_CAP):
        buckets.append(members)
    for bucket in buckets:
        bucket.sort(key=lambda n: len(masked[n]))
        for i, x in enumerate(bucket):
            text = masked[x]
            longest = len(text) / _MIN_SHARE
            window = [y for y in bucket[i + 1:i + 1 + _window(len(bucket))]
                      if len(masked[y]) <= longest]
            for _, score, j in process.extract(text, [masked[y] for y in window],
                                               scorer=fuzz.ratio, processor=None,
                                               score_cutoff=QUOTE_THRESHOLD, limit=None):
                y = window[j]
                if article[x] != article[y]:
                    found.append(_pack(score + 100.0, x, y) if rank[x] < rank[y]
                                 else _pack(score + 100.0, y, x))
    return found


def _window(size: int) -> int:
    """How many longer quotes each quote of a bucket of ``size`` is compared with: all a
    ratio of 85 allows up to :data:`LENGTH_WINDOW`; in a bucket of boilerplate (over
    :data:`BAND_CAP` claims begin the same way) its :data:`BOILERPLATE_WINDOW` nearest in
    length, enough to join them and no more (all of them would be pairs by the million)."""
    return LENGTH_WINDOW if size <= BAND_CAP else BOILERPLATE_WINDOW


#: See :func:`_window`.
BOILERPLATE_WINDOW = 24
#: Packed pairs held before duplicates (found through several bands) are dropped.
_COMPACT_AT = 4_000_000


class _Pairs(array):
    """Packed pairs, with the size at which repeated ones are next dropped."""

    compact_at = _COMPACT_AT


def _compact(found: array) -> None:
    """Drop repeated pairs from ``found`` (in place) when it has doubled since the last
    time (so that the pairs are sorted a few times in all, not once per bucket)."""
    np = signatures.numpy()
    limit = getattr(found, "compact_at", _COMPACT_AT)
    if np is not None and len(found) > limit:
        unique = np.unique(np.frombuffer(found, dtype=np.int64))
        del found[:]
        found.frombytes(unique.tobytes())
        if isinstance(found, _Pairs):
            found.compact_at = max(_COMPACT_AT, 2 * len(found))


def _bucket_pairs(claims: _Claims, members, lengths, article, rank, found: array) -> None:  # noqa: ANN001
    np = signatures.numpy()
    window = _window(len(members))
    block = _BLOCK if window == LENGTH_WINDOW else BOILERPLATE_WINDOW

    order = np.argsort(lengths[members], kind="stable")
    members = members[order]
    sizes = lengths[members]
    texts = [claims.masked[n] for n in members.tolist()]
    total = len(texts)
    for start in range(0, total, block):
        stop = min(start + block, total)
        reach = int(np.searchsorted(sizes, sizes[stop - 1] / _MIN_SHARE, side="right"))
        end = min(reach, stop + window)
        scores = process.cdist(texts[start:stop], texts[start:end], scorer=fuzz.ratio,
                               processor=None, score_cutoff=QUOTE_THRESHOLD, dtype=np.float32)
        rows, cols = np.nonzero(scores)
        keep = cols > rows  # each pair once, never a quote with itself
        rows, cols = rows[keep], cols[keep]
        if not len(rows):
            continue
        a, b = members[start + rows], members[start + cols]
        different = article[a] != article[b]
        a, b = a[different], b[different]
        values = scores[rows[different], cols[different]].astype(np.float64) + 100.0
        first = rank[a] < rank[b]
        x, y = np.where(first, a, b), np.where(first, b, a)
        packed = (((_TOP - np.rint(values * _SCORE_SCALE).astype(np.int64)) << (2 * _SHIFT))
                  | (x << _SHIFT) | y)
        found.frombytes(packed.astype(np.int64).tobytes())
    _compact(found)


def figure_pairs(desk: Desk, claims: _Claims, cancelled: Cancelled | None = None) -> array:
    """Pairs of claims by the figure rule: the same source's figures of one unit and kind
    within a factor of two, in similar words; each claim with its
    :data:`FIGURE_NEIGHBOURS` next larger figures (packed, see :func:`_pack`)."""
    found = array("q")
    bucket: list[int] = []
    key = None
    for n, source, unit in desk.conn.execute(
            "SELECT n, source_key, unit FROM claim_keys WHERE lo IS NOT NULL AND value > 0 "
            "AND source_key != '' ORDER BY source_key, unit, value"):
        if (source, unit) != key:
            _figure_bucket(claims, bucket, found)
            bucket, key = [], (source, unit)
            cancel_check(cancelled)
        bucket.append(n)
    _figure_bucket(claims, bucket, found)
    return found


def _figure_bucket(claims: _Claims, members: list[int], found: array) -> None:
    """The figure pairs of one source and unit: within each counted kind (claims of an
    unsaid kind with every kind), each claim with its next larger figures."""
    by_kind: dict[str | None, list[int]] = {}
    for n in members:
        by_kind.setdefault(claims.kind[n], []).append(n)
    unsaid = by_kind.pop(None, [])
    for kind, own in by_kind.items():
        _figure_run(claims, own + unsaid, found, skip_unsaid_pairs=True)
    _figure_run(claims, unsaid, found, skip_unsaid_pairs=False)


def _figure_run(claims: _Claims, members: list[int], found: array, *,
                skip_unsaid_pairs: bool) -> None:
    value, article, kind, rank, masked = (claims.value, claims.article, claims.kind,
                                          claims.rank, claims.masked)
    members.sort(key=lambda n: (value[n], rank[n]))
    values = [value[n] for n in members]
    for i, a in enumerate(members):
        stop = bisect.bisect_right(values, values[i] * MAGNITUDE_RATIO, lo=i + 1)
        near = [b for b in members[i + 1:stop] if article[a] != article[b] and not (
            skip_unsaid_pairs and kind[a] is None and kind[b] is None)][:FIGURE_NEIGHBOURS]
        if not near:
            continue
        for _, score, j in process.extract(masked[a], [masked[b] for b in near],
                                           scorer=fuzz.token_sort_ratio, processor=None,
                                           score_cutoff=TOPIC_THRESHOLD, limit=None):
            found.append(_pack(score, a, near[j]))


def unpack_pairs(pairs: array) -> list[tuple[float, int, int]]:
    """Packed pairs back as ``(score, a, b)`` (for measuring; small desks only)."""
    mask = (1 << _SHIFT) - 1
    return [((_TOP - (p >> (2 * _SHIFT))) / _SCORE_SCALE, (p >> _SHIFT) & mask, p & mask)
            for p in pairs]


def _sorted_chunks(pairs: array):  # noqa: ANN202
    np = signatures.numpy()
    ordered = sorted(set(pairs)) if np is None else np.unique(np.frombuffer(pairs, np.int64))
    for start in range(0, len(ordered), 100_000):
        chunk = ordered[start:start + 100_000]
        yield chunk if np is None else chunk.tolist()


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
    for chunk in _sorted_chunks(pairs):
        for packed in chunk:
            a, b = (packed >> _SHIFT) & mask, packed & mask
            ra, rb = root(a), root(b)
            if ra == rb:
                continue
            ga, gb = anchor.get(ra), anchor.get(rb)
            if ga is not None and gb is not None:
                continue
            if (ra, rb) != (a, b) and not claims.same(ra, rb):
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
    counts = Counter(root(n) for n in range(1, size) if parent[n] != n)
    components: dict[int, list[int]] = {}
    for n in range(1, size):
        top = root(n)
        if top in counts:
            components.setdefault(top, []).append(n)
    return _name_components(components, anchor, held, how_of, previous)


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
