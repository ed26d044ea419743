"""The team desk's server side: setting it up, its version, and who may do what."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from desk import Desk, DeskError
from desk.cli import run
from desk.team import sync_desk, team_state, waiting
from desk.team.server import SCHEMA, SERVER_VERSION
from tests.desk.fieldwork.test_merge import copy_desk, office, snapshot  # noqa: F401


def test_server_init_is_idempotent_and_prints_the_team_desk_id(cluster, capsys) -> None:
    url = cluster.create_database("init_twice")
    assert run(["server", "init", url, "--team", "Newsroom"]) == 0
    first = capsys.readouterr().out.strip()
    assert run(["server", "init", url, "--team", "Newsroom"]) == 0
    assert capsys.readouterr().out.strip() == first
    assert run(["server", "init", url, "--team", "Sports"]) == 0
    assert capsys.readouterr().out.strip() != first
    with psycopg.connect(url) as conn:
        assert conn.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'version'")\
            .fetchone()[0] == str(SERVER_VERSION)


def test_a_newer_server_schema_is_refused(team, tmp_path: Path, capsys) -> None:
    with psycopg.connect(team.admin_url) as conn:
        conn.execute(f"UPDATE {SCHEMA}.meta SET value = %s WHERE key = 'version'",
                     [str(SERVER_VERSION + 1)])
    assert run(["server", "init", team.admin_url, "--team", "Newsroom"]) == 1
    assert "newer than this Claims Desk knows" in capsys.readouterr().err
    assert run(["sync", str(tmp_path / "new.desk"), team.admin_url]) == 1
    assert "newer than this Claims Desk knows" in capsys.readouterr().err
    assert not (tmp_path / "new.desk").exists()


def test_a_database_without_a_team_desk(cluster, tmp_path: Path, capsys) -> None:
    url = cluster.create_database("no_team")
    assert run(["sync", str(tmp_path / "new.desk"), url]) == 1
    assert "server init" in capsys.readouterr().err


def test_a_read_only_role_pulls_but_may_not_push(office: dict, team, tmp_path: Path,
                                                 capsys) -> None:
    with Desk.open(office["path"]) as desk:
        sync_desk(desk, team.editor("lead"))
    assert run(["server", "grant", team.admin_url, "reader", "--read-only"]) == 0
    assert "reader may pull only" in capsys.readouterr().out
    reader = tmp_path / "reader.desk"
    assert run(["sync", str(reader), team.url("reader")]) == 0
    assert snapshot(reader) == snapshot(office["path"])
    with Desk.open(reader, editor="reader") as desk:
        desk.update_claim(office["claims"]["pledge"], status="false")
    with Desk.open(office["path"], editor="lead") as desk:
        desk.update_claim(office["claims"]["homes"], note="Ask the ministry.")
        sync_desk(desk)
    assert run(["sync", str(reader)]) == 1
    err = capsys.readouterr().err
    assert "pulled 1" in err and "reader may only read this team desk: 1 local changes wait" in err
    with Desk.open(reader) as desk:
        assert desk.claim(office["claims"]["homes"]).note == "Ask the ministry."  # pulled
        assert waiting(desk) == 1
    with psycopg.connect(team.admin_url) as conn:
        status = conn.execute(f"SELECT status FROM {SCHEMA}.claims WHERE id = %s",
                              [office["claims"]["pledge"]]).fetchone()[0]
    assert status == "unchecked"


def test_nobody_writes_edits_in_anothers_name(office: dict, team, tmp_path: Path) -> None:
    with Desk.open(office["path"]) as desk:
        sync_desk(desk, team.editor("lead"))
    team.editor("ana")
    team.editor("ben")
    claim = office["claims"]["pledge"]
    # Straight to the server, past any client: ben forges an edit by ana.
    with psycopg.connect(team.url("ben")) as conn:
        edits = conn.execute(f"SELECT edits FROM {SCHEMA}.claims WHERE id = %s",
                             [claim]).fetchone()[0]
        edits["status"] = ["2030-01-01T00:00:00.000Z", "ana"]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="another's name"):
            conn.execute(f"UPDATE {SCHEMA}.claims SET status = 'false', edits = %s "
                         "WHERE id = %s", [json.dumps(edits), claim])
        conn.rollback()
        # Nor can ben write the change numbers or the pusher's name himself.
        edits["status"] = ["2030-01-01T00:00:00.000Z", "ben"]
        conn.execute(f"UPDATE {SCHEMA}.claims SET status = 'false', edits = %s, seq = 1, "
                     "pushed_by = 'ana' WHERE id = %s", [json.dumps(edits), claim])
        seq, by = conn.execute(f"SELECT seq, pushed_by FROM {SCHEMA}.claims WHERE id = %s",
                               [claim]).fetchone()
        assert by == "ben" and seq > 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"DELETE FROM {SCHEMA}.claims WHERE id = %s", [claim])
    # Through the client, a laptop's own edits are pushed in its role's name.
    ana = copy_desk(office["path"], tmp_path / "ana.desk")
    with Desk.open(ana, editor="Ana Lima") as desk:
        desk.update_claim(office["claims"]["homes"], note="Called the ministry.")
        sync_desk(desk, team.url("ana"))
        edit = desk.db.execute("SELECT editor FROM claim_edits WHERE claim_id = ? AND "
                               "field = 'note'", [office["claims"]["homes"]]).fetchone()[0]
        assert edit == "ana"
    with psycopg.connect(team.admin_url) as conn:
        edits = conn.execute(f"SELECT edits FROM {SCHEMA}.claims WHERE id = %s",
                             [office["claims"]["homes"]]).fetchone()[0]
    assert edits["note"][1] == "ana"


def test_a_desk_joins_one_team_desk_only(office: dict, team, tmp_path: Path, capsys) -> None:
    from desk.team.server import init_server

    other = init_server(team.admin_url, "Sports")
    assert other != team.team_id
    with Desk.open(office["path"]) as desk:
        sync_desk(desk, team.editor("lead"), team="Newsroom")
        assert team_state(desk)["team_id"] == team.team_id
        with pytest.raises(DeskError, match="joins one team desk only"):
            sync_desk(desk, team="Sports")
    # With several team desks on the server, a new desk must name one.
    assert run(["sync", str(tmp_path / "new.desk"), team.url("lead")]) == 1
    assert "--team" in capsys.readouterr().err


def test_the_url_is_remembered_without_its_password(team, tmp_path: Path) -> None:
    from desk.team.sync import without_password

    assert without_password("postgresql://ana:secret@db.example:5433/claims?sslmode=require") \
        == "postgresql://ana@db.example:5433/claims?sslmode=require"
    with psycopg.connect(team.admin_url, autocommit=True) as conn:  # roles are server-wide
        conn.execute("DROP ROLE IF EXISTS keeper")
        conn.execute("CREATE ROLE keeper LOGIN PASSWORD 'secret'")
    url = team.editor("keeper").replace("keeper@", "keeper:secret@")
    path = tmp_path / "keeper.desk"
    with Desk.open(path) as desk:
        sync_desk(desk, url)
        assert team_state(desk)["url"] == team.url("keeper")
    assert b"secret" not in path.read_bytes()
