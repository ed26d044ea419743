"""Creating a desk file and upgrading an older one: built under a temporary name and renamed
into place, so that a crash never leaves a half-made file that would be refused as "not a desk"."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from desk.errors import DeskError
from desk.store import connection, schema


def open_connection(path: Path, read_only: bool) -> tuple[sqlite3.Connection, int, bool, bool]:
    """Open (or create, when missing or empty) the desk file at ``path``: its connection,
    format version, whether it is read-only (also when it cannot be written) and whether it
    existed. Raises :class:`DeskError` for a file that is not a desk, touching nothing."""
    existed = not connection.is_new_file(path)
    if connection.is_new_file(path):
        if read_only:
            raise DeskError(f"{path} does not exist.")
        conn = create_file(path)
        version = schema.SCHEMA_VERSION
    else:
        version = connection.identify(path)
        read_only = read_only or not connection.can_write(path)
        try:
            if read_only:
                conn = connection.connect_read_only(path)
            else:
                conn = connection.connect_read_write(path)
        except sqlite3.DatabaseError as exc:
            raise DeskError(f"Cannot open {path.name}: {exc}.") from exc
    return conn, version, read_only, existed


def create_file(path: Path) -> sqlite3.Connection:
    """Create a new, empty desk at ``path`` and return a read-write connection to it."""
    folder = path.parent
    if not folder.is_dir():
        raise DeskError(f"Cannot create {path.name}: the folder {folder} does not exist.")
    if not connection.can_write(path):
        raise DeskError(f"Cannot create {path.name}: the folder {folder} cannot be written.")
    # Built under a temporary name, then renamed into place: a crash while creating
    # never leaves a half-made file that would then be refused as "not a desk".
    tmp = folder / f".{path.name}.{os.getpid()}.creating"
    remove_stale_creations(path)
    try:
        import sqlite_utils

        conn = sqlite3.connect(str(tmp))
        try:
            schema.create(sqlite_utils.Database(conn, execute_plugins=False))
        finally:
            conn.close()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        conn = connection.connect_read_write(path)
    except (sqlite3.Error, OSError) as exc:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise DeskError(f"Cannot create {path.name}: {getattr(exc, 'strerror', None) or exc}."
                        ) from exc
    return conn


def remove_stale_creations(path: Path) -> None:
    """Remove temporary files of desk creations whose process has died (a crash)."""
    import glob  # creating a desk only

    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.creating*"):
        pid = leftover.name[len(path.name) + 2:].split(".")[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except OSError:
            pass



def login_name() -> str:
    """The system's login name, the editor when no other is known."""
    import getpass  # only for a desk and a window that know no editor's name

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "editor"
