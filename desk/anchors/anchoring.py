"""Anchoring a claim in its article's text: spans, quotes and their context.

Offsets are Python code points (``body[start:end] == quote``), end exclusive. The prefix
and suffix hold up to :data:`CONTEXT_CHARS` characters on each side, as in the W3C Web
Annotation ``TextQuoteSelector``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace

from desk.errors import SpanError
from desk.store.reads import text_around

CONTEXT_CHARS = 32


@dataclass(frozen=True)
class Anchor:
    """Where a claim sits: its offsets, its exact quote and its context."""

    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def anchor_span(body: str, start: int, end: int) -> Anchor:
    """The anchor of ``body[start:end]``; :class:`SpanError` if the span is empty or outside."""
    if not isinstance(start, int) or not isinstance(end, int):
        raise SpanError("A claim's offsets must be whole numbers.")
    if start < 0 or end > len(body) or start > end:
        raise SpanError(
            f"The span {start}–{end} lies outside the article (it has {len(body)} characters)."
        )
    if start == end or not body[start:end].strip():
        raise SpanError("A claim needs some text: the selection is empty.")
    return Anchor(
        start=start,
        end=end,
        quote=body[start:end],
        prefix=body[max(0, start - CONTEXT_CHARS):start],
        suffix=body[end:end + CONTEXT_CHARS],
    )


def anchor_in_article(conn: sqlite3.Connection, article_id: str, start: int, end: int,
                      quote: str | None, read_body: Callable[[], str]) -> Anchor:
    """:func:`anchor_span` (or :func:`check_quote` with ``quote``) of a span of an article,
    reading only the span and its context from the desk; ``read_body()`` gives the whole text
    when the span does not fit (for the message) or the article is missing (it raises)."""
    window = text_around(conn, article_id, start, end, CONTEXT_CHARS)
    if window is not None:
        text, offset = window
        try:
            anchor = (anchor_span(text, start - offset, end - offset) if quote is None
                      else check_quote(text, start - offset, end - offset, quote))
            return replace(anchor, start=start, end=end)
        except SpanError:
            pass  # again with the whole text, for the message's offsets and length
    body = read_body()
    return anchor_span(body, start, end) if quote is None else check_quote(body, start, end, quote)


def check_quote(body: str, start: int, end: int, quote: str) -> Anchor:
    """Like :func:`anchor_span`, and the text at the offsets must equal ``quote``."""
    anchor = anchor_span(body, start, end)
    if anchor.quote != quote:
        raise SpanError(
            f"The quote does not match the article text at {start}–{end}: "
            f"expected {quote[:40]!r}, the article has {anchor.quote[:40]!r}."
        )
    return anchor


def trim_span(body: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so that it neither starts nor ends with white space."""
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end
