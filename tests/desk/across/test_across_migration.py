"""Schema v1 → v2: a desk made by the version-1 code gains ``claim_groups`` and
``claim_changes`` and the across-the-desk features work on it at once."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from desk import ArticleDraft, Desk, across
from desk.store import schema

V1 = Path(__file__).resolve().parents[2] / "fixtures" / "desks" / "v1.desk"


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def test_v1_desk_upgrades_to_v2_with_the_across_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.desk"
    shutil.copyfile(V1, path)
    assert "claim_groups" not in _tables(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1
    with Desk.open(path, editor="tester") as desk:
        assert desk.db.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 2
        # the fixture's two Harlow claims (249 vs nearly 300, UN human rights office)
        groups = across.refresh_groups(desk)
        assert len(groups) == 1 and groups[0].article_count == 2
        assert groups[0].summary() == (
            "seen in 2 articles, first on 2026-03-02 by dailyledger.example")
        found = across.disagreements(desk)
        assert [(d.claim_a.figure, d.claim_b.figure) for d in found] == [
            ("249 civilians", "nearly 300 killed")]
        # the revision made by the v1 code is still there; a new update adds another
        harlow = next(a for a in desk.articles() if a.source_file == "harlow-a.txt")
        assert len(across.revisions(desk, harlow.id)) == 2
        body = harlow.body.replace("249 civilians", "251 civilians")
        result = desk.update_article(ArticleDraft(title=harlow.title, body=body,
                                                  source_file="harlow-a.txt", url=harlow.url))
        assert result.status == "updated"
        assert [(c.old_text, c.new_text) for c in across.latest_changes(desk, harlow.id)] == [
            ("249", "251")]
        assert len(across.revisions(desk, harlow.id)) == 3
    assert {"claim_groups", "claim_changes"} <= _tables(path)


def test_new_desk_has_the_same_tables_as_a_migrated_one(tmp_path: Path) -> None:
    migrated = tmp_path / "old.desk"
    shutil.copyfile(V1, migrated)
    Desk.open(migrated).close()
    Desk.open(tmp_path / "new.desk").close()

    def shape(path: Path) -> dict[str, list[tuple]]:
        conn = sqlite3.connect(path)
        try:
            return {t: conn.execute(f"PRAGMA table_info([{t}])").fetchall()
                    for t in ("claim_groups", "claim_changes")}
        finally:
            conn.close()

    assert shape(migrated) == shape(tmp_path / "new.desk")
