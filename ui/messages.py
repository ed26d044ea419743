"""Messages for people: problems and results in window-modal boxes that never block.

:class:`Messages` is the window's one way of telling the user something in a box; controllers
get its :meth:`~Messages.report` and :meth:`~Messages.inform` through their
:class:`~ui.controller.WindowContext`. The last box and the last dialog opened are kept (the
tests read them as ``window.last_message`` and ``window.last_dialog``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


class Messages:
    """Window-modal message boxes over ``parent``."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent
        self.last_message: QMessageBox | None = None
        self.last_dialog: QWidget | None = None

    def report(self, message: str, title: str = "Claims Desk") -> QMessageBox:
        """Tell the user about a problem (never a traceback)."""
        return self._open(QMessageBox.Icon.Warning, title, message, "problemMessage")

    def inform(self, title: str, text: str, *, warning: bool = False) -> QMessageBox:
        """Tell the user what a piece of work did."""
        return self._open(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information,
                          title, text, "resultMessage")

    def keep_dialog(self, dialog: QWidget) -> None:
        """Remember the dialog just opened."""
        self.last_dialog = dialog

    def _open(self, kind: QMessageBox.Icon, title: str, text: str, name: str) -> QMessageBox:
        box = QMessageBox(kind, title, text, QMessageBox.StandardButton.Ok, self.parent)
        box.setObjectName(name)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message = box
        return box
