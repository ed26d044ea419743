"""What the across-the-desk index stores of a claim: its keys, and its quote's MinHash bands.

A claim's *keys* are what the grouping and disagreement rules compare (the masked quote, the
normalised source, the figure's unit, size, counted kind and the interval it allows); its
*bands* are locality-sensitive hashes of the masked quote, so that quotes that are
near-identical (rapidfuzz ``ratio`` ≥ 85) share a band with high probability and unrelated
quotes rarely do, plus keys of how the quote begins (:func:`prefix_keys`): candidates are found by looking a claim's bands up, not by comparing it
with every other claim.

The MinHash is over the quote's overlapping 4-byte UTF-8 grams, with :data:`PERMUTATIONS`
universal hash functions ``(a·g + b) mod (2³¹ − 1)`` cut into :data:`BANDS` bands of
:data:`ROWS` rows. :func:`bands_of` works one quote in plain Python (for one edit);
:func:`bands_of_many` works a batch with numpy (for a rebuild), giving the same numbers.
"""

from __future__ import annotations

import hashlib
import math
import random
from array import array
from collections.abc import Sequence
from typing import NamedTuple

from rapidfuzz import fuzz

from desk.across.grouping import (
    MAGNITUDE_RATIO,
    MIN_QUOTE_CHARS,
    QUOTE_THRESHOLD,
    TOPIC_THRESHOLD,
    masked_quote,
    normalise_source,
)
from desk.across.intervals import interval_of, kind_key, kind_of, same_kind
from desk.text.figures import Figure

#: Rows (hash functions) per band and bands per quote.
ROWS = 3
BANDS = 16
PERMUTATIONS = ROWS * BANDS
#: How many characters of a quote's beginning make a :func:`prefix_keys` key.
PREFIX_CHARS = 24
_PRIME = (1 << 31) - 1
_rng = random.Random(20261207)
_A = [_rng.randrange(1, _PRIME) for _ in range(PERMUTATIONS)]
_B = [_rng.randrange(0, _PRIME) for _ in range(PERMUTATIONS)]
del _rng


class Keys(NamedTuple):
    """The index's row of one claim (see the module docstring)."""

    claim_id: str
    article_id: str
    masked: str
    source_key: str
    unit: str | None
    value: float
    kind: str | None
    lo: float | None
    hi: float | None
    lo_open: int
    hi_open: int

    @property
    def source(self) -> str:
        """The normalised source, by the name the grouping rules read."""
        return self.source_key


def keys_of(claim_id: str, article_id: str, quote: str, source: str, figure: str,
            value: float | None, unit: str | None, qualifier: str | None) -> Keys:
    """The keys of one claim, from its stored columns."""
    interval = (interval_of(figure, Figure(value, unit, qualifier))
                if value is not None else None)
    kind = kind_key(kind_of(figure, quote)) if value else None
    return Keys(claim_id, article_id, masked_quote(quote), normalise_source(source or ""), unit,
                abs(value or 0.0), kind,
                None if interval is None else _finite(interval.lo),
                None if interval is None else _finite(interval.hi),
                int(bool(interval and interval.lo_open)), int(bool(interval and interval.hi_open)))


def _finite(value: float) -> float:
    """SQLite stores no infinity portably: the largest double stands in for it."""
    if math.isinf(value):
        return math.copysign(1.7976931348623157e308, value)
    return value


def _grams(text: str) -> list[int]:
    data = text.encode("utf-8")
    if len(data) < 4:
        data = data.ljust(4, b"\0")
    return [int.from_bytes(data[i:i + 4], "big") for i in range(len(data) - 3)]


def _band_keys(mins: Sequence[int]) -> list[int]:
    """Each band's key: an even 64-bit hash of its index and rows (stable across processes:
    the hash of a tuple of ints does not depend on PYTHONHASHSEED)."""
    return [hash((band,) + tuple(mins[band * ROWS:(band + 1) * ROWS])) & ~1
            for band in range(BANDS)]


def bands_of(masked: str) -> list[int]:
    """The band keys of one masked quote (none for a quote too short to group by): its
    MinHash bands, then its :func:`prefix_keys`."""
    if len(masked) < MIN_QUOTE_CHARS:
        return []
    grams = set(_grams(masked))
    mins = [min((a * g + b) % _PRIME for g in grams) for a, b in zip(_A, _B)]
    return _band_keys(mins) + prefix_keys(masked)


def prefix_keys(masked: str) -> list[int]:
    """Keys of how the quote begins: its first :data:`PREFIX_CHARS` characters from each of
    its first three words (a quote cut a few letters later still shares one). Quotes of one
    sentence cut at different lengths share their beginning but few MinHash bands. Odd
    numbers (band keys are even), stable across processes."""
    keys = []
    start = 0
    for _ in range(3):
        piece = masked[start:start + PREFIX_CHARS]
        if len(piece) == PREFIX_CHARS:
            digest = hashlib.blake2b(piece.encode("utf-8"), digest_size=8).digest()
            keys.append(int.from_bytes(digest, "big", signed=True) | 1)
        space = masked.find(" ", start)
        if space < 0:
            break
        start = space + 1
    return list(dict.fromkeys(keys))


def is_prefix_key(key: int) -> bool:
    """Whether a key of :func:`bands_of` is a :func:`prefix_key` (else a MinHash band)."""
    return bool(key & 1)


def numpy():  # noqa: ANN201
    """numpy when it is installed (the rebuild's quick path), else None."""
    try:
        import numpy as np
    except ImportError:
        return None
    return np


def bands_of_many(texts: Sequence[str]) -> list[list[int]]:
    """:func:`bands_of` for many masked quotes at once (numpy, imported here only; one by
    one without it: the standalone build leaves numpy out)."""
    np = numpy()
    if np is None:
        return [bands_of(text) for text in texts]

    result: list[list[int]] = [[] for _ in texts]
    chosen = [i for i, text in enumerate(texts) if len(text) >= MIN_QUOTE_CHARS]
    if not chosen:
        return result
    grams_per_text = [_grams(texts[i]) for i in chosen]
    lengths = np.fromiter((len(g) for g in grams_per_text), dtype=np.int64, count=len(chosen))
    flat = np.fromiter((g for grams in grams_per_text for g in grams), dtype=np.uint64,
                       count=int(lengths.sum()))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    mins = np.empty((len(chosen), PERMUTATIONS), dtype=np.uint64)
    for k in range(PERMUTATIONS):
        hashed = (flat * np.uint64(_A[k]) + np.uint64(_B[k])) % np.uint64(_PRIME)
        mins[:, k] = np.minimum.reduceat(hashed, starts)
    for row, index in zip(mins.tolist(), chosen):
        result[index] = _band_keys(row) + prefix_keys(texts[index])
    return result


class ClaimTable:
    """What the rebuild's union-find compares of every live claim, in memory, by its number
    ``n`` (1, 2, …): lists and arrays rather than an object per claim."""

    def __init__(self) -> None:
        self.ids: list[str] = [""]
        self.article: array = array("i", [0])
        self.masked: list[str] = [""]
        self.source: list[str] = [""]
        self.unit: list[str | None] = [None]
        self.value = array("d", [0.0])
        self.kind: list[str | None] = [None]
        self.rank = array("i", [0])  # place in the desk's claim order (articles, then text)
        self._articles: dict[str, int] = {}
        self._interned: dict[str, str] = {}

    def add(self, keys: Keys) -> None:
        """Append one claim's keys (its number is the count so far)."""
        self.ids.append(keys.claim_id)
        self.article.append(self._articles.setdefault(keys.article_id, len(self._articles) + 1))
        self.masked.append(keys.masked)
        self.source.append(self._interned.setdefault(keys.source_key, keys.source_key))
        self.unit.append(keys.unit)
        self.value.append(keys.value)
        self.kind.append(None if keys.kind is None
                         else self._interned.setdefault(keys.kind, keys.kind))

    def __len__(self) -> int:
        return len(self.ids) - 1

    def quote_score(self, a: int, b: int) -> float | None:
        """The quote rule's pair score of two claims (ratio + 100), or None."""
        ma, mb = self.masked[a], self.masked[b]
        if len(ma) < MIN_QUOTE_CHARS or len(mb) < MIN_QUOTE_CHARS:
            return None
        score = fuzz.ratio(ma, mb, score_cutoff=QUOTE_THRESHOLD)
        return score + 100.0 if score else None

    def figure_score(self, a: int, b: int) -> float | None:
        """The figure rule's pair score of two claims, or None."""
        va, vb = self.value[a], self.value[b]
        if not (va and vb and self.unit[a] == self.unit[b] and self.source[a]
                and self.source[a] == self.source[b]):
            return None
        low, high = (va, vb) if va <= vb else (vb, va)
        if high / low > MAGNITUDE_RATIO or not same_kind(self.kind[a], self.kind[b]):
            return None
        topic = fuzz.token_sort_ratio(self.masked[a], self.masked[b])
        return topic if topic >= TOPIC_THRESHOLD else None

    def same(self, a: int, b: int) -> bool:
        """Whether two claims state the same thing by either rule."""
        return self.quote_score(a, b) is not None or self.figure_score(a, b) is not None
