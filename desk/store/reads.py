"""Reading a desk: the article list a page at a time, claims in text order or sorted, the
full-text filter. Plain functions over the desk's sqlite3 connection (no sqlite-utils: a window
paints before it loads)."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from typing import Any

from desk.model import CLAIM_COLUMNS, STATUSES, Claim, ClaimMark
from desk.store import schema

#: Tags joined in one column by the claim queries.
TAG_SEP = "\x1f"

#: Where a page of :meth:`Desk.claims_page` ended (opaque to callers).
PageKey = tuple[Any, ...]

#: What the claims can be sorted by (:meth:`Desk.claim_ids_sorted`): SQL terms over the
#: claim ``c`` and its article ``a``. "position" is by article title, then place in the text.
CLAIM_SORTS: dict[str, tuple[str, ...]] = {
    "position": ("a.title COLLATE NOCASE", "c.start_char", "c.end_char"),
    "source": ("c.source COLLATE NOCASE",),
    "figure": ("coalesce(c.figure_value, -1e308)",),  # unparsed figures first
    "status": ("CASE c.status " + " ".join(f"WHEN '{name}' THEN {rank}" for rank, name
                                            in enumerate(STATUSES)) + " END",),
    "tags": ("""(SELECT group_concat(name, ', ') FROM (SELECT t.name AS name
               FROM claims_tags ct JOIN tags t ON t.id = ct.tags_id
               WHERE ct.claims_id = c.id AND ct.deleted_at IS NULL ORDER BY t.name))
               COLLATE NOCASE""",),
    "article": ("a.title COLLATE NOCASE",),
}

#: The article list's order (schema.ARTICLE_ORDER) over the alias ``a``.
_ORDER = schema.ARTICLE_ORDER.replace("published_at", "a.published_at").replace(
    "imported_at", "a.imported_at")

def fts_query(text: str) -> str:
    """An FTS5 query matching every word of ``text`` as a prefix ('' for no words)."""
    words = re.findall(r"\w+", text or "")
    return " ".join(f'"{w}"*' for w in words)

def article_listing(conn: sqlite3.Connection, query: str, after: PageKey | None,
                    limit: int | None) -> list[tuple]:
    """Rows of the article list (newest first): summary columns, then the page key."""
    where, params = [], []
    match = fts_query(query)
    if match:
        where.append("a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(match)
    if after is not None:  # (order, rowid) < after, spelled so that SQLite seeks
        where.append(f"{_ORDER} <= ? AND ({_ORDER} < ? OR a.rowid < ?)")
        params.extend([after[0], after[0], after[1]])
    sql = f"""
        SELECT a.id, a.title, a.url, a.published_at, a.imported_at,
               (SELECT count(*) FROM claims c INDEXED BY idx_claims_live
                WHERE c.article_id = a.id AND c.deleted_at IS NULL) AS claim_count,
               {_ORDER}, a.rowid
        FROM articles a
        {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY {_ORDER} DESC, a.rowid DESC
        {"" if limit is None else "LIMIT ?"}
    """
    return conn.execute(sql, params if limit is None else [*params, limit]).fetchall()

def article_ids_matching(conn: sqlite3.Connection, query: str) -> set[str] | None:
    """Ids of the articles whose title or text match every word of ``query`` (FTS5).

    None when the query has no words (everything matches). The window filters its
    already-loaded list with this, so a filter costs little more than the FTS lookup.
    """
    match = fts_query(query)
    if not match:
        return None
    # Each match costs one rowid lookup (the id leads the row: no body page is read), so a
    # selective word is nearly as quick as the bare MATCH.
    rows = conn.execute(
        "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
        "WHERE articles_fts MATCH ?", [match])
    return {row[0] for row in rows}

def text_around(conn: sqlite3.Connection, article_id: str, start: int, end: int,
                context: int) -> tuple[str, int] | None:
    """``body[start - context:end + context]`` of an article and where it starts in the body,
    or None when the article is missing or the span does not lie inside it (read the whole
    body then, for the message)."""
    if not (isinstance(start, int) and isinstance(end, int)) or start < 0 or start > end:
        return None
    low = max(0, start - context)
    row = conn.execute("SELECT substr(body, ?, ?) FROM articles WHERE id = ?",
                       [low + 1, end + context - low, article_id]).fetchone()
    if row is None or end - low > len(row[0]):
        return None
    return row[0], low

def claim_columns(conn: sqlite3.Connection, schema: str = "main") -> list[str]:
    """``c.<column>`` for each of :data:`CLAIM_COLUMNS`, or ``''`` for one that a desk of an
    older format (a merge's input) has not: ``review_url`` came with format 5."""
    have = {row[1] for row in conn.execute(f"PRAGMA {schema}.table_info(claims)")}
    return [f"c.{name}" if name in have else "''" for name in CLAIM_COLUMNS]

def claim_of(row: tuple[Any, ...]) -> Claim:
    """A claim from a row of its columns followed by its tags joined by \x1f."""
    return Claim(*row[:-1], tags=sorted(row[-1].split(TAG_SEP)) if row[-1] else [])

def query_claims(conn: sqlite3.Connection, where: str, params: list[Any]) -> list[Claim]:
    """Claims matching an SQL condition over ``c`` (claim) and ``a`` (article), text order."""
    return [claim_of(row) for row in claim_rows(conn, where, params)]

def claim_rows(conn: sqlite3.Connection, where: str, params: list[Any], paged: bool = False,
               limit: int | None = None) -> list[tuple]:
    """Claim columns and joined tags (and, ``paged``, the article's import key) in text order."""
    columns = ", ".join(f"c.{name}" for name in CLAIM_COLUMNS)
    # Paged: CROSS JOIN makes SQLite walk articles in import order (an index) and each
    # article's claims by position, so LIMIT stops early instead of sorting everything.
    source = ("articles a CROSS JOIN claims c ON c.article_id = a.id" if paged
              else "claims c JOIN articles a ON a.id = c.article_id")
    sql = f"""
        SELECT {columns},
               (SELECT group_concat(t.name, '{TAG_SEP}') FROM claims_tags ct
                JOIN tags t ON t.id = ct.tags_id
                WHERE ct.claims_id = c.id AND ct.deleted_at IS NULL) AS tags
               {", a.imported_at, a.rowid" if paged else ""}
        FROM {source}
        WHERE {where}
        ORDER BY a.imported_at, a.rowid, c.start_char, c.end_char, c.created_at, c.id
        {"" if limit is None else "LIMIT ?"}
    """
    return conn.execute(sql, params if limit is None else [*params, limit]).fetchall()

def claims_page(conn: sqlite3.Connection, after: PageKey | None, limit: int,
                article_id: str | None = None) -> tuple[list[Claim], PageKey | None]:
    """See :meth:`Desk.claims_page`."""
    if article_id is not None:
        where, params = "c.article_id = ? AND c.deleted_at IS NULL", [article_id]
        if after is not None:
            where += " AND (c.start_char, c.end_char, c.created_at, c.id) > (?, ?, ?, ?)"
            params.extend(after[2:])
        rows = claim_rows(conn, where, params, limit=limit)
        claims = [claim_of(row) for row in rows]
        keys = [("", 0)] * len(rows)
    else:
        where, params = "c.deleted_at IS NULL", []
        if after is not None:
            # The first test lets SQLite seek in the articles' index; the second finishes.
            where += (" AND (a.imported_at, a.rowid) >= (?, ?) AND ((a.imported_at, a.rowid)"
                      " > (?, ?) OR (c.start_char, c.end_char, c.created_at, c.id)"
                      " > (?, ?, ?, ?))")
            params.extend([*after[:2], *after[:2], *after[2:]])
        rows = claim_rows(conn, where, params, paged=True, limit=limit)
        claims = [claim_of(row[:-2]) for row in rows]
        keys = [row[-2:] for row in rows]
    if len(rows) < limit:
        return claims, None
    claim = claims[-1]
    return claims, (*keys[-1], claim.start_char, claim.end_char, claim.created_at, claim.id)

def claim_ids_sorted(conn: sqlite3.Connection, by: str, descending: bool,
                     article_id: str | None) -> list[str]:
    """See :meth:`Desk.claim_ids_sorted`."""
    if by not in CLAIM_SORTS:
        raise ValueError(f"cannot sort claims by {by!r}")
    direction = "DESC" if descending else "ASC"
    order = ", ".join(f"{term} {direction}" for term in CLAIM_SORTS[by])
    where, params = "c.deleted_at IS NULL", []
    if article_id is not None:
        where += " AND c.article_id = ?"
        params.append(article_id)
    return [row[0] for row in conn.execute(
        f"SELECT c.id FROM claims c JOIN articles a ON a.id = c.article_id WHERE {where} "
        f"ORDER BY {order}, a.imported_at, a.rowid, c.start_char, c.end_char, c.created_at, "
        "c.id", params)]

def claims_by_id(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Claim]:
    """The claims with these ids, in the order given (unknown ids are left out)."""
    found = {claim.id: claim for claim in query_claims(
        conn, "c.id IN (SELECT value FROM json_each(?))", [json.dumps(list(ids))])}
    return [found[claim_id] for claim_id in ids if claim_id in found]


def counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """How many articles and live claims the desk holds."""
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    claims = conn.execute(
        "SELECT count(*) FROM claims WHERE deleted_at IS NULL"
    ).fetchone()[0]
    return articles, claims


def claim_count(conn: sqlite3.Connection, article_id: str) -> int:
    """How many live claims one article has (the article list's count)."""
    return conn.execute(
        "SELECT count(*) FROM claims INDEXED BY idx_claims_live "
        "WHERE article_id = ? AND deleted_at IS NULL",
        [article_id],
    ).fetchone()[0]


def claim_marks(conn: sqlite3.Connection, article_id: str) -> list[ClaimMark]:
    """What the reader draws of an article's live, placed claims, in text order."""
    return [ClaimMark(*row) for row in conn.execute(
        "SELECT id, start_char, end_char, status, source, figure FROM claims "
        "WHERE article_id = ? AND deleted_at IS NULL AND anchor_status != 'orphaned' "
        "ORDER BY start_char, end_char", [article_id])]


def sources(conn: sqlite3.Connection) -> list[str]:
    """Sources already used on this desk, most used first (for completion)."""
    rows = conn.execute(
        "SELECT source FROM claims WHERE source != '' AND deleted_at IS NULL "
        "GROUP BY source ORDER BY count(*) DESC, source"
    )
    return [row[0] for row in rows]


def tag_names(conn: sqlite3.Connection) -> list[str]:
    """Tags in live use on this desk, alphabetically (for completion)."""
    rows = conn.execute(
        "SELECT DISTINCT t.name FROM tags t JOIN claims_tags ct ON ct.tags_id = t.id "
        "WHERE ct.deleted_at IS NULL ORDER BY t.name"
    )
    return [row[0] for row in rows]

# -- trust: backups, article updates, anchors (desk.trust.operations) ----------------


def claims(conn: sqlite3.Connection, article_id: str | None = None, *,
           include_deleted: bool = False) -> list[Claim]:
    """Live claims of one article in text order, or of the whole desk by article."""
    where, params = [], []
    if article_id is not None:
        where.append("c.article_id = ?")
        params.append(article_id)
    if not include_deleted:
        where.append("c.deleted_at IS NULL")
    return query_claims(conn, " AND ".join(where) or "1", params)
