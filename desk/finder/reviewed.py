"""The "reviewed" mark on an article: the editor read it all and tagged what mattered.

Its untagged sentences then teach the finder what is not worth checking
(:mod:`desk.finder.learning`). Kept in ``reviewed_articles`` (one row per article; unmarking
sets ``cleared_at`` instead of deleting, so that a merge does not bring the mark back) and
carried by merges (:func:`merge_step`, the later decision wins).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from desk.clock import now_iso
from desk.errors import NotFoundError, ReadOnlyDeskError
from desk.model import Change

if TYPE_CHECKING:
    from desk.facade import Desk


def mark_reviewed(desk: Desk, article_id: str, reviewed: bool = True) -> None:
    """Mark an article reviewed (its untagged sentences become negatives), or unmark it.

    Unmarking keeps the row with ``cleared_at`` set, so that a merge does not bring the mark
    back; the later of the two times wins in a merge.
    """
    if desk.read_only:
        raise ReadOnlyDeskError(f"{desk.path.name} is open read-only: nothing can be changed.")
    if desk.conn.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone() is None:
        raise NotFoundError(f"No article with id {article_id}.")
    now = now_iso()
    with desk.writing():
        desk.conn.execute(
            "INSERT INTO reviewed_articles (article_id, reviewed_at, editor, cleared_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET "
            "reviewed_at = CASE WHEN ? THEN excluded.reviewed_at ELSE reviewed_at END, "
            "editor = excluded.editor, cleared_at = excluded.cleared_at",
            [article_id, now, desk.editor, None if reviewed else now, reviewed])
    desk._notify(Change("article_reviewed", article_id))  # noqa: SLF001


def is_reviewed(desk: Desk, article_id: str) -> bool:
    """Whether the article is marked reviewed."""
    return desk.conn.execute("SELECT 1 FROM reviewed_articles WHERE article_id = ? AND "
                             "cleared_at IS NULL", [article_id]).fetchone() is not None


def reviewed_ids(desk: Desk) -> set[str]:
    """The ids of the articles marked reviewed."""
    return {row[0] for row in desk.conn.execute(
        "SELECT article_id FROM reviewed_articles WHERE cleared_at IS NULL")}


def merge_step(context: Any) -> None:
    """Carry the other desk's reviewed marks in a merge (the later decision wins)."""
    try:
        rows = context.other.execute(
            "SELECT article_id, reviewed_at, editor, cleared_at FROM reviewed_articles"
        ).fetchall()
    except sqlite3.OperationalError:
        return  # a desk from before the mark existed
    conn = context.desk.conn
    mapping = context.article_map
    for article_id, reviewed_at, editor, cleared_at in rows:
        mine = mapping.get(article_id)
        if mine is None:
            continue
        theirs_when = max(reviewed_at or "", cleared_at or "")
        row = conn.execute("SELECT reviewed_at, cleared_at FROM reviewed_articles "
                           "WHERE article_id = ?", [mine]).fetchone()
        if row is not None and max(row[0] or "", row[1] or "") >= theirs_when:
            continue
        conn.execute(
            "INSERT INTO reviewed_articles (article_id, reviewed_at, editor, cleared_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET "
            "reviewed_at = excluded.reviewed_at, editor = excluded.editor, "
            "cleared_at = excluded.cleared_at", [mine, reviewed_at, editor or "", cleared_at])
