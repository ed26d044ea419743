"""The side pane: a filter box over the desk's articles (title, date, claim count)."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from .article_model import COUNT_ROLE, DATE_ROLE, ID_ROLE, REVIEWED_ROLE, ArticleListModel

FILTER_DELAY_MS = 150
NO_MATCH = "No article matches the filter."
NO_ARTICLES = ("No articles yet. Drop article files or folders here, press Ctrl+I to "
               "import, or Ctrl+Shift+V to paste one from the clipboard.")


class ArticleDelegate(QStyledItemDelegate):
    """Draws an article as its title (up to two lines) over "date · N claims"."""

    PADDING = 8

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        """Room for a two-line title and a details line."""
        line = option.fontMetrics.lineSpacing()
        return QSize(200, self.PADDING * 2 + line * 3 + 4)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """Title in bold, details muted; selection in the palette's highlight."""
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget else QApplication.style()
        text = option.text
        option.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Active if option.state & QStyle.StateFlag.State_Active \
            else QPalette.ColorGroup.Inactive
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        colour = option.palette.color(group, role)
        rect = option.rect.adjusted(self.PADDING + 4, self.PADDING, -self.PADDING, -self.PADDING)
        line = option.fontMetrics.lineSpacing()
        painter.save()
        title_font = QFont(option.font)
        title_font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(title_font)
        painter.setPen(colour)
        title_rect = QRect(rect.left(), rect.top(), rect.width(), line * 2)
        elided = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight,
                                                  title_rect.width() * 2 - 20)
        painter.drawText(title_rect, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft
                         | Qt.AlignmentFlag.AlignTop, elided)
        count = index.data(COUNT_ROLE) or 0
        details = f"{index.data(DATE_ROLE)}  ·  {count} claim{'' if count == 1 else 's'}"
        if index.data(REVIEWED_ROLE):
            details += "  ·  ✓ reviewed"
        painter.setFont(option.font)
        if not selected:
            colour = option.palette.color(group, QPalette.ColorRole.PlaceholderText)
        painter.setPen(colour)
        painter.drawText(QRect(rect.left(), rect.top() + line * 2 + 4, rect.width(), line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, details)
        painter.restore()


class ArticleListView(QListView):
    """The list of articles. A changed claim count repaints its row only: Qt's list view
    would otherwise lay out every row again (20 ms on a desk of 10,000 articles), although
    a count never changes a row's size (the rows are of uniform size)."""

    def dataChanged(self, top_left: QModelIndex, bottom_right: QModelIndex,  # noqa: N802
                    roles: list[int] = ()) -> None:  # type: ignore[assignment]
        """Repaint one row for a count change; anything else goes to Qt."""
        if top_left == bottom_right and roles and set(roles) <= {COUNT_ROLE}:
            self.update(top_left)
            return
        super().dataChanged(top_left, bottom_right, roles)


class ArticleFilter(QLineEdit):
    """The filter box; Down moves into the list."""

    downPressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Down arrow: go to the list."""
        if event.key() == Qt.Key.Key_Down:
            self.downPressed.emit()
            return
        super().keyPressEvent(event)


class ArticleListPane(QWidget):
    """Filter box and article list; emits :attr:`articleChosen` with an article id."""

    articleChosen = Signal(str)

    def __init__(self, model: ArticleListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articlePane")
        self.model = model
        heading = QLabel("Articles")
        heading.setObjectName("paneHeading")
        self.filter = ArticleFilter(objectName="articleFilter")
        self.filter.setPlaceholderText("Filter titles and text  (Ctrl+L)")
        self.filter.setClearButtonEnabled(True)
        self.list = ArticleListView(objectName="articleList")
        self.list.setUniformItemSizes(True)  # first: else each setting lays out every row
        self.list.setItemDelegate(ArticleDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setModel(model)
        self.list.setAccessibleName("Articles")
        self.empty = QLabel(objectName="panelHint")
        self.empty.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 4, 10)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addWidget(self.filter)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)

        self._timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.filter.textChanged.connect(self._timer.start)
        self.filter.returnPressed.connect(self.apply_filter)
        self.filter.downPressed.connect(self._enter_list)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        model.modelAboutToBeReset.connect(self._remember)
        model.modelReset.connect(self._restore)
        model.modelReset.connect(self.update_hint)
        self._kept: str | None = None
        self.update_hint()

    def apply_filter(self) -> None:
        """Filter the list by the box's text now."""
        self._timer.stop()
        if self.model.query != self.filter.text():
            self.model.set_query(self.filter.text())
        self.update_hint()

    def update_hint(self) -> None:
        """Say why the list is empty: nothing matches the filter, or nothing imported yet."""
        if self.model.rowCount():
            self.empty.hide()
            return
        self.empty.setText(NO_MATCH if self.filter.text() else NO_ARTICLES)
        self.empty.show()

    def current_id(self) -> str | None:
        """The article selected in the list."""
        index = self.list.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def choose(self, article_id: str) -> bool:
        """Select an article in the list (False when the filter hides it)."""
        row = self.model.row_of(article_id, fetch=True)
        if row < 0:
            return False
        self.list.setCurrentIndex(self.model.index(row))
        self.list.scrollTo(self.model.index(row))
        return True

    def step(self, delta: int) -> None:
        """Select the next (1) or previous (-1) article."""
        row = self.list.currentIndex().row()
        if row + delta >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()  # past the pages read so far
        rows = self.model.rowCount()
        if not rows:
            return
        row = 0 if row < 0 else max(0, min(rows - 1, row + delta))
        self.list.setCurrentIndex(self.model.index(row))

    def _enter_list(self) -> None:
        if self.model.rowCount():
            if not self.list.currentIndex().isValid():
                self.list.setCurrentIndex(self.model.index(0))
            self.list.setFocus()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.articleChosen.emit(current.data(ID_ROLE))

    def _remember(self) -> None:
        self._kept = self.current_id()

    def _restore(self) -> None:
        if self._kept:
            row = self.model.row_of(self._kept)
            if row >= 0:
                self.list.selectionModel().blockSignals(True)
                self.list.setCurrentIndex(self.model.index(row))
                self.list.selectionModel().blockSignals(False)
                self.list.viewport().update()
