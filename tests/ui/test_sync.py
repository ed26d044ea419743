"""File ▸ Sync and the automatic syncs in the window, against a real PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMainWindow

from desk import ArticleDraft, Desk
from desk.team import sync_desk, waiting
from tests.desk.team.conftest import cluster, team  # noqa: F401 (fixtures)
from ui.sync import SyncController, ago

TEXT = "Flood\n\nOfficials said 249 people were moved and 12 bridges closed."


def joined_desk(path: Path, url: str, editor: str) -> None:
    with Desk.open(path, editor=editor) as desk:
        if not desk.articles():
            article = desk.add_article(ArticleDraft("Flood", TEXT, "flood.txt")).article_id
            start = TEXT.index("249 people")
            desk.add_claim(article, start, start + len("249 people"), source="Officials")
        sync_desk(desk, url)


def controller(qtbot, desk: Desk, messages: list[str], reloads: list[int]) -> SyncController:
    window = QMainWindow()
    qtbot.addWidget(window)
    sync = SyncController(desk, window, report=messages.append,
                          reload=lambda: reloads.append(1))
    window.statusBar().addPermanentWidget(sync.label)
    window.addAction(sync.actionSync)
    return sync


def test_sync_from_the_window_pulls_and_says_when(qtbot, team, tmp_path: Path) -> None:
    office, laptop = tmp_path / "office.desk", tmp_path / "laptop.desk"
    joined_desk(office, team.editor("lead"), "lead")
    joined_desk(laptop, team.editor("ana"), "ana")
    messages: list[str] = []
    reloads: list[int] = []
    with Desk.open(laptop, editor="ana") as desk:
        sync = controller(qtbot, desk, messages, reloads)
        assert sync.actionSync.shortcut().toString() == "Ctrl+Shift+Y"
        assert "synced just now · 0 edits waiting" in sync.label.text()
        claim = desk.claims()[0].id
        desk.update_claim(claim, note="Ask the council.")
        assert "1 edit waiting" in sync.label.text()
        # Someone else's change on the server, then Sync.
        with Desk.open(office, editor="lead") as other:
            other.update_claim(claim, status="verified")
            sync_desk(other)
        with qtbot.waitSignal(sync.synced, timeout=30_000) as signal:
            sync.actionSync.trigger()
        assert signal.args == ["pulled 1, pushed 1, conflicts 0", False]
        assert reloads == [1]
        assert messages[-1] == "Synced: pulled 1, pushed 1, conflicts 0"
        assert desk.claim(claim).status == "verified"
        assert waiting(desk) == 0 and "0 edits waiting" in sync.label.text()
        # An automatic sync with nothing to do changes nothing on screen.
        qtbot.waitUntil(lambda: sync.job is None)
        with qtbot.waitSignal(sync.synced, timeout=30_000) as signal:
            sync.sync_quietly()
        assert signal.args == ["pulled 0, pushed 0, conflicts 0", False]
        assert reloads == [1] and len(messages) == 1
        sync.close()


def test_an_unreachable_server_only_says_offline(qtbot, team, tmp_path: Path) -> None:
    laptop = tmp_path / "laptop.desk"
    joined_desk(laptop, team.editor("ana"), "ana")
    with Desk.open(laptop, editor="ana") as desk:
        with desk.writing():
            desk.conn.execute("UPDATE team_state SET value = ? WHERE key = 'url'",
                              [f"postgresql://ana@/x?host={tmp_path}&port=1"])
        desk.update_claim(desk.claims()[0].id, note="Written offline.")
        messages: list[str] = []
        sync = controller(qtbot, desk, messages, [])
        with qtbot.waitSignal(sync.synced, timeout=30_000) as signal:
            sync.sync_quietly()
        assert signal.args[1] is True, signal.args
        assert "Cannot reach the team server" in signal.args[0]
        assert messages == []  # silent
        assert "offline" in sync.label.text() and "1 edit waiting" in sync.label.text()
        assert desk.claims()[0].note == "Written offline."  # editing goes on
        sync.close()


def test_a_desk_of_no_team_shows_nothing(qtbot, tmp_path: Path) -> None:
    with Desk.open(tmp_path / "alone.desk") as desk:
        messages: list[str] = []
        sync = controller(qtbot, desk, messages, [])
        assert sync.label.isHidden() and sync.sync_quietly() is None
        sync.actionSync.trigger()
        assert "no team server" in messages[-1]
        sync.close()


def test_ago() -> None:
    from datetime import datetime, timezone

    now = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
    assert ago("2026-12-07T11:59:40.000Z", now) == "just now"
    assert ago("2026-12-07T11:57:00.000Z", now) == "3 min ago"
    assert ago("2026-12-07T09:00:00.000Z", now) == "3 h ago"
    assert ago("2026-12-01T09:00:00.000Z", now) == "on 2026-12-01"


def test_the_window_syncs_on_open_and_has_file_sync(qtbot, open_window, team,
                                                   tmp_path: Path) -> None:
    office, laptop = tmp_path / "office.desk", tmp_path / "laptop.desk"
    joined_desk(office, team.editor("lead"), "lead")
    joined_desk(laptop, team.editor("ana"), "ana")
    with Desk.open(office, editor="lead") as other:  # changed on the server while away
        claim = other.claims()[0].id
        other.update_claim(claim, status="verified")
        sync_desk(other)
    window = open_window(laptop)
    sync = window.team_sync
    file_menu = next(a.menu() for a in window.menuBar().actions()
                     if a.text().replace("&", "") == "File")
    assert sync.actionSync in file_menu.actions()
    assert sync.actionSync.shortcut().toString() == "Ctrl+Shift+Y"
    qtbot.waitUntil(lambda: window.desk.claim(claim).status == "verified", timeout=30_000)
    qtbot.waitUntil(lambda: sync.job is None, timeout=30_000)
    assert sync.label.isVisible() and sync.label.text().startswith("Newsroom: synced")
