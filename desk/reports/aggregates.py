"""The desk in numbers: SQL aggregates that the dashboard, the reports and the charts draw.

Every figure is a ``GROUP BY`` over the live claims, read from a covering index whose
leading columns are the groups (``idx_claims_by_day``, ``idx_claims_live_source``,
``idx_claims_live``, :func:`desk.store.schema_v4.report_indexes`), so that a desk of 100,000
claims is summed as it is read, without sorting and without reading a claim's text. Each call
takes :class:`Filters` (a date range on when claims were tagged, a tag, an outlet); figures
that disagree are read separately (:mod:`desk.across.views`), because finding them takes
seconds on a big desk.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desk.across.grouping import outlet_of
from desk.model import STATUSES
from desk.reports.palette import BACKLOG, VERDICTS

if TYPE_CHECKING:
    import sqlite3

    from desk.facade import Desk

#: How many bars the by-source, by-outlet and by-editor charts show.
TOP = 15
#: How many of the oldest waiting claims the backlog lists.
BACKLOG_ROWS = 20

Counts = dict[str, int]


@dataclass(frozen=True)
class Filters:
    """What the figures are about: claims tagged from ``date_from`` to ``date_to`` (ISO
    dates, both included; empty: no bound), with ``tag``, in articles of ``outlet``."""

    date_from: str = ""
    date_to: str = ""
    tag: str = ""
    outlet: str = ""

    def describe(self) -> str:
        """The filters in words ("all claims" when there are none)."""
        parts = []
        if self.date_from or self.date_to:
            parts.append(f"tagged {self.date_from or '…'} to {self.date_to or '…'}")
        if self.tag:
            parts.append(f"tag “{self.tag}”")
        if self.outlet:
            parts.append(f"outlet {self.outlet}")
        return ", ".join(parts) or "all claims"


@dataclass(frozen=True)
class BacklogItem:
    """A claim still waiting for a verdict."""

    claim_id: str
    article_id: str
    quote: str
    source: str
    status: str
    created_at: str


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, its counts by status, and the claims' filter key."""

    label: str
    counts: Counts

    @property
    def total(self) -> int:
        """Claims in the bar."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class DeskFigures:
    """Everything the dashboard and the desk report draw, for one set of filters."""

    filters: Filters
    totals: Counts
    weeks: list[Bar]
    sources: list[Bar]
    outlets: list[Bar]
    editors: list[Bar]
    backlog: list[BacklogItem]
    articles: int
    tags: list[str] = field(default_factory=list)
    all_outlets: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Live claims matching the filters."""
        return sum(self.totals.values())

    @property
    def waiting(self) -> int:
        """Claims unchecked or being checked."""
        return sum(self.totals.get(s, 0) for s in BACKLOG)


def outlets(conn: sqlite3.Connection) -> dict[str, str]:
    """article id -> outlet (the URL's host, else byline, else file name).

    The URLs come from the article list's covering index (no article text is read); only
    the articles without one are read for their byline and file name."""
    found, missing = {}, []
    for article_id, url in conn.execute(
            "SELECT id, url FROM articles INDEXED BY idx_articles_order" if _has_index(
                conn, "idx_articles_order") else "SELECT id, url FROM articles"):
        host = url.partition("://")[2].partition("/")[0].lower() if url else ""
        if host and host.isascii() and host.replace(".", "").replace("-", "").isalnum():
            found[article_id] = host[4:] if host.startswith("www.") else host
        else:
            missing.append(article_id)
    for i in range(0, len(missing), 500):
        chunk = missing[i:i + 500]
        for article_id, url, byline, source_file in conn.execute(
                "SELECT id, url, byline, source_file FROM articles WHERE id IN "
                f"({', '.join('?' * len(chunk))})", chunk):
            found[article_id] = outlet_of(url, byline, source_file)
    return found


def _has_index(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                        [name]).fetchone() is not None


def _claims(conn: sqlite3.Connection, index: str, filters: Filters) -> str:
    """``claims c``, read through the covering ``index`` when the desk has it: SQLite's
    planner prefers the narrower source or article index, which then reads every claim's row
    (10× slower). Not with a tag filter, where the tag's claim ids are the better path."""
    if filters.tag or not _has_index(conn, index):
        return "claims c"
    return f"claims c INDEXED BY {index}"


def _where(filters: Filters, outlet_map: dict[str, str]) -> tuple[str, list[Any]]:
    """The WHERE clause (on table alias ``c``) and its parameters for ``filters``. The date
    range is on ``substr(created_at, 1, 10)``, the expression ``idx_claims_by_day`` holds."""
    clauses = ["c.deleted_at IS NULL"]
    params: list[Any] = []
    if filters.date_from:
        clauses.append("substr(c.created_at, 1, 10) >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        clauses.append("substr(c.created_at, 1, 10) <= ?")
        params.append(filters.date_to)
    if filters.tag:
        clauses.append("c.id IN (SELECT ct.claims_id FROM claims_tags ct JOIN tags t "
                       "ON t.id = ct.tags_id WHERE t.name = ? AND ct.deleted_at IS NULL)")
        params.append(filters.tag)
    if filters.outlet:
        ids = [a for a, o in outlet_map.items() if o == filters.outlet]
        clauses.append("c.article_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(ids))
    return " AND ".join(clauses), params


def _bars(rows: Any, top: int | None = None) -> list[Bar]:
    """(label, status, count) rows -> bars, biggest first (at most ``top``)."""
    counts: dict[str, Counts] = defaultdict(dict)
    for label, status, count in rows:
        bucket = counts[label or "(none)"]
        bucket[status] = bucket.get(status, 0) + count
    bars = [Bar(label, c) for label, c in counts.items()]
    bars.sort(key=lambda b: (-b.total, b.label))
    return bars[:top] if top else bars


def _week(day: str) -> str:
    """The Monday of an ISO date's week."""
    import datetime

    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        return day
    return (date - datetime.timedelta(days=date.weekday())).isoformat()


# -- the parts of the figures: each one scan of an index ordered as its GROUP BY ----------
#
# SQLite groups by sorting, unless an index gives the rows in the group's order: then it
# counts as it reads (a 100,000-claim desk: ~25 ms a scan instead of ~80). So each part
# reads the index whose leading columns are its groups (schema_v4.report_indexes).

def _outlet_map(conn: sqlite3.Connection, filters: Filters) -> dict[str, str]:
    return outlets(conn) if filters.outlet else {}


def by_day(conn: sqlite3.Connection, filters: Filters) -> dict[str, Any]:
    """Totals by status, claims per week (stacked by status) and verdicts per editor: one
    scan of ``idx_claims_by_day`` (day, editor, status)."""
    where, params = _where(filters, _outlet_map(conn, filters))
    cube = conn.execute(
        "SELECT substr(c.created_at, 1, 10), c.editor, c.status, count(*) FROM "
        f"{_claims(conn, 'idx_claims_by_day', filters)} WHERE {where} "
        "GROUP BY substr(c.created_at, 1, 10), c.editor, c.status", params).fetchall()
    totals = {status: 0 for status in STATUSES}
    for _day, _editor, status, count in cube:
        totals[status] += count
    weeks = sorted(_bars((_week(day), s, n) for day, _ed, s, n in cube), key=lambda b: b.label)
    editors = _bars(((ed or "(no name)", s, n) for _d, ed, s, n in cube if s in VERDICTS), TOP)
    return {"totals": totals, "weeks": weeks, "editors": editors,
            "backlog": backlog(conn, filters, where, params), "tags": tag_names(conn)}


def by_source(conn: sqlite3.Connection, filters: Filters) -> dict[str, Any]:
    """The top sources, stacked by status: one scan of ``idx_claims_live_source``."""
    where, params = _where(filters, _outlet_map(conn, filters))
    rows = conn.execute(
        "SELECT c.source, c.status, count(*) FROM "
        f"{_claims(conn, 'idx_claims_live_source', filters)}"
        f" WHERE {where} GROUP BY c.source, c.status", params)
    return {"sources": _bars(rows, TOP)}


#: Bits per status in :func:`_packed_counts`' sums (three statuses to a 63-bit integer).
_BITS = 21


def _packed_counts(column: str) -> str:
    """SQL for a group's counts by status in two integers, three statuses to each in
    :data:`_BITS`-bit fields: one row per article instead of one per (article, status),
    which halves the outlet count on a big desk (the rows, not the scan, were its cost)."""
    sums = []
    for first in (0, 3):
        cases = " ".join(f"WHEN '{status}' THEN {1 << (_BITS * i)}"
                         for i, status in enumerate(STATUSES[first:first + 3]))
        sums.append(f"sum(CASE {column} {cases} ELSE 0 END)")
    return ", ".join(sums)


def _unpack(low: int, high: int) -> Counts:
    mask = (1 << _BITS) - 1
    counts = {}
    for i, status in enumerate(STATUSES):
        count = ((low if i < 3 else high) >> (_BITS * (i % 3))) & mask
        if count:
            counts[status] = count
    return counts


def by_outlet(conn: sqlite3.Connection, filters: Filters) -> dict[str, Any]:
    """The top outlets, stacked by status, the number of articles with claims and every
    outlet (for the filter box): one scan of ``idx_claims_live``."""
    outlet_map = outlets(conn)
    where, params = _where(filters, outlet_map)
    claims = _claims(conn, "idx_claims_live", filters)
    rows = conn.execute(f"SELECT c.article_id, count(*), {_packed_counts('c.status')} "
                        f"FROM {claims} WHERE {where} GROUP BY c.article_id", params).fetchall()
    if rows and max(row[1] for row in rows) >> _BITS:  # 2 million claims in one article
        triples = conn.execute(f"SELECT c.article_id, c.status, count(*) FROM {claims} "
                               f"WHERE {where} GROUP BY c.article_id, c.status", params)
    else:
        triples = ((a, status, n) for a, _total, low, high in rows
                   for status, n in _unpack(low, high).items())
    return {"outlets": _bars(((outlet_map.get(a, "unknown outlet"), s, n)
                              for a, s, n in triples), TOP),
            "articles": len(rows),
            "all_outlets": sorted(set(outlet_map.values()))}


#: The parts of :class:`DeskFigures`, each read on its own (the dashboard runs them side by
#: side on their own connections and draws each chart as its numbers come). The longest first.
PARTS = {"outlets": by_outlet, "days": by_day, "sources": by_source}


def backlog(conn: sqlite3.Connection, filters: Filters, where: str,
            params: list[Any]) -> list[BacklogItem]:
    """The oldest claims waiting for a verdict (``idx_claims_waiting`` lists only them, in
    the order they were tagged)."""
    waiting = ", ".join(f"'{s}'" for s in BACKLOG)
    source = "claims c" if filters.tag or not _has_index(conn, "idx_claims_waiting") else \
        "claims c INDEXED BY idx_claims_waiting"
    return [BacklogItem(*row) for row in conn.execute(
        f"SELECT c.id, c.article_id, c.quote, c.source, c.status, c.created_at FROM {source} "
        f"WHERE {where} AND c.status IN ({waiting}) ORDER BY c.created_at, c.rowid "
        f"LIMIT {BACKLOG_ROWS}", params)]


def tag_names(conn: sqlite3.Connection) -> list[str]:
    """The tags of live claims, by name."""
    return [row[0] for row in conn.execute(
        "SELECT name FROM tags WHERE id IN (SELECT tags_id FROM claims_tags "
        "WHERE deleted_at IS NULL) ORDER BY name")]


def figures_from(filters: Filters, parts: dict[str, Any]) -> DeskFigures:
    """The figures from the fields every part of :data:`PARTS` returned."""
    return DeskFigures(filters=filters, **parts)


def desk_figures(desk: Desk, filters: Filters | None = None) -> DeskFigures:
    """Sum the desk's live claims for the dashboard and the desk report (reads only; on a
    desk of 100,000 claims three index scans, each counting as it reads, and the backlog's
    first rows)."""
    filters = filters or Filters()
    fields: dict[str, Any] = {}
    for part in PARTS.values():
        fields.update(part(desk.conn, filters))
    return figures_from(filters, fields)


def claim_ids_for(desk: Desk, filters: Filters, *, chart: str = "", label: str = "",
                  status: str = "") -> list[str]:
    """The ids of the live claims behind one bar (``chart`` is ``weeks``, ``sources``,
    ``outlets``, ``editors`` or ``backlog``; ``label`` the bar; ``status`` one segment),
    oldest first: what the window shows in its claims table when a bar is clicked."""
    outlet_map = outlets(desk.conn) if filters.outlet or chart == "outlets" else {}
    where, params = _where(filters, outlet_map)
    if chart == "weeks":
        where += " AND c.created_at >= ? AND c.created_at < date(?, '+7 days')"
        params += [label, label]
    elif chart == "sources":
        where += " AND c.source = ?"
        params.append("" if label == "(none)" else label)
    elif chart == "outlets":
        ids = [a for a, o in outlet_map.items() if o == label]
        where += " AND c.article_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(ids))
    elif chart == "editors":
        where += (" AND coalesce(nullif(c.editor, ''), "
                  f"'(no name)') = ? AND c.status IN ({', '.join(repr(s) for s in VERDICTS)})")
        params.append(label)
    elif chart == "backlog":
        where += f" AND c.status IN ({', '.join(repr(s) for s in BACKLOG)})"
    if status:
        where += " AND c.status = ?"
        params.append(status)
    return [row[0] for row in desk.conn.execute(
        f"SELECT c.id FROM claims c WHERE {where} ORDER BY c.created_at, c.rowid", params)]
