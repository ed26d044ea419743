"""Figures that disagree beyond their qualifiers, across the desk.

Two claims' figures are compared when the claims are in the same group (:mod:`desk.groups`),
or when they are in different articles, name the same source and give a figure of the same
unit and kind ("249 civilians" is not compared with "21 children"). They disagree when the
intervals their figures allow do not meet (:mod:`desk.intervals`): "249" and "nearly 300"
disagree, "more than 1 million" and "1.2 million" do not.

``disagreements(desk)`` lists them for review; ``conflicts_by_claim(desk)`` gives the text of
the CSV export's ``figure_conflict`` column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .groups import normalise_source, outlet_of
from .intervals import Interval, interval_of, kind_of, same_kind
from .model import Claim

if TYPE_CHECKING:
    from .store import Desk


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


def disagreements(desk: Desk) -> list[Disagreement]:
    """Every pair of live claims whose figures disagree, grouped pairs first.

    Reads only (the stored groups are used as they are; see :func:`desk.groups.refresh_groups`).
    """
    claims = [c for c in desk.claims() if c.figure_value is not None]
    if not claims:
        return []
    outlets = _outlets(desk)
    group_of = {row[0]: row[1] for row in desk.db.execute(
        "SELECT claim_id, group_id FROM claim_groups")}
    intervals = {c.id: interval_of(c.figure) for c in claims}
    claims = [c for c in claims if intervals[c.id] is not None]
    found: list[Disagreement] = []
    seen: set[tuple[str, str]] = set()

    def compare(a: Claim, b: Claim, why: str, group_id: str | None) -> None:
        key = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        if key in seen or a.figure_unit != b.figure_unit:
            return
        seen.add(key)
        ia, ib = intervals[a.id], intervals[b.id]
        if ia is not None and ib is not None and not ia.meets(ib):
            found.append(Disagreement(a, b, outlets.get(a.article_id, ""),
                                      outlets.get(b.article_id, ""), ia, ib, why, group_id))

    by_group: dict[str, list[Claim]] = {}
    for claim in claims:
        if claim.id in group_of:
            by_group.setdefault(group_of[claim.id], []).append(claim)
    for group_id, members in by_group.items():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                compare(a, b, "group", group_id)
    by_source: dict[tuple[str, str | None], list[Claim]] = {}
    for claim in claims:
        if claim.source.strip():
            by_source.setdefault((normalise_source(claim.source), claim.figure_unit),
                                 []).append(claim)
    for members in by_source.values():
        kinds = {c.id: kind_of(c.figure, c.quote) for c in members}
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if a.article_id != b.article_id and same_kind(kinds[a.id], kinds[b.id]):
                    compare(a, b, "source", None)
    return found


def conflicts_by_claim(desk: Desk,
                       found: list[Disagreement] | None = None) -> dict[str, str]:
    """For each claim in a disagreement: the figures it disagrees with, "; "-joined.

    Each entry reads ``nearly 300 killed (northern-herald.example)``. ``found`` reuses a
    list from :func:`disagreements`.
    """
    entries: dict[str, list[str]] = {}
    for item in disagreements(desk) if found is None else found:
        entries.setdefault(item.claim_a.id, []).append(
            f"{item.claim_b.figure} ({item.outlet_b})")
        entries.setdefault(item.claim_b.id, []).append(
            f"{item.claim_a.figure} ({item.outlet_a})")
    return {claim_id: "; ".join(dict.fromkeys(texts)) for claim_id, texts in entries.items()}


def _outlets(desk: Desk) -> dict[str, str]:
    return {row[0]: outlet_of(row[1], row[2], row[3]) for row in desk.db.execute(
        "SELECT id, url, byline, source_file FROM articles")}
