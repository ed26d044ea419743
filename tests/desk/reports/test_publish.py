"""Publishing with Datasette: the real server on a loopback port serves a read-only snapshot
with the project's metadata — canned queries answer, search finds an article, writes fail."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from desk import Desk
from desk.reports.publish import PUBLIC, datasette_metadata, prepare
from tests.conftest import ROOT
from tests.desk.across import across_data

pytest.importorskip("datasette", reason="the test extra installs Datasette")


@pytest.fixture
def across_desk(desk_path: Path) -> Path:
    """A closed desk of the across fixture: groups, and figures that disagree."""
    from desk import across

    with Desk.open(desk_path, editor="Ana") as desk:
        across_data.fill(desk)
        across.refresh_groups(desk)
        first = desk.claims()[0]
        desk.update_claim(first.id, status="false", note="the UN said 240")
    return desk_path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@pytest.fixture
def server(across_desk: Path, tmp_path: Path):
    """``claims-desk serve`` on a free loopback port; yields (base URL, database name).
    Once terminated, it must have removed its snapshot folder."""
    port = _free_port()
    temp = tmp_path / "serve-temp"
    temp.mkdir()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "serve", str(across_desk), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1", TMPDIR=str(temp)))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(base + "/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"datasette did not start: {process.communicate()}")
            time.sleep(0.2)
        assert len(list(temp.iterdir())) == 1  # the snapshot's folder
        yield base, across_desk.stem
    finally:
        process.terminate()
        process.communicate(timeout=20)
    assert process.returncode == 0
    assert list(temp.iterdir()) == []


def test_real_datasette_serves_the_desk_read_only(server, across_desk):
    base, name = server
    before = across_desk.read_bytes()

    status, body = _get(f"{base}/{name}/claims_by_verdict.json?status=false&_shape=array")
    assert status == 200, body
    rows = json.loads(body)
    assert [r["note"] for r in rows] == ["the UN said 240"]

    status, body = _get(f"{base}/{name}/figures_that_disagree.json?_shape=array")
    assert status == 200 and json.loads(body), body
    status, body = _get(f"{base}/{name}/claims_in_several_articles.json?_shape=array")
    assert status == 200 and any(r["articles"] >= 2 for r in json.loads(body)), body
    status, body = _get(f"{base}/{name}/editors_week.json?editor=Ana&week_start=2000-01-01"
                        "&_shape=array")
    assert status == 200, body

    status, body = _get(f"{base}/{name}/articles.json?_search=Tessel&_shape=array")
    assert status == 200, body
    assert json.loads(body) and all("Tessel" in r["body"] for r in json.loads(body))

    status, body = _get(f"{base}/{name}/claims_overview.json?_facet=status&_facet=outlet")
    assert status == 200 and "facet_results" in body, body

    # Hidden tables are not listed; writes are refused however they are tried.
    status, body = _get(f"{base}/{name}.json")
    listed = {t["name"]: t["hidden"] for t in json.loads(body)["tables"]}
    assert listed["claim_edits"] and listed["desk_meta"] and not listed["claims"]
    delete = urllib.parse.quote("DELETE FROM claims")
    status, body = _get(f"{base}/{name}.json?sql={delete}")
    assert status == 400, body
    request = urllib.request.Request(f"{base}/{name}/-/insert", method="POST",
                                     data=b'{"row": {"name": "x"}}')
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=10)
    assert across_desk.read_bytes() == before


def test_snapshot_and_metadata(across_desk, tmp_path):
    with Desk.open(across_desk, read_only=True) as desk:
        db_path, meta_path = prepare(desk, tmp_path)
        live = desk.counts()[1]
    meta = json.loads(meta_path.read_text("utf-8"))
    tables = meta["databases"][across_desk.stem]["tables"]
    assert tables["claim_edits"] == {"hidden": True}
    assert tables["merge_conflicts"] == {"hidden": True}
    assert not any(tables[name].get("hidden") for name in PUBLIC)
    assert {"claims_by_verdict", "figures_that_disagree", "claims_in_several_articles",
            "editors_week"} <= set(meta["databases"][across_desk.stem]["queries"])
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT count(*) FROM claims_overview").fetchone()[0] == live
        assert conn.execute("SELECT count(*) FROM disagreements").fetchone()[0] > 0
        assert conn.execute("SELECT count(DISTINCT outlet) FROM outlets").fetchone()[0] > 3
    finally:
        conn.close()
    assert datasette_metadata("x", ["a_new_internal_table"])["databases"]["x"]["tables"][
        "a_new_internal_table"] == {"hidden": True}
