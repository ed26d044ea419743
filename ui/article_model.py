"""The article list's model: the desk's articles, newest first, a page at a time.

Reads through the desk's API (no SQL here) and follows its :class:`~desk.Change` events: an
import reloads the list, a claim's change updates one article's count.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt

from desk import ArticleSummary, Change, Desk

ID_ROLE = Qt.ItemDataRole.UserRole + 1
DATE_ROLE = Qt.ItemDataRole.UserRole + 2
COUNT_ROLE = Qt.ItemDataRole.UserRole + 3
REVIEWED_ROLE = Qt.ItemDataRole.UserRole + 4  # the article is marked reviewed
#: Articles read at a time (the list fetches more as it scrolls).
PAGE_SIZE = 100

Index = QModelIndex


def display_date(summary: ArticleSummary) -> str:
    """The article's date as people read it ("12 Mar 2024"), or its import date."""
    raw = summary.published_at or summary.imported_at
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return raw[:10]
    text = f"{when.day} {when:%b %Y}"
    return text if summary.published_at else f"added {text}"


class ArticleListModel(QAbstractListModel):
    """The desk's articles, newest first, filtered by a full-text query.

    Read a page at a time (:meth:`desk.Desk.article_page`): the first as the window opens,
    more as the list scrolls (``canFetchMore``/``fetchMore``). A filter reads the first
    page of its matches.
    """

    def __init__(self, desk: Desk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.query = ""
        self._rows: list[ArticleSummary] = []
        self._next_page: Any = None
        self._row_of: dict[str, int] = {}
        self.reviewed: set[str] = set()  # ids of the articles marked reviewed
        self._read_first_page()

    def rowCount(self, parent: Index = Index()) -> int:  # noqa: N802, B008 - Qt's API
        """How many articles the filter lets through."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Title, tooltip, id, date and claim count of one article."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title or "(untitled)"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(part for part in (row.title, row.url, display_date(row)) if part)
        if role == ID_ROLE:
            return row.id
        if role == DATE_ROLE:
            return display_date(row)
        if role == COUNT_ROLE:
            return row.claim_count
        if role == REVIEWED_ROLE:
            return row.id in self.reviewed
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return (f"{display_date(row)}, {_claims_text(row.claim_count)}"
                    + (", reviewed" if row.id in self.reviewed else ""))
        return None

    def set_reviewed(self, ids: set[str]) -> None:
        """The ids of the articles marked reviewed (a tick in the list)."""
        self.reviewed = set(ids)
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1),
                                  [REVIEWED_ROLE, Qt.ItemDataRole.AccessibleDescriptionRole])

    def summary(self, row: int) -> ArticleSummary:
        """The article shown in ``row``."""
        return self._rows[row]

    def row_of(self, article_id: str, *, fetch: bool = False) -> int:
        """The row showing ``article_id``, or -1 when it is not loaded (or the filter hides
        it). With ``fetch``, pages are read on until it is found or the list ends."""
        while True:
            if len(self._row_of) != len(self._rows):
                self._row_of = {summary.id: row for row, summary in enumerate(self._rows)}
            row = self._row_of.get(article_id, -1)
            if row >= 0 or not fetch or not self.canFetchMore():
                return row
            self.fetchMore()

    def canFetchMore(self, parent: Index = Index()) -> bool:  # noqa: N802, B008 - Qt's API
        """Whether more pages of the list wait to be read."""
        return not parent.isValid() and self._next_page is not None

    def fetchMore(self, parent: Index = Index()) -> None:  # noqa: N802, B008 - Qt's API
        """Read the next page (the view asks as it scrolls)."""
        if not self.canFetchMore(parent):
            return
        page, self._next_page = self.desk.article_page(self.query, self._next_page, PAGE_SIZE)
        if page:
            first = len(self._rows)
            self.beginInsertRows(Index(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def set_query(self, query: str) -> None:
        """Show only the articles whose title or text match ``query`` (every word, as prefix)."""
        self.query = query
        self.reload()

    def reload(self) -> None:
        """Read the list again from its first page (after an import or a merge)."""
        self.beginResetModel()
        self._read_first_page()
        self.endResetModel()

    def _read_first_page(self) -> None:
        self._rows, self._next_page = self.desk.article_page(self.query, None, PAGE_SIZE)
        self._row_of = {}

    def on_change(self, change: Change) -> None:
        """Follow a desk change: new articles reload, claim changes update one count."""
        if change.kind in ("articles_changed", "desk_restored"):
            self.reload()
        elif change.kind in ("claim_added", "claim_deleted", "claim_restored"):
            row = self.row_of(change.article_id or "")
            if row >= 0:
                old = self._rows[row]
                self._rows[row] = dataclasses.replace(
                    old, claim_count=self.desk.claim_count(old.id))
                index = self.index(row)
                self.dataChanged.emit(index, index, [COUNT_ROLE])


def _claims_text(count: int) -> str:
    return f"{count} claim" if count == 1 else f"{count} claims"
