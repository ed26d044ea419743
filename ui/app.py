"""The application: QApplication set-up (names, icon, style, stylesheet) and ``run``."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desk import Desk, DeskError, NotADeskError
from desk.errors import StorageError, readable
from desk.paths import open_desk

from . import settings
from .crash import report_unexpected
from .icons import app_icon, stylesheet

if TYPE_CHECKING:
    from .window import MainWindow

WINDOW_SIZE = (1400, 900)


def application(qt_args: Sequence[str] = ()) -> QApplication:
    """The QApplication, created and set up once."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "claims-desk", *qt_args])
    assert isinstance(app, QApplication)
    setup(app)
    return app


def setup(app: QApplication) -> None:
    """Names for QSettings, the icon and the stylesheet (idempotent)."""
    app.setOrganizationName(settings.ORGANIZATION)
    app.setApplicationName(settings.APPLICATION)
    app.setApplicationDisplayName(settings.APPLICATION)
    app.setDesktopFileName("claims-desk")  # packaging/claims-desk.desktop: its icon, its name
    app.setWindowIcon(app_icon())
    app.setStyleSheet(stylesheet())


def create_window(desk_path: str | Path, *, read_only: bool = False,
                  seed: bool = False) -> MainWindow:
    """Open the desk at ``desk_path`` (created if missing) and return its main window.

    A QApplication must exist. Raises :class:`desk.DeskError` when the file is not a desk.
    """
    app = QApplication.instance()
    if isinstance(app, QApplication):
        setup(app)
    # The on-open backup is made after the window shows, off the UI thread
    # (ui.operations.DeskOperations.start_open_backup), so a big desk opens as fast.
    desk = open_desk(desk_path, read_only=read_only, seed=seed,
                     editor=settings.value(settings.EDITOR_NAME) or None)
    window = build_window(desk)
    settings.remember_desk(desk.path)
    if settings.value(settings.WINDOW_GEOMETRY).isEmpty():
        window.resize(*WINDOW_SIZE)
    return window


def build_window(desk: Desk) -> MainWindow:
    """The main window on an open desk (closed again if the window cannot be built).

    A damaged page is found only when the window reads it (checking every page on opening
    would take seconds on a big desk): it raises :class:`NotADeskError`, as a damaged file
    does, so that the desk's backups are offered.
    """
    from .window import MainWindow

    desk.prompt = True  # a person waits for the window's writes: they go first
    try:
        return MainWindow(desk)
    except StorageError as exc:
        desk.close()
        raise NotADeskError(f"{desk.path.name} is damaged ({readable(exc)}).") from exc
    except BaseException:
        desk.close()
        raise


class QuitAfterPaint(QObject):
    """``--quit-after-paint`` (smoke tests of the installed app): once the window has painted,
    say so on stdout with the time since start-up, and close it the ordinary way."""

    def __init__(self, window: QWidget, started: float) -> None:
        super().__init__(window)
        self.window, self.started = window, started
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Close the window after its first paint."""
        if watched is self.window and event.type() == QEvent.Type.Paint:
            self.window.removeEventFilter(self)
            print(f"first paint after {(time.perf_counter() - self.started) * 1000:.0f} ms",
                  flush=True)
            QTimer.singleShot(0, self.window.close)
        return False


def run(path: str | Path, *, read_only: bool = False, seed: bool = False,
        qt_args: Sequence[str] = (), quit_after_paint: float | None = None) -> int:
    """Show the window on a desk and run the event loop; the exit status.

    ``quit_after_paint``: a ``time.perf_counter()`` taken at start-up; the window then closes
    after its first paint (smoke tests, start-up timing).
    """
    app = application(qt_args)
    sys.excepthook = report_unexpected
    unattended = quit_after_paint is not None  # nobody to answer the first-run question
    if not unattended and not str(settings.value(settings.EDITOR_NAME) or "").strip():
        from .desk_settings import ask_editor_name  # (a dialog: loaded only to ask)

        ask_editor_name()
    try:
        window = create_window(path, read_only=read_only, seed=seed)
    except NotADeskError as exc:  # damaged: offer its backups
        from .backups_dialog import offer_restore

        if not offer_restore(None, Path(path).expanduser(), str(exc)):
            QMessageBox.critical(None, "Cannot open desk", str(exc))
            return 1
        try:
            window = create_window(path, read_only=read_only, seed=seed)
        except DeskError as again:
            QMessageBox.critical(None, "Cannot open desk", str(again))
            return 1
    except DeskError as exc:
        QMessageBox.critical(None, "Cannot open desk", str(exc))
        return 1
    if quit_after_paint is not None:
        QuitAfterPaint(window, quit_after_paint)
    window.show()
    return app.exec()
