"""Help ▸ About Claims Desk: the version, the licence, and where this desk, its backups and the
crash log are — what an editor is asked for when something needs looking into.

A controller in the house's shape: handed the window's context (the desk, a parent for its
dialog, the action registry), it owns its action and never reaches into the window. The dialog is window-modal but not blocking
(``QMessageBox.open``), so tests and the event loop carry on.
"""

from __future__ import annotations

import html
import platform
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, qVersion
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenuBar, QMessageBox

from desk import Desk
from desk.paths import crash_log_path
from desk.trust.backup import backup_dir
from desk.version import __version__

from .controller import WindowContext

LICENCE = "MIT"
TITLE = "About Claims Desk"


def about_facts(desk: Desk) -> list[tuple[str, str]]:
    """(label, value) lines of the About box, in order."""
    return [
        ("Version", __version__),
        ("Licence", f"{LICENCE} (the bundled Qt is LGPLv3)"),
        ("This desk", str(Path(desk.path).expanduser().resolve())
         + ("  (read-only)" if desk.read_only else "")),
        ("Backups", str(backup_dir(desk.path))),
        ("Crash log", str(crash_log_path())),
        ("Built with", f"Python {platform.python_version()}, Qt {qVersion()}, "
                       f"PySide6 {pyside_version}"),
    ]


def about_html(desk: Desk) -> str:
    """The About box's text (rich text; paths selectable)."""
    rows = "".join(f"<tr><td><b>{html.escape(label)}</b>&nbsp;&nbsp;</td>"
                   f"<td>{html.escape(value)}</td></tr>" for label, value in about_facts(desk))
    return (f"<h3>Claims Desk {html.escape(__version__)}</h3>"
            "<p>An offline desk for newsroom fact-checkers.</p>"
            f"<table>{rows}</table>")


class AboutController(QObject):
    """Owns Help ▸ About Claims Desk and its dialog."""

    def __init__(self, context: WindowContext) -> None:
        super().__init__(context.parent)
        self.context = context
        self.dialog: QMessageBox | None = None
        self.actionAbout = QAction("&About Claims Desk", context.parent)
        self.actionAbout.setObjectName("actionAbout")
        self.actionAbout.setMenuRole(QAction.MenuRole.AboutRole)
        self.actionAbout.setStatusTip("The version, the licence, and where this desk, its "
                                      "backups and the crash log are")
        self.actionAbout.triggered.connect(lambda _checked=False: self.show())
        context.add_action(self.actionAbout)

    def add_to_menu(self, bar: QMenuBar) -> None:
        """Add the Help menu with About to the menu bar."""
        bar.addMenu("&Help").addAction(self.actionAbout)

    def show(self) -> QMessageBox:
        """Open the About box (one at a time; it does not block)."""
        parent = self.context.parent
        if self.dialog is None:
            self.dialog = QMessageBox(parent, objectName="aboutDialog")
            self.dialog.setWindowTitle(TITLE)
            self.dialog.setTextFormat(Qt.TextFormat.RichText)
            self.dialog.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.dialog.setStandardButtons(QMessageBox.StandardButton.Close)
            self.dialog.setIconPixmap(parent.windowIcon().pixmap(64, 64))
        self.dialog.setText(about_html(self.context.desk))
        self.dialog.open()
        self.context.keep_dialog(self.dialog)
        return self.dialog
