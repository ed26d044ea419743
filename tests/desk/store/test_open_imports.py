"""Opening an ordinary desk loads no capability it does not use (start-up time): the team
desk's module is imported only when a desk carries a team trigger (foreign_schema)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desk import Desk
from tests.conftest import ROOT

PROBE = """
import json, sys
from desk import Desk
Desk.open(sys.argv[1]).close()
print(json.dumps(sorted(m for m in sys.modules if m.startswith("desk.team"))))
"""


def opened_modules(path: Path) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", PROBE, str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_ordinary_desk_opens_without_the_team_module(tmp_path: Path) -> None:
    Desk.open(tmp_path / "plain.desk").close()
    assert opened_modules(tmp_path / "plain.desk") == []


def test_a_team_desk_opens_with_it(tmp_path: Path) -> None:
    from desk.team import units

    path = tmp_path / "team.desk"
    with Desk.open(path) as desk:
        with desk.writing():
            units.create_triggers(desk.conn)
    assert "desk.team.units" in opened_modules(path)
