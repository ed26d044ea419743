"""What a figure allows: the interval of values compatible with it, and what it counts.

A figure as written ("nearly 300 killed", "more than 1 million", "$350 million", "12%") is
read as an interval of the true values it is compatible with:

* **no qualifier** — a plain count ("249 killed", "9,000") is exact; other numbers are read
  as rounded by the writer, half a step of their last written digit either way, scaled
  ("1.2 million" → 1.15–1.25 million; "2 million" → 1.5–2.5 million; "12%" → 11.5–12.5 %);
* **more than, over, above, in excess of, upwards of, well over, greater than** → above the
  number (open); **at least, as few as** → the number or more;
* **less than, fewer than, under, below** → under the number (open); **at most, up to, as many
  as, as much as** → the number or less (from 0);
* **nearly, almost, close to, just under** → 90–100 % of the number; **just over** → 100–110 %;
* **about, around, approximately, roughly, some, estimated, an estimated** → ±10 %;
* **exactly** → the number; **between A and B** → A to B.

Two figures are compatible when their intervals meet. ``kind_of`` gives what a figure
counts ("civilians", "killed"), so that "21 children" is not compared with "249 civilians".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from desk.text.figures import Figure, parse_figure

#: The tolerance of "about"-like and "nearly"-like qualifiers (a fraction of the number).
APPROX = 0.10

_ABOVE_OPEN = {"more than", "over", "above", "in excess of", "upwards of", "well over",
               "greater than"}
_ABOVE_CLOSED = {"at least", "as few as"}
_BELOW_OPEN = {"less than", "fewer than", "under", "below"}
_BELOW_CLOSED = {"at most", "up to", "as many as", "as much as"}
_NEARLY = {"nearly", "almost", "close to", "just under"}
_JUST_OVER = {"just over"}
_ABOUT = {"about", "around", "approximately", "roughly", "some", "estimated", "an estimated"}

_LITERAL = re.compile(r"\d[\d,]*(?:\.(\d+))?|\.(\d+)")
_SCALE_WORDS = {"thousand", "million", "billion", "trillion", "lakh", "crore", "k", "m", "mn",
                "bn", "b", "tn"}
_UNIT_WORDS = {"percent", "per", "cent", "percentage", "points", "dollars", "dollar", "us",
               "euros", "euro", "pounds", "sterling", "yen", "rupees", "hryvnias", "hryvnia",
               "roubles", "rubles", "swiss", "francs", "yuan", "usd", "eur", "gbp", "%"}
_STOP_WORDS = {"of", "the", "a", "an", "and", "or", "in", "on", "at", "to", "for", "from",
               "by", "with", "had", "has", "have", "were", "was", "are", "is", "be", "been",
               "said", "says", "that", "this", "than", "more", "its", "their", "his", "her"}
_DEATHS = {"killed", "dead", "death", "died", "fatalitie", "fatality", "live", "life",
           "bodie", "body"}
_INJURIES = {"injured", "wounded", "hurt", "injurie", "injury"}
_PEOPLE = {"people", "person", "individual"}


@dataclass(frozen=True)
class Interval:
    """The values a figure allows; ``lo_open``/``hi_open`` exclude the end itself."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def meets(self, other: Interval) -> bool:
        """True when some value lies in both intervals."""
        return _below(self.lo, self.lo_open, other.hi, other.hi_open) and _below(
            other.lo, other.lo_open, self.hi, self.hi_open)

    def describe(self) -> str:
        """The interval for people: "270–300", "more than 1,000,000", "248.5–249.5"."""
        if math.isinf(self.hi):
            return ("more than " if self.lo_open else "at least ") + number_text(self.lo)
        if self.lo <= 0 and not self.lo_open:
            return ("less than " if self.hi_open else "at most ") + number_text(self.hi)
        if self.lo == self.hi:
            return number_text(self.lo)
        return f"{number_text(self.lo)}–{number_text(self.hi)}"


def _below(lo: float, lo_open: bool, hi: float, hi_open: bool) -> bool:
    """Whether a lower end lies under (or, both closed, at) an upper end."""
    return lo < hi or (lo == hi and not lo_open and not hi_open)


def number_text(value: float) -> str:
    """A number with thousands separators and no needless decimals."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def interval_of(text: str, parsed: Figure | None = None) -> Interval | None:
    """The interval a written figure allows (see the module docstring); None if unparsed.

    ``parsed`` may pass the figure already parsed (a claim's stored value, unit and
    qualifier) to save parsing it again.
    """
    parsed = parsed if parsed is not None else parse_figure(text)
    if parsed is None or parsed.value is None:
        return None
    value = parsed.value
    qualifier = (parsed.qualifier or "").lower()
    if qualifier == "between":
        return _between(text, value)
    if qualifier in _ABOVE_OPEN:
        return Interval(value, math.inf, lo_open=True)
    if qualifier in _ABOVE_CLOSED:
        return Interval(value, math.inf)
    if qualifier in _BELOW_OPEN:
        return Interval(0.0, value, hi_open=True)
    if qualifier in _BELOW_CLOSED:
        return Interval(0.0, value)
    if qualifier in _NEARLY:
        return Interval(value * (1 - APPROX), value)
    if qualifier in _JUST_OVER:
        return Interval(value, value * (1 + APPROX))
    if qualifier in _ABOUT:
        return Interval(value * (1 - APPROX), value * (1 + APPROX))
    if qualifier == "exactly":
        return Interval(value, value)
    if parsed.unit is None and value.is_integer() and rounding_step(text, value) == 1.0:
        return Interval(value, value)  # a plain count ("249 killed") is exact
    half = rounding_step(text, value) / 2
    return Interval(value - half, value + half)


def rounding_step(text: str, value: float) -> float:
    """The step of the last digit as written: "1.2 million" → 100,000; "249" → 1."""
    literal = _LITERAL.search(text)
    if not literal:
        return 1.0
    written = literal.group(0).replace(",", "")
    decimals = len(literal.group(1) or literal.group(2) or "")
    try:
        shown = float(written)
    except ValueError:
        return 1.0
    scale = value / shown if shown else 1.0
    return (10.0 ** -decimals) * max(scale, 1.0)


def _between(text: str, low: float) -> Interval | None:
    found = re.match(r"\s*between\s+(.+?)\s+(?:and|to)\s+(.+)$", text, re.IGNORECASE)
    high = parse_figure(found.group(2)) if found else None
    if high is None or high.value is None:
        return Interval(low, math.inf)
    return Interval(min(low, high.value), max(low, high.value))


def compatible(text_a: str, text_b: str) -> bool | None:
    """Whether two written figures can both be true; None when either is not a number."""
    a, b = interval_of(text_a), interval_of(text_b)
    if a is None or b is None:
        return None
    return a.meets(b)


def kind_of(figure: str, quote: str = "") -> str | None:
    """What a figure counts, as one normalised word ("civilian", "killed"); None if unsaid.

    Taken from the words after the number in the figure as typed, else from the figure's
    place in the claim's quote.
    """
    word = _counted_word(figure)
    literal = _LITERAL.search(figure or "")
    if word is None and quote and literal:
        # the word after the same number in the quote ("nearly 500 soldiers had ...")
        end = number_end(quote, literal.group(0))
        if end >= 0:
            word = _word_after(quote[end:end + 60])
    return word


def number_end(text: str, number: str) -> int:
    """Where the first whole occurrence of ``number`` in ``text`` ends, or -1: not inside a
    longer number (no digit, "." or "," just before it, no digit or "," just after).

    A plain search (a pattern built per number would overflow ``re``'s cache on a big desk).
    """
    start = 0
    while (at := text.find(number, start)) >= 0:
        end = at + len(number)
        before = text[at - 1] if at else ""
        after = text[end] if end < len(text) else ""
        if not (before.isdecimal() or before in (".", ",")) and not (after.isdecimal()
                                                                     or after == ","):
            return end
        start = at + 1
    return -1


def _counted_word(text: str) -> str | None:
    """The word after the last number of a figure ("nearly 300 killed" → "killed")."""
    literal = None
    for literal in _LITERAL.finditer(text or ""):
        pass
    return None if literal is None else _word_after(text[literal.end():])


def _word_after(rest: str) -> str | None:
    """The noun right after a number (scale and unit words skipped), singular; else None."""
    for token in rest.lower().split()[:4]:
        word = token.strip(".,;:!?()[]\"'“”‘’")
        if word in _UNIT_WORDS or rest.lstrip().startswith("%"):
            return None  # money and percentages: the unit says what is counted
        if word in _SCALE_WORDS:
            continue
        if word in _STOP_WORDS or not re.fullmatch(r"[a-z][a-z\-]+", word):
            return None
        return word[:-1] if word.endswith("s") and len(word) > 3 else word
    return None


def same_kind(kind_a: str | None, kind_b: str | None) -> bool:
    """Whether two counted words count the same thing.

    An unsaid word matches anything; otherwise the words must be equal or synonyms
    ("killed" / "dead", "people" / "persons"). "civilians" and "children" differ (one may
    be a part of the other, so their counts do not contradict each other).
    """
    if kind_a is None or kind_b is None or kind_a == kind_b:
        return True
    class_a = _class_of(kind_a)
    return class_a is not None and class_a == _class_of(kind_b)


def kind_key(kind: str | None) -> str | None:
    """A key equal for counted words that :func:`same_kind` matches (None stays None)."""
    if kind is None:
        return None
    return _class_of(kind) or kind


def _class_of(word: str) -> str | None:
    if word in _DEATHS:
        return "deaths"
    if word in _INJURIES:
        return "injuries"
    if word in _PEOPLE:
        return "people"
    return None
