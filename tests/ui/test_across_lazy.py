"""Across the Desk's groups from their stored summaries: the top rows show without reading
any group's claims; a group's claims are read when it is opened."""

from __future__ import annotations

from pathlib import Path

from desk import Desk, across
from tests.desk.across.across_data import fill
from ui.across_models import CLAIM_ID, GroupsModel


def test_groups_read_their_claims_only_when_opened(qtmodeltester, tmp_path: Path) -> None:
    with Desk.open(tmp_path / "across.desk", editor="tester") as desk:
        fill(desk)
        across.refresh(desk)
        groups = across.groups(desk)
        loads: list[str] = []

        def load(group_id: str) -> across.ClaimGroup | None:
            loads.append(group_id)
            return next(iter(across.groups_by_id(desk, [group_id])), None)

        eager = GroupsModel()
        eager.set_groups(groups)
        model = GroupsModel()
        model.set_groups(across.group_summaries(desk, 0, 2), across.group_count(desk),
                         lambda n: across.group_summaries(desk, n, 2), load,
                         loaded=across.groups_by_id(desk, [groups[0].id]))
        while model.canFetchMore():
            model.fetchMore()
        assert model.rowCount() == len(groups) and loads == []
        assert [model.index(r, 0).data() for r in range(model.rowCount())] == \
            [eager.index(r, 0).data() for r in range(eager.rowCount())]
        for column in (1, 2):
            assert [model.index(r, column).data() for r in range(model.rowCount())] == \
                [eager.index(r, column).data() for r in range(eager.rowCount())]
        assert model.hasChildren(model.index(1, 0)) and not model.is_loaded(1)
        assert model.is_loaded(0)  # read with the first page
        second = model.index(1, 0)
        assert model.rowCount(second) == len(groups[1].claims) and loads == [groups[1].id]
        assert [model.index(r, 0, second).data(CLAIM_ID) for r in range(model.rowCount(second))] \
            == [c.id for c in groups[1].claims]
        assert model.groups[1].claims == groups[1].claims
        qtmodeltester.check(model, force_py=True)
        assert sorted(loads) == sorted(g.id for g in groups[1:])  # the tester opened them all


def test_disagreements_show_before_they_are_counted(qtmodeltester, tmp_path: Path) -> None:
    from ui.across_models import DisagreementsModel

    with Desk.open(tmp_path / "across.desk", editor="tester") as desk:
        fill(desk)
        across.refresh(desk)
        everything = across.disagreements(desk)
        assert len(everything) > 3
        model = DisagreementsModel()
        model.set_disagreements(across.disagreements_page(desk, 0, 2), -1,
                                lambda n: across.disagreements_page(desk, n, 2))
        assert model.rowCount() == 2 and model.canFetchMore()  # not known yet: more may follow
        while model.canFetchMore():
            model.fetchMore()
        assert model.items == everything and model.total == len(everything)
        model.set_disagreements(across.disagreements_page(desk, 0, 2), -1,
                                lambda n: across.disagreements_page(desk, n, 2))
        model.set_total(across.disagreement_count(desk))  # the count came
        assert model.total == len(everything)
        qtmodeltester.check(model, force_py=True)
        while model.canFetchMore():
            model.fetchMore()
        assert model.items == everything


def test_the_view_counts_the_disagreements_after_showing_them(qtbot, open_window,
                                                              tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    path = tmp_path / "across.desk"
    with Desk.open(path, editor="tester") as desk:
        fill(desk)
        across.refresh(desk)
        count = across.disagreement_count(desk)
        groups = across.group_count(desk)
    window = open_window(path)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window.across.view
    qtbot.waitUntil(lambda: view.tabs.tabText(1) == f"&Disagreements ({count:,})",
                    timeout=20000)
    assert view.tabs.tabText(0) == f"&Groups ({groups:,})"
    assert view.disagreements_model.total == count and view.counting
    view.reload()  # a reload shows the rows first, then counts again
    qtbot.waitUntil(lambda: view.status.text().startswith(f"{groups:,} groups"), timeout=20000)
    qtbot.waitUntil(lambda: view.status.text().endswith(f"{count:,} disagreements"),
                    timeout=20000)
