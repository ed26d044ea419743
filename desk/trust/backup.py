"""Rolling backups of a desk, and restoring one.

A backup is a consistent copy made with SQLite's online backup API (never a file copy, which
could catch a half-written page), written to a temporary name, flushed to disk and then
renamed, so that a backup file is always whole. Backups go to a ``backups`` folder beside
the desk, named ``<desk name>.<UTC time>.<reason>.desk``::

    newsroom.desk
    backups/newsroom.20261125T190512345Z.open.desk

Each backup is a self-contained desk file (rollback journal, no ``-wal``) that Claims Desk,
sqlite-utils or Datasette can open. Only the newest :data:`KEEP_BACKUPS` of each desk are
kept. A backup is made when the window opens a desk and before every migration, merge,
restore and ``import --update``; plain command-line reads (``list``, ``check``, ``export``)
make none.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from desk.errors import DeskError, NotADeskError
from desk.store import connection, safe_open
from desk.store.schema import APPLICATION_ID

if TYPE_CHECKING:
    from desk.facade import Desk

#: The folder beside the desk that holds its backups.
BACKUP_DIR_NAME = "backups"
#: How many backups of each desk are kept (the oldest beyond this are removed).
KEEP_BACKUPS = 5
#: Why a backup was made (part of its file name).
REASONS = frozenset({"open", "migrate", "merge", "restore", "update", "manual"})

_STAMP = "%Y%m%dT%H%M%S"


@dataclass(frozen=True)
class BackupInfo:
    """One backup file: where it is, when and why it was made, its size in bytes."""

    path: Path
    created_at: str
    reason: str
    size: int


def backup_dir(desk_path: str | Path) -> Path:
    """The ``backups`` folder beside a desk."""
    return Path(desk_path).expanduser().resolve().parent / BACKUP_DIR_NAME


def _pattern(desk_path: Path) -> re.Pattern[str]:
    stem = re.escape(desk_path.stem)
    return re.compile(rf"^{stem}\.(\d{{8}}T\d{{9}}Z)(?:-(\d+))?\.([a-z]+)\.desk$")


def list_backups(desk_path: str | Path) -> list[BackupInfo]:
    """The backups of a desk, newest first."""
    desk_path = Path(desk_path).expanduser().resolve()
    folder = backup_dir(desk_path)
    if not folder.is_dir():
        return []
    pattern = _pattern(desk_path)
    found = []
    for entry in folder.iterdir():
        match = pattern.match(entry.name)
        if not match or not entry.is_file():
            continue
        stamp = match.group(1)
        created = (f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:"
                   f"{stamp[13:15]}.{stamp[15:18]}Z")
        found.append((stamp, int(match.group(2) or 0),
                      BackupInfo(entry, created, match.group(3), entry.stat().st_size)))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [item[2] for item in found]


def backup_connection(conn: sqlite3.Connection, desk_path: str | Path, reason: str, *,
                      prune: bool = True) -> Path:
    """Copy the database behind ``conn`` into the desk's ``backups`` folder; return its path.

    Raises :class:`DeskError` (nothing partial is left) when the copy cannot be written,
    for example on a full disk or in a folder that cannot be written.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    desk_path = Path(desk_path).expanduser().resolve()
    folder = backup_dir(desk_path)
    target = _new_name(desk_path, folder, reason)
    tmp = folder / f".{target.name}.tmp"
    try:
        folder.mkdir(exist_ok=True)
        _remove(tmp)
        dest = sqlite3.connect(str(tmp))
        try:
            conn.backup(dest)
            # A backup is one self-contained file: no -wal beside it.
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        _fsync_dir(folder)
    except (OSError, sqlite3.Error) as exc:
        _remove(tmp)
        _remove(folder / f"{tmp.name}-journal")
        reason_text = getattr(exc, "strerror", None) or str(exc)
        raise DeskError(
            f"Could not make a backup of {desk_path.name} in {folder}: {reason_text}."
        ) from exc
    if prune:
        prune_backups(desk_path)
    return target


def prune_backups(desk_path: str | Path, keep: int = KEEP_BACKUPS) -> list[Path]:
    """Remove all but the newest ``keep`` backups of a desk; return the removed files."""
    removed = []
    for info in list_backups(desk_path)[keep:]:
        try:
            info.path.unlink()
            removed.append(info.path)
        except OSError:
            pass
    return removed


def restore_into(conn: sqlite3.Connection, desk_path: str | Path,
                 backup_path: str | Path) -> tuple[int, Path | None]:
    """Replace the database behind ``conn`` with the backup at ``backup_path``.

    The backup is opened defensively (:func:`desk.safe_open.open_foreign`: it must be a
    sound desk this version reads) and the current desk is itself backed up first (reason
    ``restore``). The copy goes through SQLite's backup API in one step, so other
    connections see either the old desk or the restored one. Returns the restored file's
    schema version (the caller migrates an older one) and the safety backup's path.
    """
    backup_path = Path(backup_path).expanduser().resolve()
    source = safe_open.open_foreign(backup_path)
    try:
        version = safe_open.schema_version(source)
        safety = backup_connection(conn, desk_path, "restore", prune=False)
        try:
            source.backup(conn)
        except sqlite3.Error as exc:
            raise DeskError(
                f"Could not restore {backup_path.name}: {exc}. The desk was backed up first "
                f"to {safety}."
            ) from exc
    finally:
        source.close()
    prune_backups(desk_path)
    return version, safety


def restore_file(desk_path: str | Path, backup_path: str | Path,
                 open_desk: Callable[[Path], Desk]) -> Path | None:
    """Restore the desk at ``desk_path`` from a backup (``python main.py restore``); use
    :meth:`Desk.restore_file`, which passes its own ``open_desk``.

    The backup is checked first. An existing desk is backed up and that backup's path is
    returned. A damaged desk (one that cannot be opened) is moved aside, never deleted, to
    ``<name>.damaged-<time>`` and that path is returned; another application's database is
    refused. A missing desk is created from the backup (None is returned). An older backup
    is migrated.
    """
    desk_path = Path(desk_path).expanduser()
    backup_path = Path(backup_path).expanduser()
    if not backup_path.is_file():
        raise DeskError(f"{backup_path} does not exist.")
    if desk_path.exists() and desk_path.resolve() == backup_path.resolve():
        raise DeskError("A desk cannot be restored from itself.")
    safe_open.open_foreign(backup_path).close()
    aside = None
    if desk_path.exists() and desk_path.stat().st_size > 0:
        try:
            desk = open_desk(desk_path)
        except NotADeskError as exc:
            if _other_application(desk_path):
                raise DeskError(f"{desk_path.name} is another application's database; it was "
                                "not replaced. Restore to another file name.") from exc
            aside = _move_aside(desk_path)
        else:
            with desk:
                return desk.restore_backup(backup_path)
    source = safe_open.open_foreign(backup_path)
    tmp = desk_path.with_name(f".{desk_path.name}.restoring")
    try:
        dest = sqlite3.connect(str(tmp))
        try:
            source.backup(dest)
        finally:
            dest.close()
        os.replace(tmp, desk_path)
    except (OSError, sqlite3.Error) as exc:
        _remove(tmp)
        raise DeskError(f"Could not create {desk_path.name} from the backup: {exc}.") from exc
    finally:
        source.close()
    open_desk(desk_path).close()  # migrates an older backup and sets the desk's pragmas
    return aside


def _other_application(path: Path) -> bool:
    """Whether ``path`` is a readable SQLite database marked by another application."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError:
        return False
    if not header.startswith(connection.SQLITE_HEADER) or len(header) < 72:
        return False
    app_id = int.from_bytes(header[68:72], "big")
    if app_id == APPLICATION_ID:
        return False
    try:
        conn = connection.connect_read_only(path)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False  # not readable: a damaged file, whoever wrote it
    return app_id != 0 or not {"articles", "claims"} <= tables


def _move_aside(desk_path: Path) -> Path:
    """Rename a damaged desk (and its WAL side files) out of the way; return its new path."""
    stamp = datetime.now(timezone.utc).strftime(_STAMP) + "Z"
    aside = desk_path.with_name(f"{desk_path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = desk_path.with_name(desk_path.name + suffix)
        if source.exists():
            os.replace(source, aside.with_name(aside.name + suffix))
    return aside


def _new_name(desk_path: Path, folder: Path, reason: str) -> Path:
    now = datetime.now(timezone.utc)
    stamp = now.strftime(_STAMP) + f"{now.microsecond // 1000:03d}Z"
    name = f"{desk_path.stem}.{stamp}.{reason}.desk"
    count = 0
    while (folder / name).exists():
        count += 1
        name = f"{desk_path.stem}.{stamp}-{count}.{reason}.desk"
    return folder / name


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
