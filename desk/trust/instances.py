"""Knowing whether another window (another process) has the same desk open.

SQLite already makes several processes on one desk safe (WAL, busy timeout, immediate
write transactions); this only lets the window *say* that someone else has the desk open.

Each announcing process holds an exclusive POSIX lock on one byte ("slot") of a small
side file beside the desk, ``<desk name>-instances``. Counting the other instances means
testing which other slots are locked. The kernel drops a process's locks when it ends, even
when it is killed, so a crashed window is never counted. On systems without ``fcntl``
(Windows) nothing is announced and the count is always 0.

POSIX locks belong to a process, and closing *any* descriptor of a file drops all of the
process's locks on it; so each process keeps one descriptor per desk here, shared by all
its :class:`~desk.store.Desk` objects, and never opens the side file elsewhere.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: How many processes can announce themselves on one desk.
SLOTS = 256
_LOCK = threading.Lock()
#: resolved desk path -> [descriptor, our slot or None, how many announcers here]
_HELD: dict[str, list] = {}


def side_file(desk_path: Path) -> Path:
    """The lock file beside a desk."""
    return desk_path.with_name(desk_path.name + "-instances")


def _descriptor(desk_path: Path) -> list | None:
    key = str(desk_path.resolve())
    entry = _HELD.get(key)
    if entry is None:
        path = side_file(desk_path.resolve())
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError:
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                return None
        entry = _HELD[key] = [fd, None, 0]
    return entry


def announce(desk_path: Path) -> bool:
    """Mark this process as having ``desk_path`` open; True if it could be marked."""
    if fcntl is None:
        return False
    with _LOCK:
        entry = _descriptor(desk_path)
        if entry is None:
            return False
        if entry[1] is None:
            for slot in range(SLOTS):
                try:
                    fcntl.lockf(entry[0], fcntl.LOCK_EX | fcntl.LOCK_NB, 1, slot)
                except OSError:
                    continue
                entry[1] = slot
                break
            else:
                return False
        entry[2] += 1
        return True


def withdraw(desk_path: Path) -> None:
    """Undo one :func:`announce`; the last one frees this process's slot."""
    if fcntl is None:
        return
    with _LOCK:
        entry = _HELD.get(str(desk_path.resolve()))
        if entry is None or entry[2] == 0:
            return
        entry[2] -= 1
        if entry[2] == 0 and entry[1] is not None:
            fcntl.lockf(entry[0], fcntl.LOCK_UN, 1, entry[1])
            entry[1] = None


def other_instances(desk_path: Path) -> int:
    """How many other processes have announced that they have ``desk_path`` open."""
    if fcntl is None or not side_file(desk_path.resolve()).exists():
        return 0
    with _LOCK:
        entry = _descriptor(desk_path)
        if entry is None:
            return 0
        count = 0
        for slot in range(SLOTS):
            if slot == entry[1]:
                continue
            try:
                fcntl.lockf(entry[0], fcntl.LOCK_SH | fcntl.LOCK_NB, 1, slot)
            except OSError:
                count += 1  # another process holds this slot
            else:
                fcntl.lockf(entry[0], fcntl.LOCK_UN, 1, slot)
        return count
