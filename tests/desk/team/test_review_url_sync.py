"""A claim's review URL travels with a team sync; a server of schema version 1 (before the
review URL) is refused by a sync until ``server init`` upgrades it."""

from __future__ import annotations

from pathlib import Path

import pytest

from desk import Desk, DeskError
from desk.team.server import SCHEMA, connect, init_server
from tests.desk.fieldwork.test_merge import copy_desk, office  # noqa: F401 (a fixture)
from tests.desk.team.test_sync import joined_office, sync

WRITE_UP = "https://news.example/fact-checks/pledge"


def test_a_review_url_travels_with_a_sync(office: dict, team, tmp_path: Path) -> None:
    joined_office(office, team)
    ana = copy_desk(office["path"], tmp_path / "ana.desk")
    ben = copy_desk(office["path"], tmp_path / "ben.desk")
    sync(ana, team.url("ana"))
    sync(ben, team.url("ben"))
    with Desk.open(ana, editor="ana") as desk:
        desk.update_claim(office["claims"]["pledge"], review_url=WRITE_UP)
    assert sync(ana) == "pulled 0, pushed 1, conflicts 0"
    assert sync(ben) == "pulled 1, pushed 0, conflicts 0"
    with Desk.open(ben) as desk:
        assert desk.claim(office["claims"]["pledge"]).review_url == WRITE_UP


def test_a_version_1_server_is_upgraded_by_server_init(office: dict, team,
                                                       tmp_path: Path) -> None:
    joined_office(office, team)
    with connect(team.admin_url, autocommit=True) as conn:
        conn.execute(f"ALTER TABLE {SCHEMA}.claims DROP COLUMN review_url")
        conn.execute(f"UPDATE {SCHEMA}.meta SET value = '1' WHERE key = 'version'")
    ana = copy_desk(office["path"], tmp_path / "ana.desk")
    with pytest.raises(DeskError, match="older than this Claims Desk's"):
        sync(ana, team.url("ana"))
    init_server(team.admin_url, "Newsroom")
    with Desk.open(ana, editor="ana") as desk:
        desk.update_claim(office["claims"]["pledge"], review_url=WRITE_UP)
    assert sync(ana, team.url("ana")) == "pulled 0, pushed 1, conflicts 0"
