"""Crafted desks are refused, with one sentence, before any row is read, and left untouched:
a view in place of ``claims``, a trigger that writes, a rewritten guard, a hostile tokenizer,
a table no desk has (in a file from elsewhere), a header claiming 2 GB of pages."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from desk import Desk, NotADeskError
from desk.fieldwork.merge import merge_desks
from desk.model import ArticleDraft
from desk.store import foreign_schema
from desk.store.safe_open import open_foreign


DROP_CLAIMS_TRIGGERS = "-- drop every trigger on claims"


def crafted(path: Path, *sql: str, writable_schema: bool = False) -> Path:
    """A real desk with one article and claim, then changed by ``sql``."""
    with Desk.open(path, editor="crafter") as desk:
        article = desk.add_article(ArticleDraft(title="t", body="Five million people.",
                                                source_file="t.txt")).article_id
        desk.add_claim(article, 0, 12)
    conn = sqlite3.connect(path, isolation_level=None)
    if writable_schema:
        conn.execute("PRAGMA writable_schema = ON")
    for statement in sql:
        if statement == DROP_CLAIMS_TRIGGERS:
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                        "AND tbl_name = 'claims'").fetchall():
                conn.execute(f"DROP TRIGGER {name}")
            continue
        conn.execute(statement)
    conn.execute("PRAGMA journal_mode = DELETE")  # no -wal beside it
    conn.close()
    return path


CRAFTS: dict[str, tuple[tuple[str, ...], bool, str]] = {
    "a view in place of claims": ((
        DROP_CLAIMS_TRIGGERS,
        "ALTER TABLE claims RENAME TO claims_kept",
        "CREATE VIEW claims AS SELECT * FROM claims_kept"), False, "view “claims”"),
    "a trigger that writes": ((
        "CREATE TRIGGER quietly AFTER INSERT ON claims BEGIN DELETE FROM articles; END",),
        False, "trigger “quietly”"),
    "a guard rewritten under its own name": ((
        "DROP TRIGGER claims_status_insert",
        "CREATE TRIGGER claims_status_insert AFTER INSERT ON claims "
        "BEGIN UPDATE claims SET note = 'changed'; END"), False, "trigger “claims_status_insert”"),
    "a hostile tokenizer": ((
        "UPDATE sqlite_master SET sql = replace(sql, 'unicode61 remove_diacritics 2', "
        "'evil_tokenizer') WHERE name = 'articles_fts'",), True, "virtual table “articles_fts”"),
    "another virtual table": ((
        "CREATE VIRTUAL TABLE extra USING fts5(x)",), False, "virtual table “extra”"),
}


@pytest.mark.parametrize("name", CRAFTS)
@pytest.mark.parametrize("how", ["open", "merge", "restore check"])
def test_crafted_desks_are_refused_untouched(name: str, how: str, tmp_path: Path) -> None:
    sql, writable, named = CRAFTS[name]
    path = crafted(tmp_path / "crafted.desk", *sql, writable_schema=writable)
    before = path.read_bytes()
    open_it: dict[str, Callable[[], object]] = {
        "open": lambda: Desk.open(path),
        "merge": lambda: merge_desks(Desk.open(tmp_path / "mine.desk"), [path], backup=False),
        "restore check": lambda: open_foreign(path),
    }
    with pytest.raises(NotADeskError) as refused:
        open_it[how]()
    message = str(refused.value)
    assert named in message and "crafted.desk" in message and message.count(". ") <= 1
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("crafted")) == [
        "crafted.desk"]


def test_a_table_no_desk_has_is_refused_from_elsewhere_but_opens_here(tmp_path: Path) -> None:
    path = crafted(tmp_path / "extra.desk", "CREATE TABLE notes_of_mine (x)")
    with pytest.raises(NotADeskError, match="notes_of_mine"):
        open_foreign(path)
    Desk.open(path).close()  # the user's own desk may hold a table of their own


def test_a_header_claiming_two_gigabytes_of_pages_is_refused(tmp_path: Path) -> None:
    path = crafted(tmp_path / "huge.desk")
    data = bytearray(path.read_bytes())
    data[28:32] = (2 * 1024 ** 3 // 4096).to_bytes(4, "big")
    path.write_bytes(bytes(data))
    for open_it in (Desk.open, open_foreign):
        with pytest.raises(NotADeskError, match="huge.desk"):
            open_it(path)
    assert path.read_bytes() == bytes(data)


def test_new_and_older_desks_pass_the_full_check(tmp_path: Path) -> None:
    Desk.open(tmp_path / "new.desk").close()
    fixtures = Path(__file__).resolve().parents[2] / "fixtures" / "desks"
    for path in [tmp_path / "new.desk", *sorted(fixtures.glob("*.desk"))]:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            foreign_schema.check_schema(conn, path.name, full=True)
        finally:
            conn.close()


def test_the_quick_path_knows_every_trigger_and_virtual_table_of_a_new_desk() -> None:
    """Opening a desk compares with SQL it knows without loading sqlite-utils; when a
    capability adds a trigger, opening still works (through the reference) but pays for
    sqlite-utils: then add the trigger's SQL to foreign_schema."""
    runs_sql = {name: sql for name, (kind, sql) in foreign_schema.reference().items()
                if foreign_schema._runs_sql(kind, sql)}  # noqa: SLF001
    known = foreign_schema.known_sql()
    assert {name: known.get(name) for name in runs_sql} == runs_sql


def test_a_desk_that_joined_a_team_opens(tmp_path: Path) -> None:
    """Its team triggers are not in a new desk; the team module names them."""
    from desk.team import units

    path = crafted(tmp_path / "team.desk")
    with Desk.open(path) as desk:
        with desk.writing():
            units.create_triggers(desk.conn)
    Desk.open(path).close()
    open_foreign(path).close()


def test_a_journal_from_another_desk_is_refused(tmp_path: Path) -> None:
    """SQLite applies any -wal it finds beside a file: another desk's would turn a merge
    input into that desk. (Told by the desk's id: a journal of another desk that does not
    hold the page of ``desk_meta`` is not caught; SQLite itself cannot tell.)"""
    import shutil

    mine, theirs = crafted(tmp_path / "mine.desk"), crafted(tmp_path / "theirs.desk")
    with Desk.open(theirs) as desk:
        desk.conn.execute("PRAGMA wal_autocheckpoint = 0")
        desk.add_article(ArticleDraft(title="x", body="Their text.", source_file="x.txt"))
        desk.set_setting("organisation", "Theirs")  # the page with the desk's id
        shutil.copy(tmp_path / "theirs.desk-wal", tmp_path / "stray")
    with Desk.open(mine) as desk:  # its own live journal is fine
        desk.conn.execute("PRAGMA wal_autocheckpoint = 0")
        desk.add_article(ArticleDraft(title="y", body="My text.", source_file="y.txt"))
        open_foreign(mine).close()
    shutil.copy(tmp_path / "stray", tmp_path / "mine.desk-wal")
    before = mine.read_bytes()
    with pytest.raises(NotADeskError, match="belongs to another desk"):
        open_foreign(mine)
    assert mine.read_bytes() == before


def test_a_trigger_whose_sql_changes_keeps_its_old_sql_accepted() -> None:
    """Desks made by earlier code keep the SQL it wrote: when a trigger's SQL changes, its
    old SQL must go to foreign_schema.FORMER_SQL (else those desks would be refused as
    crafted), then the snapshot (tests/desk/store/schema_sql.json) is rewritten to the new."""
    import json

    snapshot = json.loads((Path(__file__).parent / "schema_sql.json").read_text("utf-8"))
    known = foreign_schema.known_sql()
    changed = [name for name, sql in snapshot.items() if known.get(name) != sql
               and sql not in foreign_schema.FORMER_SQL.get(name, [])]
    assert changed == [], "add their old SQL (in the snapshot) to FORMER_SQL, then refresh it"
    assert set(known) <= set(snapshot), "new triggers: add them to the snapshot"
