"""Rolling backups: made when asked (window open, update, restore), never by CLI reads;
the newest five kept; each one a whole, sound desk; restore brings one back."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from desk import Desk, DeskError
from desk.cli import run
from desk.trust.backup import KEEP_BACKUPS, backup_dir, list_backups
from desk.trust.check import check_desk
from tests.conftest import article_titled


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _claim_in(desk: Desk, word: str, needle: str):
    article = article_titled(desk, word)
    start = article.body.index(needle)
    return desk.add_claim(article.id, start, start + len(needle), source="UN", tags=["t"])


def test_open_with_backup_flag_copies_the_desk_and_cli_reads_make_none(seeded_desk: Desk,
                                                                       desk_path: Path):
    claim = _claim_in(seeded_desk, "Ukraine", "Ukraine")
    seeded_desk.close()
    for command in (["list", str(desk_path)], ["check", str(desk_path)],
                    ["export", str(desk_path), "-o", str(desk_path.with_suffix(".csv"))]):
        assert run(command) == 0
    Desk.open(desk_path).close()  # a plain open (CLI, worker thread) makes none either
    assert list_backups(desk_path) == []

    with Desk.open(desk_path, backup=True) as desk:
        assert desk.backup_error == ""
        assert desk.last_backup is not None and desk.last_backup.parent == backup_dir(desk_path)
    [info] = list_backups(desk_path)
    assert info.reason == "open" and info.path == desk.last_backup
    assert check_desk(info.path).sound
    assert not Path(f"{info.path}-wal").exists()
    with Desk.open(info.path, read_only=True) as copy:
        assert copy.claim(claim.id).quote == "Ukraine"
        assert copy.counts() == (5, 1)


def test_only_the_newest_five_are_kept(desk: Desk):
    made = [desk.backup("manual") for _ in range(KEEP_BACKUPS + 3)]
    kept = list_backups(desk.path)
    assert [b.path for b in kept] == list(reversed(made))[:KEEP_BACKUPS]
    assert sorted(p.name for p in backup_dir(desk.path).iterdir()) == sorted(
        p.name for p in made[-KEEP_BACKUPS:])


def test_backups_of_two_desks_in_one_folder_are_kept_apart(tmp_path: Path):
    with Desk.open(tmp_path / "a.desk") as a, Desk.open(tmp_path / "a.old.desk") as b:
        for _ in range(KEEP_BACKUPS):
            a.backup()
        b.backup()
        assert len(list_backups(a.path)) == KEEP_BACKUPS
        assert len(list_backups(b.path)) == 1


def test_a_backup_is_consistent_while_another_connection_writes(seeded_desk: Desk):
    other = Desk.open(seeded_desk.path, editor="other")
    try:
        article = seeded_desk.articles()[0]
        other.add_claim(article.id, 0, 5)
        path = seeded_desk.backup()
        with Desk.open(path, read_only=True) as copy:
            assert copy.counts()[1] == 1
    finally:
        other.close()


def test_restore_brings_the_old_content_back_and_backs_up_the_current(seeded_desk: Desk,
                                                                      desk_path: Path):
    kept = _claim_in(seeded_desk, "Ukraine", "Ukraine")
    snapshot = seeded_desk.backup()
    seeded_desk.delete_claim(kept.id)
    later = _claim_in(seeded_desk, "Ukraine", "Russia")
    changes = []
    seeded_desk.subscribe(changes.append)

    safety = seeded_desk.restore_backup(snapshot)

    assert seeded_desk.claim(kept.id).deleted_at is None
    assert [c.id for c in seeded_desk.claims()] == [kept.id]
    assert [c.kind for c in changes] == ["desk_restored"]
    assert check_desk(desk_path).sound
    with Desk.open(safety, read_only=True) as before:
        assert before.claim(later.id).deleted_at is None
        assert before.claim(kept.id).deleted_at is not None
    # the restored desk is still a WAL desk that others can open
    assert sqlite3.connect(desk_path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_cli_restore_of_an_existing_and_of_a_missing_desk(seeded_desk: Desk, desk_path: Path,
                                                          tmp_path: Path, capsys):
    claim = _claim_in(seeded_desk, "Ukraine", "Ukraine")
    snapshot = seeded_desk.backup()
    seeded_desk.update_claim(claim.id, status="false")
    seeded_desk.close()

    assert run(["restore", str(desk_path), str(snapshot)]) == 0
    assert "before is in" in capsys.readouterr().out
    with Desk.open(desk_path) as desk:
        assert desk.claim(claim.id).status == "unchecked"

    fresh = tmp_path / "elsewhere" / "lost.desk"
    fresh.parent.mkdir()
    assert run(["restore", str(fresh), str(snapshot)]) == 0
    with Desk.open(fresh) as desk:
        assert desk.claim(claim.id).quote == "Ukraine"
    assert check_desk(fresh).sound


def test_restore_refuses_a_bad_backup_and_leaves_the_desk_alone(seeded_desk: Desk,
                                                               desk_path: Path,
                                                               tmp_path: Path, capsys):
    _claim_in(seeded_desk, "Ukraine", "Ukraine")
    seeded_desk.close()
    before = _digest(desk_path)
    junk = tmp_path / "junk.desk"
    junk.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE notes (x)")
    for bad in (junk, other, tmp_path / "missing.desk"):
        assert run(["restore", str(desk_path), str(bad)]) == 1
        err = capsys.readouterr().err
        assert bad.name in err and "Traceback" not in err
    assert _digest(desk_path) == before
    with pytest.raises(DeskError, match="itself"):
        Desk.restore_file(desk_path, desk_path)


def test_a_failed_backup_leaves_nothing_and_opening_still_works(seeded_desk: Desk,
                                                               desk_path: Path):
    seeded_desk.close()
    # a file where the backups folder should be: the backup cannot be written
    backup_dir(desk_path).write_text("in the way")
    with Desk.open(desk_path, backup=True) as desk:
        assert desk.last_backup is None
        assert "Could not make a backup" in desk.backup_error
        assert desk.counts()[0] == 5
    with pytest.raises(DeskError, match="backup"):
        with Desk.open(desk_path) as desk:
            desk.import_paths([desk_path.parent], update=True)
    assert backup_dir(desk_path).read_text() == "in the way"


def test_restoring_over_a_damaged_desk_moves_it_aside(seeded_desk: Desk, desk_path: Path,
                                                      tmp_path: Path, capsys):
    claim = _claim_in(seeded_desk, "Ukraine", "Ukraine")
    snapshot = seeded_desk.backup()
    seeded_desk.close()
    data = desk_path.read_bytes()
    desk_path.write_bytes(data[: len(data) // 3])  # truncated: cannot be opened
    damaged = _digest(desk_path)
    with pytest.raises(DeskError, match="truncated"):
        Desk.open(desk_path)

    assert run(["restore", str(desk_path), str(snapshot)]) == 0
    aside = [p for p in desk_path.parent.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and _digest(aside[0]) == damaged  # kept, byte for byte
    assert str(aside[0]) in capsys.readouterr().out
    with Desk.open(desk_path) as desk:
        assert desk.claim(claim.id).quote == "Ukraine"

    other = tmp_path / "accounts.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE ledger (x)")
    conn.commit()
    conn.close()
    before = _digest(other)
    assert run(["restore", str(other), str(snapshot)]) == 1
    assert "another application" in capsys.readouterr().err
    assert _digest(other) == before
