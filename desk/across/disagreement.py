"""Figures that disagree beyond their qualifiers, across the desk.

Two claims' figures are compared when the claims are in the same group (:mod:`desk.groups`),
or when they are in different articles, name the same source, give a figure of the same unit
and kind ("249 civilians" is not compared with "21 children") and say much the same with the
numbers masked (:data:`SOURCE_TOPIC_THRESHOLD`). They disagree when the
intervals their figures allow do not meet (:mod:`desk.intervals`): "249" and "nearly 300"
disagree, "more than 1 million" and "1.2 million" do not.

``disagreements(desk)`` lists them for review; ``conflicts_by_claim(desk)`` gives the text of
the CSV export's ``figure_conflict`` column.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz, process

from desk.across.grouping import _claims_by_id, masked_quote, normalise_source, outlet_of
from desk.across.intervals import Interval, interval_of, kind_key, kind_of
from desk.model import Claim
from desk.text.figures import Figure

if TYPE_CHECKING:
    from desk.facade import Desk

#: Claims of one source that are not grouped are compared only when their quotes, numbers
#: masked, are at least this similar (rapidfuzz ``ratio``): the same statement, reworded.
SOURCE_TOPIC_THRESHOLD = 70.0
#: ...and each claim only with this many of the source's most similarly worded claims after
#: it (a bound on the comparisons when a quote is carried by hundreds of outlets; grouped
#: claims are all compared). The wording is scored once per distinct pair of masked quotes
#: of like length (see :func:`_neighbours`).
SOURCE_NEIGHBOURS = 25


@dataclass(frozen=True)
class Disagreement:
    """Two claims whose figures cannot both be true.

    ``why`` is ``group`` (the claims are grouped as the same claim) or ``source`` (same
    source, unit and kind); ``group_id`` is set for ``group``.
    """

    claim_a: Claim
    claim_b: Claim
    outlet_a: str
    outlet_b: str
    interval_a: Interval
    interval_b: Interval
    why: str
    group_id: str | None

    def message(self) -> str:
        """The disagreement for people, with what each figure allows."""
        a, b = self.claim_a, self.claim_b
        left = f"“{a.figure}” ({self.outlet_a}{_by(a)})"
        right = f"“{b.figure}” ({self.outlet_b}{_by(b)})"
        return (f"{left} disagrees with {right}: {self.interval_a.describe()} vs "
                f"{self.interval_b.describe()}")


def _by(claim: Claim) -> str:
    return f", {claim.source}" if claim.source else ""


class _Row(NamedTuple):
    """What the comparison needs of a claim (lighter than a :class:`Claim`)."""

    id: str
    article_id: str
    quote: str
    source: str
    figure: str
    unit: str | None
    group_id: str | None
    value: float
    qualifier: str | None


_ROWS_SQL = """
    SELECT c.id, c.article_id, c.quote, c.source, c.figure, c.figure_unit, g.group_id,
           c.figure_value, c.figure_qualifier
    FROM claims c LEFT JOIN claim_groups g ON g.claim_id = c.id
    WHERE c.deleted_at IS NULL AND c.figure_value IS NOT NULL
    ORDER BY c.rowid
"""


def disagreements(desk: Desk) -> list[Disagreement]:
    """Every pair of live claims whose figures disagree, grouped pairs first.

    Reads only (the stored groups are used as they are; see :func:`desk.groups.refresh_groups`).
    """
    pairs = _disagreeing_pairs(desk)
    if not pairs:
        return []
    outlets = _outlets(desk)
    claims = {c.id: c for c in _claims_by_id(desk, sorted({p[0].id for p in pairs}
                                                          | {p[1].id for p in pairs}))}
    return [Disagreement(claims[a.id], claims[b.id], outlets.get(a.article_id, ""),
                         outlets.get(b.article_id, ""), ia, ib, why, a.group_id
                         if why == "group" else None)
            for a, b, ia, ib, why in pairs]


_Pair = tuple[_Row, _Row, Interval, Interval, str]


def _disagreeing_pairs(desk: Desk, cancelled: Callable[[], bool] | None = None,
                       ) -> list[_Pair]:
    """Every disagreeing pair; stops early (with what it found) once ``cancelled()``."""
    rows = [_Row(*row) for row in desk.db.execute(_ROWS_SQL)]
    intervals = {r.id: interval_of(r.figure, Figure(r.value, r.unit, r.qualifier))
                 for r in rows}
    rows = [r for r in rows if intervals[r.id] is not None]
    found: list[_Pair] = []
    grouped = _grouped_pairs(rows, intervals, found)
    by_source: dict[tuple[str, str | None], list[_Row]] = {}
    sources = _Memo(normalise_source)
    for row in rows:
        if row.source.strip():
            by_source.setdefault((sources[row.source], row.unit), []).append(row)
    masked = _Memo(masked_quote)
    for members in by_source.values():
        if cancelled and cancelled():
            break
        if len(members) > 1:
            _source_pairs(members, masked, intervals, grouped, found)
    return found


def _grouped_pairs(rows: list[_Row], intervals: dict[str, Interval], found: list[_Pair],
                   ) -> set[tuple[str, str]]:
    """Add the disagreeing pairs of grouped claims to ``found``; returns all grouped pairs."""
    by_group: dict[str, list[_Row]] = {}
    for row in rows:
        if row.group_id:
            by_group.setdefault(row.group_id, []).append(row)
    grouped: set[tuple[str, str]] = set()
    for members in by_group.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                grouped.add(_key(a, b))
                ia, ib = intervals[a.id], intervals[b.id]
                if a.unit == b.unit and not ia.meets(ib):
                    found.append((a, b, ia, ib, "group"))
    return grouped


def _source_pairs(members: list[_Row], masked: dict[str, str],
                  intervals: dict[str, Interval], grouped: set[tuple[str, str]],
                  found: list[_Pair]) -> None:
    """Add to ``found`` the disagreeing pairs among claims of one source and unit that are
    not grouped pairs (``masked[quote]`` is the quote with its numbers masked)."""
    # claims counting different things ("soldiers", "civilians") are never compared:
    # compare within each kind, and claims of an unsaid kind with all of the source's
    by_kind: dict[str | None, list[int]] = {}
    for index, row in enumerate(members):
        by_kind.setdefault(kind_key(kind_of(row.figure, row.quote)), []).append(index)
    ends = [_ends(intervals[r.id]) for r in members]
    pools = [(indexes, range(len(members)) if key is None else indexes)
             for key, indexes in by_kind.items()]
    # the wording matters only where some figures could disagree
    pools = [(indexes, pool) for indexes, pool in pools
             if _may_disagree([ends[i] for i in pool])]
    texts = [masked[r.quote] for r in members] if pools else []
    for indexes, pool in pools:
        for x, near in _neighbours(texts, indexes, pool):
            a = members[x]
            a_lo, a_hi = ends[x]
            for y in near:
                b = members[y]
                b_lo, b_hi = ends[y]
                if a.article_id != b.article_id and not (a_lo <= b_hi and b_lo <= a_hi) \
                        and (not grouped or _key(a, b) not in grouped):
                    found.append((a, b, intervals[a.id], intervals[b.id], "source"))


def _key(a: _Row, b: _Row) -> tuple[str, str]:
    return (a.id, b.id) if a.id < b.id else (b.id, a.id)


_End = tuple[float, int]


def _ends(interval: Interval) -> tuple[_End, _End]:
    """An interval's ends as tuples such that two intervals meet exactly when each one's
    lower end is at most the other's upper end (as :meth:`Interval.meets`, but quicker).

    At equal values a closed lower end (0) is at most a closed upper end (0), while an
    open lower end (1) or an open upper end (-1) is not.
    """
    return ((interval.lo, 1 if interval.lo_open else 0),
            (interval.hi, -1 if interval.hi_open else 0))


def _may_disagree(ends: list[tuple[_End, _End]]) -> bool:
    """False when every two of these intervals (as :func:`_ends`) meet; True when some two
    may not (the highest lower end is above the lowest upper end)."""
    return max(lo for lo, _ in ends) > min(hi for _, hi in ends)


class _Memo(dict):
    """``memo[text]`` is ``function(text)``, worked out once per distinct text."""

    def __init__(self, function: Callable[[str], str]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, text: str) -> str:
        value = self[text] = self.function(text)
        return value


def _neighbours(texts: list[str], indexes: list[int], pool: Iterable[int],
                ) -> Iterator[tuple[int, list[int]]]:
    """Each of ``indexes`` (in order) with the claims of ``pool`` it is compared with.

    A claim's candidates are the claims of ``pool`` that are not of ``indexes`` and those
    of ``indexes`` after it (so that a pair is met once); of those whose ``texts`` are at
    least :data:`SOURCE_TOPIC_THRESHOLD` similar, the :data:`SOURCE_NEIGHBOURS` most
    similar, ties in pool order. Each distinct pair of texts is scored once.
    """
    own = set(indexes)
    own_by_text = _claims_by_text(indexes, texts)
    other_by_text = _claims_by_text([y for y in pool if y not in own], texts)
    own_similar = _similar_texts(list(own_by_text))
    other_similar = _similar_across(list(own_by_text), list(other_by_text))
    limit = SOURCE_NEIGHBOURS
    for x in indexes:
        text = texts[x]
        ranked: list[tuple[float, int]] = []
        for score, other in own_similar[text]:
            claims = own_by_text[other]
            if len(claims) == 1:  # (most texts are one claim's)
                if claims[0] > x:
                    ranked.append((-score, claims[0]))
            else:
                after = bisect_right(claims, x)
                ranked.extend((-score, y) for y in claims[after:after + limit])
        for score, other in other_similar.get(text, ()):
            ranked.extend((-score, y) for y in other_by_text[other][:limit])
        if ranked:
            ranked.sort()
            yield x, [y for _, y in ranked[:limit]]


def _claims_by_text(indexes: Iterable[int], texts: list[str]) -> dict[str, list[int]]:
    """The claims of ``indexes`` (ascending) by their masked text."""
    by_text: dict[str, list[int]] = {}
    for index in indexes:
        by_text.setdefault(texts[index], []).append(index)
    return by_text


def _length_window(length: int) -> tuple[int, int]:
    """The lengths a text may have to be :data:`SOURCE_TOPIC_THRESHOLD`-similar to one of
    ``length`` characters (a bound with a character to spare either way).

    ``fuzz.ratio`` is 100 · (1 − indel distance / (sum of lengths)), and the distance is at
    least the difference in length, so a ratio of T needs the shorter text to be at least
    T / (200 − T) of the longer.
    """
    threshold = SOURCE_TOPIC_THRESHOLD
    return (math.ceil(length * threshold / (200 - threshold)) - 1,
            math.floor(length * (200 - threshold) / threshold) + 1)


def _similar_texts(texts: list[str]) -> dict[str, list[tuple[float, str]]]:
    """For each of the distinct ``texts``, those (itself included) at least
    :data:`SOURCE_TOPIC_THRESHOLD` similar, with the score; each pair scored once."""
    ordered = sorted(texts, key=len)
    lengths = [len(text) for text in ordered]
    similar: dict[str, list[tuple[float, str]]] = {text: [] for text in ordered}
    for i, text in enumerate(ordered):
        itself = fuzz.ratio(text, text, score_cutoff=SOURCE_TOPIC_THRESHOLD)
        if itself:
            similar[text].append((itself, text))
        # against the shorter texts before it (the longer text as the query is quicker)
        start = bisect_left(lengths, _length_window(lengths[i])[0], 0, i)
        if start < i:
            for other, score, _ in process.extract(
                    text, ordered[start:i], scorer=fuzz.ratio, processor=None, limit=None,
                    score_cutoff=SOURCE_TOPIC_THRESHOLD):
                similar[text].append((score, other))
                similar[other].append((score, text))
    return similar


def _similar_across(queries: list[str], choices: list[str],
                    ) -> dict[str, list[tuple[float, str]]]:
    """For each of ``queries``, the ``choices`` at least :data:`SOURCE_TOPIC_THRESHOLD`
    similar, with the score (only queries with some)."""
    if not queries or not choices:
        return {}
    ordered = sorted(choices, key=len)
    lengths = [len(text) for text in ordered]
    similar: dict[str, list[tuple[float, str]]] = {}
    for text in queries:
        low, high = _length_window(len(text))
        start, end = bisect_left(lengths, low), bisect_right(lengths, high)
        if end > start:
            found = process.extract(text, ordered[start:end], scorer=fuzz.ratio,
                                    processor=None, limit=None,
                                    score_cutoff=SOURCE_TOPIC_THRESHOLD)
            if found:
                similar[text] = [(score, other) for other, score, _ in found]
    return similar


def conflicts_by_claim(desk: Desk, found: list[Disagreement] | None = None, *,
                       cancelled: Callable[[], bool] | None = None) -> dict[str, str]:
    """For each claim in a disagreement: the figures it disagrees with, "; "-joined.

    Each entry reads ``nearly 300 killed (northern-herald.example)``. ``found`` reuses a
    list from :func:`disagreements`.
    """
    if found is None:
        pairs = _disagreeing_pairs(desk, cancelled)
        outlets = _outlets(desk) if pairs else {}
        labels: dict[str, str] = {}  # each claim's entry, written once
        for pair in pairs:
            for row in pair[:2]:
                if row.id not in labels:
                    labels[row.id] = f"{row.figure} ({outlets.get(row.article_id, '')})"
        items = [(a.id, labels[a.id], b.id, labels[b.id]) for a, b, *_ in pairs]
    else:
        items = [(d.claim_a.id, f"{d.claim_a.figure} ({d.outlet_a})", d.claim_b.id,
                  f"{d.claim_b.figure} ({d.outlet_b})") for d in found]
    entries: dict[str, dict[str, None]] = {}  # (a dict as an ordered set: repeats once)
    for id_a, label_a, id_b, label_b in items:
        entries.setdefault(id_a, {})[label_b] = None
        entries.setdefault(id_b, {})[label_a] = None
    return {claim_id: "; ".join(texts) for claim_id, texts in entries.items()}


def _outlets(desk: Desk) -> dict[str, str]:
    return {row[0]: outlet_of(row[1], row[2], row[3]) for row in desk.db.execute(
        "SELECT id, url, byline, source_file FROM articles")}
