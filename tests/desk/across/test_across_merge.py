"""Groups survive merges of desks: an editor's grouping on one laptop reaches the other."""

from __future__ import annotations

import shutil
from pathlib import Path

from desk import Desk, across
from desk.fieldwork.merge import merge_desks
from tests.desk.across.across_data import claim_in, fill


def _groups(desk: Desk) -> set[frozenset[str]]:
    return {frozenset(c.id for c in g.claims) for g in across.groups(desk, min_articles=1)}


def _two_laptops(tmp_path: Path) -> tuple[Path, Path]:
    """Ana's grouped desk and Ben's copy of it."""
    ana, ben = tmp_path / "ana.desk", tmp_path / "ben.desk"
    with Desk.open(ana, editor="ana") as desk:
        fill(desk)
        across.refresh_groups(desk)
    shutil.copyfile(ana, ben)
    return ana, ben


def test_editor_groups_travel_in_a_merge(tmp_path: Path) -> None:
    ana, ben = _two_laptops(tmp_path)
    with Desk.open(ben, editor="ben") as desk:
        harlow = across.group_of(desk, claim_in(desk, "a01").id)
        radio = claim_in(desk, "a04").id
        across.split_group(desk, harlow.id, [radio])
        school = claim_in(desk, "a21").id
        across.add_to_group(desk, harlow.id, school)
        expected = _groups(desk)
    with Desk.open(ana, editor="ana") as desk:
        before = _groups(desk)
        assert before != expected
        merge_desks(desk, [ben])
        assert _groups(desk) == expected
        assert across.group_of(desk, radio) is None  # split off, alone
        across.refresh_groups(desk)  # and not regrouped afterwards
        assert _groups(desk) == expected
        merge_desks(desk, [ben])  # idempotent
        assert _groups(desk) == expected


def test_a_newer_local_decision_is_kept(tmp_path: Path) -> None:
    ana, ben = _two_laptops(tmp_path)
    with Desk.open(ben, editor="ben") as desk:
        floods = across.group_of(desk, claim_in(desk, "a05").id)
        across.split_group(desk, floods.id, [claim_in(desk, "a07").id])
    with Desk.open(ana, editor="ana") as desk:
        floods = across.group_of(desk, claim_in(desk, "a05").id)
        confirmed = across.confirm_group(desk, floods.id)  # later than ben's split
        merge_desks(desk, [ben])
        assert across.group(desk, floods.id).claims == confirmed.claims
