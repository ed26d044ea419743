"""A new default desk is filled from seeds/ once (desk.paths.open_desk, no Qt needed)."""

from __future__ import annotations

from pathlib import Path

from desk import Desk
from desk.paths import open_desk, seeds_dir


def test_a_new_desk_is_seeded_once(tmp_path: Path) -> None:
    path = tmp_path / "data" / "newsroom.desk"  # the folder does not exist yet either
    with open_desk(path, seed=True) as desk:
        titles = sorted(a.title for a in desk.articles())
    assert len(titles) == len(list(seeds_dir().iterdir())) == 5
    with open_desk(path, seed=True) as desk:  # not new any more: not seeded again
        assert len(desk.articles()) == 5


def test_an_existing_empty_desk_is_not_seeded(tmp_path: Path) -> None:
    path = tmp_path / "empty.desk"
    Desk.open(path).close()
    with open_desk(path, seed=True) as desk:
        assert desk.articles() == []


def test_without_seed_a_new_desk_stays_empty(tmp_path: Path) -> None:
    with open_desk(tmp_path / "plain.desk") as desk:
        assert desk.articles() == []
