"""Qt model adapters over the desk, and the plain table base the dialogs' models share.

The article list's model lives in :mod:`ui.article_model`, the claims table's in
:mod:`ui.claims_model`; their names are re-exported here. Both read through the desk's API
(no SQL here) and follow its :class:`~desk.Change` events.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from .article_model import COUNT_ROLE, DATE_ROLE, ID_ROLE, ArticleListModel, display_date
from .claims_model import (
    ARTICLE,
    COLUMNS,
    EDITABLE,
    FIGURE,
    PAGE_SIZE,
    QUOTE,
    SORT_BY,
    SOURCE,
    STATUS,
    TAGS,
    ClaimsTableModel,
    figure_summary,
)

__all__ = [
    "ARTICLE", "COLUMNS", "COUNT_ROLE", "DATE_ROLE", "EDITABLE", "FIGURE", "ID_ROLE",
    "PAGE_SIZE", "QUOTE", "SORT_BY", "SOURCE", "STATUS", "TAGS", "ArticleListModel",
    "ClaimsTableModel", "RowsTableModel", "display_date", "figure_summary",
]

Index = QModelIndex


class RowsTableModel(QAbstractTableModel):
    """A flat table: one row per item of :meth:`items`, the column titles in :attr:`HEADERS`."""

    HEADERS: tuple[str, ...] = ()

    def items(self) -> list[Any]:
        """The rows' items (subclasses say which list)."""
        raise NotImplementedError

    def rowCount(self, parent: Index = Index()) -> int:  # noqa: N802, B008 - Qt's API
        """One row per item (a flat model: none under a valid parent)."""
        return 0 if parent.isValid() else len(self.items())

    def columnCount(self, parent: Index = Index()) -> int:  # noqa: N802, B008
        """One column per title of :attr:`HEADERS`."""
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The column titles."""
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.HEADERS)):
            return self.HEADERS[section]
        return None
