"""Taking turns on a crowded desk: while a window's write waits for the write lock, the other
writers (command-line runs, merges, the window's own workers) hold back, at most half a second,
so that the window does not lose the lock to a writer that comes back sooner."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from desk import Desk
from desk.trust.instances import let_windows_go_first, side_file, window_waiting
from tests.conftest import ROOT

ELSEWHERE = textwrap.dedent("""
    import sys
    from pathlib import Path
    from desk.trust.instances import let_windows_go_first
    print(round(let_windows_go_first(Path(sys.argv[1]), float(sys.argv[2])), 3))
""")


def _held_back_elsewhere(desk_path: Path, most_s: float) -> float:
    done = subprocess.run([sys.executable, "-c", ELSEWHERE, str(desk_path), str(most_s)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return float(done.stdout)


def test_another_process_holds_back_while_a_window_waits(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "a.desk") as desk:
        assert desk.announce()
        assert _held_back_elsewhere(desk.path, 0.3) < 0.1  # nobody waits: no delay
        with window_waiting(desk.path):
            assert _held_back_elsewhere(desk.path, 0.3) >= 0.29
            # This process's workers hold back too, and leave the window's mark in place.
            assert let_windows_go_first(desk.path, 0.2) >= 0.19
            assert _held_back_elsewhere(desk.path, 0.2) >= 0.19
        assert _held_back_elsewhere(desk.path, 0.3) < 0.1


def test_a_desk_no_window_opened_costs_nothing(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "a.desk") as desk:
        desk.set_setting("x", "y")
        assert not side_file(desk.path).exists()  # writes do not create it
        assert let_windows_go_first(desk.path, 0.3) == 0.0


def test_a_prompt_write_that_waits_holds_the_others_back(tmp_path: Path) -> None:
    """While the window's write waits for another process's transaction, a third process
    about to write holds back; once the window has written, nobody does."""
    from tests.desk.store.test_prompt_writes import _hold

    with Desk.open(tmp_path / "a.desk") as desk:
        desk.announce()
        desk.prompt = True
        holder = _hold(desk.path, first=4.0, gap=0.0, second=0.0)
        seen: list[float] = []
        probe = threading.Thread(target=lambda: (time.sleep(0.3),
                                                 seen.append(_held_back_elsewhere(desk.path, 0.3))))
        try:
            assert holder.stdin is not None
            holder.stdin.write("go\n")
            holder.stdin.flush()
            probe.start()
            desk.set_setting("x", "after the wait")  # waits about 4 s
        finally:
            probe.join(timeout=60)
            holder.wait(timeout=30)
        assert desk.setting("x") == "after the wait"
        assert seen and seen[0] >= 0.29, seen
        assert _held_back_elsewhere(desk.path, 0.3) < 0.1
