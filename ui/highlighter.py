"""Claim colours for the reader: spans per paragraph, applied as paragraphs are painted.

:class:`ClaimHighlighter` keeps every claim's span (in UTF-16 positions) sorted by start and
finds a block's spans by bisecting, once the block is looked at. Colours are worked out per
block when the block is about to be painted (:meth:`ClaimHighlighter.format_block`, which
:class:`ui.reader.Reader` calls from its ``paintEvent`` for the blocks on screen) and applied
with ``QTextLayout.setFormats``, which never touches the document's text or undo stack. A
1 MB article of 6,500 paragraphs thus costs the 40 or so paragraphs on screen, not a pass over
every paragraph as a ``QSyntaxHighlighter`` makes whenever the text is set. Every change only
marks the blocks it touches as stale and asks for a repaint of them.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import accumulate
from operator import attrgetter
from typing import NamedTuple

from PySide6.QtCore import QObject
from PySide6.QtGui import (
    QColor,
    QFont,
    QTextBlock,
    QTextCharFormat,
    QTextDocument,
    QTextLayout,
)

from . import status as status_look
from .offsets import OffsetMap

#: What QTextDocument starts a new block at.
_BLOCK_SEPARATOR = re.compile("[\n\u2029]")


class Span(NamedTuple):
    """A claim's place in the document, in UTF-16 positions, and what its tooltip names.

    (A named tuple: an article of 2,000 claims makes 2,000 of these each time it shows.)
    """

    start: int
    end: int
    claim_id: str
    status: str
    source: str = ""
    figure: str = ""

    @property
    def hint(self) -> str:
        """The tooltip: status, source and figure (so that colour is never the only cue)."""
        label = status_look.LABELS.get(self.status, "") if self.status else ""
        return " · ".join(part for part in (label, self.source, self.figure) if part)


class ClaimHighlighter(QObject):
    """Colours the claims' spans; :meth:`set_spans` and :meth:`set_selected` drive it.

    Colours are worked out per block when the block is about to be painted
    (:meth:`format_block`, called by :meth:`Reader.paintEvent` for the blocks on screen):
    every change only marks the blocks it touches as stale and asks for a repaint
    (``request_paint``).
    """

    def __init__(self, document: QTextDocument,
                 request_paint: Callable[[set[int] | None], None] | None = None) -> None:
        super().__init__(document)
        self._document = document
        #: Asks for a repaint of some blocks (by number), or of everything (None).
        self.request_paint = request_paint or (lambda _blocks: None)
        #: Blocks whose formats are up to date (block number -> generation they were made in)
        self._fresh: dict[int, int] = {}
        #: Blocks that hold formats now (to be cleared when their spans go).
        self._formatted: set[int] = set()
        self._generation = 0
        self._spans: dict[str, Span] = {}
        #: Every span by start (and the starts alone, for bisecting); ``_reach`` is the
        #: longest span, so that the spans reaching into a block can be found from its start.
        self._order: list[Span] = []
        self._starts: list[int] = []
        self._reach = 0
        #: The spans of each block looked at so far, sorted by (start, -end).
        self._by_block: dict[int, list[Span]] = {}
        self.selected: str | None = None
        self.dark = False
        #: Block drawn as the headline (the body starts with it), or -1.
        self.title_block = -1
        self._formats: dict[tuple[object, ...], QTextCharFormat] = {}  # built once each
        self._separators: list[int] = []  # UTF-16 positions of the block separators
        #: Suggested claims (not claims yet), sorted, per block: (start, end, their rank's
        #: parity) in UTF-16; neighbours alternate dotted and dashed, so that they stay apart.
        self._suggested: dict[int, list[tuple[int, int, int]]] = {}
        self.suggestion: tuple[int, int] | None = None  # the selected suggestion

    def set_spans(self, spans: list[Span], *, repaint: bool = True) -> None:
        """Replace every span; repaint the document unless new text is about to be set."""
        self._spans = {span.claim_id: span for span in spans}
        self._order = sorted(spans, key=_start)  # (already in order from the desk: cheap)
        self._starts = [span.start for span in self._order]
        self._reach = max((span.end - span.start for span in spans), default=0)
        self._by_block = {}  # worked out per block, as blocks show
        if repaint:
            self.rehighlight()

    def document(self) -> QTextDocument:
        """The document coloured."""
        return self._document

    def rehighlight(self) -> None:
        """Make every block's colours stale (a palette or font change) and repaint."""
        self._generation += 1
        self.request_paint(None)
        self._format_title()

    def rehighlightBlock(self, block: QTextBlock) -> None:  # noqa: N802 - as QSyntaxHighlighter
        """Make one block's colours stale and repaint."""
        self._fresh.pop(block.blockNumber(), None)
        if block.blockNumber() == self.title_block:
            self._format_title()
        self.request_paint({block.blockNumber()})

    def set_text(self, text: str, units: OffsetMap | None = None) -> None:
        """Learn where the blocks of ``text`` start, before the document holds it.

        Block numbers then come from the text itself, so that spans can be placed before
        ``setPlainText`` and the document is highlighted once, as it is laid out.
        ``units`` is the text's offset map when the caller already has one.
        """
        units = units or OffsetMap(text)
        if "\u2029" in text:
            separators = [m.start() for m in _BLOCK_SEPARATOR.finditer(text)]
        else:  # the usual case: splitting at "\n" is several times quicker than a regex
            ends = accumulate(len(line) + 1 for line in text.split("\n"))
            separators = [end - 1 for end in ends][:-1]
        if units.utf16_length != len(text):  # astral characters: shift to UTF-16 units
            separators = [units.to_utf16(cp) for cp in separators]
        self._separators = separators
        self._fresh, self._formatted = {}, set()  # a new document holds no formats
        self._by_block = {}

    def text_set(self) -> None:
        """The document now holds the text: colour the headline at once (its larger font
        changes the block's height, which the layout must know before it measures the
        document), the rest when it shows."""
        self._format_title()

    def _format_title(self) -> None:
        if self.title_block >= 0:
            block = self._document.findBlockByNumber(self.title_block)
            if block.isValid():
                self.format_block(block)
                self._document.markContentsDirty(block.position(), block.length())

    def needs_format(self, number: int) -> bool:
        """Whether block ``number`` has colours to apply or clear before it is painted."""
        if self._fresh.get(number) == self._generation:
            return False
        return (number in self._formatted or number in self._suggested
                or number == self.title_block or bool(self.block_spans(number)))

    def format_block(self, block: QTextBlock) -> None:
        """Apply block's colours now (the reader calls this for blocks about to show)."""
        number = block.blockNumber()
        ranges = self._ranges(block)
        block.layout().setFormats(ranges)
        if ranges:
            self._formatted.add(number)
        else:
            self._formatted.discard(number)
        self._fresh[number] = self._generation

    def put_span(self, span: Span | None, claim_id: str) -> None:
        """Add, move or (``span=None``) remove one claim's span, repainting only its blocks."""
        old = self._spans.pop(claim_id, None)
        touched: set[int] = set()
        if old is not None:
            touched.update(self._blocks_of(old))
            at = bisect_left(self._starts, old.start)
            while self._order[at].claim_id != claim_id:
                at += 1
            del self._order[at], self._starts[at]
        if span is not None:
            self._spans[claim_id] = span
            at = bisect_right(self._starts, span.start)
            self._order.insert(at, span)
            self._starts.insert(at, span.start)
            self._reach = max(self._reach, span.end - span.start)
            touched.update(self._blocks_of(span))
        for block in touched:
            self._by_block.pop(block, None)
        self._repaint(touched)

    def set_selected(self, claim_id: str | None) -> None:
        """Make one claim stand out (repaints the blocks of the old and new selection)."""
        if claim_id == self.selected:
            return
        touched: set[int] = set()
        for cid in (self.selected, claim_id):
            if cid in self._spans:
                touched.update(self._blocks_of(self._spans[cid]))
        self.selected = claim_id
        self._repaint(touched)

    def set_suggestions(self, spans: list[tuple[int, int]],
                        selected: tuple[int, int] | None = None, *, repaint: bool = True) -> None:
        """Mark suggested claims (UTF-16 spans), one of them ``selected``; repaints only
        the blocks whose suggestions changed (none when new text is about to be set)."""
        old, self._suggested = self._suggested, {}
        for rank, (start, end) in enumerate(sorted(spans)):
            for block in self._blocks_of(Span(start, end, "", "")):
                self._suggested.setdefault(block, []).append((start, end, rank % 2))
        touched = {b for b in old.keys() | self._suggested.keys()
                   if old.get(b) != self._suggested.get(b)}
        for span in {self.suggestion, selected} if selected != self.suggestion else ():
            if span is not None:
                touched.update(self._blocks_of(Span(span[0], span[1], "", "")))
        self.suggestion = selected
        if repaint:
            self._repaint(touched)

    def _suggestion_format(self, selected: bool, odd: int,
                           base: QTextCharFormat | None) -> QTextCharFormat:
        """A suggestion: a dotted (or, every other one, dashed) underline in an accent colour
        (no status colour); the selected one also in that colour with a solid underline."""
        key = ("suggestion", selected, odd, self.dark,
               None if base is None else base.fontPointSize())
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = QTextCharFormat(base) if base else QTextCharFormat()
            accent = QColor("#8ab4f8" if self.dark else "#0b57d0")
            fmt.setUnderlineColor(accent)
            style = QTextCharFormat.UnderlineStyle
            fmt.setUnderlineStyle(style.SingleUnderline if selected
                                  else style.DashUnderline if odd else style.DotLine)
            if selected:
                fmt.setForeground(accent)
        return fmt

    def span(self, claim_id: str) -> Span | None:
        """The span of one claim, if shown."""
        return self._spans.get(claim_id)

    def spans_at(self, position: int) -> list[Span]:
        """Spans covering a UTF-16 position, innermost (shortest) first."""
        block = self._block_at(position)
        hits = [s for s in self.block_spans(block) if s.start <= position < s.end]
        return sorted(hits, key=lambda s: s.end - s.start)

    def block_spans(self, number: int) -> list[Span]:
        """The spans in block ``number``, by (start, -end): found by bisecting the spans'
        starts once the block is looked at, then kept."""
        found = self._by_block.get(number)
        if found is None:
            separators = self._separators
            begin = separators[number - 1] + 1 if number > 0 else 0
            last = separators[number] if number < len(separators) else sys.maxsize
            low = bisect_left(self._starts, begin - self._reach)
            high = bisect_right(self._starts, last)
            found = sorted((span for span in self._order[low:high]
                            if max(span.start, span.end - 1) >= begin),
                           key=lambda span: (span.start, -span.end))
            self._by_block[number] = found
        return found

    def _block_at(self, position: int) -> int:
        return bisect_left(self._separators, position)

    def _blocks_of(self, span: Span) -> range:
        return range(self._block_at(span.start), self._block_at(max(span.start, span.end - 1)) + 1)

    def _repaint(self, blocks: set[int]) -> None:
        if not blocks:
            return
        for number in blocks:
            self._fresh.pop(number, None)
        self.request_paint(blocks)

    def _ranges(self, block: QTextBlock) -> list[QTextLayout.FormatRange]:
        """One block's colours: split at every span edge, each piece formatted by its cover
        (suggestions first, so that a claim over a suggestion shows as the claim)."""
        number = block.blockNumber()
        ranges: list[QTextLayout.FormatRange] = []
        base = self._headline_format() if number == self.title_block else None
        begin = block.position()
        length = block.length() - 1
        if base is not None:
            ranges.append(_range(0, length, base))
        for start, end, odd in self._suggested.get(number, ()):
            left, right = max(start - begin, 0), min(end - begin, length)
            if left < right:
                selected = (start, end) == self.suggestion
                ranges.append(_range(left, right - left,
                                     self._suggestion_format(selected, odd, base)))
        spans = self.block_spans(number)
        if not spans:
            return ranges
        edges = {0, length}
        clipped = []
        for span in spans:
            start, end = max(span.start - begin, 0), min(span.end - begin, length)
            if start < end:
                clipped.append((start, end, span))
                edges.update((start, end))
        points = sorted(edges)
        for left, right in zip(points, points[1:]):
            cover = [span for start, end, span in clipped if start <= left and end >= right]
            if cover:
                ranges.append(_range(left, right - left, self._format(cover, base)))
        return ranges

    def _headline_format(self) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setFontWeight(QFont.Weight.Bold)
        fmt.setFontPointSize(self.document().defaultFont().pointSizeF() * 1.3)
        return fmt

    def _format(self, cover: list[Span], base: QTextCharFormat | None) -> QTextCharFormat:
        selected = next((s for s in cover if s.claim_id == self.selected), None)
        top = selected or min(cover, key=lambda s: s.end - s.start)
        key = (top.status, selected is not None, len(cover), cover[-1].status, self.dark,
               None if base is None else base.fontPointSize())
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self._make_format(cover, top, selected, base)
        return fmt

    def _make_format(self, cover: list[Span], top: Span, selected: Span | None,
                     base: QTextCharFormat | None) -> QTextCharFormat:
        fmt = QTextCharFormat(base) if base is not None else QTextCharFormat()
        colour = status_look.highlight(top.status, dark=self.dark, strong=selected is not None)
        if len(cover) > 1 and selected is None:
            colour = colour.lighter(135) if self.dark else colour.darker(100 + 9 * len(cover))
        fmt.setBackground(colour)
        if selected is not None:
            fmt.setForeground(QColor("#ffffff") if self.dark else QColor("#111111"))
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(status_look.badge_colour(top.status).darker(150))
        elif len(cover) > 1:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            fmt.setUnderlineColor(status_look.badge_colour(cover[-1].status))
        return fmt


_start = attrgetter("start")


def _range(start: int, length: int, fmt: QTextCharFormat) -> QTextLayout.FormatRange:
    piece = QTextLayout.FormatRange()
    piece.start, piece.length, piece.format = start, length, fmt
    return piece
