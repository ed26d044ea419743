"""A new default desk is filled from seeds/ once (desk.paths.open_desk, no Qt needed)."""

from __future__ import annotations

from pathlib import Path

from desk import Desk
from desk.paths import open_desk, seeds_dir


def test_a_new_desk_is_seeded_once(tmp_path: Path) -> None:
    path = tmp_path / "data" / "newsroom.desk"  # the folder does not exist yet either
    with open_desk(path, seed=True) as desk:
        titles = sorted(a.title for a in desk.articles())
        claims = desk.counts()[1]
    # The seeds, and the two sample articles of the sample claims (desk.reports.sample).
    assert len(titles) == len(list(seeds_dir().iterdir())) + 2 == 7
    assert claims == 13
    with open_desk(path, seed=True) as desk:  # not new any more: not seeded again
        assert desk.counts() == (7, 13)


def test_the_first_run_shows_every_view(tmp_path: Path) -> None:
    """Checked and waiting claims, several editors and weeks, a group, a disagreement."""
    from desk import across
    from desk.reports.aggregates import desk_figures

    with open_desk(tmp_path / "newsroom.desk", seed=True) as desk:
        figures = desk_figures(desk)
        groups = across.groups(desk)
        found = across.disagreements(desk)
    assert figures.total == 13 and figures.waiting == 4
    assert len(figures.weeks) >= 4 and len(figures.editors) == 3 and len(figures.tags) >= 4
    assert all(figures.totals[s] for s in ("verified", "false", "misleading", "unverifiable"))
    assert len(groups) == 1 and groups[0].article_count == 2
    assert [d.claim_a.figure for d in found] == ["249 civilians"]


def test_an_existing_empty_desk_is_not_seeded(tmp_path: Path) -> None:
    path = tmp_path / "empty.desk"
    Desk.open(path).close()
    with open_desk(path, seed=True) as desk:
        assert desk.articles() == []


def test_without_seed_a_new_desk_stays_empty(tmp_path: Path) -> None:
    with open_desk(tmp_path / "plain.desk") as desk:
        assert desk.articles() == []
