"""Eight laptops syncing at once against one server: the syncs serialise, all desks
converge, nothing is lost."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from desk import ArticleDraft, Desk
from desk.team import sync_desk

LAPTOP = Path(__file__).with_name("laptop.py")
BODY = "Numbers\n\n" + " ".join(f"Item {n} cost {n * 7} dollars." for n in range(200))


def base_desk(path: Path, claims: int) -> list[str]:
    with Desk.open(path, editor="lead") as desk:
        article = desk.add_article(ArticleDraft("Numbers", BODY, "numbers.txt")).article_id
        ids = []
        with desk.writing():
            for n in range(claims):
                needle = f"Item {n} cost"
                start = BODY.index(needle + " ")
                ids.append(desk.add_claim(article, start, start + len(needle)).id)
    return sorted(ids)  # the order laptop.py shares them out in


def run_laptops(team, tmp_path: Path, laptops: int, edits: int, rounds: int) -> list[dict]:
    """Start the laptops together; returns their reports."""
    go = tmp_path / "go"
    processes = []
    for number in range(laptops):
        role = f"laptop{number}"
        desk = tmp_path / f"{role}.desk"
        shutil.copyfile(tmp_path / "office.desk", desk)
        processes.append(subprocess.Popen(
            [sys.executable, str(LAPTOP), str(desk), team.editor(role), role, str(number), str(laptops),
             str(edits), str(rounds), str(go)], stdout=subprocess.PIPE, text=True))
    go.touch()
    reports = []
    for process in processes:
        out, _ = process.communicate(timeout=240)
        assert process.returncode == 0
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


def test_eight_laptops_sync_at_once_and_converge(team, tmp_path: Path) -> None:
    office = tmp_path / "office.desk"
    ids = base_desk(office, 80)
    with Desk.open(office) as desk:
        sync_desk(desk, team.editor("lead"))
    laptops, edits, rounds = 8, 30, 2
    reports = run_laptops(team, tmp_path, laptops, edits, rounds)
    assert all(len(r["lines"]) == rounds for r in reports)
    # Each laptop once more, in turn, until nothing moves (what one pushes, the others
    # take in the next pass: conflicts each laptop's merge kept, for one).
    passes = []
    for _ in range(4):
        lines = []
        for number in range(laptops):
            with Desk.open(tmp_path / f"laptop{number}.desk") as desk:
                lines.append(sync_desk(desk).line())
        passes.append(lines)
        if all(line == "pulled 0, pushed 0, conflicts 0" for line in lines):
            break
    print(passes)
    assert len(passes) <= 3, passes
    states = []
    for number in range(laptops):
        with Desk.open(tmp_path / f"laptop{number}.desk") as desk:
            line = sync_desk(desk).line()
            assert line == "pulled 0, pushed 0, conflicts 0", (number, line)
            claims = {c.id: (c.note, c.status) for c in desk.claims()}
            states.append(claims)
            conflicts = desk.db.execute("SELECT count(*) FROM merge_conflicts "
                                        "WHERE claim_id = ?", [ids[0]]).fetchone()[0]
            assert conflicts >= 1  # everyone set claim 0's status: overruled values kept
    assert all(state == states[0] for state in states)
    # Nothing lost: every laptop's last note on each of its claims is there.
    for number in range(laptops):
        role = f"laptop{number}"
        for claim in ids[number::laptops][:edits]:
            assert states[0][claim][0].startswith(f"{role} round {rounds - 1}"), claim
