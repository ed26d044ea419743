"""Offsets at the Qt boundary: the desk counts Python code points, Qt counts UTF-16 units.

A character outside the Basic Multilingual Plane (an emoji such as 💉) is one code point but
two UTF-16 units, so every offset after it differs by one. :class:`OffsetMap` converts both
ways in O(log n) for one text, after one pass over it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts offsets into one text between code points and UTF-16 units."""

    def __init__(self, text: str) -> None:
        self.text = text
        #: True when the text has no astral character: both counts are the same.
        self.identity = len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)
        #: Code-point index of every astral character, ascending.
        self._astral_cp = [] if self.identity else [m.start() for m in _ASTRAL.finditer(text)]
        #: UTF-16 index where each of those characters starts.
        self._astral_u16 = [cp + k for k, cp in enumerate(self._astral_cp)]

    @property
    def utf16_length(self) -> int:
        """Length of the text in UTF-16 units (what Qt reports)."""
        return len(self.text) + len(self._astral_cp)

    def to_utf16(self, cp: int) -> int:
        """The UTF-16 offset of code-point offset ``cp``."""
        return cp + bisect_left(self._astral_cp, cp)

    def to_code_point(self, u16: int) -> int:
        """The code-point offset of UTF-16 offset ``u16``.

        An offset inside a surrogate pair (which a text cursor never holds) rounds up to the
        end of that character.
        """
        # astral characters that end at or before u16 each take one extra unit
        return u16 - bisect_right(self._astral_u16, u16 - 2)


def to_utf16(text: str, cp: int) -> int:
    """The UTF-16 offset of code-point offset ``cp`` in ``text`` (one-off conversion)."""
    return OffsetMap(text).to_utf16(cp)


def to_code_point(text: str, u16: int) -> int:
    """The code-point offset of UTF-16 offset ``u16`` in ``text`` (one-off conversion)."""
    return OffsetMap(text).to_code_point(u16)
