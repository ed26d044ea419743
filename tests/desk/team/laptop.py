"""One laptop in a concurrency test or benchmark, as its own process:

    python tests/desk/team/laptop.py DESK URL ROLE NUMBER LAPTOPS EDITS ROUNDS GO_FILE

Waits for GO_FILE (so that all laptops start at once), then for each round: edits its share
of the claims (the note of every LAPTOPS-th claim from NUMBER, and the status of claim 0,
which every laptop sets), and syncs. Prints one JSON line: the sync lines and seconds.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from desk import Desk  # noqa: E402
from desk.team import sync_desk  # noqa: E402

STATUSES = ("checking", "verified", "false", "misleading")


def main(argv: list[str]) -> None:
    path, url, role, number, laptops, edits, rounds, go = argv
    number, laptops, edits, rounds = int(number), int(laptops), int(edits), int(rounds)
    while not Path(go).exists():
        time.sleep(0.01)
    lines, seconds = [], []
    with Desk.open(path, editor=role) as desk:
        ids = [row[0] for row in desk.conn.execute("SELECT id FROM claims ORDER BY id")]
        mine = ids[number::laptops]
        for round_ in range(rounds):
            with desk.writing():  # one transaction for the round's edits
                for index in range(edits):
                    claim = mine[index % len(mine)]
                    desk.update_claim(claim, note=f"{role} round {round_} edit {index}")
                desk.update_claim(ids[0], status=STATUSES[(number + round_) % len(STATUSES)])
            started = time.perf_counter()
            lines.append(sync_desk(desk, url).line())
            seconds.append(time.perf_counter() - started)
    print(json.dumps({"role": role, "lines": lines, "seconds": seconds}))


if __name__ == "__main__":
    main(sys.argv[1:])
