"""What a controller is handed: the window's context, not the window.

Each controller (:mod:`ui.editing`, :mod:`ui.files`, :mod:`ui.operations`, :mod:`ui.suggest`,
…) takes a :class:`WindowContext` and the panes it works on, builds or connects its own
actions, and never calls the window: it pushes undo commands with :meth:`WindowContext.push`,
tells the user with :attr:`WindowContext.report` and :attr:`WindowContext.inform`, asks for
another article or claim through :attr:`WindowContext.selection`, and runs long work with
:attr:`WindowContext.run_job`. The window builds one context and wires the signals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from desk import Desk, DeskError

from .actions import Actions
from .commands import DeskCommand, push
from .selection import Selection
from .workers import DeskJob

#: ``report(message, title="Claims Desk")``: a problem, in a window-modal message box.
Report = Callable[..., QMessageBox]
#: ``inform(title, text, *, warning=False)``: a result, in a window-modal message box.
Inform = Callable[..., QMessageBox]
#: ``run_job(title, work, on_success)``: desk work on a worker thread behind a progress dialog.
RunJob = Callable[[str, Callable[..., Any], Callable[[Any], None]], DeskJob]


@dataclass
class WindowContext:
    """The desk and the window's shared services, as handed to each controller."""

    desk: Desk
    undo_stack: QUndoStack
    registry: Actions
    selection: Selection
    report: Report
    inform: Inform
    run_job: RunJob
    #: the main window as a parent for dialogs, docks and the status bar (a plain
    #: ``QMainWindow``: controllers use only Qt's API on it)
    parent: QMainWindow
    #: True once the window has closed its desk (deferred calls then do nothing)
    closed: Callable[[], bool]
    #: save what is being typed in the claim panel (before work that changes the desk)
    commit_pending: Callable[[], None]
    #: re-read the lists after a worker changed the desk through its own connection
    refresh: Callable[[], None]
    #: re-read everything after a restore, an update or a merge (the undo stack is cleared)
    reload_all: Callable[[], None]
    #: remember a dialog just opened (``window.last_dialog``, for the tests and the window)
    keep_dialog: Callable[[QWidget], None]

    def push(self, command: DeskCommand) -> bool:
        """Apply ``command`` and put it on the undo stack; False (and a message) if the desk
        refused."""
        try:
            push(self.undo_stack, command)
        except DeskError as exc:
            self.report(str(exc))
            return False
        return True

    def status(self, message: str, timeout_ms: int = 4000) -> None:
        """A passing message in the status bar."""
        self.parent.statusBar().showMessage(message, timeout_ms)

    def add_action(self, action: QAction) -> QAction:
        """Make a controller's action a window shortcut and register it by object name."""
        self.parent.addAction(action)
        self.registry.add(action)
        return action
