"""Exports write the chosen file and nothing else: paths in a desk's data (a source file, a
title, a URL, a claim's source, a tag, the organisation) never become file names, whatever
they hold (``..``, an absolute path, a NUL-free control character)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desk import Desk
from desk.cli import run
from desk.model import ArticleDraft
from tests.conftest import ROOT

ESCAPES = ["../../escaped.csv", "/tmp/escaped-absolute", "..\\..\\escaped-windows",
           "file:///tmp/escaped-url", "~/escaped-home", "out/../../escaped-in-out"]


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("command, suffix", [
    (["export", "--format", "csv"], ".out"), (["export", "--format", "csv"], ".html"),
    (["export", "--format", "json"], ".out"), (["export", "--format", "claimreview"], ".out"),
    (["export", "--format", "claimreview"], ".html"), (["export", "--excel"], ".out"),
    (["report"], ".html"), (["report"], ".pdf"), (["report", "--article", "ARTICLE"], ".html"),
    (["report", "--article", "ARTICLE"], ".pdf")])
def test_an_export_writes_only_its_file(command: list[str], suffix: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    desk_path = tmp_path / "deep" / "er" / "newsroom.desk"
    desk_path.parent.mkdir(parents=True)
    with Desk.open(desk_path, editor="../../escaped-editor") as desk:
        for number, escape in enumerate(ESCAPES):
            result = desk.add_article(ArticleDraft(
                title=escape, body=f"Article {number} says 5 million people came, up 12%.",
                url=escape if "://" in escape else "", source_file=escape, byline=escape))
            claim = desk.add_claim(result.article_id, 16, 25, source=escape, tags=[escape],
                                   figure="5 million", note=escape)
            desk.update_claim(claim.id, status="false")
        article_id = result.article_id
        desk.set_setting("organisation", ESCAPES[0])
    out = tmp_path / "deep" / "er" / "out"
    out.mkdir()
    target = out / f"claims{suffix}"
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # "~/…" and relative paths would land in tmp_path
    monkeypatch.chdir(out)
    before = _files(tmp_path)
    argv = [a.replace("ARTICLE", article_id) for a in command]
    argv = [argv[0], str(desk_path), *argv[1:], "-o", str(target)]
    if suffix == ".pdf":  # drawn by the app's Qt: main.py, as people run it
        done = subprocess.run([sys.executable, str(ROOT / "main.py"), *argv], cwd=out,
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
                                   "PYTHONPATH": str(ROOT)})
        assert done.returncode == 0, done.stderr
    else:
        assert run(argv) == 0
    written = {f for f in _files(tmp_path) - before  # (the desk's own journal aside)
               if not f.startswith(str(desk_path.relative_to(tmp_path)) + "-")}
    assert written == {str(target.relative_to(tmp_path))}, written
    assert not list(Path("/tmp").glob("escaped*"))
