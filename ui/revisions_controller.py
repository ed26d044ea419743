"""The "Compare Revisions" action: light, built with the window; the dialog
(:mod:`ui.revisions_view`) is imported when first opened, not at start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from .controller import WindowContext
    from .revisions_view import RevisionsView

COMPARE_REVISIONS = "Ctrl+Shift+H"  # H for history (Ctrl+Shift+R re-anchors)


class RevisionsController:
    """"Compare Revisions" for the article shown: the action (in ``menu``) and the dialog
    (:attr:`view`, the last one opened)."""

    def __init__(self, context: WindowContext, menu: QMenu) -> None:
        self.context = context
        self.view: RevisionsView | None = None
        self.action = QAction("Compare &Revisions…", context.parent)
        self.action.setObjectName("actionCompareRevisions")
        self.action.setShortcut(QKeySequence(COMPARE_REVISIONS))
        self.action.setStatusTip("This article's earlier text and its current text side by side")
        self.action.triggered.connect(self.open_view)
        context.add_action(self.action)
        menu.addAction(self.action)

    def open_view(self) -> RevisionsView | None:
        """The dialog for the article shown, or a message when it has only one text."""
        article_id = self.context.selection.article_id
        if not article_id:
            self.context.status("Open an article first.", 4000)
            return None
        from .across_models import core as _across
        from .revisions_view import RevisionsView

        if len(_across().revisions(self.context.desk, article_id)) < 2:
            self.context.status("This article has only one text: it was never updated.", 5000)
            return None
        view = RevisionsView(self.context, article_id)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.view = view
        view.show()
        return view
