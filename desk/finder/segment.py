"""Fast sentence and clause splitting for the claim finder.

A regular-expression segmenter (pysbd is accurate but takes seconds per megabyte): a
sentence ends at ``.``, ``!`` or ``?`` (plus closing quotes and brackets) before whitespace
and a capital, digit or opening quote, unless the word before is a known abbreviation or an
initial; a line break always ends a sentence, so headlines and list items stand alone.
Offsets are code points.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

#: Words that end with a full stop without ending a sentence (compared in lower case).
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr no nos vs etc e.g i.e gen gov sen rep lt col sgt capt cpl
    inc ltd co corp dept est approx fig jan feb mar apr jun jul aug sep sept oct nov dec mt
    ft rev hon u.s u.k u.n e.u a.m p.m al op cf ca""".split()
)
#: Longest span the finder treats as one sentence; longer runs are cut at clause marks.
MAX_SENTENCE = 600

_END = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s+[^\w\s]{0,4}\s?[A-Z0-9])|\n+")
_WORD_BEFORE = re.compile(r"[\w.]+$")
_NUMBER_SIGN = re.compile(r"\.\s*\d")
_CLAUSE_BREAK = re.compile(
    r",\s+(?=(?:but|while|whereas|although|though|as|and\s+(?:the|a|an|it|they|he|she))\b)"
    r"|;\s+|\s+[—–]\s+"
)
_LEADING = re.compile(r"(?:but|while|whereas|although|though|as|and)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """A stretch of text: ``text[start:end]``, and the index of its paragraph."""

    start: int
    end: int
    paragraph: int = 0


def sentences(text: str) -> Iterator[Span]:
    """The sentences of ``text`` in order, trimmed of surrounding whitespace."""
    paragraph = 0
    start = 0
    for match in _END.finditer(text):
        if match.group(0).startswith("\n"):
            yield from _emit(text, start, match.start(), paragraph)
            paragraph += 1
            start = match.end()
            continue
        if _is_abbreviation(text, match.start()):
            continue
        yield from _emit(text, start, match.end(), paragraph)
        start = match.end()
    yield from _emit(text, start, len(text), paragraph)


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    if not word:
        return False
    token = word.group(0).lower()
    if token == "no":
        return bool(_NUMBER_SIGN.match(text, dot, dot + 4))  # "No. 10", not "say no."
    if token in ABBREVIATIONS:
        return True
    before = text[dot - 2] if dot >= 2 else " "
    return len(token) == 1 and token.isalpha() and not before.isalnum() and before not in "’'"


def _emit(text: str, start: int, end: int, paragraph: int) -> Iterator[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start:
        return
    while end - start > MAX_SENTENCE:  # a run-on "sentence": cut at a clause mark
        cut = _last_break(text, start, start + MAX_SENTENCE)
        yield from _emit(text, start, cut, paragraph)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield Span(start, end, paragraph)


def _last_break(text: str, start: int, limit: int) -> int:
    window = text[start:limit]
    for mark in (";", ",", " "):
        where = window.rfind(mark)
        if where > len(window) // 3:
            return start + where + 1
    return limit


def clauses(text: str, sentence: Span, figure_starts: list[int]) -> list[Span]:
    """A sentence cut into clauses, but only when two or more clauses carry their own figure.

    Clauses without a figure stay with the clause before them (the first with the next), so
    each returned span holds one claim. The leading conjunction is left out of a clause.
    """
    if len(figure_starts) < 2:
        return [sentence]
    cuts = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(text, sentence.start,
                                                                   sentence.end)]
    dashes = [c for c in cuts if text[c[0]:c[1]].strip() in ("—", "–")]
    if len(dashes) > 1:  # a pair of dashes sets off an aside: not a clause of its own
        cuts = [c for c in cuts if c not in dashes]
    if not cuts:
        return [sentence]
    pieces: list[list[int]] = []
    begin = sentence.start
    for cut_start, cut_end in cuts:
        pieces.append([begin, cut_start])
        begin = cut_end
    pieces.append([begin, sentence.end])
    with_figure = [any(a <= f < b for f in figure_starts) for a, b in pieces]
    if sum(with_figure) < 2:
        return [sentence]
    merged: list[list[int]] = []
    for (a, b), has in zip(pieces, with_figure):
        if merged and (not has or not merged[-1][2]):
            merged[-1][1] = b
            merged[-1][2] = merged[-1][2] or has
        else:
            merged.append([a, b, has])
    result = []
    for a, b, _ in merged:
        lead = _LEADING.match(text, a, b)
        if lead:
            a = lead.end()
        while b > a and text[b - 1] in " ,;:—–":
            b -= 1
        result.append(Span(a, b, sentence.paragraph))
    return result
