"""The dashboard's list of claims: the claims behind a clicked bar, read a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from desk import Claim, Desk
from desk.reports.palette import COLOURS, LABELS

Index = QModelIndex | QPersistentModelIndex
PAGE = 100
COLUMNS = (("Status", "status"), ("Quote", "quote"), ("Source", "source"),
           ("Figure", "figure"), ("Article", "article"), ("Tagged", "created_at"))


class ClaimListModel(QAbstractTableModel):
    """Claims given by id (oldest first), their rows read as the view scrolls."""

    def __init__(self, desk: Desk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self._ids: list[str] = []
        self._claims: list[Claim] = []
        self._titles: dict[str, str] = {}

    def set_ids(self, ids: list[str]) -> None:
        """Show these claims (the first page now, the rest on demand)."""
        self.beginResetModel()
        self._ids, self._claims = list(ids), []
        if ids and not self._titles:
            self._titles = self.desk.article_titles()
        self._claims = self.desk.claims_by_id(self._ids[:PAGE])
        self.endResetModel()

    def total(self) -> int:
        """How many claims the list stands for."""
        return len(self._ids)

    def claim_id(self, row: int) -> str:
        """The id of the claim on ``row``."""
        return self._claims[row].id

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._claims)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._claims):
            return None
        claim = self._claims[index.row()]
        field = COLUMNS[index.column()][1]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if field == "status":
                return LABELS.get(claim.status, claim.status)
            if field == "article":
                return self._titles.get(claim.article_id, "")
            if field == "created_at":
                return claim.created_at[:10]
            return getattr(claim, field)
        if role == Qt.ItemDataRole.BackgroundRole and field == "status":
            return QColor(COLOURS.get(claim.status, "#ffffff"))
        if role == Qt.ItemDataRole.ForegroundRole and field == "status":
            return QColor("#000000")
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and len(self._claims) < len(self._ids)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent):
            return
        first = len(self._claims)
        page = self.desk.claims_by_id(self._ids[first:first + PAGE])
        if page:
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._claims.extend(page)
            self.endInsertRows()
        else:  # the claims are gone (deleted meanwhile): stop asking
            self._ids = self._ids[:first]
