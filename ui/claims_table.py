"""The claims table: the current article's claims (or the whole desk's), sortable, editable.

Selecting a row emits :attr:`ClaimsTablePane.claimChosen`; the window scrolls the reader to
that highlight. Source, figure, status and tags can be edited in place (F2 or double-click).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk import STATUSES

from . import status as status_look
from .article_model import ID_ROLE
from .claims_model import (
    ARTICLE,
    FIGURE,
    QUOTE,
    SOURCE,
    STATUS,
    TAGS,
    ClaimsTableModel,
)

ModelIndex = QModelIndex | QPersistentModelIndex


class StatusDelegate(QStyledItemDelegate):
    """Edits a status with a list of the six statuses (badge and name)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: ModelIndex) -> QWidget:
        """A combo box of the statuses."""
        combo = QComboBox(parent)
        for name in STATUSES:
            combo.addItem(status_look.badge(name), status_look.LABELS[name], name)
        return combo

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:  # noqa: N802
        """Start at the claim's status."""
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: ModelIndex) -> None:
        """Write the chosen status through the model (an undoable edit)."""
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ClaimsTablePane(QWidget):
    """A heading with the whole-desk toggle, over the sortable claims table."""

    claimChosen = Signal(str)

    def __init__(self, model: ClaimsTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("claimsPane")
        self.model = model
        self._selecting = False  # select_claim at work: the row change is not the user's

        self.heading = QLabel("Claims in this article", objectName="paneHeading")
        self.wholeDesk = QCheckBox("Whole desk", objectName="wholeDeskToggle")
        self.wholeDesk.setToolTip("Show the claims of every article (Ctrl+Shift+A)")

        self.table = QTableView(objectName="claimsTable")
        self.table.setModel(model)  # the model sorts (in the desk), the view asks it
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # text order until asked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.SelectedClicked)
        self.table.setItemDelegateForColumn(STATUS, StatusDelegate(self.table))
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName("Claims")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QUOTE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((SOURCE, 150), (FIGURE, 110), (STATUS, 118), (TAGS, 100),
                              (ARTICLE, 160)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setHighlightSections(False)
        self.table.setColumnHidden(ARTICLE, True)

        self.legend = QLabel(objectName="statusLegend")
        self.legend.setToolTip("How the reader colours claims by status")
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._fill_legend()

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.legend)
        top.addSpacing(12)
        top.addWidget(self.wholeDesk)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        model.sorting.connect(self._sorting)
        model.modelReset.connect(self._update_heading)
        model.rowsInserted.connect(self._update_heading)
        model.rowsRemoved.connect(self._update_heading)

    def _fill_legend(self) -> None:
        """Each status's name on its own highlight colour, as the reader draws it."""
        dark = status_look.is_dark(self.palette())
        pills = [
            f'<span style="background-color:{status_look.highlight(name, dark=dark).name()}">'
            f"&nbsp;{status_look.LABELS[name]}&nbsp;</span>"
            for name in STATUSES
        ]
        self.legend.setText("&nbsp;".join(pills))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Show the legend only when it fits beside the heading and the toggle."""
        super().resizeEvent(event)
        needed = (self.legend.sizeHint().width() + self.heading.sizeHint().width()
                  + self.wholeDesk.sizeHint().width() + 60)
        self.legend.setVisible(event.size().width() >= needed)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Follow a switch between light and dark palettes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._fill_legend()

    def set_whole_desk(self, whole: bool) -> None:
        """Switch between this article's claims and the whole desk's."""
        self.model.set_whole_desk(whole)
        self.table.setColumnHidden(ARTICLE, not whole)
        if self.wholeDesk.isChecked() != whole:
            self.wholeDesk.setChecked(whole)

    def select_claim(self, claim_id: str | None) -> None:
        """Select a claim's row without emitting :attr:`claimChosen`.

        The selection model keeps its signals (the view repaints just the rows that
        changed); only this pane's own reaction is held back.
        """
        selection = self.table.selectionModel()
        self._selecting = True
        try:
            row = self.model.row_of(claim_id) if claim_id else -1
            if row < 0:
                selection.clear()
            else:
                index = self.model.index(row, QUOTE)
                selection.setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                self.table.scrollTo(index)
        finally:
            self._selecting = False

    def current_id(self) -> str | None:
        """The claim in the current row."""
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._selecting:
            self.claimChosen.emit(current.data(ID_ROLE))

    def _sorting(self, running: bool) -> None:
        if running:
            self.heading.setText(f"Sorting {self.model.total_count():,} claims…")
        else:
            self._update_heading()

    def _update_heading(self) -> None:
        count = self.model.total_count()
        scope = "on the whole desk" if self.model.whole_desk else "in this article"
        self.heading.setText(f"{count} claim{'' if count == 1 else 's'} {scope}")
