"""Opening desk files safely: identify before touching, then connect with the desk's pragmas.

A file is looked at through a read-only connection first, so that a corrupt file or another
program's database is refused with its bytes unchanged.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from desk.errors import DeskError, NewerDeskError, NotADeskError, readable
from desk.store.foreign_schema import check_schema
from desk.store.schema import APPLICATION_ID, SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
#: How long a write waits for another process holding the desk (milliseconds).
BUSY_TIMEOUT_MS = 10_000
#: How often a prompt write (the window's) asks again for the write lock (seconds).
PROMPT_POLL_S = 0.001


#: Desk files this process holds open through SQLite (resolved path -> how many times).
_OPEN_HERE: dict[str, int] = {}


def register_open(path: Path) -> None:
    """Note that this process now holds ``path`` open through SQLite."""
    key = str(path.resolve())
    _OPEN_HERE[key] = _OPEN_HERE.get(key, 0) + 1


def register_closed(path: Path) -> None:
    """Note that one of this process's SQLite connections to ``path`` was closed."""
    key = str(path.resolve())
    if _OPEN_HERE.get(key, 0) <= 1:
        _OPEN_HERE.pop(key, None)
    else:
        _OPEN_HERE[key] -= 1


def is_open_here(path: Path) -> bool:
    """Whether this process already holds ``path`` open through SQLite."""
    return str(path.resolve()) in _OPEN_HERE


def is_new_file(path: Path) -> bool:
    """True when ``path`` is missing or empty: opening it creates a new desk."""
    return not path.exists() or (path.is_file() and path.stat().st_size == 0)


def identify(path: Path) -> int:
    """Check that ``path`` is a desk this code can open and return its schema version.

    Raises :class:`NotADeskError` or :class:`NewerDeskError`; never writes to the file.
    Its triggers, views and virtual tables must be a desk's
    (:func:`desk.store.foreign_schema.check_schema`) before any row is read.
    """
    name = path.name
    if path.is_dir():
        raise NotADeskError(f"{path} is a folder, not a desk file.")
    if not is_open_here(path):
        _check_header(path)
    try:
        conn = connect_read_only(path)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if app_id != APPLICATION_ID or not {"articles", "claims"} <= tables:
                raise NotADeskError(f"{name} is not a Claims Desk file: it is another "
                                    "application's SQLite database.")
            check_schema(conn, name)
        finally:
            conn.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise NotADeskError(f"{name} is damaged or not a desk ({readable(exc)}).") from exc
    if version > SCHEMA_VERSION:
        raise NewerDeskError(
            f"{name} was written by a newer version of Claims Desk (desk format {version}; "
            f"this version reads up to {SCHEMA_VERSION}). Update Claims Desk to open it."
        )
    return version


def _check_header(path: Path) -> None:
    """Refuse, from its first bytes, a file that is not an SQLite database or is truncated.

    Skipped for a file this process holds open through SQLite: opening and closing another
    descriptor of it would drop the POSIX locks SQLite holds for this process, and another
    process could then delete the WAL under it.
    """
    name = path.name
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise DeskError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if not header.startswith(SQLITE_HEADER):
        raise NotADeskError(f"{name} is not a Claims Desk file: it is not an SQLite database.")
    if len(header) < 100:
        raise NotADeskError(f"{name} is damaged: the file is truncated.")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    wal = path.with_name(path.name + "-wal")
    if (not wal.exists() or wal.stat().st_size == 0) and path.stat().st_size < page_size * page_count:
        raise NotADeskError(f"{name} is damaged: the file is truncated.")


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write, even to a desk in a folder that cannot be written."""
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        _probe(conn)
        return conn
    except sqlite3.OperationalError:
        # A WAL desk in a read-only folder cannot get its -shm file: read it as immutable.
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True)
        _probe(conn)
        return conn


def _probe(conn: sqlite3.Connection) -> None:
    """Read the schema once; a damaged one raises :class:`sqlite3.DatabaseError`."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except UnicodeDecodeError as exc:
        conn.close()
        raise sqlite3.DatabaseError(readable(exc)) from exc


def read_failure_message(path: Path | str, exc: BaseException) -> str:
    """What to tell people when reading a desk that opened fails: a damaged page is found
    only when it is read (checking every page on opening would take seconds on a big desk)."""
    name = Path(path).name
    if isinstance(exc, sqlite3.OperationalError):
        return f"{name} could not be read: {readable(exc)}."
    return (f"{name} is damaged ({readable(exc)}). `claims-desk check` tells more, and "
            "`claims-desk backups` lists the copies that can be restored.")


def connect_read_write(path: Path) -> sqlite3.Connection:
    """The desk's own connection: WAL journal, ``synchronous=FULL``, foreign keys on.

    Opened by URI, so that files it attaches can be attached read-only (``mode=ro``)."""
    uri = Path(os.path.abspath(path)).as_uri()
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def can_write(path: Path) -> bool:
    """Whether this process may write the desk file and its folder (for WAL files)."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return os.access(folder, os.W_OK)


def write_failure_message(path: Path, exc: sqlite3.Error) -> str:
    """A sentence for people about a change SQLite could not write."""
    text = str(exc).lower()
    if "full" in text:
        why = "the disk is full. Free some space and try again"
    elif "locked" in text or "busy" in text:
        why = "another program kept the desk busy for too long. Try again"
    elif "readonly" in text or "read-only" in text:
        why = "the file cannot be written"
    else:
        why = f"SQLite reported “{exc}”"
    return f"The change was not saved to {path.name}: {why}. Nothing else was changed."


def begin_write(conn: sqlite3.Connection, path: Path, *, prompt: bool = False,
                turns: Any = None) -> None:
    """Take the write lock (``BEGIN IMMEDIATE``): promptly for a ``prompt`` write, which
    says it is waiting through ``turns``; any other write lets a waiting window go first."""
    if prompt:
        begin_promptly(conn, waiting=turns.window_waiting(path) if turns else None)
    else:
        if turns is not None:
            turns.let_windows_go_first(path)
        conn.execute("BEGIN IMMEDIATE")


@contextmanager
def write_transaction(conn: sqlite3.Connection, path: Path,
                      savepoint: Callable[[], AbstractContextManager[object]],
                      *, prompt: bool = False, on_commit: Callable[[], None] | None = None,
                      turns: Any = None) -> Iterator[None]:
    """A write transaction on ``conn`` (``savepoint()`` when one is already open).

    It starts with ``BEGIN IMMEDIATE``, taking the write lock before reading, so that a
    write from another process makes it wait (busy timeout) instead of failing with
    "database is locked". A ``prompt`` write (the window's, a person waiting for it) asks
    again every millisecond (:func:`begin_promptly`) instead of through SQLite's busy
    handler, whose sleeps grow to 100 ms and so lose the lock to writers that come back
    sooner. ``turns`` (:mod:`desk.trust.instances`) lets them go first across processes: a
    prompt write that has to wait says so (``turns.window_waiting(path)``), and any other
    write first waits while one does (``turns.let_windows_go_first(path)``, at most half a
    second). ``on_commit`` is called after a successful ``COMMIT`` (not of a savepoint).
    SQLite failures (full disk, busy desk, read-only file) and text that cannot be stored
    (a lone surrogate) roll it back and become a :class:`DeskError`.
    """
    try:
        if conn.in_transaction:
            with savepoint():
                yield
            return
        begin_write(conn, path, prompt=prompt, turns=turns)
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if on_commit is not None:
            on_commit()
    except sqlite3.OperationalError as exc:
        raise DeskError(write_failure_message(path, exc)) from exc
    except UnicodeEncodeError as exc:  # a lone surrogate: no UTF-8 text can hold it
        raise DeskError(f"The change was not saved to {path.name}: it holds text that is not "
                        "valid Unicode (a lone surrogate). Nothing else was changed.") from exc


def begin_promptly(conn: sqlite3.Connection, timeout_ms: int = BUSY_TIMEOUT_MS, *,
                   waiting: AbstractContextManager[object] | None = None) -> None:
    """``BEGIN IMMEDIATE`` on ``conn``, asking for the write lock every
    :data:`PROMPT_POLL_S` until ``timeout_ms`` (then SQLite's "database is locked").

    SQLite's busy handler sleeps 1, 2, 5, 10 … then 100 ms between tries; on a desk that
    other processes write back to back, the lock is free only for moments between their
    transactions, and a waiter that sleeps 100 ms misses them again and again (the window's
    add-claim waited up to 2.4 s behind imports and merges that each held it for
    milliseconds). Asking every millisecond takes it at the first gap. The busy timeout is
    off only for the ``BEGIN`` (a few microseconds per try), and set back at once.
    ``waiting`` is entered when the lock is not free at once, for as long as it is waited for.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        if _try_begin(conn, deadline):
            return
        with waiting or nullcontext():
            while True:
                time.sleep(PROMPT_POLL_S)
                if _try_begin(conn, deadline):
                    return
    finally:
        conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")


def _try_begin(conn: sqlite3.Connection, deadline: float) -> bool:
    """One ``BEGIN IMMEDIATE``: whether it took the lock (raises past the deadline)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        return True
    except sqlite3.OperationalError as exc:
        if not _busy(exc) or time.monotonic() >= deadline:
            raise
        return False


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text
