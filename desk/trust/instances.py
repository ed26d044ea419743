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

import errno
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
#: The byte a window holds (shared) while its write waits for the desk's write lock.
WANT = SLOTS
#: How long a background write lets waiting windows go first, at most (seconds).
YIELD_MOST_S = 0.5
#: resolved desk path -> how many of this process's writes wait with WANT held
_WANTING: dict[str, int] = {}


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


# -- taking turns: a person's write goes before the background's ----------------------------

@contextmanager
def window_waiting(desk_path: Path) -> Iterator[None]:
    """While the block runs (a window's write waiting for the desk's write lock), hold a
    shared lock on the :data:`WANT` byte: :func:`let_windows_go_first` sees it from any
    process. Without ``fcntl`` or the side file, nothing is said."""
    key = str(desk_path.resolve())
    with _LOCK:
        entry = _descriptor(desk_path) if fcntl is not None else None
        if entry is not None and not _WANTING.get(key):
            try:
                fcntl.lockf(entry[0], fcntl.LOCK_SH | fcntl.LOCK_NB, 1, WANT)
            except OSError:
                entry = None
        if entry is not None:
            _WANTING[key] = _WANTING.get(key, 0) + 1
    try:
        yield
    finally:
        if entry is not None:
            with _LOCK:
                _WANTING[key] -= 1
                if not _WANTING[key]:
                    del _WANTING[key]
                    fcntl.lockf(entry[0], fcntl.LOCK_UN, 1, WANT)


def let_windows_go_first(desk_path: Path, most_s: float = YIELD_MOST_S) -> float:
    """Before a background write (the command line, a merge, a worker): wait while a window
    waits for the write lock (:func:`window_waiting`, in this process or another), for at
    most ``most_s``. Returns the seconds waited. A desk no window ever announced on has no
    side file, and costs a ``stat``."""
    if fcntl is None or not side_file(desk_path.resolve()).exists():
        return 0.0
    key = str(desk_path.resolve())
    started = time.monotonic()
    while True:
        with _LOCK:
            waiting = bool(_WANTING.get(key))
            if not waiting:
                entry = _descriptor(desk_path)
                if entry is None:
                    return 0.0
                try:  # free unless another process holds it (this one holds none: above)
                    fcntl.lockf(entry[0], fcntl.LOCK_EX | fcntl.LOCK_NB, 1, WANT)
                except OSError as exc:
                    if exc.errno not in (errno.EACCES, errno.EAGAIN):
                        return 0.0  # (a side file opened read-only: no turns here)
                    waiting = True
                else:
                    fcntl.lockf(entry[0], fcntl.LOCK_UN, 1, WANT)
        waited = time.monotonic() - started
        if not waiting or waited >= most_s:
            return waited
        time.sleep(0.002)
