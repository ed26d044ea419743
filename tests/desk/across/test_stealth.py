"""Stealth edits: what ``import --update`` changed under claims, every revision kept, the
side-by-side diff, and the command line (``import --update`` report, ``groups``)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desk import Desk, across
from desk.model import ArticleDraft
from tests.conftest import ROOT
from tests.desk.across.across_data import FOLDER, claim_in, draft_of, fill, update


@pytest.fixture
def across_desk(tmp_path: Path) -> Iterator[Desk]:
    """A desk holding the 22 fixture articles and their claims."""
    with Desk.open(tmp_path / "across.desk", editor="tester") as desk:
        fill(desk)
        yield desk


def test_changed_figure_and_attribution_are_reported(across_desk: Desk) -> None:
    claim = claim_in(across_desk, "a22")
    result = update(across_desk, "a22-port-calder-evacuation.txt")
    assert result.status == "updated"
    assert "2 changed figures or attributions" in result.message
    found = across.latest_changes(across_desk, result.article_id)
    assert [(c.kind, c.old_text, c.new_text) for c in found] == [
        ("figure", "2,000", "2,400"),
        ("attribution", "the civil protection agency; Officials", "the mayor's office; Officials"),
    ]
    assert found[0].message == ("the figure in this claim was 2,000, is now 2,400 "
                                "(the claim records “2,000 residents”)")
    assert "its source “civil protection agency” is no longer named" in found[1].message
    assert {c.claim_id for c in found} == {claim.id}
    assert all(c.revision_id is not None and c.reviewed_at is None for c in found)


def test_figure_change_in_a_moved_claim(across_desk: Desk) -> None:
    result = update(across_desk, "a02-harlow-toll.txt")
    found = across.latest_changes(across_desk, result.article_id)
    assert [(c.kind, c.old_text, c.new_text) for c in found] == [
        ("figure", "Nearly 300", "About 250")]


def test_attribution_change_without_a_figure_change(across_desk: Desk) -> None:
    claim = claim_in(across_desk, "a21")
    result = update(across_desk, "a21-harlow-school.txt")
    found = across.latest_changes(across_desk, result.article_id)
    assert [(c.kind, c.old_text, c.new_text) for c in found] == [
        ("attribution", "The UN human rights office", "Local officials")]
    # the quoted words themselves did not change: only who says them
    after = claim_in(across_desk, "a21")
    assert (after.quote, after.anchor_status) == (claim.quote, "anchored")


def test_a_claim_that_only_moved_is_not_a_stealth_edit(across_desk: Desk) -> None:
    before = claim_in(across_desk, "a09")
    result = update(across_desk, "a09-tessel-damage-business.txt")
    after = claim_in(across_desk, "a09")
    assert after.start_char > before.start_char  # moved by the new paragraph
    assert across.latest_changes(across_desk, result.article_id) == []
    assert "changed figures" not in result.message


def test_removed_passage_is_reported(across_desk: Desk) -> None:
    old = draft_of(FOLDER / "a18-wildfire-smoke.txt")
    body = old.body.replace(
        "Hospital admissions for breathing problems rose by 40 percent during the week of "
        "heavy smoke, the regional health authority said.\n\n", "")
    result = across_desk.update_article(dataclasses.replace(old, body=body))
    found = across.latest_changes(across_desk, result.article_id)
    assert [c.kind for c in found] == ["removed"]
    assert found[0].message == (
        "the passage of this claim (“Hospital admissions for breathing problems rose by 40 "
        "perce…”) with its figure 40 percent is no longer in the text")


def test_every_revision_is_kept_and_diffed_side_by_side(across_desk: Desk) -> None:
    result = update(across_desk, "a22-port-calder-evacuation.txt")
    second = draft_of(FOLDER / "updates" / "a22-port-calder-evacuation.txt")
    second = dataclasses.replace(second, body=second.body.replace("2,400", "2,600"))
    again = across_desk.update_article(second)
    assert again.status == "updated"
    texts = across.revisions(across_desk, result.article_id)
    assert [t.id is None for t in texts] == [False, False, True]
    assert ["2,000" in texts[0].body, "2,400" in texts[1].body, "2,600" in texts[2].body] == [
        True, True, True]
    latest = across.latest_changes(across_desk, result.article_id)
    assert [(c.old_text, c.new_text) for c in latest] == [("2,400", "2,600")]
    assert len(across.changes(across_desk, result.article_id)) == 3

    diff = across.revision_diff(across_desk, result.article_id, texts[0].id)
    old, new = diff.old.body, diff.new.body
    assert "".join(old[op.old_start:op.old_end] for op in diff.ops) == old
    assert "".join(new[op.new_start:op.new_end] for op in diff.ops) == new
    assert [(old[op.old_start:op.old_end], new[op.new_start:op.new_end])
            for op in diff.changed()] == [("2,000", "2,600"),
                                          ("civil protection agency", "mayor's office")]
    latest_diff = across.revision_diff(across_desk, result.article_id)
    assert latest_diff.old.id == texts[1].id and latest_diff.new.id is None


def test_side_by_side_counts_code_points() -> None:
    old = "Families 👨‍👩‍👧 said 1,100 homes lost power."
    new = "Families 👨‍👩‍👧 said 1,200 homes lost power today."
    ops = across.side_by_side(old, new)
    changed = [(old[o.old_start:o.old_end], new[o.new_start:o.new_end])
               for o in ops if o.tag != "equal"]
    assert changed == [("1,100", "1,200"), ("", " today")]
    assert [o.tag for o in ops if o.tag != "equal"] == ["replace", "insert"]


def test_mark_reviewed(across_desk: Desk) -> None:
    result = update(across_desk, "a02-harlow-toll.txt")
    change = across.latest_changes(across_desk, result.article_id)[0]
    across.mark_reviewed(across_desk, change.id)
    assert across.changes(across_desk, unreviewed=True) == []


def test_stealth_edits_survive_reopening(across_desk: Desk) -> None:
    result = update(across_desk, "a22-port-calder-evacuation.txt")
    path = across_desk.path
    across_desk.close()
    with Desk.open(path, read_only=True) as reader:
        assert len(across.latest_changes(reader, result.article_id)) == 2


# -- the command line -------------------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python main.py ARGS``."""
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def desk_file(tmp_path: Path) -> Path:
    """A closed desk file holding the fixture articles."""
    path = tmp_path / "cli.desk"
    with Desk.open(path, editor="tester") as desk:
        fill(desk)
    return path


def test_cli_import_update_prints_stealth_edits(desk_file: Path, tmp_path: Path) -> None:
    # the CLI reads .txt files, which carry no URL: the update matches by file name
    folder = tmp_path / "updated"
    folder.mkdir()
    shutil.copy(FOLDER / "updates" / "a22-port-calder-evacuation.txt", folder)
    done = run("import", "--update", str(desk_file), str(folder))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("updated: "))
    assert "2 changed figures or attributions" in lines[at]
    assert lines[at + 1].startswith(
        "  changed: the figure in this claim was 2,000, is now 2,400 (the claim records")
    assert lines[at + 2].startswith("  changed: the attribution of this claim was")


def test_cli_groups_json_and_csv(desk_file: Path) -> None:
    done = run("groups", str(desk_file), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [g["articles"] for g in report["groups"]] == [4, 3, 3, 2, 2]
    assert report["groups"][0]["summary"] == (
        "seen in 4 articles, first on 2026-03-01 by dailyledger.example")
    assert len(report["disagreements"]) == 8

    table = run("groups", str(desk_file), "--format", "csv", "--no-refresh")
    assert table.returncode == 0, table.stderr
    rows = list(csv.DictReader(io.StringIO(table.stdout, newline="")))
    assert len(rows) == 4 + 3 + 3 + 2 + 2
    assert {r["figure_conflict"] for r in rows if r["figure"] == "about 900,000"} == {
        "more than 1 million (dailyledger.example); 1.2 million (wire.example.net)"}

    text = run("groups", str(desk_file))
    assert "5 groups" in text.stdout and "8 disagreements" in text.stdout
    missing = run("groups", str(desk_file.parent / "nope.desk"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert not (desk_file.parent / "nope.desk").exists()


def test_new_article_through_update_reports_nothing(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "one.desk") as desk:
        result = desk.update_article(ArticleDraft(title="T", body="T\n\n5 people.",
                                                  source_file="t.txt"))
        assert result.status == "imported"
        assert across.latest_changes(desk, result.article_id) == []
