"""A person's write goes first on a crowded desk.

SQLite's busy handler sleeps 1, 2, 5, 10 … then 100 ms between tries for the write lock; when
other processes write back to back the lock is free only for moments, and such a waiter
misses them (the window's add-claim waited up to 2.4 s behind transactions of milliseconds).
A prompt desk (the window's) asks every millisecond. And no write may hold the lock while its
process loads sqlite-utils (the first write of every command-line run did, for 1–2 s).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from desk import Desk, DeskError
from desk.store.connection import BUSY_TIMEOUT_MS, begin_promptly, connect_read_write
from tests.conftest import ROOT, article_titled

#: Another process holds the write lock for ``first`` s, lets go for ``gap`` s, then holds
#: it again for ``second`` s. SQLite's own waiter, asking at 428, 528, 628 … ms, misses a
#: gap at 470 ms; one asking every millisecond does not.
HOLDER = textwrap.dedent("""
    import sqlite3, sys, time
    first, gap, second = (float(x) for x in sys.argv[2:5])
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("held", flush=True)
    sys.stdin.readline()
    time.sleep(first)
    conn.execute("COMMIT")
    time.sleep(gap)
    conn.execute("BEGIN IMMEDIATE")
    time.sleep(second)
    conn.execute("COMMIT")
""")


def _hold(path: Path, first: float, gap: float, second: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(first), str(gap),
                               str(second)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_prompt_write_takes_the_lock_in_a_short_gap(seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "Ukraine")
    seeded_desk.prompt = True
    holder = _hold(seeded_desk.path, first=0.47, gap=0.005, second=2.0)
    try:
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.flush()
        started = time.perf_counter()
        claim = seeded_desk.add_claim(article.id, 0, 7)
        waited = time.perf_counter() - started
    finally:
        holder.wait(timeout=30)
    assert holder.returncode == 0
    assert seeded_desk.claim(claim.id).quote == article.body[:7]
    # Through the gap (0.47 s), not after the second hold (2.5 s).
    assert waited < 1.5, f"the prompt write waited {waited:.2f} s"
    assert seeded_desk.conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS


def test_a_prompt_write_still_gives_up_with_a_sentence(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "a.desk") as desk:
        desk.prompt = True
        holder = _hold(desk.path, first=3.0, gap=0.0, second=0.0)
        try:
            conn = connect_read_write(desk.path)
            with pytest.raises(Exception, match="locked|busy"):
                begin_promptly(conn, timeout_ms=200)
            assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 200
            conn.close()
        finally:
            assert holder.stdin is not None
            holder.stdin.write("go\n")
            holder.stdin.flush()
            holder.wait(timeout=30)
        desk.set_setting("after", "free again")  # the desk is usable once it is free
        assert desk.setting("after") == "free again"


def test_the_window_desk_is_prompt_and_others_are_not(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "a.desk") as desk:
        assert desk.prompt is False  # the command line waits as SQLite does


def test_no_write_holds_the_lock_while_sqlite_utils_loads(seeded_desk: Desk) -> None:
    """A fresh process (a command-line run) opens the desk without sqlite-utils; its first
    write must have loaded it before ``BEGIN IMMEDIATE``."""
    seeded_desk.close()
    script = textwrap.dedent("""
        import sys
        from desk import Desk
        from desk.store import connection
        desk = Desk.open(sys.argv[1])
        assert "sqlite_utils" not in sys.modules, "opening loaded sqlite-utils"
        original = connection.write_transaction
        def checked(conn, *args, **kwargs):
            if not conn.in_transaction:
                assert "sqlite_utils" in sys.modules, "sqlite-utils loaded under the lock"
            return original(conn, *args, **kwargs)
        connection.write_transaction = checked
        article = desk.articles()[0]
        desk.add_claim(article.id, 0, 5)
        desk.set_setting("x", "y")
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", script, str(seeded_desk.path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr


def test_prompt_writes_roll_back_and_report_like_any_write(seeded_desk: Desk) -> None:
    seeded_desk.prompt = True
    with pytest.raises(DeskError, match="lone surrogate"):
        seeded_desk.set_setting("bad", "\udc80")
    assert not seeded_desk.conn.in_transaction
    assert seeded_desk.setting("bad") == ""


def _wait_for(condition, seconds: float = 10.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_prompt_desk_checkpoints_on_a_background_thread(seeded_desk: Desk,
                                                          tmp_path: Path) -> None:
    """The window's commits do not copy the log into the desk file themselves (that made
    every 60th add-claim 3× slower); a background thread does it soon after."""
    from desk.store import checkpoints

    seeded_desk.prompt = True
    article = seeded_desk.articles()[0]
    claim = seeded_desk.add_claim(article.id, 0, 5)
    assert seeded_desk.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] \
        == checkpoints.INLINE_PAGES
    background = seeded_desk._checkpoints  # noqa: SLF001
    assert _wait_for(lambda: background.done >= 1)
    # The desk file alone (without its log) now holds the claim.
    alone = tmp_path / "file-alone.db"
    alone.write_bytes(seeded_desk.path.read_bytes())
    copy = sqlite3.connect(alone)
    assert copy.execute("SELECT quote FROM claims WHERE id = ?", [claim.id]).fetchone() \
        == (article.body[:5],)
    copy.close()
    seeded_desk.add_claim(article.id, 1, 6)  # another checkpoint is due …
    seeded_desk.close()  # … and closing cancels it, leaving no thread behind
    assert not any(t.name == "desk checkpoint" and t.is_alive() for t in threading.enumerate())


def test_other_desks_checkpoint_as_sqlite_does(seeded_desk: Desk) -> None:
    article = seeded_desk.articles()[0]
    seeded_desk.add_claim(article.id, 0, 5)
    assert seeded_desk.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    assert seeded_desk._checkpoints is None  # noqa: SLF001
