"""Icons and the stylesheet from ``resources/``, loaded with importlib.resources.

Toolbar icons are drawn with ``currentColor``; :func:`icon` paints them in the palette's text
colour so that they read well in light and dark palettes alike.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QRect, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QStyleOption


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


class SvgIconEngine(QIconEngine):
    """Draws an SVG at the size asked for, when first asked (a disabled look is made from
    it by the style), and keeps each size drawn. Start-up draws no icon: the toolbar's
    draw with the first paint, at the one size the toolbar shows."""

    def __init__(self, svg: bytes) -> None:
        super().__init__()
        self.svg = svg
        self._pixmaps: dict[tuple[int, int, QIcon.Mode], QPixmap] = {}

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:  # noqa: D102
        key = (size.width(), size.height(), mode)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            if mode == QIcon.Mode.Disabled:
                normal = self.pixmap(size, QIcon.Mode.Normal, state)
                pixmap = QApplication.style().generatedIconPixmap(mode, normal, QStyleOption())
            else:
                pixmap = QPixmap(size)
                pixmap.fill(Qt.GlobalColor.transparent)
                painter = QPainter(pixmap)
                QSvgRenderer(QByteArray(self.svg)).render(painter)
                painter.end()
            self._pixmaps[key] = pixmap
        return pixmap

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode,  # noqa: D102
              state: QIcon.State) -> None:
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        size = QSize(round(rect.width() * ratio), round(rect.height() * ratio))
        painter.drawPixmap(rect, self.pixmap(size, mode, state))

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:  # noqa: D102,N802
        return size

    def clone(self) -> QIconEngine:  # noqa: D102
        return SvgIconEngine(self.svg)


@cache
def _icon(name: str, colour: str) -> QIcon:
    svg = resource_text("icons", f"{name}.svg").replace("currentColor", colour)
    return QIcon(SvgIconEngine(svg.encode("utf-8")))


def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg`` in the current palette's text colour."""
    return _icon(name, _text_colour())


def app_icon() -> QIcon:
    """The application's own icon."""
    return _icon("app", "")


def stylesheet() -> str:
    """The window's stylesheet (``resources/style.qss``)."""
    return resource_text("style.qss")
