"""The "Across the Desk" and "Figures that Disagree" actions: light, built with the window;
the dialog (:mod:`ui.across_view`, with its models and the grouping core) is imported when
first opened, not at start-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

if TYPE_CHECKING:
    from .across_view import AcrossView
    from .controller import WindowContext


ACROSS = "Ctrl+Shift+G"
DISAGREEMENTS = "Ctrl+Shift+F"


class CloseWith(QObject):
    """Runs ``on_close`` when ``window`` gets its close event (before the desk is closed).

    Owned by ``owner`` (a dialog): when the dialog is deleted, the filter goes with it.
    """

    def __init__(self, window: QWidget, on_close: Callable[[], None], owner: QObject) -> None:
        super().__init__(owner)
        self.on_close = on_close
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Let the close event through, after ``on_close``."""
        if event.type() == QEvent.Type.Close:
            self.on_close()
        return False


class AcrossController:
    """"Across the Desk" and "Figures that Disagree": the actions (in ``menu``) and the
    dialog, made when first asked for (:attr:`view`)."""

    def __init__(self, context: WindowContext, reader: QWidget, menu: QMenu) -> None:
        self.context, self.reader = context, reader
        self.view: AcrossView | None = None
        menu.addSeparator()
        for tab, (name, text, keys, tip) in enumerate((
            ("actionAcrossDesk", "Across the &Desk…", ACROSS,
             "The same claim in several articles: groups, first appearance, "
             "confirm/split/merge"),
            ("actionDisagreements", "Figures that &Disagree…", DISAGREEMENTS,
             "Claims whose figures cannot both be true"),
        )):
            action = QAction(text, context.parent)
            action.setObjectName(name)
            action.setShortcut(QKeySequence(keys))
            action.setStatusTip(tip)
            action.triggered.connect(lambda _=False, tab=tab: self.show(tab))
            context.add_action(action)
            menu.addAction(action)

    def show(self, tab: int) -> AcrossView:
        """Open the dialog (made once) on a tab."""
        if self.view is None:
            from .across_view import AcrossView

            self.view = AcrossView(self.context, self.reader)
        self.view.open_view(tab)
        return self.view
