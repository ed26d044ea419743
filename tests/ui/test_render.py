"""The window renders: a grab() of the seeded desk with claims, saved as PNG, is not blank."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication

from desk import Desk
from tests.ui.conftest import painted_formats
from ui import status as status_look
from ui.reader import Span


def tag(desk: Desk, phrase: str, **fields):
    article = next(a for a in desk.articles() if "Vaccination" in a.title)
    start = article.body.index(phrase)
    return desk.add_claim(article.id, start, start + len(phrase), **fields)


def colours(image: QImage, step: int = 7) -> set[int]:
    return {image.pixel(x, y) for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)}


def test_grab_renders_the_desk_with_highlights(qtbot, open_window, seeded_desk: Desk,
                                               tmp_path: Path) -> None:
    tag(seeded_desk, "1,342 confirmed measles cases", status="verified", source="Agency")
    selected = tag(seeded_desk, "£45 million", status="false")
    window = open_window(seeded_desk.path)
    window.select_claim(selected.id)
    target = tmp_path / "window.png"
    assert window.grab().save(str(target))
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1400, 900)
    assert len(colours(image)) > 50  # text, panes and highlights, not one flat colour
    # the vivid colour of the selected (false) claim and the pale verified one are both drawn
    reader_image = window.reader.viewport().grab().toImage()
    drawn = colours(reader_image, step=2)
    for colour in (status_look.highlight("false", dark=False, strong=True),
                   status_look.highlight("verified", dark=False)):
        assert colour.rgb() in drawn, colour.name()


def test_dark_palette_highlights_stay_dark_with_light_text(qtbot, open_window,
                                                           seeded_desk: Desk) -> None:
    claim = tag(seeded_desk, "1,342 confirmed measles cases", status="checking")
    window = open_window(seeded_desk.path)
    window.select_claim(claim.id)
    window.select_claim(None)  # its article is open, the claim drawn pale
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e6e6e6"))
    dark.setColor(QPalette.ColorRole.Window, QColor("#2b2b2b"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e6e6e6"))
    window.reader.setPalette(dark)
    QApplication.processEvents()
    assert window.reader.highlighter.dark
    span: Span = window.reader.highlighter.span(claim.id)
    block = window.reader.document().findBlock(span.start)
    backgrounds = [r.format.background().color() for r in painted_formats(window.reader, block)]
    assert backgrounds and all(c.lightnessF() < 0.5 for c in backgrounds)


def test_the_legend_names_every_status_on_its_colour(open_window, desk_path: Path) -> None:
    window = open_window(desk_path)
    legend = window.claims_pane.legend.text()
    for name, label in status_look.LABELS.items():
        assert label in legend
        assert status_look.highlight(name, dark=False).name() in legend
    assert window.claims_pane.legend.isVisible()  # 1400 px wide: room for it


def test_highlights_land_in_the_right_blocks_with_paragraph_separators(open_window,
                                                                         desk_path: Path) -> None:
    from desk import ArticleDraft

    body = "Title 💉\n\nFirst 12 people\u2029second 🏥 para with 34 cats\n\nthird 56 dogs"
    with Desk.open(desk_path) as desk:
        article_id = desk.add_article(ArticleDraft("Title 💉", body, "x.txt")).article_id
        for phrase in ("12 people", "34 cats", "56 dogs"):
            start = body.index(phrase)
            desk.add_claim(article_id, start, start + len(phrase))
    window = open_window(desk_path)
    reader = window.reader
    assert reader.document().blockCount() == 6  # \u2029 starts a block in Qt too
    for claim in window.desk.claims(article_id):
        expected = reader.document().find(claim.quote)
        block = expected.block()
        formats = [(block.position() + r.start, r.length) for r in painted_formats(reader, block)
                   if r.format.background().style() != Qt.BrushStyle.NoBrush]
        assert formats == [(expected.selectionStart(), len(claim.quote))], claim.quote


def _background_ranges(block) -> list[tuple[int, int]]:
    return [(r.start, r.length) for r in block.layout().formats()
            if r.format.background().style() != Qt.BrushStyle.NoBrush]


def test_a_long_article_is_coloured_as_it_scrolls_into_view(qtbot, open_window,
                                                             desk_path: Path) -> None:
    """Only the blocks on screen are coloured when an article shows; the rest on scrolling."""
    from desk import ArticleDraft

    paragraphs = [f"Paragraph {n}: officials said {n * 7} homes were damaged." for n in range(3000)]
    body = "A long report\n" + "\n".join(paragraphs)
    with Desk.open(desk_path) as desk:
        article_id = desk.add_article(ArticleDraft("A long report", body, "long.txt")).article_id
        for n in (1, 2, 2990, 2999):
            phrase = f"{n * 7} homes"
            start = body.index(f"Paragraph {n}:") + len(f"Paragraph {n}: officials said ")
            assert body[start:start + len(phrase)] == phrase
            desk.add_claim(article_id, start, start + len(phrase), status="verified")
    window = open_window(desk_path)
    window.show_article(article_id)
    reader, doc = window.reader, window.reader.document()
    # the headline's larger font is set at once: the layout must measure it before painting
    assert doc.firstBlock().layout().formats()[0].format.fontWeight() == 700
    reader.viewport().repaint()
    top, bottom = doc.findBlockByNumber(2), doc.findBlockByNumber(3000)
    assert _background_ranges(top) == [(len("Paragraph 1: officials said "), len("7 homes"))]
    assert _background_ranges(bottom) == []  # far below the fold: not coloured yet
    assert reader.format_visible_blocks() == 0  # nothing on screen is stale
    reader.verticalScrollBar().setValue(reader.verticalScrollBar().maximum())
    reader.viewport().repaint()
    assert _background_ranges(bottom) == [(len("Paragraph 2999: officials said "),
                                           len("20993 homes"))]
    # a claim deleted off screen leaves no stale colour once its block shows again
    claim = next(c for c in window.desk.claims(article_id) if c.quote == "7 homes")
    window.desk.delete_claim(claim.id)
    reader.verticalScrollBar().setValue(0)
    reader.viewport().repaint()
    assert _background_ranges(top) == []
