"""Syncing desks through a real PostgreSQL server gives what merging the desk files gives,
costs what changed, and is safe when cut off."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desk import ArticleDraft, Desk, DeskError
from desk.cli import run
from desk.team import sync_desk, team_state, waiting
from desk.team.sync import SyncCancelled
from tests.conftest import ROOT
from tests.desk.fieldwork.test_merge import (  # noqa: F401 (office is a fixture)
    FLOOD,
    claim_on,
    copy_desk,
    field_work,
    office,
    snapshot,
    tick,
)


def conflicts_of(path: Path) -> set[tuple]:
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute("SELECT claim_id, field, kept_value, other_value, kept_editor, "
                                "other_editor FROM merge_conflicts"))
    finally:
        conn.close()


def sync(path: Path, url: str | None = None) -> str:
    with Desk.open(path) as desk:
        return sync_desk(desk, url).line()


def joined_office(office: dict, team) -> dict:
    """The office desk joins the team desk (as 'lead', who made its edits) before the
    laptops copy it."""
    sync(office["path"], team.editor("lead"))
    for role in ("ana", "ben", "cat"):
        team.editor(role)
    return office


@pytest.mark.parametrize("order", [("ana", "ben", "cat", "ana", "ben", "cat"),
                                   ("cat", "ben", "ana", "ana", "cat", "ben", "cat")])
def test_sync_gives_what_merging_the_files_gives(office: dict, team, tmp_path: Path,
                                                 order: tuple[str, ...]) -> None:
    joined_office(office, team)
    work = field_work(office, tmp_path)
    expected = copy_desk(office["path"], tmp_path / "expected.desk")
    assert run(["merge", str(expected), str(work["ana"]), str(work["ben"]), str(work["cat"]),
                "--editor", "lead"]) == 0
    lines = [(name, sync(work[name], team.url(name))) for name in order]
    # Each laptop once more takes what the last ones pushed; then nothing moves any more.
    lines += [(name, sync(work[name])) for name in ("ana", "ben", "cat")]
    print(lines)
    for name in ("ana", "ben", "cat"):
        assert sync(work[name]) == "pulled 0, pushed 0, conflicts 0"
    want = snapshot(expected)
    for name in ("ana", "ben", "cat"):
        assert snapshot(work[name]) == want, name
        assert conflicts_of(work[name]) == conflicts_of(expected), name
    # The office desk catches up too.
    sync(office["path"])
    assert snapshot(office["path"]) == want


def test_a_new_laptop_joins_by_syncing_a_new_desk(office: dict, team, tmp_path: Path,
                                                  capsys) -> None:
    joined_office(office, team)
    new = tmp_path / "new.desk"
    assert run(["sync", str(new), team.editor("dan")]) == 0
    assert capsys.readouterr().out.strip() == "pulled 7, pushed 0, conflicts 0"
    assert snapshot(new) == snapshot(office["path"])
    with Desk.open(new) as desk:
        state = team_state(desk)
        assert state["team_name"] == "Newsroom" and state["url"] == team.url("dan")
        assert waiting(desk) == 0
    assert run(["sync", str(new)]) == 0  # the URL is remembered
    assert capsys.readouterr().out.strip() == "pulled 0, pushed 0, conflicts 0"


def test_a_sync_costs_what_changed(office: dict, team, tmp_path: Path) -> None:
    joined_office(office, team)
    ana = copy_desk(office["path"], tmp_path / "ana.desk")
    ben = copy_desk(office["path"], tmp_path / "ben.desk")
    assert sync(ana, team.url("ana")) == "pulled 0, pushed 0, conflicts 0"
    assert sync(ben, team.url("ben")) == "pulled 0, pushed 0, conflicts 0"
    with Desk.open(ana, editor="ana") as desk:
        desk.update_claim(office["claims"]["pledge"], status="verified")
        desk.update_claim(office["claims"]["homes"], note="Ask the ministry.")
        assert waiting(desk) == 2
    assert sync(ana) == "pulled 0, pushed 2, conflicts 0"
    assert sync(ben) == "pulled 2, pushed 0, conflicts 0"
    assert sync(ben) == "pulled 0, pushed 0, conflicts 0"
    with Desk.open(ben) as desk:
        assert desk.claim(office["claims"]["pledge"]).status == "verified"


def test_the_same_text_imported_on_two_laptops_is_one_article(team, tmp_path: Path) -> None:
    draft = ArticleDraft("Bridge reopens", "Bridge reopens\n\nThe bridge carried 12,000 "
                         "vehicles a day before it closed, the council said.", "bridge.txt")
    ids = {}
    for role in ("ana", "ben"):
        path = tmp_path / f"{role}.desk"
        with Desk.open(path, editor=role) as desk:
            article = desk.add_article(draft).article_id
            ids[role] = claim_on(desk, article, "12,000 vehicles" if role == "ana"
                                 else "the council said", source=role).id
        sync(path, team.editor(role))
    sync(tmp_path / "ana.desk")
    for role in ("ana", "ben"):
        with Desk.open(tmp_path / f"{role}.desk") as desk:
            assert len(desk.articles()) == 1
            article = desk.articles()[0].id
            assert {c.id for c in desk.claims(article)} == set(ids.values())
    third = tmp_path / "cat.desk"
    sync(third, team.editor("cat"))
    with Desk.open(third) as desk:
        assert len(desk.articles()) == 1 and len(desk.claims()) == 2


def test_a_cancelled_sync_leaves_both_sides_as_they_were(office: dict, team,
                                                         tmp_path: Path) -> None:
    joined_office(office, team)
    ana = copy_desk(office["path"], tmp_path / "ana.desk")
    with Desk.open(ana, editor="ana") as desk:
        desk.update_claim(office["claims"]["pledge"], status="verified")
        calls = []
        with pytest.raises(SyncCancelled):
            sync_desk(desk, team.url("ana"),
                      cancelled=lambda: calls.append(1) or len(calls) > 2)
        assert waiting(desk) == 1
        assert "team_id" in team_state(desk)  # copied from the office, as it was
    new = tmp_path / "check.desk"
    sync(new, team.editor("dan"))
    with Desk.open(new) as desk:
        assert desk.claim(office["claims"]["pledge"]).status == "unchecked"
    assert sync(ana) == "pulled 0, pushed 1, conflicts 0"


_KILL_AFTER_SERVER_COMMIT = """
import os, sys
sys.path.insert(0, {root!r})
from desk import Desk
from desk.team import sync_desk
def progress(done, total, label):
    if label == "saving":  # the server has committed; the desk has not
        os._exit(9)
with Desk.open({path!r}) as desk:
    sync_desk(desk, progress=progress)
"""


def test_a_sync_killed_between_the_two_commits_is_completed_by_the_next(
        office: dict, team, tmp_path: Path) -> None:
    joined_office(office, team)
    ana = copy_desk(office["path"], tmp_path / "ana.desk")
    sync(ana, team.url("ana"))
    with Desk.open(ana, editor="ana") as desk:
        desk.update_claim(office["claims"]["pledge"], status="verified")
    killer = tmp_path / "kill.py"
    killer.write_text(_KILL_AFTER_SERVER_COMMIT.format(root=str(ROOT), path=str(ana)))
    done = subprocess.run([sys.executable, str(killer)], cwd=ROOT, timeout=120)
    assert done.returncode == 9
    with Desk.open(ana) as desk:
        assert waiting(desk) == 1  # the desk did not record the push
    new = tmp_path / "check.desk"
    sync(new, team.editor("dan"))
    with Desk.open(new) as desk:  # the server did
        assert desk.claim(office["claims"]["pledge"]).status == "verified"
    # The next sync pulls its own push back (equal) and pushes nothing new.
    assert sync(ana) in ("pulled 1, pushed 1, conflicts 0", "pulled 1, pushed 0, conflicts 0")
    assert sync(ana) == "pulled 0, pushed 0, conflicts 0"
    assert snapshot(ana) == snapshot(new)


def test_a_server_restarted_during_a_sync(office: dict, team, tmp_path: Path) -> None:
    joined_office(office, team)
    ana = copy_desk(office["path"], tmp_path / "ana.desk")
    with Desk.open(ana, editor="ana") as desk:
        desk.update_claim(office["claims"]["pledge"], status="verified")

        def restart(done: int, total: int, label: str) -> None:
            if label == "pushing":
                team.cluster.restart()

        with pytest.raises(DeskError, match="unchanged"):
            sync_desk(desk, team.url("ana"), progress=restart)
        assert waiting(desk) == 1
    assert sync(ana) == "pulled 0, pushed 1, conflicts 0"


def test_an_unreachable_server_is_one_line_and_the_desk_is_unchanged(office: dict,
                                                                     tmp_path: Path,
                                                                     capsys) -> None:
    before = office["path"].read_bytes()
    url = f"postgresql://nobody@/x?host={tmp_path}&port=1"
    assert run(["sync", str(office["path"]), url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("claims-desk: Cannot reach the team server") and err.count("\n") == 1
    assert office["path"].read_bytes() == before
    missing = tmp_path / "new.desk"
    assert run(["sync", str(missing), url]) == 1
    assert not missing.exists()
