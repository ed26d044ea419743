"""Stored summaries of the claim groups: Across the Desk's first page as an index read.

``across_groups`` holds one row per group of live claims: how many claims and articles, the
first appearance (date and outlet), whether it is confirmed and how it was grouped, and the
figures and sources its top row shows. Triggers (:func:`desk.store.schema_v4.
across_group_summaries`) mark in ``across_groups_dirty`` every group a write may have
changed, whatever wrote it (the index's refresh, a rebuild, an editor's split or merge, a
merge of desks, a sync, an undo): a write pays only for the mark. The readers redo the
marked groups first (:func:`refresh_summaries`, on a writable desk); the rebuild does every
group in one pass (:func:`rebuild_summaries`). The readers list the groups in the order
of :func:`desk.across.grouping.groups` from the ``(n_articles DESC, first_date, group_id)``
index; a group's claims are read only when it is opened (:func:`desk.across.grouping.group`).

A read-only desk whose summaries are behind is read as before (the aggregate over every
grouped claim): the answers are the same, only slower.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from desk.across.grouping import ClaimGroup, groups_by_id, outlet_of
from desk.across.grouping import group_count as _aggregate_count
from desk.across.grouping import group_ids as _aggregate_ids

if TYPE_CHECKING:
    from desk.facade import Desk

#: ``desk_meta`` key: ``built`` once every group has its summary.
META_KEY = "across_groups"
#: More groups behind than this are redone in one pass over every grouped claim.
FULL_LIMIT = 500
#: A top row lists at most this many different figures (and sources), then "…".
SHOWN = 12

COLUMNS = ("group_id", "n_claims", "n_articles", "first_date", "first_outlet", "first_claim_id",
           "confirmed", "how", "figures", "sources")
_INSERT = (f"INSERT OR REPLACE INTO across_groups ({', '.join(COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(COLUMNS))})")
_MEMBERS = """SELECT g.group_id, g.claim_id, g.how, g.confirmed_at, c.article_id, c.start_char,
                     c.figure, c.source
              FROM claim_groups g JOIN claims c ON c.id = g.claim_id WHERE c.deleted_at IS NULL"""
# an article's outlet and date (read once per article, not once per claim: a row of
# ``articles`` holds its text before these columns)
_ARTICLES = """SELECT id, url, byline, source_file,
                      coalesce(nullif(published_at, ''), substr(imported_at, 1, 10))
               FROM articles"""
_ARTICLE = "article:"  # a dirty mark naming an article (whose date or address changed)
_ORDER = "ORDER BY n_articles DESC, first_date, group_id"


@dataclass(frozen=True)
class GroupSummary:
    """What a group's top row shows, without its claims (read them with
    :func:`desk.across.grouping.group`)."""

    id: str
    claim_count: int
    article_count: int
    first_date: str
    first_outlet: str
    first_claim_id: str
    confirmed: bool
    how: str
    figures: str
    sources: str

    def summary(self) -> str:
        """"seen in N articles, first on DATE by OUTLET" (as :meth:`ClaimGroup.summary`)."""
        when = f" on {self.first_date}" if self.first_date else ""
        return f"seen in {self.article_count} articles, first{when} by {self.first_outlet}"


def _shown(values: Iterable[str]) -> str:
    distinct = list(dict.fromkeys(v for v in values if v))
    return " / ".join(distinct[:SHOWN] + (["…"] if len(distinct) > SHOWN else []))


def _summarise(group_id: str, rows: list[tuple], articles: dict[str, tuple[str, str]],
               ) -> tuple | None:
    """One group's summary row from its live members (rows of :data:`_MEMBERS`; ``articles``
    gives each article's date and outlet), by the rules of
    :func:`desk.across.grouping._load_groups`; None when no member is left."""
    rows = [row for row in rows if row[4] in articles]
    if not rows:
        return None
    dates = {row[4]: articles[row[4]] for row in rows}
    order = sorted(dates, key=lambda art: (*dates[art], art))
    rank = {article: index for index, article in enumerate(order)}
    members = sorted(rows, key=lambda row: (rank[row[4]], row[5], row[1]))
    hows = {row[2] for row in rows}
    how = "editor" if "editor" in hows else ("quote" if "quote" in hows else "figure")
    first_date, first_outlet = dates[order[0]]
    return (group_id, len(rows), len(dates), first_date, first_outlet, members[0][1],
            int(all(row[3] for row in rows)), how, _shown(row[6] for row in members),
            _shown(row[7] for row in members))


def _articles(conn: sqlite3.Connection, ids: Iterable[str] | None = None,
              ) -> dict[str, tuple[str, str]]:
    """``{article id: (date, outlet)}`` of these articles (every article when None)."""
    def read(rows: Iterable[tuple]) -> Iterator[tuple[str, tuple[str, str]]]:
        for article, url, byline, source_file, date in rows:
            yield article, ((date or "")[:10], outlet_of(url, byline, source_file))

    if ids is None:
        return dict(read(conn.execute(_ARTICLES)))
    wanted = sorted(set(ids))
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(wanted), 400):
        chunk = wanted[start:start + 400]
        found.update(read(conn.execute(f"{_ARTICLES} WHERE id IN ({', '.join('?' * len(chunk))})",
                                       chunk)))
    return found


def _summaries(rows: Iterable[tuple], articles: dict[str, tuple[str, str]]) -> Iterator[tuple]:
    """Summary rows of member rows ordered by group."""
    for group_id, members in groupby(rows, key=lambda row: row[0]):
        found = _summarise(group_id, list(members), articles)
        if found is not None:
            yield found


def summaries_of(conn: sqlite3.Connection, ids: list[str]) -> dict[str, tuple]:
    """The summary rows of these groups, worked out from their claims (groups with no live
    claim left out)."""
    found: dict[str, tuple] = {}
    for start in range(0, len(ids), 400):
        chunk = ids[start:start + 400]
        rows = conn.execute(f"{_MEMBERS} AND g.group_id IN ({', '.join('?' * len(chunk))}) "
                            "ORDER BY g.group_id", chunk).fetchall()
        articles = _articles(conn, (row[4] for row in rows))
        found.update((row[0], row) for row in _summaries(rows, articles))
    return found


# -- keeping them -----------------------------------------------------------------------------

def has_table(conn: sqlite3.Connection) -> bool:
    """Whether this desk has the summary tables (desks of format 4 made before them don't)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                        "AND name = 'across_groups_dirty'").fetchone() is not None


def is_summarised(conn: sqlite3.Connection) -> bool:
    """Whether every group's stored summary is up to date."""
    if not has_table(conn):
        return False
    if conn.execute("SELECT 1 FROM across_groups_dirty LIMIT 1").fetchone() is not None:
        return False
    built = conn.execute("SELECT value FROM desk_meta WHERE key = ?", [META_KEY]).fetchone()
    return bool(built and built[0] == "built") or _nothing_grouped(conn)


def _nothing_grouped(conn: sqlite3.Connection) -> bool:
    """A desk without groups (a new one) has every summary: none."""
    return conn.execute("SELECT 1 FROM claim_groups LIMIT 1").fetchone() is None \
        and conn.execute("SELECT 1 FROM across_groups LIMIT 1").fetchone() is None


def rebuild_summaries(conn: sqlite3.Connection) -> int:
    """Work out every group's summary in one pass over the grouped claims (in the caller's
    write transaction); returns how many groups."""
    _ensure_tables(conn)
    conn.execute("DELETE FROM across_groups")
    count = 0
    batch: list[tuple] = []
    for row in _summaries(conn.execute(f"{_MEMBERS} ORDER BY g.group_id"), _articles(conn)):
        batch.append(row)
        if len(batch) >= 2_000:
            count += _write(conn, batch)
    count += _write(conn, batch)
    conn.execute("DELETE FROM across_groups_dirty")
    conn.execute("INSERT OR REPLACE INTO desk_meta (key, value) VALUES (?, 'built')", [META_KEY])
    return count


def refresh_summaries(conn: sqlite3.Connection) -> int:
    """Redo the summaries of the groups marked behind (every group, the first time or when
    many are); in the caller's write transaction. Returns how many groups were redone."""
    if not has_table(conn):
        return rebuild_summaries(conn)
    built = conn.execute("SELECT value FROM desk_meta WHERE key = ?", [META_KEY]).fetchone()
    ids = [row[0] for row in conn.execute(
        f"SELECT group_id FROM across_groups_dirty LIMIT {FULL_LIMIT + 1}")]
    if not (built and built[0] == "built" or _nothing_grouped(conn)) or len(ids) > FULL_LIMIT:
        return rebuild_summaries(conn)
    if not ids:
        return 0
    groups = {i for i in ids if not i.startswith(_ARTICLE)}
    for article in (i[len(_ARTICLE):] for i in ids if i.startswith(_ARTICLE)):
        groups.update(row[0] for row in conn.execute(
            "SELECT g.group_id FROM claims c JOIN claim_groups g ON g.claim_id = c.id "
            "WHERE c.article_id = ?", [article]))
    found = summaries_of(conn, sorted(groups))
    for start in range(0, len(groups), 400):
        chunk = sorted(groups)[start:start + 400]
        conn.execute(f"DELETE FROM across_groups WHERE group_id IN "
                     f"({', '.join('?' * len(chunk))})", chunk)
    _write(conn, list(found.values()))
    conn.execute(f"DELETE FROM across_groups_dirty WHERE group_id IN "
                 f"({', '.join('?' * len(ids))})", ids)
    return len(groups)


def _write(conn: sqlite3.Connection, batch: list[tuple]) -> int:
    conn.executemany(_INSERT, batch)
    count = len(batch)
    batch.clear()
    return count


def _ensure_tables(conn: sqlite3.Connection) -> None:
    """A desk of format 4 made before the summaries gets their tables and triggers."""
    if not has_table(conn):
        from desk.store.schema_v4 import across_group_summaries

        across_group_summaries(conn)  # type: ignore[arg-type]  # plain SQL only


def up_to_date(desk: Desk) -> bool:
    """Bring the summaries up to date on a writable desk; whether they can be read."""
    conn = desk.conn
    if is_summarised(conn):
        return True
    if desk.read_only:
        return False
    with desk.writing():
        refresh_summaries(conn)
    return True


# -- reading ----------------------------------------------------------------------------------

def _read(row: tuple) -> GroupSummary:
    return GroupSummary(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), row[7],
                        row[8], row[9])


def group_summaries(desk: Desk, offset: int = 0, limit: int = 100, *,
                    min_articles: int = 2) -> list[GroupSummary]:
    """One page of the groups' top rows, in the order of
    :func:`desk.across.grouping.groups`, without their claims: an index read (on a
    read-only desk whose summaries are behind, worked out from the page's groups' claims)."""
    if up_to_date(desk):
        return [_read(row) for row in desk.conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM across_groups WHERE n_articles >= ? "
            f"{_ORDER} LIMIT ? OFFSET ?", [min_articles, limit, offset])]
    return summaries_by_id(desk, group_ids(desk, min_articles=min_articles)[offset:offset + limit])


def summaries_by_id(desk: Desk, ids: list[str]) -> list[GroupSummary]:
    """The top rows of these groups, in this order (ids of no live group left out)."""
    if up_to_date(desk):
        found: dict[str, tuple] = {}
        for start in range(0, len(ids), 400):
            chunk = ids[start:start + 400]
            found.update((row[0], row) for row in desk.conn.execute(
                f"SELECT {', '.join(COLUMNS)} FROM across_groups "
                f"WHERE group_id IN ({', '.join('?' * len(chunk))})", chunk))
    else:
        found = summaries_of(desk.conn, ids)
    return [_read(found[group_id]) for group_id in ids if group_id in found]


def group_ids(desk: Desk, *, min_articles: int = 2) -> list[str]:
    """The ids of :func:`desk.across.grouping.groups`, in its order (most articles first,
    then the earliest), from the summaries' index."""
    if up_to_date(desk):
        return [row[0] for row in desk.conn.execute(
            f"SELECT group_id FROM across_groups WHERE n_articles >= ? {_ORDER}",
            [min_articles])]
    return _aggregate_ids(desk, min_articles=min_articles)


def group_count(desk: Desk, *, min_articles: int = 2) -> int:
    """How many groups :func:`desk.across.grouping.groups` lists."""
    if up_to_date(desk):
        return desk.conn.execute("SELECT count(*) FROM across_groups WHERE n_articles >= ?",
                                 [min_articles]).fetchone()[0]
    return _aggregate_count(desk, min_articles=min_articles)


def groups_page(desk: Desk, offset: int = 0, limit: int = 100, *,
                min_articles: int = 2) -> list[ClaimGroup]:
    """One page of :func:`desk.across.grouping.groups` with their claims, in the same
    order, reading only that page's groups."""
    ids = [s.id for s in group_summaries(desk, offset, limit, min_articles=min_articles)]
    return groups_by_id(desk, ids)

