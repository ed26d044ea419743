"""``check``: integrity_check, foreign keys and the desk's invariants; reads, never writes."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from desk import Desk
from desk.cli import run
from desk.trust.check import check_desk
from tests.conftest import article_titled, damage_page


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _desk_with_claims(desk: Desk) -> list[str]:
    article = article_titled(desk, "Ukraine")
    ids = []
    for needle in ("Ukraine", "Russia"):
        start = article.body.index(needle)
        ids.append(desk.add_claim(article.id, start, start + len(needle)).id)
    return ids


def _tamper(path: Path, *sql: str) -> None:
    """Change the file as another tool could: without our guard triggers."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    for trigger in ("claims_span_insert", "claims_span_update", "claims_status_insert",
                    "claims_status_update"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_a_sound_desk_passes_and_the_file_is_not_written(seeded_desk: Desk, desk_path: Path,
                                                        capsys):
    _desk_with_claims(seeded_desk)
    seeded_desk.close()
    before, mtime = _digest(desk_path), desk_path.stat().st_mtime_ns
    assert run(["check", str(desk_path)]) == 0
    out = capsys.readouterr().out
    assert "sound" in out and "integrity check: ok" in out and "2 live claims" in out
    assert _digest(desk_path) == before and desk_path.stat().st_mtime_ns == mtime


def test_check_sees_changes_still_in_the_wal_of_an_open_desk(seeded_desk: Desk):
    _desk_with_claims(seeded_desk)
    report = check_desk(seeded_desk.path)
    assert report.sound, report.problems
    assert any("2 live claims" in fact for fact in report.facts)


def test_a_quote_that_no_longer_matches_is_reported(seeded_desk: Desk, desk_path: Path,
                                                   capsys):
    first, second = _desk_with_claims(seeded_desk)
    seeded_desk.close()
    _tamper(desk_path, f"UPDATE claims SET quote = 'Ukrain' WHERE id = '{first}'",
            f"UPDATE claims SET end_char = 999999 WHERE id = '{second}'")
    assert run(["check", str(desk_path)]) == 1
    out = capsys.readouterr().out
    assert "NOT sound" in out and first in out and second in out


def test_statuses_and_anchor_states_outside_the_vocabulary_are_reported(seeded_desk: Desk,
                                                                       desk_path: Path):
    first, second = _desk_with_claims(seeded_desk)
    seeded_desk.close()
    _tamper(desk_path, f"UPDATE claims SET status = 'done' WHERE id = '{first}'",
            f"UPDATE claims SET anchor_status = 'lost' WHERE id = '{second}'")
    problems = "\n".join(check_desk(desk_path).problems)
    assert "unknown status 'done'" in problems and "unknown anchor status 'lost'" in problems


def test_orphaned_claims_are_exempt_from_the_quote_but_not_from_the_bounds(seeded_desk: Desk,
                                                                          desk_path: Path):
    first, second = _desk_with_claims(seeded_desk)
    seeded_desk.close()
    _tamper(desk_path, f"UPDATE claims SET anchor_status = 'orphaned', quote = 'gone' "
                       f"WHERE id = '{first}'")
    assert check_desk(desk_path).sound
    _tamper(desk_path, f"UPDATE claims SET end_char = 10000000 WHERE id = '{first}'")
    assert "outside the article" in "\n".join(check_desk(desk_path).problems)


def test_deleted_claims_are_not_held_to_the_quote(seeded_desk: Desk, desk_path: Path):
    first, _ = _desk_with_claims(seeded_desk)
    seeded_desk.delete_claim(first)
    seeded_desk.close()
    _tamper(desk_path, f"UPDATE claims SET quote = 'whatever' WHERE id = '{first}'")
    assert check_desk(desk_path).sound


def test_a_broken_foreign_key_is_reported(seeded_desk: Desk, desk_path: Path):
    seeded_desk.close()
    _tamper(desk_path, "INSERT INTO claims (id, article_id, start_char, end_char, quote, "
                       "anchor_status) VALUES ('c1', 'no-such-article', 0, 1, 'x', 'orphaned')")
    problems = check_desk(desk_path).problems
    assert any("claims row" in p and "articles" in p for p in problems), problems


def test_a_damaged_page_fails_the_integrity_check(seeded_desk: Desk, desk_path: Path, capsys):
    _desk_with_claims(seeded_desk)
    seeded_desk.close()
    damage_page(desk_path, "idx_claims_article_id_start_char_end_char")
    assert run(["check", str(desk_path)]) == 1
    out = capsys.readouterr().out
    assert "NOT sound" in out and "Traceback" not in out


def test_files_that_are_not_desks_fail_with_a_message(tmp_path: Path, capsys):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")
    garbage = tmp_path / "garbage.desk"
    garbage.write_bytes(b"\x00\x01 not a database" * 100)
    for path, words in ((other, "another application"), (garbage, "not an SQLite"),
                        (tmp_path / "missing.desk", "does not exist")):
        assert run(["check", str(path)]) == 1
        assert words in capsys.readouterr().out
