"""The same claim across articles: grouping, the editor's decisions, figures that disagree
and the CSV ``figure_conflict`` column, on a desk of 22 articles about overlapping events."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from desk import Desk, DeskError, across
from desk.formats.csv_export import csv_text
from tests.desk.across.across_data import claim_in, fill


@pytest.fixture
def across_desk(tmp_path: Path) -> Iterator[Desk]:
    """A desk holding the 22 fixture articles and their claims."""
    with Desk.open(tmp_path / "across.desk", editor="tester") as desk:
        fill(desk)
        yield desk


def _members(group: across.ClaimGroup) -> set[str]:
    return {c.article_id for c in group.claims}


def _group_with(groups: list[across.ClaimGroup], claim_id: str) -> across.ClaimGroup:
    matches = [g for g in groups if claim_id in {c.id for c in g.claims}]
    assert len(matches) == 1, [g.summary() for g in groups]
    return matches[0]


def test_desk_has_at_least_20_articles(across_desk: Desk) -> None:
    assert across_desk.counts() == (22, 22)


def test_refresh_groups_the_same_claims_across_articles(across_desk: Desk) -> None:
    groups = across.refresh_groups(across_desk)
    harlow = _group_with(groups, claim_in(across_desk, "a01").id)
    expected = {claim_in(across_desk, p).id for p in ("a01", "a02", "a03", "a04")}
    assert {c.id for c in harlow.claims} == expected
    assert harlow.summary() == "seen in 4 articles, first on 2026-03-01 by dailyledger.example"
    # outlets: the URL's host without www., else the byline
    assert [a.outlet for a in harlow.appearances] == [
        "dailyledger.example", "Radio Harlow newsroom", "wire.example.net",
        "northernherald.example"]

    floods = _group_with(groups, claim_in(across_desk, "a05").id)
    assert {c.id for c in floods.claims} == {claim_in(across_desk, p).id
                                             for p in ("a05", "a06", "a07")}
    # grouped by the same source and a figure of the same unit and magnitude
    jobs = _group_with(groups, claim_in(across_desk, "a13").id)
    assert {c.id for c in jobs.claims} == {claim_in(across_desk, p).id
                                           for p in ("a13", "a14", "a15")}
    aid = _group_with(groups, claim_in(across_desk, "a16").id)
    assert claim_in(across_desk, "a17").id in {c.id for c in aid.claims}
    damage = _group_with(groups, claim_in(across_desk, "a08").id)
    assert claim_in(across_desk, "a09").id in {c.id for c in damage.claims}
    assert len(groups) == 5
    assert groups[0].id == harlow.id  # most articles first


def test_different_claims_are_not_grouped(across_desk: Desk) -> None:
    groups = across.refresh_groups(across_desk)
    grouped = {c.id for g in groups for c in g.claims}
    # the school strike (same source, same wording but another place and count), the
    # ferry's 21 children, losses an order of magnitude apart, the lone stories
    for prefix in ("a21", "a20", "a10", "a11", "a12", "a18", "a19", "a22"):
        assert claim_in(across_desk, prefix).id not in grouped, prefix
    assert across.group_of(across_desk, claim_in(across_desk, "a21").id) is None


def test_refresh_is_stable_and_idempotent(across_desk: Desk) -> None:
    first = {g.id: {c.id for c in g.claims} for g in across.refresh_groups(across_desk)}
    rows = across_desk.db.execute("SELECT * FROM claim_groups ORDER BY claim_id").fetchall()
    second = {g.id: {c.id for c in g.claims} for g in across.refresh_groups(across_desk)}
    assert first == second
    assert across_desk.db.execute("SELECT * FROM claim_groups ORDER BY claim_id").fetchall() == rows


def test_split_survives_refresh_and_new_claims_join_the_held_group(across_desk: Desk) -> None:
    groups = across.refresh_groups(across_desk)
    harlow = _group_with(groups, claim_in(across_desk, "a01").id)
    radio = claim_in(across_desk, "a04")  # the mayor, not the UN: the editor splits it off
    new_id = across.split_group(across_desk, harlow.id, [radio.id])
    across.refresh_groups(across_desk)
    assert radio.id not in {c.id for c in across.group(across_desk, harlow.id).claims}
    assert across.group_of(across_desk, radio.id) is None  # alone: not shown as a group
    assert across_desk.db.execute("SELECT group_id, how FROM claim_groups WHERE claim_id = ?",
                                  [radio.id]).fetchone() == (new_id, "editor")

    # a later article repeating the claim joins the editor's group on the next refresh
    from desk.model import ArticleDraft
    body = ("Harlow inquiry opens\n\nInvestigators said 249 civilians were killed in the "
            "strike on the Harlow market, as the inquiry opened.")
    added = across_desk.add_article(ArticleDraft(title="Harlow inquiry opens", body=body,
                                                 source_file="late.txt",
                                                 url="https://late.example/harlow",
                                                 published_at="2026-03-09"))
    quote = "249 civilians were killed in the strike on the Harlow market"
    start = body.index(quote)
    late = across_desk.add_claim(added.article_id, start, start + len(quote),
                                 source="investigators", figure="249 civilians")
    across.refresh_groups(across_desk)
    found = across.group_of(across_desk, late.id)
    assert found is not None and found.id in (harlow.id, new_id)
    assert across_desk.db.execute("SELECT how FROM claim_groups WHERE claim_id = ?",
                                  [late.id]).fetchone() == ("quote",)
    # the two held groups were not joined through it
    assert radio.id not in {c.id for c in across.group(across_desk, harlow.id).claims}


def test_confirm_merge_add_and_remove(across_desk: Desk) -> None:
    groups = across.refresh_groups(across_desk)
    floods = _group_with(groups, claim_in(across_desk, "a05").id)
    assert not floods.confirmed
    confirmed = across.confirm_group(across_desk, floods.id)
    assert confirmed.confirmed and confirmed.how == "editor"

    aid = _group_with(groups, claim_in(across_desk, "a16").id)
    merged = across.merge_groups(across_desk, [floods.id, aid.id])
    assert merged.article_count == 5
    with pytest.raises(DeskError):
        across.group(across_desk, aid.id)
    across.refresh_groups(across_desk)
    assert across.group(across_desk, floods.id).article_count == 5  # held: not undone

    eu_loan = claim_in(across_desk, "a19")
    grown = across.add_to_group(across_desk, floods.id, eu_loan.id)
    assert eu_loan.id in {c.id for c in grown.claims}
    across.remove_from_group(across_desk, eu_loan.id)
    assert across.group_of(across_desk, eu_loan.id) is None
    with pytest.raises(DeskError, match="not in a group"):
        across.remove_from_group(across_desk, eu_loan.id)
    with pytest.raises(DeskError, match="at least one claim"):
        across.split_group(across_desk, floods.id, [c.id for c in merged.claims])


def test_deleted_claims_leave_their_group(across_desk: Desk) -> None:
    groups = across.refresh_groups(across_desk)
    damage = _group_with(groups, claim_in(across_desk, "a08").id)
    across_desk.delete_claim(claim_in(across_desk, "a09").id)
    assert across.group(across_desk, damage.id).article_count == 1
    assert damage.id not in {g.id for g in across.groups(across_desk)}
    across.refresh_groups(across_desk)
    assert damage.id not in {g.id for g in across.groups(across_desk)}


def test_appearances_for_claimreview(across_desk: Desk) -> None:
    across.refresh_groups(across_desk)
    seen = across.appearances_of(across_desk, claim_in(across_desk, "a02").id)
    assert [a.date for a in seen] == ["2026-03-01", "2026-03-02", "2026-03-02", "2026-03-03"]
    alone = across.appearances_of(across_desk, claim_in(across_desk, "a19").id)
    assert len(alone) == 1 and alone[0].outlet == "a19-old-quay-cafe.txt"  # no URL, no byline


# -- figures that disagree --------------------------------------------------------------------

def _pairs(found: list[across.Disagreement], desk: Desk) -> set[frozenset[str]]:
    names = {}
    for article in desk.articles():
        for claim in desk.claims(article.id):
            names[claim.id] = article.source_file[:3]
    return {frozenset((names[d.claim_a.id], names[d.claim_b.id])) for d in found}


def test_disagreements_within_groups_and_by_source(across_desk: Desk) -> None:
    across.refresh_groups(across_desk)
    found = across.disagreements(across_desk)
    assert _pairs(found, across_desk) == {
        frozenset(("a01", "a02")),  # 249 vs nearly 300 (same claim, grouped)
        frozenset(("a02", "a04")),  # nearly 300 vs the mayor's 249
        frozenset(("a05", "a07")),  # more than 1 million vs about 900,000
        frozenset(("a06", "a07")),  # 1.2 million vs about 900,000
        frozenset(("a08", "a09")),  # $350 million vs $530 million (World Bank)
        frozenset(("a13", "a15")),  # 12% vs 21%
        frozenset(("a14", "a15")),  # about 12.4% vs 21%
        frozenset(("a10", "a11")),  # nearly 500 vs 9,000 soldiers: same source, not grouped
    }
    velmar = next(d for d in found if d.why == "source")
    assert {velmar.claim_a.figure, velmar.claim_b.figure} == {"nearly 500 soldiers",
                                                              "9,000 soldiers"}
    assert velmar.group_id is None
    harlow = next(d for d in found if {d.claim_a.figure, d.claim_b.figure} ==
                  {"249 civilians", "nearly 300 killed"} and d.outlet_a == "dailyledger.example")
    assert harlow.why == "group"
    assert harlow.message() == (
        "“249 civilians” (dailyledger.example, UN human rights office) disagrees with "
        "“nearly 300 killed” (northernherald.example, UN human rights office): "
        "249 vs 270–300")


def test_compatible_figures_are_not_flagged(across_desk: Desk) -> None:
    across.refresh_groups(across_desk)
    pairs = _pairs(across.disagreements(across_desk), across_desk)
    for a, b in [("a05", "a06"),  # more than 1 million / 1.2 million
                 ("a01", "a03"),  # 249 / at least 240
                 ("a02", "a03"),  # nearly 300 / at least 240
                 ("a13", "a14"),  # 12% / about 12.4%
                 ("a16", "a17"),  # €1.2 billion / 1.2 billion euros
                 ("a02", "a21")]:  # nearly 300 killed / 21 children: not the same count
        assert frozenset((a, b)) not in pairs, (a, b)


def test_disagreements_read_only_use_stored_groups(across_desk: Desk, tmp_path: Path) -> None:
    before = across.disagreements(across_desk)  # nothing grouped yet: only source pairs
    assert {d.why for d in before} == {"source"}
    across.refresh_groups(across_desk)
    path = across_desk.path
    with Desk.open(path, read_only=True) as reader:
        assert len(across.disagreements(reader)) == 8


def test_csv_export_has_a_figure_conflict_column(across_desk: Desk) -> None:
    across.refresh_groups(across_desk)
    rows = list(csv.DictReader(io.StringIO(csv_text(across_desk), newline="")))
    assert list(rows[0])[-1] == "figure_conflict"
    by_figure = {row["figure"]: row["figure_conflict"] for row in rows}
    assert by_figure["249 civilians"] == "nearly 300 killed (northernherald.example)"
    assert by_figure["nearly 300 killed"] == (
        "249 civilians (dailyledger.example); 249 civilians (Radio Harlow newsroom)")
    assert by_figure["nearly 500 soldiers"] == "9,000 soldiers (wire.example.net)"
    assert by_figure["more than 1 million"] == "about 900,000 (provincepost.example)"
    assert by_figure["1.2 billion euros"] == ""
    assert by_figure["£2.5 million"] == ""


def test_appearance_map_covers_grouped_claims_only(across_desk: Desk) -> None:
    across.refresh_groups(across_desk)
    seen = across.appearance_map(across_desk)
    harlow = claim_in(across_desk, "a03").id
    assert [a.outlet for a in seen[harlow]][0] == "dailyledger.example"
    assert len(seen[harlow]) == 4
    assert claim_in(across_desk, "a19").id not in seen


def test_refresh_reports_progress_and_can_be_cancelled(across_desk: Desk) -> None:
    seen: list[tuple[int, int]] = []
    with pytest.raises(across.GroupingCancelled):
        across.refresh_groups(across_desk, cancelled=lambda: True)
    assert across.groups(across_desk) == []  # nothing was stored
    found = across.refresh_groups(across_desk, progress=lambda d, t, _: seen.append((d, t)))
    assert len(found) == 5
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] == 22
