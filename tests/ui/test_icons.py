"""Icons are drawn from their SVG when first shown, at the size asked for (start-up draws
none), in the palette's text colour; a disabled look is made from them."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from ui.icons import SvgIconEngine, app_icon, icon


def _opaque(image) -> int:  # noqa: ANN001 - a QImage
    return sum(image.pixelColor(x, y).alpha() > 0
               for y in range(image.height()) for x in range(image.width()))


def test_an_icon_is_drawn_at_the_size_asked_for(qapp) -> None:
    undo = icon("undo")
    for size in (16, 24, 48):
        pixmap = undo.pixmap(QSize(size, size))
        assert pixmap.size() == QSize(size, size)
        assert 0 < _opaque(pixmap.toImage()) < size * size  # drawn, not a filled square
    normal = undo.pixmap(QSize(24, 24)).toImage()
    disabled = undo.pixmap(QSize(24, 24), QIcon.Mode.Disabled).toImage()
    assert disabled != normal and _opaque(disabled) > 0
    assert QIcon(undo).pixmap(QSize(20, 20)).size() == QSize(20, 20)  # a copy draws too


def test_the_engine_keeps_what_it_drew(qapp) -> None:
    engine = SvgIconEngine(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                           b'<rect width="10" height="10" fill="#000"/></svg>')
    first = engine.pixmap(QSize(16, 16), QIcon.Mode.Normal, QIcon.State.Off)
    assert engine.pixmap(QSize(16, 16), QIcon.Mode.Normal, QIcon.State.Off).cacheKey() \
        == first.cacheKey()
    assert _opaque(first.toImage()) == 16 * 16
    assert isinstance(engine.clone(), SvgIconEngine)
    assert app_icon().pixmap(QSize(64, 64)).size() == QSize(64, 64)
