"""Opening desk files carried in from elsewhere (merge inputs, backups to restore) defensively.

A file from another machine is untrusted: it may be damaged, truncated, another program's
database, or a database whose schema was crafted to run functions when it is read. Such a
file is opened on its own **read-only** connection with ``PRAGMA trusted_schema=OFF`` (SQL
functions with side effects cannot run from its views or triggers), ``cell_size_check`` on,
``query_only`` on; its schema must be exactly a desk's (no extra triggers, views, virtual
tables, tables or indexes: :mod:`desk.store.foreign_schema`) and it must pass
``PRAGMA quick_check`` before anything else reads it.

The desk's own connection (:func:`desk.connection.connect_read_write`) keeps SQLite's
defaults, which its full-text-search triggers need.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from desk.errors import DeskError, NotADeskError
from desk.store import connection
from desk.store.foreign_schema import check_schema

#: How many problems ``quick_check`` reports before it stops (one is enough to refuse).
QUICK_CHECK_LIMIT = 5


def harden(conn: sqlite3.Connection) -> None:
    """Set the defensive pragmas on a connection to a file that is not trusted (and SQLite's
    defensive mode where Python can set it, 3.12+: no writes to the schema, no direct
    page writes)."""
    if hasattr(conn, "setconfig") and hasattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE"):
        conn.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA cell_size_check = ON")
    conn.execute("PRAGMA query_only = ON")


def open_foreign(path: str | Path, *, require_desk: bool = True) -> sqlite3.Connection:
    """Open an untrusted SQLite file read-only and defensively, after checking it.

    With ``require_desk`` (the default) the file must be a Claims Desk file that this
    version can read (see :func:`desk.connection.identify`); its schema version is then in
    ``PRAGMA user_version`` of the returned connection. The file's bytes are never changed.
    Raises :class:`DeskError` (a subclass says which problem) with a message for people.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise DeskError(f"{path} does not exist.")
    if require_desk:
        connection.identify(path)
    elif path.is_dir():
        raise NotADeskError(f"{path} is a folder, not a database file.")
    try:
        conn = connection.connect_read_only(path)
    except sqlite3.DatabaseError as exc:
        raise NotADeskError(f"{path.name} is damaged or not a database ({exc}).") from exc
    try:
        harden(conn)
        if require_desk:
            check_schema(conn, path.name, full=True)
            check_wal_belongs(path, conn)
        problems = [row[0] for row in conn.execute(f"PRAGMA quick_check({QUICK_CHECK_LIMIT})")]
    except NotADeskError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise NotADeskError(f"{path.name} is damaged ({exc}).") from exc
    if problems != ["ok"]:
        conn.close()
        raise NotADeskError(f"{path.name} is damaged: {'; '.join(problems)}.")
    return conn


def check_wal_belongs(path: Path, conn: sqlite3.Connection) -> None:
    """Refuse a desk whose ``-wal`` belongs to another desk.

    SQLite applies any journal it finds beside a file (a copied folder may hold a stale or
    another desk's ``-wal``), and a foreign one silently turns the desk into another. The
    desk's id is read with the journal (``conn``) and from the file alone (a hard link, or
    a copy, under another name, so that SQLite finds no journal); they must agree.
    """
    wal = path.with_name(path.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return
    with_journal = _desk_id(conn)
    with tempfile.TemporaryDirectory() as folder:
        alone = Path(folder) / "alone.desk"
        try:
            os.link(path, alone)
        except OSError:
            shutil.copyfile(path, alone)
        other = sqlite3.connect(f"{alone.as_uri()}?immutable=1", uri=True)
        try:
            harden(other)
            check_schema(other, path.name, full=True)
            without = _desk_id(other)
        except sqlite3.DatabaseError:
            without = None  # everything is still in the journal: nothing to compare
        finally:
            other.close()
    if without is not None and without != with_journal:
        raise NotADeskError(f"{path.name} was refused: the journal beside it ({wal.name}) "
                            "belongs to another desk, and reading it would show that desk "
                            "instead. Nothing was read or changed.")


def _desk_id(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM desk_meta WHERE key = 'desk_id'").fetchone()
    return row[0] if row else None


def schema_version(conn: sqlite3.Connection) -> int:
    """The desk format version of an open file (``PRAGMA user_version``)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])
