"""Figures: find the number a claim states and parse it into value, unit and qualifier.

``parse_figure("more than $1.5 billion")`` gives ``Figure(1500000000.0, "USD", "more than")``.
``find_figure(text)`` finds the first number-like phrase in a text (used to pre-fill a new
claim's figure, and by the claim finder).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    """A parsed figure: its value, its unit (``USD``, ``%``, … or None) and qualifier."""

    value: float | None
    unit: str | None
    qualifier: str | None


@dataclass(frozen=True)
class FigureMatch:
    """A figure found inside a longer text, with its position (code points)."""

    start: int
    end: int
    text: str
    figure: Figure


QUALIFIERS = (
    "more than", "less than", "fewer than", "greater than", "at least", "at most", "up to",
    "as many as", "as much as", "as few as", "close to", "in excess of", "upwards of",
    "just over", "just under", "well over", "nearly", "almost", "about", "around",
    "approximately", "roughly", "some", "over", "under", "below", "above", "exactly",
    "an estimated", "estimated", "only", "at", "just",
)
# Qualifiers that mean nothing alone before a number ("at 5pm", "just 3") are kept only in
# the phrase, not reported: map them to None.
_SILENT_QUALIFIERS = {"at": None, "only": None, "just": None}

_CURRENCY_SYMBOLS = {
    "us$": "USD", "$": "USD", "c$": "CAD", "ca$": "CAD", "a$": "AUD", "€": "EUR",
    "£": "GBP", "¥": "JPY", "₹": "INR", "₴": "UAH", "₽": "RUB",
}
_CURRENCY_WORDS = {
    "us dollars": "USD", "dollars": "USD", "dollar": "USD", "usd": "USD",
    "euros": "EUR", "euro": "EUR", "eur": "EUR",
    "pounds sterling": "GBP", "pounds": "GBP", "sterling": "GBP", "gbp": "GBP",
    "yen": "JPY", "jpy": "JPY", "rupees": "INR", "inr": "INR",
    "hryvnias": "UAH", "hryvnia": "UAH", "uah": "UAH",
    "roubles": "RUB", "rubles": "RUB", "rub": "RUB", "swiss francs": "CHF", "chf": "CHF",
    "yuan": "CNY", "cny": "CNY",
}
_PERCENT_WORDS = ("percentage points", "percent", "per cent", "%")
_SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9,
    "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "lakh": 1e5, "crore": 1e7,
}
_UNITS_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_WORD_NUMBER = (
    r"(?:(?:" + "|".join(_TENS_WORDS) + r")(?:[- ](?:" + "|".join(list(_UNITS_WORDS)[:9])
    + r"))?|" + "|".join(sorted(_UNITS_WORDS, key=len, reverse=True)) + r"|a\s+dozen|a|an|half\s+a)"
    + r"(?:\s+hundred(?:\s+(?:and\s+)?(?:" + "|".join(_TENS_WORDS) + "|"
    + "|".join(sorted(_UNITS_WORDS, key=len, reverse=True)) + r"))?)?"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"

_qualifier_re = "|".join(re.escape(q) for q in QUALIFIERS)
_symbol_re = "|".join(re.escape(s) for s in sorted(_CURRENCY_SYMBOLS, key=len, reverse=True))
_scale_re = "|".join(sorted(_SCALES, key=len, reverse=True))
_unit_re = "|".join(
    re.escape(u) for u in sorted([*_CURRENCY_WORDS, *_PERCENT_WORDS], key=len, reverse=True)
)

_FIGURE = re.compile(
    rf"""
    (?<![\w.,$€£¥₹₴₽])
    (?:(?P<qual>{_qualifier_re})\s+)?
    (?P<cur>{_symbol_re})?\s?
    (?:(?P<num>{_DIGITS})|(?P<words>{_WORD_NUMBER})(?=\s+(?:{_scale_re})\b|\s+hundred\b|\b))
    (?:\s?(?P<scale>{_scale_re})\b)?
    (?:\s?(?P<unit>{_unit_re})(?![a-z]))?
    """,
    re.IGNORECASE | re.VERBOSE,
)

_NOT_A_NOUN = frozenset(
    """a an the of in on at to for from by with and or but as is are was were be been had
    has have do did will would could should may might can that this these those who which
    when where while after before since than then per each its their his her our your
    people's percent""".split()
)
_MONTHS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+$", re.I
)


# Precompiled (find_figures runs once per sentence of every article the finder reads).
_LOWER_WORDS = re.compile(r"[a-z][a-z\- ]*")
_YEAR = re.compile(r"(1[89]|20)\d\d")
_DAY = re.compile(r"\d{1,2}")
_WORD_SEPARATOR = re.compile(r"[\s-]+")


def parse_figure(text: str) -> Figure | None:
    """Parse a figure as an editor typed it; None when it holds no number."""
    text = (text or "").strip()
    if not text:
        return None
    match = _FIGURE.match(text)
    if not match or not (match.group("num") or match.group("words")):
        return _parse_between(text)
    return _figure_of(match)


def _parse_between(text: str) -> Figure | None:
    """A range "between €3 billion and €4.5 billion": its lower end, qualifier "between"."""
    found = re.match(r"between\s+(.+?)\s+(?:and|to)\s+(.+)$", text, re.IGNORECASE)
    if not found:
        return None
    low, high = parse_figure(found.group(1)), parse_figure(found.group(2))
    if low is None or low.value is None:
        return None
    unit = low.unit or (high.unit if high else None)
    value = low.value
    scale = re.search(rf"\b({_scale_re})\b", found.group(2), re.IGNORECASE)
    if scale and not re.search(rf"\b({_scale_re})\b", found.group(1), re.IGNORECASE):
        value *= _SCALES[scale.group(1).lower()]  # "between 3 and 4.5 billion"
    return Figure(value, unit, "between")


def find_figure(text: str) -> FigureMatch | None:
    """The first number-like phrase in ``text`` (skipping bare years and dates), or None."""
    for match in find_figures(text):
        return match
    return None


def find_figures(text: str) -> list[FigureMatch]:
    """Every number-like phrase in ``text``, each with its counted noun where one follows."""
    found = []
    for match in _FIGURE.finditer(text):
        num = match.group("num")
        words = match.group("words")
        if not (num or words):
            continue
        start, end = match.span()
        if start > 1 and text[start - 1] in "-/" and text[start - 2].isalnum():
            continue  # part of a code such as "F-16" or "24/7"
        if words:
            if not (match.group("scale") or match.group("unit")) and words.lower() in {
                "a", "an", "one", "half a", "a dozen"
            }:
                continue  # "a", "one of them": not a figure on its own
            if not _LOWER_WORDS.fullmatch(words.strip().lower()):
                continue
        if num and _is_date_part(text, match):
            continue
        if end < len(text) and (text[end].isalnum() and not text[end - 1].isspace()):
            continue
        end = _with_noun(text, end, match)
        phrase = text[start:end].strip()
        figure = _figure_of(match)
        found.append(FigureMatch(start, start + len(phrase), phrase, figure))
    return found


def number_end(text: str, start: int) -> int:
    """Where the number phrase of a figure found at ``start`` ends, without its counted noun."""
    match = _FIGURE.match(text, start)
    return match.end() if match else start


def _is_date_part(text: str, match: re.Match[str]) -> bool:
    num = match.group("num")
    if match.group("cur") or match.group("scale") or match.group("unit") or match.group("qual"):
        return False
    if _YEAR.fullmatch(num):
        return True  # a year
    # Only the few characters before the number matter (a month name and spaces): searching
    # the whole text before it made find_figures quadratic on long articles.
    window = max(0, match.start() - 40)
    return bool(_DAY.fullmatch(num)
                and _MONTHS.search(text, window, match.start()))


_NOUN_AFTER = re.compile(r"\s+([a-z][a-z\-]+)\b")


def _with_noun(text: str, end: int, match: re.Match[str]) -> int:
    """Extend a count by the noun it counts ("249 civilians"), when one follows at once."""
    if match.group("unit"):
        return end
    noun = _NOUN_AFTER.match(text, end)  # (no slice: copying the rest was quadratic)
    if noun and noun.group(1) not in _NOT_A_NOUN and not noun.group(1).endswith("ly"):
        return noun.end()
    return end


def _figure_of(match: re.Match[str]) -> Figure:
    value = _number(match.group("num"), match.group("words"))
    scale = match.group("scale")
    if value is not None and scale:
        value *= _SCALES[scale.lower()]
    unit = None
    if match.group("cur"):
        unit = _CURRENCY_SYMBOLS[match.group("cur").lower()]
    word = (match.group("unit") or "").lower()
    if word in _CURRENCY_WORDS:
        unit = _CURRENCY_WORDS[word]
    elif word:
        unit = "%" if word != "percentage points" else "pp"
    qualifier = match.group("qual")
    if qualifier:
        qualifier = qualifier.lower()
        qualifier = _SILENT_QUALIFIERS.get(qualifier, qualifier)
    return Figure(value, unit, qualifier)


def _number(digits: str | None, words: str | None) -> float | None:
    if digits:
        return float(digits.replace(",", ""))
    if not words:
        return None
    total = 0.0
    for part in _WORD_SEPARATOR.split(words.lower()):
        if part in ("a", "an"):
            total = total or 1.0
        elif part == "half":
            total = 0.5
        elif part == "dozen":
            total = 12.0
        elif part == "hundred":
            total = (total or 1.0) * 100
        elif part in _UNITS_WORDS:
            total += _UNITS_WORDS[part]
        elif part in _TENS_WORDS:
            total += _TENS_WORDS[part]
    return total or None


def format_value(value: float | None) -> str:
    """A value as people write it in a cell: ``350000000`` not ``350000000.0``."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def figure_columns(figure: str) -> dict[str, Any]:
    """The ``figure`` and its parsed value, unit and qualifier columns."""
    figure = (figure or "").strip()
    parsed = parse_figure(figure)
    return {
        "figure": figure,
        "figure_value": parsed.value if parsed else None,
        "figure_unit": parsed.unit if parsed else None,
        "figure_qualifier": parsed.qualifier if parsed else None,
    }
