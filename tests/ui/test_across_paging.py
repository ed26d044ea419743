"""Across the Desk on a big desk: the models show a first page and read the rest as the view
scrolls (fetchMore), instead of every group and disagreement at once."""

from __future__ import annotations

from pathlib import Path

from desk import Desk, across
from tests.desk.across.across_data import fill
from ui.across_models import DisagreementsModel, GroupsModel


def test_models_read_further_pages_as_asked(qtmodeltester, tmp_path: Path) -> None:
    with Desk.open(tmp_path / "across.desk", editor="tester") as desk:
        fill(desk)
        groups = across.refresh_groups(desk)
        conflicts = across.disagreements(desk)
        ids = across.group_ids(desk)
        asked: list[int] = []

        def more_groups(loaded: int) -> list[across.ClaimGroup]:
            asked.append(loaded)
            return across.groups_by_id(desk, ids[loaded:loaded + 2])

        model = GroupsModel()
        model.set_groups(across.groups_by_id(desk, ids[:2]), len(ids), more_groups)
        assert model.rowCount() == 2 and model.canFetchMore()
        qtmodeltester.check(model, force_py=True)  # it fetches, as a view would
        while model.canFetchMore():
            model.fetchMore()
        assert [g.id for g in model.groups] == [g.id for g in groups]
        assert asked[0] == 2 and not model.canFetchMore()

        pages = DisagreementsModel()
        pages.set_disagreements(across.disagreements_page(desk, 0, 3), len(conflicts),
                                lambda loaded: across.disagreements_page(desk, loaded, 3))
        assert pages.rowCount() == 3
        while pages.canFetchMore():
            pages.fetchMore()
        assert pages.items == conflicts
        qtmodeltester.check(pages, force_py=True)
        assert across.disagreement_count(desk) == len(conflicts) == pages.rowCount()
