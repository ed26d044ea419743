"""The reader: an article's text, read-only, with every claim highlighted by status.

Claims are coloured by :class:`ui.highlighter.ClaimHighlighter`, only on the paragraphs about
to be painted (:meth:`Reader.paintEvent`). Overlapping claims are drawn darker and underlined
so that both stay visible; the selected claim is drawn vivid. Offsets cross the boundary here:
the desk's code points become Qt's UTF-16 positions.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPaintEvent,
    QResizeEvent,
    QTextCursor,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from desk import Article, Claim
from desk.model import ClaimMark

from . import status as status_look
from .highlighter import ClaimHighlighter, Span
from .offsets import OffsetMap

__all__ = ["MAX_LINE_CHARS", "READER_FONT", "ClaimHighlighter", "Reader", "Span"]

#: The widest the text column gets, in average characters (comfortable line length).
MAX_LINE_CHARS = 76
READER_FONT = QFont("DejaVu Serif", 12)


class Reader(QPlainTextEdit):
    """The article text, read-only and selectable by mouse and keyboard.

    Emits :attr:`claimClicked` with a claim id when a highlight is clicked (repeated clicks
    on overlapping claims cycle through them).
    """

    claimClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reader")
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setFont(READER_FONT)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setFrameShape(QPlainTextEdit.Shape.NoFrame)
        self.document().setDocumentMargin(18)
        self.setPlaceholderText("Choose an article on the left, or drop article files here.")
        self.highlighter = ClaimHighlighter(self.document(), self._repaint_blocks)
        self.highlighter.dark = status_look.is_dark(self.palette())
        self.offsets = OffsetMap("")
        self.article: Article | None = None
        self.zoom = 0
        self.setAccessibleName("Article text")

    # -- content -------------------------------------------------------------------------

    def show_article(self, article: Article | None, claims: Sequence[Claim | ClaimMark]) -> None:
        """Show an article's text with its claims highlighted (None clears the reader).

        ``claims`` are the article's live claims (orphaned ones are not drawn), as
        :meth:`desk.Desk.claim_marks` gives them.
        """
        self.article = article
        body = article.body if article else ""
        self.offsets = OffsetMap(body)
        first_line = body.split("\n", 1)[0]
        self.highlighter.title_block = 0 if article and first_line.strip() == article.title.strip() \
            else -1
        self.highlighter.selected = None
        self.highlighter.set_suggestions([], repaint=False)
        self.highlighter.set_text(body, self.offsets)
        self.highlighter.set_spans([self.span_of(c) for c in claims
                                    if getattr(c, "anchor_status", "") != "orphaned"],
                                   repaint=False)
        self.setPlainText(body)  # blocks are coloured as they show (paintEvent)
        self.highlighter.text_set()
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def span_of(self, claim: Claim | ClaimMark) -> Span:
        """Where a claim sits in the document (UTF-16 positions)."""
        if self.offsets.identity:  # no character outside the BMP: the same numbers
            start, end = claim.start_char, claim.end_char
        else:
            start, end = self.offsets.to_utf16(claim.start_char), self.offsets.to_utf16(claim.end_char)
        return Span(start, end, claim.id, claim.status, claim.source, claim.figure)

    def put_claim(self, claim: Claim) -> None:
        """Show a new or changed claim of this article."""
        live = claim.deleted_at is None and claim.anchor_status != "orphaned"
        self.highlighter.put_span(self.span_of(claim) if live else None, claim.id)

    def remove_claim(self, claim_id: str) -> None:
        """Stop highlighting a claim."""
        self.highlighter.put_span(None, claim_id)

    def selected_span(self) -> tuple[int, int] | None:
        """The selected text as code-point offsets into the article body, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection() or self.article is None:
            return None
        return (self.offsets.to_code_point(cursor.selectionStart()),
                self.offsets.to_code_point(cursor.selectionEnd()))

    def select_text(self, start: int, end: int) -> None:
        """Select body[start:end] (code points), as an editor would with the mouse."""
        cursor = self.textCursor()
        cursor.setPosition(self.offsets.to_utf16(start))
        cursor.setPosition(self.offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def select_claim(self, claim_id: str | None, scroll: bool = True) -> None:
        """Make a claim's highlight stand out and, if asked, scroll it into view."""
        self.highlighter.set_selected(claim_id)
        span = self.highlighter.span(claim_id) if claim_id else None
        if span is not None and scroll:
            cursor = self.textCursor()
            cursor.setPosition(span.start)
            self.setTextCursor(cursor)
            self.ensureCursorVisible()

    # -- looks ---------------------------------------------------------------------------

    def zoom_by(self, steps: int) -> None:
        """Make the text larger (positive) or smaller, within reason."""
        steps = max(-4, min(12, self.zoom + steps)) - self.zoom
        if steps > 0:
            self.zoomIn(steps)
        elif steps < 0:
            self.zoomOut(-steps)
        self.zoom += steps
        if steps and self.highlighter.title_block >= 0:  # the headline's size follows
            self.highlighter.rehighlightBlock(self.document().firstBlock())
        self.resizeEvent(QResizeEvent(self.size(), self.size()))  # re-fit and re-lay out

    def _fit_column(self, width: int | None = None) -> None:
        """Centre a text column of at most MAX_LINE_CHARS, given the widget's width."""
        width = self.width() if width is None else width
        scroll = self.verticalScrollBar().sizeHint().width()
        widest = self.fontMetrics().averageCharWidth() * MAX_LINE_CHARS
        widest += 2 * int(self.document().documentMargin())
        side = max(0, (width - scroll - 2 * self.frameWidth() - widest) // 2)
        if self.viewportMargins().left() != side:
            self.setViewportMargins(side, 0, side, 0)  # sends this widget a resize event

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Keep the text in a column of comfortable width, centred."""
        self._fit_column()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """Follow a switch between light and dark palettes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            dark = status_look.is_dark(self.palette())
            if dark != self.highlighter.dark:
                self.highlighter.dark = dark
                self.highlighter.rehighlight()

    def _repaint_blocks(self, blocks: set[int] | None) -> None:
        """Repaint the blocks on screen among ``blocks`` (None: the whole viewport)."""
        viewport = self.viewport()
        if blocks is None:
            viewport.update()
            return
        doc, offset, shown = self.document(), self.contentOffset(), viewport.rect()
        for number in blocks:
            block = doc.findBlockByNumber(number)
            if block.isValid():
                rect = self.blockBoundingGeometry(block).translated(offset).toAlignedRect()
                if rect.intersects(shown):
                    viewport.update(rect)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Colour the blocks about to show whose colours are stale, then paint."""
        self.format_visible_blocks()
        super().paintEvent(event)

    def format_visible_blocks(self) -> int:
        """Bring the colours of every block on screen up to date; how many were formatted."""
        highlighter, formatted = self.highlighter, 0
        block, offset = self.firstVisibleBlock(), self.contentOffset()
        bottom = self.viewport().height()
        while block.isValid():
            if highlighter.needs_format(block.blockNumber()):
                highlighter.format_block(block)
                formatted += 1
            if self.blockBoundingGeometry(block).translated(offset).top() > bottom:
                break
            block = block.next()
        return formatted

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        """A tooltip over a highlight names its status, source and figure (not colour alone)."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            position = self.cursorForPosition(event.pos()).position()
            hints = [span.hint for span in self.highlighter.spans_at(position)]
            if hints:
                QToolTip.showText(event.globalPos(), "\n".join(hints), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    # -- clicks --------------------------------------------------------------------------

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """A click (not a drag) on a highlight selects that claim."""
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        position = self.cursorForPosition(event.position().toPoint()).position()
        self.click_at(position)

    def click_at(self, position: int) -> str | None:
        """Select the claim under a UTF-16 position (cycling through overlaps); its id."""
        hits = self.highlighter.spans_at(position)
        if not hits:
            return None
        ids = [span.claim_id for span in hits]
        current = self.highlighter.selected
        chosen = ids[(ids.index(current) + 1) % len(ids)] if current in ids else ids[0]
        self.claimClicked.emit(chosen)
        return chosen


