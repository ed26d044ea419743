"""How each review status looks: its label, its highlight colours and a small badge icon.

Colours depend on the palette (light or dark) so that highlighted text stays legible in both;
the label is always shown next to the colour, so status is never told by colour alone.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from desk import STATUSES

#: Hue (degrees) of each status; None for grey.
_HUES: dict[str, int | None] = {
    "unchecked": 45, "checking": 200, "verified": 130, "false": 0, "misleading": 285,
    "unverifiable": None,
}

LABELS: dict[str, str] = {status: status.capitalize() for status in STATUSES}


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the palette draws light text on a dark background."""
    if palette is None:
        app = QApplication.instance()
        palette = app.palette() if app else QPalette()
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


def highlight(status: str, *, dark: bool, strong: bool = False) -> QColor:
    """The background of a claim's text: pale (normal) or vivid (the selected claim)."""
    hue = _HUES.get(status, 45)
    sat = 0.0 if hue is None else (0.85 if not dark else 0.55)
    if dark:
        lightness = 0.42 if strong else 0.26
    else:
        lightness = 0.66 if strong else 0.86
    return QColor.fromHslF((hue or 0) / 360, sat, lightness)


def badge_colour(status: str) -> QColor:
    """A mid-tone colour for a status's badge (legible on light and dark backgrounds)."""
    hue = _HUES.get(status, 45)
    return QColor.fromHslF((hue or 0) / 360, 0.0 if hue is None else 0.7, 0.5)


@cache
def badge(status: str) -> QIcon:
    """A round badge in the status's colour, shown next to its name."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(badge_colour(status))
    painter.drawEllipse(QRectF(6, 6, 20, 20))
    painter.end()
    return QIcon(pixmap)
