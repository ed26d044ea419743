"""Review ▸ Mark Article Reviewed, and the finder's learning, in the window.

A controller in the house's shape: handed the window's context (desk, push, report,
selection) and the Review menu; it owns its actions and never reaches into the window. Marking an
article reviewed (Ctrl+Shift+R, undoable) tells the finder that its untagged sentences are
not worth checking (:mod:`desk.finder.learning`); the article list shows a tick on reviewed
articles. *Learn from This Desk's Decisions* (a desk setting, on by default) turns the
learning off and on; the suggestion bar says what the finder learned from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from desk import Desk
from desk.model import Change

from .commands import DeskCommand, ErrorReporter
from .controller import WindowContext

MARK_REVIEWED = "Ctrl+Shift+R"


def _reviewed() -> Any:
    from desk.finder import reviewed

    return reviewed


class MarkReviewedCommand(DeskCommand):
    """Mark an article reviewed (or unmark it); undo restores the mark as it was."""

    def __init__(self, desk: Desk, article_id: str, reviewed: bool,
                 report: ErrorReporter) -> None:
        super().__init__(desk, "Mark Article Reviewed" if reviewed else
                         "Unmark Article Reviewed", report)
        self.article_id, self.reviewed = article_id, reviewed

    def do(self) -> None:
        """Set the mark."""
        self.desk.mark_reviewed(self.article_id, self.reviewed)

    def undo_change(self) -> None:
        """Set it back."""
        self.desk.mark_reviewed(self.article_id, not self.reviewed)


class ReviewMarksController(QObject):
    """Owns Mark Article Reviewed and the learning switch (in ``menu``); keeps the reviewed
    ids and hands them to ``reviewed_changed`` (the article list's model)."""

    def __init__(self, context: WindowContext, menu: QMenu,
                 reviewed_changed: Callable[[set[str]], None]) -> None:
        super().__init__(context.parent)
        self.context = context
        self.desk = context.desk
        self.reviewed_changed = reviewed_changed
        self.reviewed: set[str] = set()
        self.actionMarkReviewed = QAction("Mark Article &Reviewed", context.parent)  # noqa: N815
        self.actionMarkReviewed.setObjectName("actionMarkReviewed")
        self.actionMarkReviewed.setShortcut(QKeySequence(MARK_REVIEWED))
        self.actionMarkReviewed.setCheckable(True)
        self.actionMarkReviewed.setStatusTip(
            "You read the whole article: its untagged sentences teach the finder what is not "
            "worth checking (undoable)")
        self.actionMarkReviewed.setProperty("edits", True)
        self.actionMarkReviewed.triggered.connect(self.toggle_reviewed)
        self.actionLearning = QAction("&Learn from This Desk's Decisions",  # noqa: N815
                                      context.parent)
        self.actionLearning.setObjectName("actionFinderLearning")
        self.actionLearning.setCheckable(True)
        self.actionLearning.setStatusTip(
            "Suggestions adapt to the claims tagged, the suggestions dismissed and the "
            "articles marked reviewed in this desk")
        self.actionLearning.setProperty("edits", True)
        self.actionLearning.toggled.connect(self.set_learning)
        menu.addSeparator()
        for action in (self.actionMarkReviewed, self.actionLearning):
            context.add_action(action)
            menu.addAction(action)
        context.selection.articleChanged.connect(self.article_shown)
        self._unsubscribe = self.desk.subscribe(self._on_change)
        self.article_shown(context.selection.article_id)

    def load(self) -> None:
        """Read the reviewed marks and the learning setting (after the first paint)."""
        if self.context.closed():
            return
        self.reviewed = _reviewed().reviewed_ids(self.desk)
        self.actionLearning.blockSignals(True)
        self.actionLearning.setChecked(self.desk.setting("finder_learning") != "off")
        self.actionLearning.blockSignals(False)
        self.reviewed_changed(self.reviewed)
        self.article_shown(self.context.selection.article_id)

    def article_shown(self, article_id: str | None) -> None:
        """Tick the action when the article shown is reviewed."""
        self.actionMarkReviewed.setEnabled(article_id is not None and not self.desk.read_only)
        self.actionMarkReviewed.setChecked(article_id in self.reviewed)

    def toggle_reviewed(self) -> None:
        """Mark the article shown reviewed, or unmark it (undoable)."""
        article_id = self.context.selection.article_id
        if article_id is None or self.desk.read_only:
            return
        self.context.push(MarkReviewedCommand(self.desk, article_id,
                                              article_id not in self.reviewed,
                                              self.context.report))
        self.article_shown(article_id)

    def set_learning(self, on: bool) -> None:
        """Turn the finder's learning from this desk on or off (a desk setting)."""
        if self.desk.read_only:
            return
        from desk.finder.learning import set_learning

        set_learning(self.desk, on)

    def _on_change(self, change: Change) -> None:
        if change.kind in ("article_reviewed", "articles_changed", "desk_restored"):
            self.reviewed = _reviewed().reviewed_ids(self.desk)
            self.reviewed_changed(self.reviewed)
            self.article_shown(self.context.selection.article_id)

    def close(self) -> None:
        """Stop listening to the desk."""
        self._unsubscribe()
