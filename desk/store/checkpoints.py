"""Checkpoints off the window's thread.

A desk's commits go to its write-ahead log; once the log holds 1,000 pages, SQLite copies them
into the desk file (a checkpoint, with its own sync) at the end of whichever commit crossed
the mark. For the window that was every 60-odd added claims, each such add taking 10-20 ms
instead of 4. A prompt desk (:attr:`desk.facade.Desk.prompt`) has a background thread, on a
connection of its own, run a passive checkpoint (which never blocks a writer or a reader)
shortly after its commits, and its own commits checkpoint only past :data:`INLINE_PAGES`.
Durability is unchanged: a commit is synced in the log before it returns; a checkpoint only
copies it into the desk file.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from desk.store.connection import BUSY_TIMEOUT_MS

#: Seconds after a commit before the background checkpoint (commits meanwhile share it).
DELAY_S = 0.5
#: The log's size (pages) at which the desk's own commit checkpoints after all: a long burst
#: of writes leaves the background checkpoint no pause to finish in, and the log restarts
#: only after a checkpoint that copied all of it.
INLINE_PAGES = 4_000


class BackgroundCheckpoints:
    """Passive checkpoints of one desk on a background thread, soon after its commits."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA wal_autocheckpoint = {INLINE_PAGES}")
        self._uri = f"{Path(path).resolve().as_uri()}"
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None  # the one not started yet
        self._timers: list[threading.Timer] = []  # every one that may still run
        self._closed = False
        #: How many checkpoints ran (tests read it).
        self.done = 0

    def soon(self) -> None:
        """Note a commit: a checkpoint runs :data:`DELAY_S` later unless one is due already."""
        with self._lock:
            if self._closed or self._timer is not None:
                return
            self._timer = threading.Timer(DELAY_S, self._run)
            self._timer.daemon = True
            self._timer.name = "desk checkpoint"
            self._timer.start()
            self._timers = [t for t in self._timers if t.is_alive()] + [self._timer]

    def _run(self) -> None:
        with self._lock:
            self._timer = None
            if self._closed:
                return
        try:
            conn = sqlite3.connect(self._uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                self.done += 1
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # another process checkpoints, or the next commit will try again

    def close(self) -> None:
        """Cancel a checkpoint not started yet and wait for one that has (before the desk's
        own connection closes: the last connection to close checkpoints the whole log)."""
        with self._lock:
            self._closed = True
            timers, self._timers, self._timer = self._timers, [], None
        for timer in timers:
            timer.cancel()
            timer.join()
