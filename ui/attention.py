"""The "Needs Attention" dock: claims an article update placed by a fuzzy match or orphaned.

An orphaned claim keeps its quote but is not highlighted; the editor selects its new text
in the reader and chooses "Re-attach Claim to Selection" (undoable). A fuzzy claim can be
confirmed as placed ("Accept New Place") or re-attached the same way.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk import Change, Claim, Desk, DeskError

from .commands import DeskCommand, ErrorReporter
from .models import RowsTableModel

ModelIndex = QModelIndex | QPersistentModelIndex
COLUMNS = ("State", "Quote", "Source", "Article")
_STATE_LABELS = {"fuzzy": "Moved (check)", "orphaned": "Not found"}
#: Claim columns that say where a claim sits (what re-attaching changes and undo restores).
ANCHOR_COLUMNS = ("start_char", "end_char", "quote", "prefix", "suffix", "anchor_status",
                  "previous_quote")


class AttentionModel(RowsTableModel):
    """Rows: ``desk.needs_attention()`` — live fuzzy or orphaned claims of the whole desk."""

    HEADERS = COLUMNS

    def __init__(self, desk: Desk, parent: Any = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.claims: list[Claim] = []
        self.titles: dict[str, str] = {}
        self.reload()

    def reload(self) -> None:
        """Read the list again."""
        self.beginResetModel()
        self.claims = self.desk.needs_attention()
        self.titles = self.desk.article_titles() if self.claims else {}
        self.endResetModel()

    def items(self) -> list[Any]:
        """One per fuzzy or orphaned claim."""
        return self.claims

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The claim's state, quote (the old one for a moved claim), source, article."""
        if not index.isValid():
            return None
        claim = self.claims[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return claim.id
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            if claim.anchor_status == "fuzzy" and claim.previous_quote:
                return f"Was: {claim.previous_quote}\nNow: {claim.quote}"
            return claim.quote
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == 0:
            return _STATE_LABELS.get(claim.anchor_status, claim.anchor_status)
        if column == 1:
            return " ".join((claim.previous_quote or claim.quote).split())
        if column == 2:
            return claim.source
        return self.titles.get(claim.article_id, "")

    def claim_at(self, row: int) -> Claim | None:
        """The claim of a row (None outside the list)."""
        return self.claims[row] if 0 <= row < len(self.claims) else None


class ReattachCommand(DeskCommand):
    """Re-attach a claim to new text; undo puts its old anchor (and state) back."""

    def __init__(self, desk: Desk, claim: Claim, start: int, end: int,
                 report: ErrorReporter) -> None:
        super().__init__(desk, "Re-attach Claim", report)
        self.claim_id, self.start, self.end = claim.id, start, end
        self.old = {name: getattr(claim, name) for name in ANCHOR_COLUMNS}

    def do(self) -> None:
        """Anchor the claim to body[start:end]."""
        self.desk.reattach_claim(self.claim_id, self.start, self.end)

    def undo_change(self) -> None:
        """Put the old offsets, quote and anchor state back."""
        self.desk.restore_anchor(self.claim_id, dict(self.old))


class AttentionDock(QDockWidget):
    """The list with Go to, Re-attach and Accept buttons; emits what the editor chose."""

    claimChosen = Signal(str)
    reattachRequested = Signal(str)
    acceptRequested = Signal(str)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__("Needs Attention", parent)
        self.setObjectName("attentionDock")
        self.model = AttentionModel(desk, self)
        self.read_only = desk.read_only
        self.table = QTableView(objectName="attentionTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 160)
        header.resizeSection(3, 200)
        self.hint = QLabel(objectName="attentionHint")
        self.hint.setWordWrap(True)
        self.reattachButton = QPushButton("Re-attach to Selection", objectName="reattachButton")
        self.acceptButton = QPushButton("Accept New Place", objectName="acceptButton")
        self.reattachButton.clicked.connect(lambda: self._emit(self.reattachRequested))
        self.acceptButton.clicked.connect(lambda: self._emit(self.acceptRequested))
        self.table.selectionModel().selectionChanged.connect(self._chosen)
        self.model.modelReset.connect(self._update)

        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.reattachButton)
        buttons.addWidget(self.acceptButton)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.setWidget(box)
        self._update()

    def on_change(self, change: Change) -> None:
        """Follow the desk: read the (short) list again when it may have changed.

        An ordinary edit of a claim that is in place changes nothing here, and costs one
        lookup instead of a scan of the desk's claims.
        """
        if change.kind in ("claim_updated", "claim_deleted", "claim_restored"):
            listed = change.claim_id in {c.id for c in self.model.claims}
            if not listed and not self._misplaced(change.claim_id):
                return
        elif change.kind not in ("articles_changed", "desk_restored"):
            return
        chosen = self.current_id()
        self.model.reload()
        self.select(chosen)

    def _misplaced(self, claim_id: str | None) -> bool:
        try:
            return claim_id is not None and \
                self.model.desk.claim(claim_id).anchor_status != "anchored"
        except DeskError:
            return True

    def current_id(self) -> str | None:
        """The selected claim's id."""
        rows = self.table.selectionModel().selectedRows()
        claim = self.model.claim_at(rows[0].row()) if rows else None
        return claim.id if claim else None

    def select(self, claim_id: str | None) -> None:
        """Select a claim's row (if listed)."""
        for row, claim in enumerate(self.model.claims):
            if claim.id == claim_id:
                self.table.selectRow(row)
                return

    def _chosen(self) -> None:
        claim_id = self.current_id()
        if claim_id:
            self.claimChosen.emit(claim_id)
        self._update()

    def _emit(self, signal: Signal) -> None:
        claim_id = self.current_id()
        if claim_id:
            signal.emit(claim_id)  # type: ignore[attr-defined]

    def _update(self) -> None:
        count = self.model.rowCount()
        rows = self.table.selectionModel().selectedRows()
        claim = self.model.claim_at(rows[0].row()) if rows else None
        self.setWindowTitle(f"Needs Attention ({count})" if count else "Needs Attention")
        if not count:
            self.hint.setText("Every claim is in place.")
        elif claim is None:
            self.hint.setText("Choose a claim to see its article.")
        elif claim.anchor_status == "orphaned":
            self.hint.setText("Its text was not found: select the new text in the article, "
                              "then Re-attach.")
        else:
            self.hint.setText("Moved by an update: check the highlight, then Accept or "
                              "re-attach to a selection.")
        writable = not self.read_only and claim is not None
        self.reattachButton.setEnabled(writable)
        self.acceptButton.setEnabled(writable and claim is not None
                                     and claim.anchor_status == "fuzzy")
