"""Writing the rows that are new to a desk in bulk, inside a merge's transaction.

A merge of an unrelated desk adds thousands of articles and tens of thousands of claims.
Row by row, three things dominate (measured on two desks of 5,000 articles and 50,000
claims each): the full-text index updated by a trigger per article (FTS5 writes its pending
terms out at every statement), the claims' status trigger (SQLite runs it as a sub-program
per row, ~25 µs), and the page cache of 2 MB that the random UUID keys overflow. Here:

* :func:`roomy_cache` raises the connection's page cache for the merge (restored after);
* :func:`insert_articles` inserts new articles with the full-text trigger set aside and
  then indexes them with one ``INSERT … SELECT`` in rowid order;
* :func:`insert_claims` inserts new claims with the per-row guards set aside — every value
  they check was checked in Python before (:func:`desk.merge_io.check_row` for the status,
  the merge's anchor check for the quote), and they are back before the transaction ends.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from desk.fieldwork.merge_io import trigger_set_aside
from desk.model import ARTICLE_COLUMNS, CLAIM_COLUMNS

#: The page cache a merge works with, in KiB (SQLite's default is 2,000).
MERGE_CACHE_KIB = 65_536
#: The trigger sqlite-utils' ``enable_fts(create_triggers=True)`` keeps the index with.
FTS_INSERT_TRIGGER = "articles_ai"
#: The guards a merge's bulk insert of checked claims sets aside (:mod:`desk.schema`).
CLAIM_GUARDS = ("claims_span_insert", "claims_status_insert")


@contextmanager
def roomy_cache(conn: sqlite3.Connection, kib: int = MERGE_CACHE_KIB) -> Iterator[None]:
    """A page cache of at least ``kib`` KiB on ``conn`` for the block, restored after."""
    before = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    current_kib = -before if before < 0 else before * page_size // 1024
    if current_kib >= kib:
        yield
        return
    conn.execute(f"PRAGMA cache_size = {-kib}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")


def insert_articles(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Insert article rows (in :data:`ARTICLE_COLUMNS` order) and index their text."""
    if not rows:
        return
    columns = ", ".join(ARTICLE_COLUMNS)
    with trigger_set_aside(conn, FTS_INSERT_TRIGGER) as aside:
        conn.executemany(f"INSERT INTO articles ({columns}) "
                         f"VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})", rows)
        if aside:
            fts_columns = _fts_columns(conn)
            listed = ", ".join(f'"{name}"' for name in fts_columns)
            # In rowid order: FTS5 writes its pending terms out whenever a rowid goes back.
            conn.execute(
                f"INSERT INTO articles_fts (rowid, {listed}) SELECT rowid, {listed} "
                "FROM articles WHERE id IN (SELECT value FROM json_each(?)) ORDER BY rowid",
                [json.dumps([row[0] for row in rows])])


def _fts_columns(conn: sqlite3.Connection) -> list[str]:
    """The columns of the articles' full-text index (``title``, ``body``)."""
    return [row[1] for row in conn.execute("PRAGMA table_info(articles_fts)")]


def insert_claims(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Insert claim rows (in :data:`CLAIM_COLUMNS` order) whose status and anchor were
    checked by the caller, with the per-row guards set aside."""
    if not rows:
        return
    with trigger_set_aside(conn, *CLAIM_GUARDS):
        conn.executemany(f"INSERT INTO claims ({', '.join(CLAIM_COLUMNS)}) "
                         f"VALUES ({', '.join('?' * len(CLAIM_COLUMNS))})", rows)
