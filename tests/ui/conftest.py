"""Fixtures for the window's tests: isolated QSettings and windows on real desk files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QTextBlock, QTextLayout
from PySide6.QtWidgets import QApplication

from ui import create_window
from ui.reader import Reader
from ui.window import MainWindow


def painted_formats(reader: Reader, block: QTextBlock) -> list[QTextLayout.FormatRange]:
    """The formats a block of the reader carries once it is on screen and painted.

    The reader colours blocks as they are about to show, so the block is scrolled into
    view (if it is not) and the viewport painted, as the screen would be.
    """
    shown = reader.blockBoundingGeometry(block).translated(reader.contentOffset())
    if not shown.intersects(reader.viewport().rect().toRectF()):
        reader.verticalScrollBar().setValue(block.firstLineNumber())
    reader.viewport().repaint()
    return block.layout().formats()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, qapp: QApplication) -> Iterator[Path]:
    """QSettings written to a temporary folder, never the user's own."""
    folder = tmp_path / "settings"
    folder.mkdir()
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    QSettings().clear()
    yield folder


@pytest.fixture
def open_window(qtbot) -> Iterator[Callable[..., MainWindow]]:
    """Open windows on desk files; every window is closed (and its desk) after the test."""
    windows: list[MainWindow] = []

    def make(path: Path, **options) -> MainWindow:
        window = create_window(path, **options)
        window.resize(1400, 900)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.complete)  # its menus are filled just after it paints
        window.activateWindow()  # shortcuts reach only the active window
        qtbot.waitUntil(window.isActiveWindow)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


def article_row(window: MainWindow, word: str) -> int:
    """The list row of the one article whose title holds ``word``."""
    model = window.articles_model
    rows = [r for r in range(model.rowCount()) if word in model.summary(r).title]
    assert len(rows) == 1, [model.summary(r).title for r in range(model.rowCount())]
    return rows[0]


def open_article(window: MainWindow, word: str) -> str:
    """Choose the article whose title holds ``word`` in the list; its id."""
    summary = window.articles_model.summary(article_row(window, word))
    window.article_pane.choose(summary.id)
    assert window.article_id == summary.id
    return summary.id
