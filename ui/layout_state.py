"""The window's layout kept between sessions: geometry, docks, splitters, zoom, whole desk.

Each setting is declared once in :mod:`ui.settings`; :class:`LayoutState` pairs it with the
widget that saves and restores it (as Picard's geometry mixin does, without the mixin).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QSplitter

from . import settings
from .reader import Reader


class LayoutState:
    """Restores the layout when the window opens and saves it when it closes."""

    def __init__(self, window: QMainWindow, main_splitter: QSplitter,
                 centre_splitter: QSplitter, reader: Reader, whole_desk: QAction) -> None:
        self.window, self.reader, self.whole_desk = window, reader, whole_desk
        self.main_splitter, self.centre_splitter = main_splitter, centre_splitter

    def restore(self) -> None:
        """Put back the saved geometry, dock and splitter states, zoom and whole-desk view."""
        for setting, restore in (
            (settings.WINDOW_GEOMETRY, self.window.restoreGeometry),
            (settings.WINDOW_STATE, self.window.restoreState),
            (settings.MAIN_SPLITTER, self.main_splitter.restoreState),
            (settings.CENTRE_SPLITTER, self.centre_splitter.restoreState),
        ):
            saved = settings.value(setting)
            if isinstance(saved, QByteArray) and not saved.isEmpty():
                restore(saved)
        self.reader.zoom_by(settings.value(settings.READER_ZOOM))
        if settings.value(settings.WHOLE_DESK_CLAIMS):
            self.whole_desk.setChecked(True)

    def save(self) -> None:
        """Remember the layout as it is now."""
        settings.set_value(settings.WINDOW_GEOMETRY, self.window.saveGeometry())
        settings.set_value(settings.WINDOW_STATE, self.window.saveState())
        settings.set_value(settings.MAIN_SPLITTER, self.main_splitter.saveState())
        settings.set_value(settings.CENTRE_SPLITTER, self.centre_splitter.saveState())
        settings.set_value(settings.READER_ZOOM, self.reader.zoom)
        settings.set_value(settings.WHOLE_DESK_CLAIMS, self.whole_desk.isChecked())
