"""Long desk work (imports, exports) on a worker thread, with a progress dialog and Cancel.

The worker opens its **own** desk connection (SQLite connections belong to one thread) and
talks to the window only through queued signals; it never touches a widget.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from desk import Desk, DeskError

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
Work = Callable[[Desk, Progress, Cancelled], Any]


class DeskJob(QThread):
    """Runs ``work(desk, progress, cancelled)`` on its own desk connection.

    Emits :attr:`progressed` while it runs, then exactly one of :attr:`succeeded` (with the
    work's result) or :attr:`failed` (with a message for people).
    """

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, desk_path: Path, editor: str, work: Work,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk_path = desk_path
        self.editor = editor
        self.work = work
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """True once Cancel was asked for."""
        return self._cancel.is_set()

    def run(self) -> None:
        """Runs on the worker thread: open a desk connection, do the work, report."""
        try:
            desk = Desk.open(self.desk_path, editor=self.editor)
        except DeskError as exc:
            self.failed.emit(str(exc))
            return
        try:
            result = self.work(desk, self.progressed.emit, self._cancel.is_set)
        except DeskError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug must become a message, not a dead thread
            self.failed.emit(f"Something went wrong: {exc}")
        else:
            self.succeeded.emit(result)
        finally:
            desk.close()


class _Relay(QObject):
    """Lives on the UI thread, so that the job's queued signals run these slots there.

    (A plain Python function connected to a worker's signal would run on the worker thread.)
    """

    def __init__(self, title: str, dialog: QProgressDialog, on_success: Callable[[Any], None],
                 on_failure: Callable[[str], None], parent: QObject) -> None:
        super().__init__(parent)
        self.title, self.dialog = title, dialog
        self.on_success, self.on_failure = on_success, on_failure

    @Slot(int, int, str)
    def progressed(self, done: int, total: int, label: str) -> None:
        """Show progress in the dialog."""
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total else 0)
        if label:
            self.dialog.setLabelText(f"{self.title}\n{label}")

    @Slot(object)
    def succeeded(self, result: Any) -> None:
        """Close the dialog and hand the result over."""
        self.dialog.close()
        self.on_success(result)

    @Slot(str)
    def failed(self, message: str) -> None:
        """Close the dialog and hand the message over."""
        self.dialog.close()
        self.on_failure(message)

    @Slot()
    def finished(self) -> None:
        """Tidy up once the thread is done."""
        self.dialog.close()
        self.dialog.deleteLater()
        self.deleteLater()


def start_job(parent: QWidget, title: str, desk_path: Path, editor: str, work: Work,
              on_success: Callable[[Any], None], on_failure: Callable[[str], None]) -> DeskJob:
    """Start ``work`` on a worker thread behind a progress dialog with a Cancel button.

    ``on_success`` and ``on_failure`` run on the UI thread.
    """
    job = DeskJob(desk_path, editor, work, parent)
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setObjectName("progressDialog")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    relay = _Relay(title, dialog, on_success, on_failure, parent)
    job.progressed.connect(relay.progressed)
    job.succeeded.connect(relay.succeeded)
    job.failed.connect(relay.failed)
    job.finished.connect(relay.finished)
    dialog.canceled.connect(job.cancel)
    job.dialog = dialog  # type: ignore[attr-defined]
    job.start()
    return job
