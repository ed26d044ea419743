"""Stored figure disagreements: worked out when claims change, read by the views and exports.

``figure_disagreements`` holds every pair of live claims whose figures disagree (the rules
of :mod:`desk.across.disagreement`), in the order they are listed: the pairs within groups
first, then those of the same source. :func:`rebuild_disagreements` fills it for the whole
desk one group and one source at a time; :func:`refresh_disagreements` redoes the pairs of
a few changed claims; :func:`stored_pairs` and :func:`stored_conflicts` read it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator

from rapidfuzz import fuzz, process

from desk.across.disagreement import (
    SOURCE_NEIGHBOURS,
    Disagreement,
    SOURCE_TOPIC_THRESHOLD,
    _Memo,
    _Row,
    _length_window,
    _source_pairs,
)
from desk.across.grouping import _claims_by_id, masked_quote, outlet_of
from desk.across.intervals import Interval, interval_of, same_kind
from desk.text.figures import Figure

#: ``desk_meta`` key: ``built`` once the index covers the desk (see :mod:`desk.across.rebuild`).
META_KEY = "across_index"


def is_built(conn: sqlite3.Connection) -> bool:
    """Whether the index has been built for this desk (else a rebuild first)."""
    try:
        row = conn.execute("SELECT value FROM desk_meta WHERE key = ?", [META_KEY]).fetchone()
    except sqlite3.OperationalError:
        return False
    return bool(row and row[0] == "built")


def pending_count(conn: sqlite3.Connection) -> int:
    """How many claims changed since the index last saw them."""
    try:
        return conn.execute("SELECT count(*) FROM across_pending").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def is_current(conn: sqlite3.Connection) -> bool:
    """Whether the stored groups and disagreements are up to date with every claim."""
    return is_built(conn) and pending_count(conn) == 0


_ROW_COLUMNS = """c.id, c.article_id, c.quote, c.source, c.figure, c.figure_unit, g.group_id,
                  c.figure_value, c.figure_qualifier"""
INSERT_PAIR = "INSERT INTO figure_disagreements (a, b, why, group_id) VALUES (?, ?, ?, ?)"


class _SameGroup:
    """``(a, b) in grouped``: whether two claims are in one group (as the set of grouped
    pairs :func:`desk.across.disagreement._source_pairs` expects, without building it)."""

    def __init__(self, group_of: dict[str, str | None]) -> None:
        self.group_of = group_of

    def __bool__(self) -> bool:
        return True

    def __contains__(self, key: tuple[str, str]) -> bool:
        first = self.group_of.get(key[0])
        return first is not None and first == self.group_of.get(key[1])


def _interval(row: _Row) -> Interval | None:
    return interval_of(row.figure, Figure(row.value, row.unit, row.qualifier))


def rebuild_disagreements(conn: sqlite3.Connection) -> int:
    """Work out and store every disagreement of the desk; returns how many."""
    conn.execute("DELETE FROM figure_disagreements")
    count = 0
    batch: list[tuple[str, str, str, str | None]] = []
    for members in _runs(conn.execute(
            f"SELECT {_ROW_COLUMNS} FROM claim_groups g JOIN claims c ON c.id = g.claim_id "
            "WHERE c.deleted_at IS NULL AND c.figure_value IS NOT NULL "
            "ORDER BY g.group_id, c.rowid"), key=lambda raw: raw[6]):
        rows = [(r, i) for r in members if (i := _interval(r)) is not None]
        for x, (a, ia) in enumerate(rows):
            for b, ib in rows[x + 1:]:
                if a.unit == b.unit and not ia.meets(ib):
                    batch.append((a.id, b.id, "group", a.group_id))
        count += _flush(conn, batch)
    masked = _Memo(masked_quote)
    for members in _runs(conn.execute(
            f"SELECT {_ROW_COLUMNS}, k.source_key FROM claim_keys k "
            "JOIN claims c ON c.id = k.claim_id LEFT JOIN claim_groups g ON g.claim_id = c.id "
            "WHERE k.lo IS NOT NULL AND k.source_key != '' AND trim(c.source) != '' "
            "ORDER BY k.source_key, k.unit, c.rowid"), key=lambda raw: (raw[9], raw[5])):
        if len(members) < 2:
            continue
        intervals = {r.id: _interval(r) for r in members}
        members = [r for r in members if intervals[r.id] is not None]
        found: list = []
        _source_pairs(members, masked, intervals,
                      _SameGroup({r.id: r.group_id for r in members}), found)  # type: ignore[arg-type]
        batch.extend((a.id, b.id, "source", None) for a, b, *_ in found)
        count += _flush(conn, batch)
        if len(masked) > 200_000:
            masked.clear()
    return count


def _runs(rows: Iterable[tuple], key: Callable[[tuple], object]) -> Iterator[list[_Row]]:
    """Consecutive rows with the same ``key(row)``, read as :class:`_Row`."""
    current: list = []
    current_key = object()
    for raw in rows:
        row = _Row(*raw[:9])
        k = key(raw)
        if k != current_key:
            if current:
                yield current
            current, current_key = [], k
        current.append(row)
    if current:
        yield current


def _flush(conn: sqlite3.Connection, batch: list) -> int:
    conn.executemany(INSERT_PAIR, batch)
    count = len(batch)
    batch.clear()
    return count


def refresh_disagreements(conn: sqlite3.Connection, claim_ids: Iterable[str],
                          regrouped: Iterable[str] = ()) -> None:
    """Redo the stored disagreements of these claims (and of those whose group changed).

    A pair that is still there keeps its row (and its place in the list); only the pairs
    that went are deleted and the new ones written."""
    ids = set(claim_ids) | set(regrouped)
    stored: dict[int, tuple[tuple[str, str], str, str | None]] = {}
    for claim_id in ids:
        for row_id, a, b, why, group_id in conn.execute(
                "SELECT id, a, b, why, group_id FROM figure_disagreements WHERE a = ? "
                "UNION ALL SELECT id, a, b, why, group_id FROM figure_disagreements WHERE b = ?",
                [claim_id, claim_id]):
            stored[row_id] = (_unordered(a, b), why, group_id)
    first = {value: row_id for row_id, value in sorted(stored.items(), reverse=True)}
    kept: set[int] = set()
    done: set[tuple[str, str]] = set()
    batch: list[tuple[str, str, str, str | None]] = []
    for claim_id in sorted(ids):
        row = conn.execute(f"SELECT {_ROW_COLUMNS} FROM claims c LEFT JOIN claim_groups g "
                           "ON g.claim_id = c.id WHERE c.id = ? AND c.deleted_at IS NULL "
                           "AND c.figure_value IS NOT NULL", [claim_id]).fetchone()
        if row is None:
            continue
        for pair in _pairs_of(conn, _Row(*row)):
            key = _unordered(pair[0], pair[1])
            if key not in done:
                done.add(key)
                same = first.pop((key, pair[2], pair[3]), None)
                if same is None:
                    batch.append(pair)
                else:
                    kept.add(same)
    conn.executemany("DELETE FROM figure_disagreements WHERE id = ?",
                     [(row_id,) for row_id in stored if row_id not in kept])
    _flush(conn, batch)


def _unordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _pairs_of(conn: sqlite3.Connection, me: _Row) -> list[tuple[str, str, str, str | None]]:
    """One claim's disagreements: with the claims of its group, then with the claims of its
    source (unit, kind) that say much the same (its :data:`SOURCE_NEIGHBOURS` closest)."""
    mine = _interval(me)
    if mine is None:
        return []
    pairs = []
    if me.group_id is not None:
        for raw in conn.execute(
                f"SELECT {_ROW_COLUMNS} FROM claim_groups g JOIN claims c ON c.id = g.claim_id "
                "WHERE g.group_id = ? AND c.id != ? AND c.deleted_at IS NULL "
                "AND c.figure_value IS NOT NULL ORDER BY c.rowid", [me.group_id, me.id]):
            other = _Row(*raw)
            theirs = _interval(other)
            if theirs is not None and other.unit == me.unit and not mine.meets(theirs):
                pairs.append((me.id, other.id, "group", me.group_id))
    keys = conn.execute("SELECT source_key, masked, kind FROM claim_keys WHERE claim_id = ?",
                        [me.id]).fetchone()
    if keys is None or not keys[0] or not me.source.strip():
        return pairs
    # its most similarly worded claims of the source (as the rebuild's neighbours), then
    # those of them whose figures disagree; only quotes of a length that can be similar
    # enough are read (the covering index holds the masked quotes)
    shortest, longest = _length_window(len(keys[1]))
    kind_matches = _Memo(lambda kind: same_kind(keys[2], kind))  # type: ignore[arg-type]
    rows = [row for row in conn.execute(
        "SELECT claim_id, masked, kind FROM claim_keys WHERE source_key = ? AND unit IS ? "
        "AND lo IS NOT NULL AND claim_id != ? AND article_id != ? "
        "AND length(masked) BETWEEN ? AND ?",
        [keys[0], me.unit, me.id, me.article_id, shortest, longest])
        if kind_matches[row[2]]]
    near = [rows[i][0] for _, _, i in process.extract(
        keys[1], [row[1] for row in rows], scorer=fuzz.ratio, processor=None,
        score_cutoff=SOURCE_TOPIC_THRESHOLD, limit=SOURCE_NEIGHBOURS)]
    ends = {row[0]: Interval(row[1], row[2], bool(row[3]), bool(row[4])) for row in conn.execute(
        f"SELECT claim_id, lo, hi, lo_open, hi_open FROM claim_keys WHERE claim_id IN "
        f"({', '.join('?' * len(near))})", near)} if near else {}
    disagreeing = [other for other in near if not mine.meets(ends[other])]
    if disagreeing and me.group_id is not None:
        grouped = {row[0] for row in conn.execute(
            f"SELECT claim_id FROM claim_groups WHERE group_id = ? AND claim_id IN "
            f"({', '.join('?' * len(disagreeing))})", [me.group_id, *disagreeing])}
        disagreeing = [other for other in disagreeing if other not in grouped]
    pairs.extend((me.id, other, "source", None) for other in disagreeing)
    return pairs


# -- reading ----------------------------------------------------------------------------------

def stored_pairs(conn: sqlite3.Connection, where: str = "1", params: Iterable = (),
                 limit: int | None = None, offset: int = 0,
                 ) -> list[tuple[str, str, str, str | None]]:
    """Stored disagreeing pairs ``(claim_a, claim_b, why, group_id)`` in listing order."""
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    return conn.execute(f"SELECT a, b, why, group_id FROM figure_disagreements WHERE {where} "
                        f"ORDER BY id{page}", list(params)).fetchall()


def stored_disagreement_pages(desk, size: int) -> Iterator[list[Disagreement]]:  # noqa: ANN001
    """Every stored disagreement, ``size`` at a time (keyset paging)."""
    last = 0
    while True:
        rows = desk.conn.execute("SELECT id FROM figure_disagreements WHERE id > ? ORDER BY id "
                                 "LIMIT ?", [last, size]).fetchall()
        if not rows:
            return
        yield _disagreements(desk, stored_pairs(desk.conn, "id BETWEEN ? AND ?",
                                                [rows[0][0], rows[-1][0]]))
        last = rows[-1][0]


def stored_disagreements(desk, limit: int | None = None, offset: int = 0,  # noqa: ANN001
                         ) -> list[Disagreement]:
    """The stored disagreements as :class:`Disagreement` (a page of them, with ``limit``)."""
    return _disagreements(desk, stored_pairs(desk.conn, limit=limit, offset=offset))


def _disagreements(desk, pairs: list[tuple[str, str, str, str | None]]  # noqa: ANN001
                   ) -> list[Disagreement]:
    if not pairs:
        return []
    claims = {c.id: c for c in _claims_by_id(desk, sorted({p[0] for p in pairs}
                                                          | {p[1] for p in pairs}))}
    articles = sorted({c.article_id for c in claims.values()})
    outlets = {}
    for start in range(0, len(articles), 500):
        chunk = articles[start:start + 500]
        outlets.update((row[0], outlet_of(row[1], row[2], row[3])) for row in desk.conn.execute(
            f"SELECT id, url, byline, source_file FROM articles WHERE id IN "
            f"({', '.join('?' * len(chunk))})", chunk))
    found = []
    for id_a, id_b, why, group_id in pairs:
        a, b = claims.get(id_a), claims.get(id_b)
        if a is None or b is None:
            continue
        ia = interval_of(a.figure, Figure(a.figure_value, a.figure_unit, a.figure_qualifier))
        ib = interval_of(b.figure, Figure(b.figure_value, b.figure_unit, b.figure_qualifier))
        if ia is None or ib is None:
            continue
        found.append(Disagreement(a, b, outlets.get(a.article_id, ""),
                                  outlets.get(b.article_id, ""), ia, ib, why, group_id))
    return found


def stored_conflicts(conn: sqlite3.Connection, claim_ids: list[str] | None = None,
                     ) -> dict[str, str]:
    """The CSV's ``figure_conflict`` cells from the stored pairs (as
    :func:`desk.across.disagreement.conflicts_by_claim`); of these claims only, if given."""
    outlets = {row[0]: outlet_of(row[1], row[2], row[3]) for row in conn.execute(
        "SELECT id, url, byline, source_file FROM articles")}
    if claim_ids is None:  # the whole desk: one pass over the claims, none per pair
        labels = {claim_id: f"{figure} ({outlets.get(article_id, '')})"
                  for claim_id, figure, article_id in conn.execute(
                      "SELECT id, figure, article_id FROM claims "
                      "WHERE deleted_at IS NULL AND figure_value IS NOT NULL")}
        pairs: Iterable[tuple] = conn.execute("SELECT a, b FROM figure_disagreements ORDER BY id")
    else:
        wanted = set(claim_ids)
        found: set[tuple] = set()
        for start in range(0, len(claim_ids), 400):
            chunk = claim_ids[start:start + 400]
            marks = ", ".join("?" * len(chunk))
            found.update(conn.execute(f"SELECT id, a, b FROM figure_disagreements "
                                      f"WHERE a IN ({marks}) OR b IN ({marks})", chunk + chunk))
        pairs = [(a, b) for _, a, b in sorted(found)]
        members = sorted({x for pair in pairs for x in pair})
        labels = {}
        for start in range(0, len(members), 400):
            chunk = members[start:start + 400]
            labels.update((claim_id, f"{figure} ({outlets.get(article_id, '')})")
                          for claim_id, figure, article_id in conn.execute(
                              f"SELECT id, figure, article_id FROM claims WHERE id IN "
                              f"({', '.join('?' * len(chunk))})", chunk))
    entries: dict[str, dict[str, None]] = {}
    for id_a, id_b in pairs:
        label_a, label_b = labels.get(id_a), labels.get(id_b)
        if label_a is None or label_b is None:
            continue
        entries.setdefault(id_a, {})[label_b] = None
        entries.setdefault(id_b, {})[label_a] = None
    if claim_ids is not None:
        entries = {k: v for k, v in entries.items() if k in wanted}
    return {claim_id: "; ".join(texts) for claim_id, texts in entries.items()}
