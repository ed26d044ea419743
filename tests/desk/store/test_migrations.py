"""Schema migrations: every fixture desk of an earlier version (``tests/fixtures/desks/
v<N>*.desk``) upgrades to the current version with a backup first, keeps all its data and
passes ``check``; a migration that fails leaves the desk as it was."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from desk import ArticleDraft, Desk, DeskError
from desk.cli import run
from desk.store import schema
from desk.trust.backup import list_backups
from desk.trust.check import check_desk

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "desks"
DESKS = sorted(FIXTURES.glob("v*.desk"))
#: Tables whose rows a migration must carry over unchanged.
KEPT_TABLES = ("desk_meta", "articles", "claims", "claim_edits", "tags", "claims_tags",
               "article_revisions", "merge_conflicts", "dismissed_suggestions")


def _version_of(path: Path) -> int:
    return int(re.match(r"v(\d+)", path.name).group(1))


def _columns(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {t: [r[1] for r in conn.execute(f"PRAGMA table_info([{t}])")] for t in KEPT_TABLES}
    finally:
        conn.close()


def _rows(path: Path, columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """The rows of the kept tables (of their ``columns`` only: those of the desk before its
    upgrade, which may add columns, as format 5 added ``claims.review_url``)."""
    columns = columns or _columns(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {t: sorted(map(repr, conn.execute(
                    f"SELECT {', '.join(f'[{c}]' for c in columns[t])} FROM [{t}]")))
                for t in KEPT_TABLES if t in tables and columns[t]}
    finally:
        conn.close()


def test_there_is_a_fixture_desk_for_every_earlier_version():
    versions = {_version_of(path) for path in DESKS}
    missing = set(range(1, schema.SCHEMA_VERSION)) - versions
    assert not missing, f"add a fixture desk made by the code of version(s) {sorted(missing)}"
    assert max(versions) <= schema.SCHEMA_VERSION


@pytest.mark.parametrize("fixture", DESKS, ids=[p.name for p in DESKS])
def test_each_fixture_upgrades_with_a_backup_and_keeps_its_data(fixture: Path, tmp_path: Path):
    path = tmp_path / fixture.name
    shutil.copyfile(fixture, path)
    version = _version_of(fixture)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == version
    before, columns = _rows(path), _columns(path)
    assert check_desk(path).sound

    with Desk.open(path) as desk:
        assert desk.db.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        claims = desk.claims(include_deleted=True)
        assert claims, "a fixture desk should hold claims"
        for claim in claims:
            if claim.deleted_at is None and claim.anchor_status != "orphaned":
                body = desk.article(claim.article_id).body
                assert body[claim.start_char:claim.end_char] == claim.quote
        # the upgraded desk is fully usable
        article = desk.articles()[0]
        added = desk.add_claim(article.id, 0, 5, tags=["after-migration"])
        desk.update_claim(added.id, status="verified", review_url="https://example.org/c")
    report = check_desk(path)
    assert report.sound, report.problems
    assert f"desk format version {schema.SCHEMA_VERSION}" in report.facts

    after = _rows(path, columns)
    for table, rows in before.items():
        if table in ("claims", "claim_edits", "tags", "claims_tags"):
            assert set(rows) <= set(after[table]), table  # only our new claim was added
        else:
            assert after[table] == rows, table
    backups = list_backups(path)
    if version < schema.SCHEMA_VERSION:
        [backup] = backups
        assert backup.reason == "migrate"
        assert sqlite3.connect(backup.path).execute("PRAGMA user_version").fetchone()[0] == version
        assert _rows(backup.path) == before
    else:
        assert backups == []


@pytest.mark.parametrize("fixture", [p for p in DESKS if _version_of(p) < schema.SCHEMA_VERSION]
                         or [pytest.param(None, marks=pytest.mark.skip(
                             reason="no desk format older than the current one yet"))])
def test_an_older_desk_opened_read_only_is_refused_untouched(fixture: Path, tmp_path: Path):
    path = tmp_path / fixture.name
    shutil.copyfile(fixture, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DeskError, match="older desk format"):
        Desk.open(path, read_only=True)
    assert run(["list", str(path)]) == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_a_failing_migration_step_leaves_the_desk_as_it_was(tmp_path: Path, monkeypatch):
    """A real desk, a migration step that breaks half-way: nothing of it stays."""
    path = tmp_path / "current.desk"
    with Desk.open(path) as desk:
        desk.add_article(ArticleDraft("T", "T\n\nText 12.", "t.txt"))
    current = schema.SCHEMA_VERSION

    def broken_step(db) -> None:
        db.execute("CREATE TABLE half_done (x)")
        db.execute("UPDATE articles SET title = 'changed'")
        db.execute("SELECT no_such_function()")

    monkeypatch.setattr(schema, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr("desk.store.connection.SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(schema.MIGRATIONS, current, broken_step)
    with pytest.raises(DeskError, match="could not be upgraded"):
        Desk.open(path)
    monkeypatch.undo()

    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == current
    assert conn.execute("SELECT title FROM articles").fetchone()[0] == "T"
    assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchall()
    conn.close()
    assert [b.reason for b in list_backups(path)] == ["migrate"]
    assert check_desk(path).sound


@pytest.mark.parametrize("fixture", DESKS, ids=[p.name for p in DESKS])
def test_an_upgraded_desk_has_the_schema_of_a_new_one(fixture: Path, tmp_path: Path):
    """Tables, indexes and triggers: a migration ends where creating a desk starts."""
    def schema_of(path: Path) -> set[tuple[str, str]]:
        conn = sqlite3.connect(path)
        try:
            return {(kind, name) for kind, name in conn.execute(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
        finally:
            conn.close()

    path = tmp_path / fixture.name
    shutil.copyfile(fixture, path)
    Desk.open(path).close()
    Desk.open(tmp_path / "new.desk").close()
    assert schema_of(path) == schema_of(tmp_path / "new.desk")
