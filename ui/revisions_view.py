"""Compare Revisions: an article's earlier text and a later one side by side, changes marked.

``import --update`` keeps every replaced text (:func:`desk.across.history`);
:func:`desk.across.revision_diff` compares two of them word by word in code points, which are
converted to UTF-16 here. Removed words are struck through on a red tint in the old text,
added words underlined on a green tint in the new one (not told by colour alone). Below, the
stealth-edit messages of the update ("the figure in this claim was 2,000, is now 2,400");
choosing one shows its claim in the window.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QKeySequence,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desk import DeskError

from . import status as status_look
from .across_models import CLAIM_ID, ChangesModel
from .across_models import core as _across
from .across_controller import CloseWith
from .revisions_controller import COMPARE_REVISIONS, RevisionsController  # noqa: F401
from .offsets import OffsetMap
from .reader import READER_FONT

if TYPE_CHECKING:
    from desk import across

    from .controller import WindowContext


NEXT_CHANGE = "F8"
PREVIOUS_CHANGE = "Shift+F8"


class DiffHighlighter(QSyntaxHighlighter):
    """Marks sorted, non-overlapping UTF-16 ranges of one text as removed or added."""

    def __init__(self, document: QTextDocument, added: bool) -> None:
        super().__init__(document)
        self.ranges: list[tuple[int, int]] = []
        self._starts: list[int] = []
        self.added = added

    def set_ranges(self, ranges: list[tuple[int, int]]) -> None:
        """The changed stretches (UTF-16), repainting the document."""
        self.ranges = sorted(r for r in ranges if r[0] < r[1])
        self._starts = [start for start, _ in self.ranges]
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        """Mark the changed stretches within one block (found by bisection)."""
        block = self.currentBlock()
        begin, end = block.position(), block.position() + len(text)
        at = max(bisect_right(self._starts, begin) - 1, 0)
        fmt = self._format()
        while at < len(self.ranges) and self.ranges[at][0] < end:
            start, stop = self.ranges[at]
            left, right = max(start, begin) - begin, min(stop, end) - begin
            if left < right:
                self.setFormat(left, right - left, fmt)
            at += 1

    def _format(self) -> QTextCharFormat:
        dark = status_look.is_dark()
        fmt = QTextCharFormat()
        if self.added:
            fmt.setBackground(QColor("#1f5130" if dark else "#c9f2d3"))
            fmt.setFontUnderline(True)
        else:
            fmt.setBackground(QColor("#5c2528" if dark else "#fbd0d3"))
            fmt.setFontStrikeOut(True)
        return fmt


def _pane(name: str, title: str) -> tuple[QWidget, QLabel, QPlainTextEdit]:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel(title)
    text = QPlainTextEdit(objectName=name)
    text.setReadOnly(True)
    text.setFont(READER_FONT)
    text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    text.document().setDocumentMargin(10)
    layout.addWidget(label)
    layout.addWidget(text, 1)
    return box, label, text


class RevisionsView(QDialog):
    """Two texts of one article side by side, and the update's stealth-edit messages."""

    def __init__(self, context: WindowContext, article_id: str) -> None:
        super().__init__(context.parent)
        self.context = context
        self.desk = context.desk
        self.article_id = article_id
        self.texts = _across().revisions(self.desk, article_id)
        self.diff: across.RevisionDiff | None = None
        self.setObjectName("revisionsView")
        self.setWindowTitle(f"Revisions — {self.texts[-1].title}")
        self.resize(1200, 760)
        self.choice = QComboBox(objectName="revisionChoice")
        for text in self.texts[:-1]:
            when = (text.replaced_at or "")[:16].replace("T", " ")
            self.choice.addItem(f"Text replaced on {when} UTC", text.id)
        old_box, self.old_label, self.old_text = _pane("oldText", "Earlier text")
        new_box, self.new_label, self.new_text = _pane("newText", "Current text")
        self.old_marks = DiffHighlighter(self.old_text.document(), added=False)
        self.new_marks = DiffHighlighter(self.new_text.document(), added=True)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(old_box)
        splitter.addWidget(new_box)
        splitter.setSizes([600, 600])
        self.changes_model = ChangesModel(self)
        self.changes_view = QListView(objectName="changesView")
        self.changes_view.setModel(self.changes_model)
        self.changes_view.setMaximumHeight(150)
        self.changes_view.activated.connect(self._jump)
        self.changes_view.selectionModel().currentChanged.connect(lambda now, _: self._jump(now))
        top = QHBoxLayout()
        top.addWidget(QLabel("Compare"))
        top.addWidget(self.choice, 1)
        top.addWidget(QLabel("with the current text"))
        top.addSpacing(16)
        self.position_label = QLabel(objectName="changePosition")
        top.addWidget(self.position_label)
        for text, keys, delta in (("◀ Previous", PREVIOUS_CHANGE, -1), ("Next ▶", NEXT_CHANGE, 1)):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setToolTip(f"{text.strip('◀▶ ')} change ({keys})")
            action.triggered.connect(lambda _=False, delta=delta: self.step(delta))
            button = QToolButton()
            button.setDefaultAction(action)
            top.addWidget(button)
        self.spans: list[tuple[int, int, int, int]] = []
        self.at = -1
        self.changes_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.changes_label)
        layout.addWidget(self.changes_view)
        self.choice.currentIndexChanged.connect(self.compare)
        self._closer = CloseWith(context.parent, self.close, self)
        self.choice.setCurrentIndex(self.choice.count() - 1)  # the latest earlier text
        self.compare()

    def compare(self) -> None:
        """Diff the chosen earlier text with the current one and mark the changes."""
        revision_id = self.choice.currentData()
        try:
            self.diff = _across().revision_diff(self.desk, self.article_id, revision_id)
            changes = _across().changes(self.desk, self.article_id, revision_id=revision_id)
        except DeskError as exc:
            self.context.report(str(exc))
            return
        old, new = self.diff.old.body, self.diff.new.body
        old_map, new_map = OffsetMap(old), OffsetMap(new)
        self.old_text.setPlainText(old)
        self.new_text.setPlainText(new)
        changed = self.diff.changed()
        self.old_marks.set_ranges([(old_map.to_utf16(op.old_start), old_map.to_utf16(op.old_end))
                                   for op in changed if op.tag in ("delete", "replace")])
        self.new_marks.set_ranges([(new_map.to_utf16(op.new_start), new_map.to_utf16(op.new_end))
                                   for op in changed if op.tag in ("insert", "replace")])
        self.old_label.setText(f"Earlier text — {_count(len(self.old_marks.ranges))} removed "
                               "or replaced (struck through)")
        self.new_label.setText(f"Current text — {_count(len(self.new_marks.ranges))} added "
                               "or replacing (underlined)")
        self.changes_model.set_changes(changes)
        self.changes_label.setText(
            "What the update changed under claims (choose one to read its claim):" if changes
            else "No claim's figure or attribution changed in this update.")
        self.changes_view.setVisible(bool(changes))
        self.spans = [(old_map.to_utf16(op.old_start), old_map.to_utf16(op.old_end),
                       new_map.to_utf16(op.new_start), new_map.to_utf16(op.new_end))
                      for op in changed]
        self.at = -1
        self.step(1)  # show the first change in both panes

    def step(self, delta: int) -> None:
        """Move both texts to the next (1) or previous (-1) change, centred (the cursor at its
        start; a selection would hide the marks)."""
        if not self.spans:
            return
        self.at = (self.at + delta) % len(self.spans) if self.at >= 0 else 0
        old_start, _, new_start, _ = self.spans[self.at]
        for pane, start in ((self.old_text, old_start), (self.new_text, new_start)):
            cursor = pane.textCursor()
            cursor.setPosition(start)
            pane.setTextCursor(cursor)
            pane.centerCursor()
        self.position_label.setText(f"Change {self.at + 1} of {len(self.spans)}")

    def _jump(self, index) -> None:  # noqa: ANN001 - a QModelIndex
        claim_id = index.data(CLAIM_ID) if index.isValid() else None
        if claim_id:
            self.context.selection.show_claim(claim_id)


def _count(n: int) -> str:
    return f"{n} stretch{'' if n == 1 else 'es'}"
