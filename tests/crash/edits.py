"""The edits a power cut interrupts: a child process that runs the desk's real write paths
(add, edit, delete and restore claims, import a file, back up, merge a laptop's desk, import
annotations) on a desk, under strace.

After each call returns it appends ``ack N`` to the acks file (so that the trace shows when
the edit was acknowledged) and the desk's state after it to the states file (read by the
parent after the run, not part of the trace).

    python -m tests.crash.edits DESK WORK_FOLDER SEED EDITS
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from typing import Any

from desk import Desk


def state(desk: Desk) -> dict[str, Any]:
    """What must survive: every claim's fields (deleted or not) and the articles."""
    claims = {c.id: [c.article_id, c.start_char, c.end_char, c.source, c.figure, c.status,
                     c.note, c.deleted_at, c.tags]
              for c in desk.claims(include_deleted=True)}
    return {"claims": claims, "articles": sorted(a.id for a in desk.articles())}


def run(desk_path: Path, work: Path, seed: int, edits: int) -> None:
    rng = random.Random(seed)
    acks = os.open(work / "acks.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    states = open(work / "states.jsonl", "a", encoding="utf-8")  # noqa: SIM115
    with Desk.open(desk_path, editor="powercut") as desk:
        if os.environ.get("POWERCUT_SYNCHRONOUS"):  # the simulator's own test: lose edits
            desk.conn.execute(f"PRAGMA synchronous = {os.environ['POWERCUT_SYNCHRONOUS']}")
        if os.environ.get("POWERCUT_PROMPT"):  # the window's way: background checkpoints
            from desk.store import checkpoints

            checkpoints.DELAY_S = 0.0
            desk.prompt = True
        steps: list[str] = []
        for number in range(edits):
            kind = _choose(rng, number, edits)
            _edit(desk, kind, rng, work)
            steps.append(kind)
            os.write(acks, f"ack {number} {kind}\n".encode())
            states.write(json.dumps(state(desk)) + "\n")
            states.flush()
    os.close(acks)
    states.close()


def _choose(rng: random.Random, number: int, edits: int) -> str:
    fixed = {edits // 5: "import", edits // 3: "backup", edits // 2: "merge",
             (2 * edits) // 3: "annotations"}
    return fixed.get(number) or rng.choice(
        ["add", "add", "add", "update", "update", "delete", "restore"])


def _edit(desk: Desk, kind: str, rng: random.Random, work: Path) -> None:
    live = desk.claims()
    if kind == "import":
        desk.import_path(work / "inputs" / "late-article.txt")
    elif kind == "backup":
        desk.backup("manual")
    elif kind == "merge":
        from desk.fieldwork.merge import merge_desks

        merge_desks(desk, [work / "inputs" / "laptop.desk"], backup=False)
    elif kind == "annotations":
        from desk.formats.annotation_import import import_annotations

        import_annotations(desk, work / "inputs" / "annotations.json")
    elif kind == "update" and live:
        claim = rng.choice(live)
        desk.update_claim(claim.id, note=f"note {rng.random():.6f}",
                          status=rng.choice(["checking", "verified", "false"]),
                          tags=rng.sample(["a", "b", "c", "d"], 2))
    elif kind == "delete" and live:
        desk.delete_claim(rng.choice(live).id)
    elif kind == "restore" and (gone := [c for c in desk.claims(include_deleted=True)
                                         if c.deleted_at]):
        desk.restore_claim(rng.choice(gone).id)
    else:
        article = rng.choice(desk.articles())
        words = [(m, m + len(w)) for m, w in _words(article.body)]
        start, _ = rng.choice(words[:-3])
        _, end = words[words.index(next(w for w in words if w[0] == start)) + rng.randint(0, 2)]
        desk.add_claim(article.id, start, end, source=f"source {rng.randint(1, 9)}",
                       note="x" * rng.randint(0, 3000))  # some claims span pages


def _words(body: str) -> list[tuple[int, str]]:
    import re

    return [(m.start(), m.group()) for m in re.finditer(r"\w+", body)]


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
