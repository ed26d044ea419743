"""``claim_edits`` as a WITHOUT ROWID table (desk/store/schema_v4.py
``claim_edits_without_rowid``): new and migrated desks have it, the step is idempotent and
keeps every record, and desks made before it (a rowid ``claim_edits``) still open, pass the
full check and merge either way with the same result."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from desk import Desk
from desk.fieldwork.merge import merge_desks
from desk.store import foreign_schema
from desk.store.schema_v4 import claim_edits_without_rowid
from desk.store.safe_open import open_foreign
from tests.desk.fieldwork.test_merge import copy_desk, dump, field_work, office  # noqa: F401
from tests.desk.fieldwork.test_merge_bulk import frozen_clock, newsroom  # noqa: F401

ROWID_SQL = """CREATE TABLE "claim_edits" (
   "claim_id" TEXT REFERENCES "claims"("id"),
   "field" TEXT,
   "edited_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
   "editor" TEXT NOT NULL DEFAULT '',
   PRIMARY KEY ("claim_id", "field")
)"""


def table_sql(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT sql FROM sqlite_master WHERE name = 'claim_edits'").fetchone()[0]
    finally:
        conn.close()


def with_rowid_edits(path: Path) -> None:
    """Turn a closed desk's ``claim_edits`` back into the rowid table desks had before."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute(ROWID_SQL.replace('"claim_edits"', "old_edits", 1))
        conn.execute("INSERT INTO old_edits SELECT * FROM claim_edits")
        conn.execute("DROP TABLE claim_edits")
        conn.execute("ALTER TABLE old_edits RENAME TO claim_edits")
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_a_new_desk_keeps_edit_records_without_rowid(tmp_path: Path) -> None:
    Desk.open(tmp_path / "new.desk").close()
    assert "WITHOUT ROWID" in table_sql(tmp_path / "new.desk")
    conn = sqlite3.connect(tmp_path / "new.desk")
    names = {row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE tbl_name = 'claim_edits'")}
    conn.close()
    assert names == {"claim_edits"}  # no second b-tree for the key


def test_the_step_keeps_records_triggers_and_is_idempotent(tmp_path: Path) -> None:
    from desk.team import units

    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    db.execute("CREATE TABLE claims (id TEXT PRIMARY KEY)")
    db.execute(ROWID_SQL)
    db.execute("CREATE TABLE team_pending (kind TEXT NOT NULL, id TEXT NOT NULL, "
               "PRIMARY KEY (kind, id)) WITHOUT ROWID")
    for sql in units.trigger_sql():
        if "ON claim_edits" in sql:
            db.execute(sql)
    rows = [(f"c{n}", field, f"2026-01-0{n % 9 + 1}T00:00:00.000Z", "ana")
            for n in range(50) for field in ("status", "note")]
    db.conn.executemany("INSERT INTO claim_edits VALUES (?, ?, ?, ?)", rows)
    triggers = sorted(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    claim_edits_without_rowid(db)
    once = db.execute("SELECT sql FROM sqlite_master WHERE name = 'claim_edits'").fetchone()[0]
    claim_edits_without_rowid(db)
    assert "WITHOUT ROWID" in once
    assert db.execute("SELECT sql FROM sqlite_master WHERE name = 'claim_edits'").fetchone()[0] \
        == once
    assert sorted(db.execute("SELECT * FROM claim_edits")) == sorted(rows)
    assert sorted(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")) \
        == triggers
    db.execute("INSERT INTO claim_edits VALUES ('c99', 'status', '2026-02-01T00:00:00.000Z', '')")
    assert db.execute("SELECT id FROM team_pending WHERE id = 'c99'").fetchone() == ("c99",)


def test_a_table_with_a_record_no_key_can_hold_is_left_as_it_was() -> None:
    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    db.execute("CREATE TABLE claims (id TEXT PRIMARY KEY)")
    db.execute(ROWID_SQL)
    db.execute("INSERT INTO claim_edits VALUES (NULL, 'status', '2026-01-01T00:00:00.000Z', '')")
    claim_edits_without_rowid(db)
    assert "WITHOUT ROWID" not in db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'claim_edits'").fetchone()[0]
    assert db.execute("SELECT count(*) FROM claim_edits").fetchone()[0] == 1


def test_desks_from_before_open_pass_the_check_and_merge_the_same(
        office: dict, tmp_path: Path, frozen_clock) -> None:  # noqa: F811
    """An office desk and laptops from before (rowid) and after (keyed) in every mix: the
    merged tables are the same rows."""
    work = field_work(office, tmp_path)
    files = [work[name] for name in ("ana", "ben", "cat")]
    files.append(newsroom(tmp_path / "newsroom.desk")["path"])  # new claims, copied in bulk
    results = []
    for old_desk, old_laptops in ((False, False), (True, False), (False, True), (True, True)):
        folder = tmp_path / f"mix-{old_desk}-{old_laptops}"
        folder.mkdir()
        target = copy_desk(office["path"], folder / "office.desk")
        laptops = [copy_desk(path, folder / path.name) for path in files]
        for path, old in [(target, old_desk)] + [(p, old_laptops) for p in laptops]:
            if old:
                with_rowid_edits(path)
                assert "WITHOUT ROWID" not in table_sql(path)
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
                foreign_schema.check_schema(conn, path.name, full=True)
                conn.close()
                open_foreign(path).close()
        with Desk.open(target, editor="lead") as desk:
            merge_desks(desk, laptops, backup=False)
        results.append(dump(target))
    assert all(result == results[0] for result in results[1:])
    assert results[0]["claim_edits"]
