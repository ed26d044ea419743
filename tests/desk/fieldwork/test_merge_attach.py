"""The merge's set-based copy from the other file attached read-only: the file is never
written, the connection is left as it was, and a file whose tables are not plain tables is
merged the Python way with the same result."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from pathlib import Path

import pytest

from desk import Desk, NotADeskError
from desk.fieldwork import merge_attach, merge_file
from desk.fieldwork.merge import merge_desks
from tests.desk.fieldwork.test_merge import office  # noqa: F401 - a fixture
from tests.desk.fieldwork.test_merge_bulk import everything, frozen_clock, newsroom  # noqa: F401


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_other_file_is_attached_read_only_and_detached_after(office: dict,  # noqa: F811
                                                                  tmp_path: Path,
                                                                  monkeypatch) -> None:
    news = newsroom(tmp_path / "news desk #1?.desk")  # characters a URI must escape
    before = digest(news["path"])
    seen: list[dict] = []
    real = merge_attach.attached

    def spying(conn, paths):
        with real(conn, paths) as schemas:
            seen.append(dict(schemas))
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                conn.execute(f"DELETE FROM {schemas[paths[0]]}.claims")
            conn.rollback()  # sqlite3 began a transaction for the DELETE
            yield schemas

    monkeypatch.setattr("desk.fieldwork.merge.attached", contextlib.contextmanager(spying))
    with Desk.open(office["path"], editor="lead") as desk:
        merge_desks(desk, [news["path"]], backup=False)
        assert [row[1] for row in desk.db.execute("PRAGMA database_list")] in (
            ["main"], ["main", "temp"])
        assert not desk.db.execute("SELECT name FROM temp.sqlite_master").fetchall()
        assert desk.db.execute("PRAGMA trusted_schema").fetchone()[0] == 1
        assert desk.claim(news["ships"]).tags == ["shipping"]
    assert list(seen[0].values()) == ["merge_other_0"]
    assert digest(news["path"]) == before


def test_a_file_whose_tables_are_views_is_neither_attached_nor_merged(
        office: dict, tmp_path: Path, frozen_clock) -> None:  # noqa: F811
    """Only plain tables are read in SQL, so a view where a table should be is not attached;
    and a desk with a view is refused before any row is read (desk/store/foreign_schema.py:
    a crafted desk), leaving the desk that would receive it unchanged."""
    news = newsroom(tmp_path / "newsroom.desk")
    odd = tmp_path / "odd.desk"
    odd.write_bytes(news["path"].read_bytes())
    conn = sqlite3.connect(odd)
    conn.execute("ALTER TABLE tags RENAME TO tag_rows")
    conn.execute("CREATE VIEW tags AS SELECT * FROM tag_rows")
    conn.commit()
    conn.close()
    target = tmp_path / "office.desk"
    target.write_bytes(office["path"].read_bytes())
    before = everything(target)
    with Desk.open(target, editor="lead") as desk:
        with merge_attach.attached(desk.db.conn, [odd]) as schemas:
            assert not schemas
        with pytest.raises(NotADeskError, match="view “tags”"):
            merge_desks(desk, [odd], backup=False)
    assert everything(target) == before


def test_without_an_attached_file_the_merge_is_the_same(office: dict,  # noqa: F811
                                                        tmp_path: Path, monkeypatch,
                                                        frozen_clock) -> None:  # noqa: F811
    """More files than SQLite attaches at once: the rest merge the Python way."""
    monkeypatch.setattr(merge_attach, "MAX_ATTACHED", 0)
    news = newsroom(tmp_path / "newsroom.desk")
    attached_none = []
    real_init = merge_file.FileMerge.__init__

    def init(step, *args, **kwargs):
        real_init(step, *args, **kwargs)
        attached_none.append(step.attached is None)

    monkeypatch.setattr(merge_file.FileMerge, "__init__", init)
    with Desk.open(office["path"], editor="lead") as desk:
        summary = merge_desks(desk, [news["path"]], backup=False)
    assert attached_none == [True]
    assert summary.claims_added == 4


def test_the_across_marks_made_at_once_are_the_triggers_marks(office: dict, tmp_path: Path,  # noqa: F811
                                                              monkeypatch) -> None:
    """The claims copied in bulk are marked for the across index and their groups' summaries
    by one statement each (merge_attach.ACROSS_MARKS) instead of a trigger per row: the same
    marks as the triggers make, and the triggers are back as they were."""
    news = newsroom(tmp_path / "newsroom.desk")
    results = []
    for marks in (merge_attach.ACROSS_MARKS, {}):
        monkeypatch.setattr(merge_attach, "ACROSS_MARKS", marks)
        target = tmp_path / f"office-{len(marks)}.desk"
        target.write_bytes(office["path"].read_bytes())
        with Desk.open(target, editor="lead") as desk:
            desk.conn.execute("PRAGMA foreign_keys = OFF")  # a group row left behind for a
            with desk.writing():                            # claim id the other file brings
                desk.conn.execute("INSERT INTO claim_groups (claim_id, group_id, how, editor, "
                                  "updated_at) VALUES (?, 'g-stale', 'quote', '', '')",
                                  [news["hectares"]])
                desk.conn.execute("DELETE FROM across_pending")
                desk.conn.execute("DELETE FROM across_groups_dirty")
            desk.conn.execute("PRAGMA foreign_keys = ON")
            triggers = sorted(desk.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
            merge_desks(desk, [news["path"]], backup=False)
            assert sorted(desk.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")) == triggers
            results.append((sorted(desk.conn.execute("SELECT * FROM across_pending")),
                            sorted(desk.conn.execute("SELECT * FROM across_groups_dirty"))))
    assert results[0] == results[1]
    assert len(results[0][0]) >= 5 and ("g-stale",) in results[0][1]


def test_a_mark_trigger_unlike_a_desks_own_is_left_to_run(office: dict) -> None:  # noqa: F811
    with Desk.open(office["path"], editor="lead") as desk:
        with desk.writing():
            desk.conn.execute("DROP TRIGGER across_claim_added")
            desk.conn.execute("CREATE TRIGGER across_claim_added AFTER INSERT ON claims BEGIN "
                              "INSERT OR IGNORE INTO across_pending (claim_id) "
                              "VALUES ('seen ' || NEW.id); END")
        assert merge_attach._known_marks(desk.conn) == ["across_groups_claim_added"]  # noqa: SLF001
        with desk.writing():
            desk.conn.execute("DROP TRIGGER across_claim_added")
            desk.conn.execute(  # back to the desk's own, so that it opens again
                merge_attach.known_sql()["across_claim_added"])
        assert sorted(merge_attach._known_marks(desk.conn)) == sorted(  # noqa: SLF001
            merge_attach.ACROSS_MARKS)
