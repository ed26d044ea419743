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

from dataclasses import dataclass
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz, process

from .figures import Figure
from .groups import _claims_by_id, masked_quote, normalise_source, outlet_of
from .intervals import Interval, interval_of, kind_key, kind_of
from .model import Claim

if TYPE_CHECKING:
    from .store import Desk

#: Claims of one source that are not grouped are compared only when their quotes, numbers
#: masked, are at least this similar (rapidfuzz ``ratio``): the same statement, reworded.
SOURCE_TOPIC_THRESHOLD = 70.0
#: ...and each claim only with this many of the source's most similarly worded claims (a
#: bound on the work for sources quoted thousands of times; grouped claims are all compared).
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


def _disagreeing_pairs(desk: Desk, cancelled: Callable[[], bool] | None = None,
                       ) -> list[tuple[_Row, _Row, Interval, Interval, str]]:
    """Every disagreeing pair; stops early (with what it found) once ``cancelled()``."""
    rows = [_Row(*row) for row in desk.db.execute(_ROWS_SQL)]
    intervals = {r.id: interval_of(r.figure, Figure(r.value, r.unit, r.qualifier))
                 for r in rows}
    rows = [r for r in rows if intervals[r.id] is not None]
    found: list[tuple[_Row, _Row, Interval, Interval, str]] = []
    seen: set[tuple[str, str]] = set()

    def compare(a: _Row, b: _Row, why: str) -> None:
        key = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        if key in seen or a.unit != b.unit:
            return
        seen.add(key)
        ia, ib = intervals[a.id], intervals[b.id]
        if ia is not None and ib is not None and not ia.meets(ib):
            found.append((a, b, ia, ib, why))

    by_group: dict[str, list[_Row]] = {}
    for row in rows:
        if row.group_id:
            by_group.setdefault(row.group_id, []).append(row)
    for members in by_group.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                compare(a, b, "group")
    by_source: dict[tuple[str, str | None], list[_Row]] = {}
    for row in rows:
        if row.source.strip():
            by_source.setdefault((normalise_source(row.source), row.unit), []).append(row)
    for members in by_source.values():
        if cancelled and cancelled():
            break
        # claims counting different things ("soldiers", "civilians") are never compared:
        # compare within each kind, and claims of an unsaid kind with all of the source's
        kinds = [kind_key(kind_of(r.figure, r.quote)) for r in members]
        texts = [masked_quote(r.quote) for r in members]
        by_kind: dict[str | None, list[int]] = {}
        for index, key in enumerate(kinds):
            by_kind.setdefault(key, []).append(index)
        for key, indexes in by_kind.items():
            pool = range(len(members)) if key is None else indexes
            _compare_similar(members, texts, indexes, pool, compare)
    return found


def _compare_similar(members: list[_Row], texts: list[str], indexes: list[int],
                     pool: Iterable[int], compare: Callable[[_Row, _Row, str], None]) -> None:
    """Compare each of ``indexes`` with the claims of ``pool`` worded much the same."""
    choices = {y: texts[y] for y in pool}
    for x in indexes:
        choices.pop(x, None)  # (each pair once when the pool is the same list)
        a = members[x]
        for _, _, y in process.extract(texts[x], choices, scorer=fuzz.ratio,
                                       limit=SOURCE_NEIGHBOURS,
                                       score_cutoff=SOURCE_TOPIC_THRESHOLD):
            b = members[y]
            if a.article_id != b.article_id:
                compare(a, b, "source")


def conflicts_by_claim(desk: Desk, found: list[Disagreement] | None = None, *,
                       cancelled: Callable[[], bool] | None = None) -> dict[str, str]:
    """For each claim in a disagreement: the figures it disagrees with, "; "-joined.

    Each entry reads ``nearly 300 killed (northern-herald.example)``. ``found`` reuses a
    list from :func:`disagreements`.
    """
    entries: dict[str, list[str]] = {}
    if found is None:
        pairs = _disagreeing_pairs(desk, cancelled)
        outlets = _outlets(desk) if pairs else {}
        items = [(a.id, a.figure, outlets.get(a.article_id, ""), b.id, b.figure,
                  outlets.get(b.article_id, "")) for a, b, *_ in pairs]
    else:
        items = [(d.claim_a.id, d.claim_a.figure, d.outlet_a, d.claim_b.id, d.claim_b.figure,
                  d.outlet_b) for d in found]
    for id_a, figure_a, outlet_a, id_b, figure_b, outlet_b in items:
        entries.setdefault(id_a, []).append(f"{figure_b} ({outlet_b})")
        entries.setdefault(id_b, []).append(f"{figure_a} ({outlet_a})")
    return {claim_id: "; ".join(dict.fromkeys(texts)) for claim_id, texts in entries.items()}


def _outlets(desk: Desk) -> dict[str, str]:
    return {row[0]: outlet_of(row[1], row[2], row[3]) for row in desk.db.execute(
        "SELECT id, url, byline, source_file FROM articles")}
