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
    """numpy, imported when first needed (a rebuild, not an edit: it is not loaded at start-up)."""
    import numpy as np

    return np


def bands_of_many(texts: Sequence[str]) -> list[list[int]]:
    """:func:`bands_of` for many masked quotes at once (numpy), giving the same keys."""
    np = numpy()

    result: list[list[int]] = [[] for _ in texts]
    chosen = [i for i, text in enumerate(texts) if len(text) >= MIN_QUOTE_CHARS]
    if not chosen:
        return result
    # every 4-byte gram of every text, read from one buffer; each distinct gram hashed once
    data = [texts[i].encode("utf-8") for i in chosen]
    sizes = np.fromiter((len(d) for d in data), dtype=np.int64, count=len(data))
    buffer = np.frombuffer(b"".join(data), dtype=np.uint8).astype(np.uint64)
    every = ((buffer[:-3] << np.uint64(24)) | (buffer[1:-2] << np.uint64(16))
             | (buffer[2:-1] << np.uint64(8)) | buffer[3:])
    counts = sizes - 3  # (texts of MIN_QUOTE_CHARS have that many grams at least)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    at = np.repeat(np.cumsum(sizes) - sizes - starts, counts) + np.arange(int(counts.sum()))
    grams, which = np.unique(every[at], return_inverse=True)
    prime = np.uint64(_PRIME)
    mins = np.empty((len(chosen), PERMUTATIONS), dtype=np.uint64)
    for k in range(PERMUTATIONS):
        hashed = grams * np.uint64(_A[k]) + np.uint64(_B[k])  # < 2**63: no overflow
        hashed = (hashed & prime) + (hashed >> np.uint64(31))  # mod 2**31 - 1, folded
        hashed = (hashed & prime) + (hashed >> np.uint64(31))
        hashed = np.where(hashed >= prime, hashed - prime, hashed)
        mins[:, k] = np.minimum.reduceat(hashed[which], starts)
    for row, index in zip(mins.tolist(), chosen):
        result[index] = _band_keys(row) + prefix_keys(texts[index])
    return result


class ClaimTable:
    """What the rebuild's union-find compares of every live claim, in memory, by its number
    ``n`` (1, 2, …): lists and arrays rather than an object per claim."""

    def __init__(self, *, keep_ids: bool = True) -> None:
        self.keep_ids = keep_ids
        self.ids: list[str] = [""]
        self.article: array = array("i", [0])
        self.masked: list[str] = [""]
        self.source: list[str] = [""]
        self.unit: list[str | None] = [None]
        self.value = array("d", [0.0])
        self.kind: list[str | None] = [None]
        self.rank = array("i", [0])  # place in the desk's claim order (articles, then text)
        self.bands: BandMatrix | None = None  # the quotes' keys (the rebuild fills them)
        self._articles: dict[str, int] = {}
        self._interned: dict[str, str] = {}

    def add(self, keys: Keys) -> None:
        """Append one claim's keys (its number is the count so far)."""
        if self.keep_ids:
            self.ids.append(keys.claim_id)
        self.article.append(self._articles.setdefault(keys.article_id, len(self._articles) + 1))
        self.masked.append(keys.masked)
        self.source.append(self._interned.setdefault(keys.source_key, keys.source_key))
        self.unit.append(keys.unit)
        self.value.append(keys.value)
        self.kind.append(None if keys.kind is None
                         else self._interned.setdefault(keys.kind, keys.kind))

    def __len__(self) -> int:
        return len(self.article) - 1

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


# -- candidate pairs of the whole desk, each once (numpy; the rebuild) ------------------------

class BandMatrix:
    """Every claim's quote keys by claim number ``n`` (row 0 unused), for :func:`quote_candidates`:
    its MinHash bands as a matrix (a row of zeros for a quote too short to have any), its
    prefix keys (up to three, zeros after), and how many prefix keys it has. Made for
    ``size`` claims (it grows if more come)."""

    def __init__(self, size: int = 0) -> None:
        np = numpy()
        self.minhash = np.zeros((size + 1, BANDS), dtype=np.int64)
        self.prefix = np.zeros((size + 1, 3), dtype=np.int64)
        self.count = np.zeros(size + 1, dtype=np.int8)
        self.filled = 1

    def add(self, bands: list[list[int]]) -> None:
        """Append the :func:`bands_of_many` of the next claims (in claim-number order)."""
        np = numpy()
        end = self.filled + len(bands)
        if end > len(self.count):
            more = end - len(self.count)
            self.minhash = np.concatenate((self.minhash, np.zeros((more, BANDS), np.int64)))
            self.prefix = np.concatenate((self.prefix, np.zeros((more, 3), np.int64)))
            self.count = np.concatenate((self.count, np.zeros(more, np.int8)))
        for row, keys in enumerate(bands, self.filled):
            if keys:
                self.minhash[row] = keys[:BANDS]
                self.prefix[row, :len(keys) - BANDS] = keys[BANDS:]
                self.count[row] = len(keys) - BANDS
        self.filled = end

    def done(self) -> None:
        """Drop the rows made for claims that did not come (call once all are added)."""
        self.minhash = self.minhash[:self.filled]
        self.prefix = self.prefix[:self.filled]
        self.count = self.count[:self.filled]


def _buckets(keys):  # noqa: ANN001, ANN202
    """For sorted ``keys``: each entry's bucket end (exclusive) and bucket size."""
    np = numpy()
    breaks = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [len(keys)]))
    sizes = ends - starts
    return np.repeat(ends, sizes), np.repeat(sizes, sizes)


def _runs(lengths, end, limit, min_share: float):  # noqa: ANN001, ANN202
    """Entry pairs ``(i, j)`` of sorted entries, ``i < j`` in one bucket (``end``), at most
    ``limit[i]`` apart, ``lengths[j] <= lengths[i] / min_share`` (lengths ascend within a
    bucket), one offset at a time (bounded memory)."""
    np = numpy()
    active = np.flatnonzero(limit > 0)
    step = 1
    while active.size:
        j = active + step
        ok = (j < end[active]) & (step <= limit[active])
        active, j = active[ok], j[ok]
        ok = lengths[j] <= lengths[active] / min_share
        active, j = active[ok], j[ok]
        if active.size:
            yield active, j
        step += 1


def quote_candidates(bands: BandMatrix, lengths, *, cap: int, boilerplate_window: int,  # noqa: ANN001, ANN201
                     min_share: float, chunk: int = 200_000):
    """Candidate pairs of quotes ``(x, y)`` (numpy arrays of claim numbers), each pair once:
    the claims sharing a MinHash band or a prefix key whose bucket has at most ``cap``
    claims (all of like length), or, in a prefix bucket of more (boilerplate), its
    ``boilerplate_window`` nearest in length. A pair sharing several buckets is given by
    the first (MinHash bands in order, then the smallest prefix key), so that each is
    scored once. Pairs of like length only: a ratio needs the shorter ``min_share`` of the
    longer."""
    np = numpy()
    minhash, prefix, count = bands.minhash, bands.prefix, bands.count
    lengths = np.asarray(lengths, dtype=np.float64)
    ids = np.flatnonzero(minhash.any(axis=1))
    # each claim's complete bucket per band, by number (else a number of its own, negative)
    bucket_no = np.repeat(-1 - np.arange(len(minhash), dtype=np.int32)[:, None], BANDS, axis=1)
    numbered = 0
    for k in range(BANDS):
        keys = minhash[ids, k]
        order = np.lexsort((lengths[ids], keys))
        members, keys = ids[order], keys[order]
        end, size = _buckets(keys)
        whole = (size >= 2) & (size <= cap)
        bucket_no[members[whole], k] = numbered + np.searchsorted(np.unique(end[whole]),
                                                               end[whole])
        numbered += len(members)
        for i, j in _runs(lengths[members], end, np.where(whole, cap, 0), min_share):
            for start in range(0, len(i), chunk):
                x, y = members[i[start:start + chunk]], members[j[start:start + chunk]]
                if k:
                    earlier = (bucket_no[x, :k] == bucket_no[y, :k]).any(axis=1)
                    x, y = x[~earlier], y[~earlier]
                yield x, y
    # prefix keys: after every MinHash band
    slots = [np.flatnonzero(count > s) for s in range(3)]
    members = np.concatenate(slots)
    slot = np.concatenate([np.full(len(s), k, dtype=np.int64) for k, s in enumerate(slots)])
    keys = prefix[members, slot]
    order = np.lexsort((members, lengths[members], keys))
    members, slot, keys = members[order], slot[order], keys[order]
    end, size = _buckets(keys)
    whole = (size >= 2) & (size <= cap)
    prefix_complete = np.zeros(prefix.shape, dtype=bool)
    prefix_complete[members, slot] = whole
    boilerplate = size > cap
    prefix_boilerplate = np.zeros(prefix.shape, dtype=bool)
    prefix_boilerplate[members, slot] = boilerplate
    place = np.zeros(prefix.shape, dtype=np.int64)  # where each key is in the sorted entries
    place[members, slot] = np.arange(len(members))
    limit = np.where(whole, cap, np.where(boilerplate, boilerplate_window, 0))
    none = np.iinfo(np.int64).max
    for i, j in _runs(lengths[members], end, limit, min_share):
        for start in range(0, len(i), chunk):
            ii, jj = i[start:start + chunk], j[start:start + chunk]
            x, y = members[ii], members[jj]
            seen = (bucket_no[x] == bucket_no[y]).any(axis=1)
            same = prefix[x][:, :, None] == prefix[y][:, None, :]
            shared = same.any(axis=2) & prefix_complete[x]
            first = np.where(shared, prefix[x], none).min(axis=1)
            # in boilerplate buckets: the first (smallest key) of those where the two are
            # within the window of each other (without a complete bucket in common)
            near = (same & prefix_boilerplate[x][:, :, None] & (np.abs(
                place[x][:, :, None] - place[y][:, None, :]) <= boilerplate_window)).any(axis=2)
            nearest = np.where(near, prefix[x], none).min(axis=1)
            keep = ~seen & np.where(whole[ii], first == keys[ii],
                                    ~shared.any(axis=1) & (nearest == keys[ii]))
            yield x[keep], y[keep]


def figure_candidates(numbers, bucket, kind, value, rank, article, *, neighbours: int,  # noqa: ANN001, ANN201
                      ratio: float):
    """Candidate pairs of the figure rule ``(a, b)`` (arrays of claim numbers, ``a`` the
    smaller figure): claims ``numbers`` in runs — one per ``bucket`` (a source and unit)
    and counted ``kind`` (≥ 0), with the bucket's claims of an unsaid kind (-1), and one of
    those alone — sorted by value then ``rank``; each claim with its next ``neighbours``
    of other articles within ``ratio`` (two claims of an unsaid kind only in their own run).
    ``value``, ``rank`` and ``article`` are by claim number."""
    np = numpy()
    width = int(kind.max(initial=-1)) + 2
    run = bucket * width + kind + 1  # kind 0: the unsaid alone
    unsaid = kind < 0
    # each claim of an unsaid kind also joins every kind's run of its bucket
    said_runs = np.unique(run[~unsaid])
    lows = np.searchsorted(said_runs // width, run[unsaid] // width, side="left")
    counts = np.searchsorted(said_runs // width, run[unsaid] // width, side="right") - lows
    extra = np.repeat(np.flatnonzero(unsaid), counts)
    steps = np.arange(len(extra)) - np.repeat(np.cumsum(counts) - counts, counts)
    entry = np.concatenate((np.arange(len(numbers)), extra))
    runs = np.concatenate((run, said_runs[np.repeat(lows, counts) + steps]))
    claim = numbers[entry]
    order = np.lexsort((rank[claim], value[claim], runs))
    entry, runs, claim = entry[order], runs[order], claim[order]
    size, where = value[claim], article[claim]
    blank = unsaid[entry]
    skip = blank & (runs % width != 0)  # in a kind's run, two unsaid claims are not paired
    end, _ = _buckets(runs)
    taken = np.zeros(len(entry), dtype=np.int64)
    active = np.arange(len(entry))
    step = 1
    while active.size:
        j = active + step
        ok = j < end[active]
        active, j = active[ok], j[ok]
        ok = size[j] <= size[active] * ratio
        active, j = active[ok], j[ok]
        pair = (where[active] != where[j]) & ~(skip[active] & blank[j])
        yield claim[active[pair]], claim[j[pair]]
        taken[active[pair]] += 1
        active = active[taken[active] < neighbours]
        step += 1
