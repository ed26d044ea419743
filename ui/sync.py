"""The team desk in the window: File ▸ Sync (Ctrl+Shift+Y), a status-bar line, and syncs on
open and every few minutes.

A controller in the house's shape: handed the desk, a parent for its dialogs and a few
callables (tell the editor something, re-read the views, save the edit being typed), it owns
its action and its status label and never reaches into the window. Every sync runs on a
worker thread with its own desk connection (:mod:`ui.workers`); Sync shows progress with
Cancel, the automatic ones are silent (a sync with nothing to do changes nothing on screen;
an unreachable server only says "offline" in the status bar). Conflicts a sync keeps go to
``merge_conflicts`` and so to the existing review (Edit ▸ Merge Conflicts…).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QWidget

from desk import Desk
from desk.model import Change

from .workers import DeskJob, start_job

SYNC = "Ctrl+Shift+Y"
#: How often the window syncs by itself while a team server is set.
AUTO_SYNC_MS = 5 * 60 * 1000
#: How often the "synced N min ago" line is brought up to date.
LABEL_MS = 60 * 1000


def ago(when: str, now: datetime | None = None) -> str:
    """``when`` (ISO 8601 UTC) as "just now", "N min ago", "N h ago" or a date."""
    try:
        then = datetime.fromisoformat(when.replace("Z", "+00:00"))
    except ValueError:
        return "at an unknown time"
    minutes = int(((now or datetime.now(timezone.utc)) - then).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 24 * 60:
        return f"{minutes // 60} h ago"
    return f"on {then.date().isoformat()}"


def _work(desk: Desk, progress: Any, cancelled: Any) -> Any:
    from desk.team.sync import sync_desk

    return sync_desk(desk, progress=progress, cancelled=cancelled)


class SyncController(QObject):
    """Owns File ▸ Sync, the status label and the automatic syncs."""

    #: Emitted on the UI thread after each sync: (summary line or error, whether it failed).
    synced = Signal(str, bool)

    def __init__(self, desk: Desk, parent: QWidget, *, report: Callable[[str], Any],
                 reload: Callable[[], Any], commit_pending: Callable[[], Any] | None = None,
                 auto_ms: int = AUTO_SYNC_MS) -> None:
        super().__init__(parent)
        self.desk, self.parent_widget = desk, parent
        self.report, self.reload = report, reload
        self.commit_pending = commit_pending or (lambda: None)
        self.job: DeskJob | None = None
        self.offline = ""
        self.closed = False
        self.actionSync = QAction("S&ync", parent)
        self.actionSync.setObjectName("actionSync")
        self.actionSync.setShortcut(QKeySequence(SYNC))
        self.actionSync.setStatusTip("Pull the team desk's changes and push this desk's")
        self.actionSync.triggered.connect(lambda _checked=False: self.sync())
        self.label = QLabel(objectName="syncLabel")
        self.label.setToolTip("The team desk this desk syncs with")
        self.label_timer = QTimer(self, interval=LABEL_MS)
        self.label_timer.timeout.connect(self.update_label)
        self.auto_timer = QTimer(self, interval=auto_ms)
        self.auto_timer.timeout.connect(self.sync_quietly)
        self._unsubscribe = desk.subscribe(self._on_change)
        self.update_label()
        if self.has_server():
            self.label_timer.start()
            self.auto_timer.start()

    @classmethod
    def from_context(cls, context: Any) -> SyncController:
        """The controller of a window (a :class:`ui.controller.WindowContext`): Sync in its
        File menu and registry, the label in its status bar; what a sync pulled re-reads the
        lists (the undo history stays)."""
        controller = cls(context.desk, context.parent,
                         report=lambda message: context.status(message, 15000),
                         reload=context.refresh, commit_pending=context.commit_pending)
        controller.add_to_menus(context.parent.menuBar())
        context.add_action(controller.actionSync)
        context.parent.statusBar().addPermanentWidget(controller.label)
        return controller

    # -- state ---------------------------------------------------------------------------

    def state(self) -> dict[str, str]:
        from desk.team.state import team_state

        return team_state(self.desk)

    def has_server(self) -> bool:
        """Whether this desk syncs with a team desk (it has synced once)."""
        return not self.desk.read_only and bool(self.state().get("url"))

    def update_label(self) -> None:
        """'synced 3 min ago · 2 edits waiting' (or offline), hidden for a desk of no team."""
        from desk.team.state import waiting

        if self.closed:
            return
        state = self.state()
        self.actionSync.setEnabled(not self.desk.read_only and self.job is None)
        if not state.get("url"):
            self.label.setVisible(False)
            return
        count = waiting(self.desk)
        parts = [f"offline ({self.offline})" if self.offline else
                 f"synced {ago(state.get('synced_at', ''))}"]
        parts.append(f"{count} edit{'' if count == 1 else 's'} waiting")
        self.label.setText(f"{state.get('team_name', 'Team')}: " + " · ".join(parts))
        self.label.setVisible(True)

    def _on_change(self, change: Change) -> None:
        if not self.label.isHidden() or change.kind == "articles_changed":
            self.update_label()  # one count of a small table

    # -- syncing -------------------------------------------------------------------------

    def sync(self) -> DeskJob | None:
        """File ▸ Sync: on a worker, behind a progress dialog with Cancel."""
        if self.job is not None or self.desk.read_only:
            return None
        if not self.has_server():
            self.report("This desk has no team server yet: join one once with "
                        "'claims-desk sync DESK URL'.")
            return None
        self.commit_pending()
        self.job = start_job(self.parent_widget, "Syncing with the team desk…", self.desk.path,
                             self.desk.editor, _work, lambda s: self._done(s, quiet=False),
                             lambda m: self._failed(m, quiet=False))
        self.job.finished.connect(self._finished)
        self.update_label()
        return self.job

    def sync_quietly(self) -> DeskJob | None:
        """On open and every few minutes: a sync without a dialog; silent unless it pulled."""
        if self.closed or self.job is not None or not self.has_server():
            return None
        self.job = DeskJob(self.desk.path, self.desk.editor, _work, self)
        self.job.succeeded.connect(lambda s: self._done(s, quiet=True))
        self.job.failed.connect(lambda m: self._failed(m, quiet=True))
        self.job.finished.connect(self._finished)
        self.job.start()
        return self.job

    def _finished(self) -> None:
        if self.job is not None:
            self.job.deleteLater()
        self.job = None
        self.update_label()

    def _done(self, summary: Any, *, quiet: bool) -> None:
        if self.closed:
            return
        self.offline = ""
        if summary.pulled:
            self.reload()
        if summary.conflicts:
            self.report(f"{summary.line()}: review the overruled values under "
                        "Edit ▸ Merge Conflicts…")
        elif not quiet:
            self.report(f"Synced: {summary.line()}")
        self.update_label()
        self.synced.emit(summary.line(), False)

    def _failed(self, message: str, *, quiet: bool) -> None:
        if self.closed:
            return
        if "Cannot reach" in message:
            self.offline = "the server cannot be reached"
        if not quiet:
            self.report(message)
        self.update_label()
        self.synced.emit(message, True)

    def add_to_menus(self, bar: Any) -> None:
        """Sync into File, before Quit."""
        menus = {action.text().replace("&", ""): action.menu() for action in bar.actions()}
        file_menu = menus.get("File")
        if file_menu is not None:
            quit_action = next((a for a in file_menu.actions()
                                if a.objectName() == "actionQuit"), None)
            file_menu.insertAction(quit_action, self.actionSync)
            file_menu.insertSeparator(quit_action)

    def start(self) -> None:
        """Sync once now that the window is up (a desk of no team does nothing)."""
        QTimer.singleShot(0, self.sync_quietly)

    def close(self) -> None:
        """Stop the timers and wait for a sync under way (before the desk closes)."""
        self.auto_timer.stop()
        self.label_timer.stop()
        if not self.closed:
            self._unsubscribe()
        self.closed = True
        if self.job is not None:
            self.job.cancel()
            self.job.wait(30_000)
