"""Icons and the stylesheet from ``resources/``, loaded with importlib.resources.

Toolbar icons are drawn with ``currentColor``; :func:`icon` paints them in the palette's text
colour so that they read well in light and dark palettes alike.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication


def resource_text(*parts: str) -> str:
    """The text of a file under ``resources/``."""
    path = resources.files("resources")
    for part in parts:  # one part at a time: the bundle's MultiplexedPath takes one
        path = path / part
    return path.read_text(encoding="utf-8")


def _text_colour() -> str:
    app = QApplication.instance()
    if app is None:
        return "#333333"
    return app.palette().color(QPalette.ColorRole.WindowText).name()


@cache
def _icon(name: str, colour: str) -> QIcon:
    svg = resource_text("icons", f"{name}.svg").replace("currentColor", colour)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    result = QIcon()
    for size in (16, 20, 24, 32, 48, 64):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        result.addPixmap(pixmap)
    return result


def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg`` in the current palette's text colour."""
    return _icon(name, _text_colour())


def app_icon() -> QIcon:
    """The application's own icon."""
    return _icon("app", "")


def stylesheet() -> str:
    """The window's stylesheet (``resources/style.qss``)."""
    return resource_text("style.qss")
