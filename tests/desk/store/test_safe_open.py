"""Files from elsewhere (merge inputs, backups to restore) are opened defensively."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from desk import Desk, DeskError, NotADeskError
from desk.store.safe_open import open_foreign


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_sound_desk_opens_read_only_with_defensive_settings(seeded_desk: Desk):
    seeded_desk.close()
    before = _digest(seeded_desk.path)
    conn = open_foreign(seeded_desk.path)
    try:
        assert conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
        assert conn.execute("PRAGMA query_only").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("DELETE FROM articles")
    finally:
        conn.close()
    assert _digest(seeded_desk.path) == before


def test_schema_code_cannot_call_functions_with_side_effects(seeded_desk: Desk):
    """A crafted view calling an application function is refused, not run: the schema check
    refuses the desk, and below it (``require_desk=False``) trusted_schema=OFF."""
    seeded_desk.close()
    conn = sqlite3.connect(seeded_desk.path)
    conn.execute("CREATE VIEW innocent AS SELECT leak(title) FROM articles")
    conn.commit()
    conn.close()
    with pytest.raises(NotADeskError, match="view “innocent”"):
        open_foreign(seeded_desk.path)
    calls: list[str] = []
    foreign = open_foreign(seeded_desk.path, require_desk=False)
    try:
        foreign.create_function("leak", 1, lambda value: calls.append(value))
        with pytest.raises(sqlite3.OperationalError, match="unsafe use of leak"):
            foreign.execute("SELECT * FROM innocent").fetchall()
    finally:
        foreign.close()
    assert calls == []


def test_a_damaged_desk_fails_the_quick_check_untouched(seeded_desk: Desk):
    seeded_desk.close()
    path = seeded_desk.path
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'claims'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size:root * page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))
    before = _digest(path)
    with pytest.raises(NotADeskError, match="damaged"):
        open_foreign(path)
    assert _digest(path) == before


def test_other_files_are_refused(tmp_path: Path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")
    with pytest.raises(NotADeskError, match="another application"):
        open_foreign(other)
    assert open_foreign(other, require_desk=False).execute("SELECT count(*) FROM t").fetchone()
    with pytest.raises(DeskError, match="does not exist"):
        open_foreign(tmp_path / "missing.desk")
    with pytest.raises(NotADeskError, match="folder"):
        open_foreign(tmp_path, require_desk=False)


@pytest.mark.skipif(not hasattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE"),
                    reason="Python < 3.12 cannot set SQLite's defensive mode")
def test_files_from_elsewhere_are_read_in_defensive_mode(seeded_desk: Desk):
    seeded_desk.close()
    foreign = open_foreign(seeded_desk.path)
    try:
        assert foreign.getconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE)
    finally:
        foreign.close()
