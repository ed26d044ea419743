"""The "Merge Conflicts" dialog: values a merge overruled, for an editor to review.

Each row is one ``merge_conflicts`` record (:func:`desk.conflicts.list_conflicts`): the claim's
field, the value kept, the value overruled, who set each and the desk file it came from.
"Keep" accepts the kept value; "Take Other Value" brings the overruled one back (an ordinary
edit). Either way the record is marked reviewed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk import Desk, DeskError
from desk.fieldwork.conflicts import MergeConflict, list_conflicts, resolve_conflict

from .models import RowsTableModel

ModelIndex = QModelIndex | QPersistentModelIndex
COLUMNS = ("Claim", "Field", "Kept", "Overruled", "Kept (by)", "Overruled (by, from)")


def _value(field: str, value: str | None) -> str:
    if field == "deleted_at":
        return "deleted" if value else "live"
    return " ".join((value or "").split()) or "(empty)"


class ConflictsModel(RowsTableModel):
    """Rows: the desk's unreviewed merge conflicts, newest first."""

    HEADERS = COLUMNS

    def __init__(self, desk: Desk, parent: Any = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.conflicts: list[MergeConflict] = []
        self.quotes: dict[str, str] = {}
        self.reload()

    def reload(self) -> None:
        """Read the list again."""
        self.beginResetModel()
        self.conflicts = list_conflicts(self.desk)
        self.quotes = {}
        for conflict in self.conflicts:
            if conflict.claim_id not in self.quotes:
                try:
                    self.quotes[conflict.claim_id] = self.desk.claim(conflict.claim_id).quote
                except DeskError:
                    self.quotes[conflict.claim_id] = conflict.claim_id
        self.endResetModel()

    def items(self) -> list[Any]:
        """One per unreviewed conflict."""
        return self.conflicts

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The cells; tooltips carry the full values and the edit times."""
        if not index.isValid():
            return None
        c = self.conflicts[index.row()]
        cells = (" ".join(self.quotes.get(c.claim_id, "").split()), c.field,
                 _value(c.field, c.kept_value), _value(c.field, c.other_value),
                 f"{c.kept_editor or '?'}", f"{c.other_editor or '?'} ({c.other_desk})")
        if role == Qt.ItemDataRole.DisplayRole:
            return cells[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{cells[index.column()]}\n\nkept: set by {c.kept_editor} at {c.kept_at}\n"
                    f"overruled: set by {c.other_editor} at {c.other_at} in {c.other_desk}")
        return None

    def conflict_at(self, row: int) -> MergeConflict | None:
        """The conflict of a row."""
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None


class ConflictsDialog(QDialog):
    """The review list with Keep, Take Other Value and Go to Claim."""

    claimChosen = Signal(str)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictsDialog")
        self.setWindowTitle("Merge Conflicts")
        self.desk = desk
        self.model = ConflictsModel(desk, self)
        self.summary = QLabel(objectName="conflictsSummary")
        self.summary.setWordWrap(True)
        self.table = QTableView(objectName="conflictsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 70), (2, 150), (3, 150), (4, 100), (5, 190)):
            header.resizeSection(column, width)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.keepButton = QPushButton("&Keep", objectName="keepButton")
        self.takeButton = QPushButton("Take &Other Value", objectName="takeOtherButton")
        self.goButton = QPushButton("&Go to Claim", objectName="goToClaimButton")
        for button in (self.goButton, self.takeButton, self.keepButton):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.keepButton.clicked.connect(lambda: self.resolve(take_other=False))
        self.takeButton.clicked.connect(lambda: self.resolve(take_other=True))
        self.goButton.clicked.connect(self._go)
        self.table.selectionModel().selectionChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(960, 340)
        if self.model.rowCount():
            self.table.selectRow(0)
        self._update()

    def current(self) -> MergeConflict | None:
        """The selected conflict."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.conflict_at(rows[0].row()) if rows else None

    def resolve(self, *, take_other: bool) -> None:
        """Mark the selected conflict reviewed (taking the other value back if asked)."""
        conflict = self.current()
        if conflict is None:
            return
        row = self.table.selectionModel().selectedRows()[0].row()
        try:
            resolve_conflict(self.desk, conflict.id, take_other=take_other)
        except DeskError as exc:
            QMessageBox.warning(self, "Merge Conflicts", str(exc))
            return
        self.model.reload()
        if self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))
        self._update()

    def _go(self) -> None:
        conflict = self.current()
        if conflict is not None:
            self.claimChosen.emit(conflict.claim_id)

    def _update(self) -> None:
        count = self.model.rowCount()
        self.summary.setText(
            f"{count} value{'' if count == 1 else 's'} overruled by merges, to review. The "
            "later edit was kept; take the other value back where it was the right one."
            if count else "No merge conflicts to review.")
        chosen = self.current() is not None
        self.goButton.setEnabled(chosen)
        self.keepButton.setEnabled(chosen and not self.desk.read_only)
        self.takeButton.setEnabled(chosen and not self.desk.read_only)
