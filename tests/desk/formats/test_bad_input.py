"""Bad input gets a clear message and loses nothing (issue "Trust"), through the core and CLI.

Permission cases: the tests run as root, where file modes change nothing, so they fork and
drop to the unprivileged ``nobody`` user (``os.setuid``) — ``runuser -u nobody`` cannot be
used because the interpreter may live where ``nobody`` cannot read it (``/root/.pyenv``).
Full disk: a small ``tmpfs`` is mounted when the test may mount (root with the privilege);
the same cases also run under ``RLIMIT_FSIZE``, which needs no privilege.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import importlib
import io
import os
import pkgutil
import random
import sqlite3
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desk import Desk, DeskError, ExportError, ReadOnlyDeskError
from desk.cli import run
from desk.text.textio import MAX_IMPORT_BYTES
from desk.trust.check import check_desk
from tests.conftest import SEEDS, article_titled, damage_page

ROOT = Path(__file__).resolve().parents[3]
NOBODY = 65534


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def _claim(desk: Desk, needle: str, word: str = "Ukraine", **fields):
    article = article_titled(desk, word)
    start = article.body.index(needle)
    return desk.add_claim(article.id, start, start + len(needle), **fields)


# -- files that are not (readable) desks ----------------------------------------------------

def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(4).randbytes(20000))


def _truncated(path: Path) -> None:
    with Desk.open(path) as desk:
        desk.import_path(SEEDS)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _other_application(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.commit()
    conn.close()


def _newer_version(path: Path) -> None:
    Desk.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()


def _schema_quoting_bytes_that_are_not_utf8(path: Path) -> None:
    """Damage SQLite reports with a message quoting raw bytes (seen with a stale -wal file
    left beside a copied desk), which Python's sqlite3 cannot decode."""
    Desk.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET name = CAST(X'0a8a9a22' AS TEXT), "
                 "sql = 'CREATE TABLE broken(' WHERE name = 'tags'")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(("make", "words"), [
    (_random_bytes, "not an SQLite database"),
    (_schema_quoting_bytes_that_are_not_utf8, "damaged"),
    (_truncated, "truncated"),
    (_other_application, "another application"),
    (_newer_version, "newer version"),
])
def test_files_that_cannot_be_opened_are_refused_and_left_untouched(
        tmp_path: Path, make: Callable[[Path], None], words: str):
    path = tmp_path / "bad.desk"
    make(path)
    before = _digest(path)
    for read_only in (False, True):
        with pytest.raises(DeskError, match=words):
            Desk.open(path, read_only=read_only, backup=True)
    for command in ("list", "export", "import", "check"):
        argv = [command, path] + ([SEEDS] if command == "import" else [])
        code, out, err = _cli(*argv)
        assert code == 1, command
        assert words in out + err and "Traceback" not in out + err
    assert _digest(path) == before
    # nothing else is written: at most SQLite's empty side files of a WAL database
    others = {p.name for p in tmp_path.iterdir()} - {"bad.desk", "bad.desk-shm"}
    assert others <= {"bad.desk-wal"}
    assert all((tmp_path / name).stat().st_size == 0 for name in others)


# -- read-only desks and permissions ---------------------------------------------------------

def test_a_desk_opened_read_only_reads_but_refuses_every_change(seeded_desk: Desk,
                                                                desk_path: Path,
                                                                tmp_path: Path):
    claim = _claim(seeded_desk, "Ukraine")
    backup = seeded_desk.backup()
    seeded_desk.close()
    before = _digest(desk_path)
    with Desk.open(desk_path, read_only=True) as desk:
        assert desk.read_only and desk.counts() == (5, 1)
        article = desk.article(claim.article_id)
        story = tmp_path / "story.txt"
        story.write_text("A story\n\nWith text.", encoding="utf-8")
        attempts = [
            lambda: desk.add_claim(article.id, 0, 3),
            lambda: desk.update_claim(claim.id, status="verified"),
            lambda: desk.delete_claim(claim.id),
            lambda: desk.import_paths([story]),
            lambda: desk.import_paths([story], update=True),
            lambda: desk.reattach_claim(claim.id, 0, 3),
            lambda: desk.accept_anchor(claim.id),
            lambda: desk.restore_backup(backup),
            lambda: desk.set_setting("default_editor", "x"),
        ]
        for attempt in attempts:
            with pytest.raises(ReadOnlyDeskError, match="read-only"):
                attempt()
    assert _digest(desk_path) == before


def _as_nobody(action: Callable[[], None]) -> None:
    """Run ``action`` in a forked child that has dropped root for ``nobody``."""
    if os.geteuid() != 0:
        action()  # not root: file modes already apply
        return
    # ``nobody`` may be unable to read the code (a clone under /root): import it all first
    import desk as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"desk.{module.name}")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        os.close(read_end)
        status = 0
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            action()
        except BaseException:  # noqa: BLE001 - reported to the parent
            os.write(write_end, traceback.format_exc().encode())
            status = 1
        os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        report = pipe.read().decode(errors="replace")
    _, wait_status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(wait_status) == 0, report


@pytest.fixture
def locked_folder() -> Iterator[Path]:
    """A folder (and desk) that root owns and ``nobody`` may read but not write."""
    folder = Path(tempfile.mkdtemp(prefix="claims-desk-ro-", dir="/tmp"))
    try:
        with Desk.open(folder / "locked.desk", editor="root") as desk:
            desk.import_path(SEEDS)
            _claim(desk, "Ukraine", source="UN")
        (folder / "out").mkdir()
        for path in (folder, folder / "out"):
            path.chmod(0o755)
        (folder / "locked.desk").chmod(0o644)
        yield folder
    finally:
        subprocess.run(["rm", "-rf", str(folder)], check=False)


def test_a_desk_that_cannot_be_written_opens_read_only_for_an_unprivileged_user(
        locked_folder: Path):
    desk_path = locked_folder / "locked.desk"
    before = _digest(desk_path)

    def action() -> None:
        with Desk.open(desk_path, backup=True) as desk:
            assert desk.read_only, "a file this user cannot write must open read-only"
            assert desk.counts() == (5, 1) and desk.last_backup is None
            with pytest.raises(ReadOnlyDeskError):
                desk.update_claim(desk.claims()[0].id, status="false")
            with pytest.raises(ExportError, match="Cannot write"):
                desk.export_csv(locked_folder / "out" / "claims.csv")
        code, out, _ = _cli("list", desk_path)
        assert code == 0 and "5 articles, 1 claims" in out
        code, out, _ = _cli("check", desk_path)
        assert code == 0 and "sound" in out
        code, _, err = _cli("export", desk_path, "-o", locked_folder / "out" / "claims.csv")
        assert code == 1 and "Cannot write" in err and "Traceback" not in err
        with pytest.raises(DeskError, match="cannot be written"):
            Desk.open(locked_folder / "new.desk")
        code, _, err = _cli("import", locked_folder / "new.desk", SEEDS)
        assert code == 1 and "cannot be written" in err

    _as_nobody(action)
    assert _digest(desk_path) == before
    assert sorted(p.name for p in (locked_folder / "out").iterdir()) == []
    assert not (locked_folder / "new.desk").exists()


# -- two processes on one desk ----------------------------------------------------------------

WRITER = r"""
import sys
sys.path.insert(0, sys.argv[1])
from desk import Desk
with Desk.open(sys.argv[2], editor=sys.argv[3]) as desk:
    article = [a for a in desk.articles() if "Ukraine" in a.title][0]
    for n in range(int(sys.argv[4])):
        claim = desk.add_claim(article.id, n, n + 10, note=f"{sys.argv[3]} {n}")
        desk.update_claim(claim.id, status="checking", tags=[sys.argv[3]])
print("done", flush=True)
"""


def test_two_processes_editing_one_desk_lose_nothing(seeded_desk: Desk, desk_path: Path):
    per_writer = 40
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(ROOT), str(desk_path),
                                 name, str(per_writer)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
               for name in ("anna", "ben")]
    mine = [_claim(seeded_desk, "Ukraine", note=f"me {n}") for n in range(per_writer)]
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0 and "done" in out, err
    claims = seeded_desk.claims()
    assert len(claims) == 3 * per_writer
    for name in ("anna", "ben"):
        theirs = [c for c in claims if c.note.startswith(name)]
        assert len(theirs) == per_writer
        assert all(c.status == "checking" and c.tags == [name] for c in theirs)
    assert {c.id for c in mine} <= {c.id for c in claims}
    assert check_desk(desk_path).sound


HOLDER = r"""
import sys
sys.path.insert(0, sys.argv[1])
from desk import Desk
desk = Desk.open(sys.argv[2])
print("ANNOUNCED" if desk.announce() else "NOT", flush=True)
sys.stdin.readline()
desk.close()
print("CLOSED", flush=True)
sys.stdin.readline()
"""


def test_a_window_learns_that_another_process_has_the_desk_open(seeded_desk: Desk):
    assert seeded_desk.announce() and seeded_desk.other_instances() == 0
    worker = Desk.open(seeded_desk.path)  # a second connection in this process is not another
    worker.announce()
    assert worker.other_instances() == 0
    worker.close()
    holders = [subprocess.Popen([sys.executable, "-c", HOLDER, str(ROOT), str(seeded_desk.path)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
               for _ in range(2)]
    try:
        for holder in holders:
            assert holder.stdout.readline().strip() == "ANNOUNCED"
        assert seeded_desk.other_instances() == 2
        holders[0].stdin.write("\n")
        holders[0].stdin.flush()
        assert holders[0].stdout.readline().strip() == "CLOSED"
        assert seeded_desk.other_instances() == 1  # closed, though its process still runs
        holders[1].kill()  # a crashed window is not counted
        holders[1].wait()
        assert seeded_desk.other_instances() == 0
    finally:
        for holder in holders:
            holder.kill()
            holder.wait()


# -- imports ------------------------------------------------------------------------------------

def test_bad_files_fail_by_name_and_nothing_is_half_imported(tmp_path: Path, desk_path: Path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + random.randbytes(3000))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbled.txt").write_bytes(
        b"\x81\x8d" + random.Random(7).randbytes(4000).replace(b"\x00", b""))
    with open(folder / "huge.txt", "wb") as huge:  # 200 MB, sparse: costs no disk
        huge.truncate(200 * 1024 * 1024)
    (folder / "only-scripts.html").write_text(
        "<html><head><script>alert(1)</script></head><body><iframe src='https://x.test'>"
        "</iframe><script>document.write('x')</script></body></html>", encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><head><title>Dam report</title><script>steal()</script></head><body>"
        "<iframe src='https://ads.test/frame'></iframe><article><h1>Dam report</h1>"
        "<p>The dam holds 40 million cubic metres of water, engineers said on Monday.</p>"
        "<p>Inspectors found 12 cracks in the spillway during the annual survey.</p>"
        "<script>var leak = 'SCRIPT_TEXT';</script></article>"
        "<iframe srcdoc='IFRAME_TEXT'></iframe></body></html>", encoding="utf-8")
    (folder / "good.txt").write_text("Good story\n\nA council said 12 homes were rebuilt.",
                                     encoding="utf-8")
    code, out, err = _cli("import", desk_path, folder)
    assert code == 1 and "Traceback" not in out + err
    for name in ("photo.txt", "empty.txt", "garbled.txt", "huge.txt", "only-scripts.html"):
        [line] = [line for line in err.splitlines() if name in line]
        assert line.startswith("failed:")
    assert f"{MAX_IMPORT_BYTES // 1048576} MB" in err
    assert "2 imported" in out and "5 failed" in out
    with Desk.open(desk_path) as desk:
        titles = sorted(a.title for a in desk.articles())
        assert titles == ["Dam report", "Good story"]
        page = next(a for a in desk.articles() if a.title == "Dam report")
        assert "12 cracks" in page.body
        for leaked in ("SCRIPT_TEXT", "IFRAME_TEXT", "steal()", "alert", "<"):
            assert leaked not in page.body
        assert desk.db.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 2


# -- exports and full disks ---------------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://evil.test\",\"x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
            "-2+3", "\t=1+1", "\r=1+1"]


def test_formula_payloads_in_every_text_field_come_out_neutralised(tmp_path: Path,
                                                                   desk_path: Path):
    story = tmp_path / "payloads.txt"
    # the body holds every payload but the CR one (import turns CR into a line break)
    story.write_text("Payloads\n\n" + "\n\n".join(FORMULAS[:5]), encoding="utf-8")
    assert _cli("import", desk_path, story)[0] == 0
    with Desk.open(desk_path) as desk:
        [article] = desk.articles()
        for payload in FORMULAS:
            quote = payload.lstrip("\r")
            start = article.body.index(quote)
            desk.add_claim(article.id, start, start + len(quote), source=payload,
                           note=payload, tags=[payload, "plain"])
    target = tmp_path / "claims.csv"
    assert _cli("export", desk_path, "-o", target)[0] == 0
    with open(target, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(FORMULAS)
    for row in rows:
        for column in ("quote", "source", "note", "tags", "article_title"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), (column, row)
        # source is stored stripped, so "\t=1+1" arrives as "=1+1": neutralised either way
        assert row["source"].startswith("'")
        assert row["source"][1:] in {f.strip() for f in FORMULAS}
        assert row["note"].startswith("'") and row["note"][1:] in FORMULAS
        assert row["quote"].startswith("'")


def test_text_with_emoji_flags_marks_rtl_and_crlf_keeps_exact_offsets(tmp_path: Path,
                                                                      desk_path: Path):
    lines = ["Mixed scripts", "", "Families 👨‍👩‍👧‍👦 in 🇺🇦 and 🇵🇸 said 249 civilians died.",
             "Devanagari क्षि and q\u0307\u0323 marks: 12 wells dried up.",
             "العربية: قال المكتب إن 300 شخص نزحوا.", "עברית: 40 בתים נהרסו."]
    story = tmp_path / "mixed.txt"
    story.write_bytes("\r\n".join(lines).encode("utf-8"))
    assert _cli("import", desk_path, story)[0] == 0
    quotes = ["249 civilians died", "12 wells dried up", "300 شخص نزحوا", "40 בתים נהרסו"]
    with Desk.open(desk_path) as desk:
        [article] = desk.articles()
        assert "\r" not in article.body
        for quote in quotes:
            start = article.body.index(quote)
            desk.add_claim(article.id, start, start + len(quote))
        body = article.body
    target = tmp_path / "claims.csv"
    assert _cli("export", desk_path, "-o", target)[0] == 0
    with open(target, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["quote"] for r in rows) == sorted(quotes)
    for row in rows:
        assert body[int(row["start_char"]):int(row["end_char"])] == row["quote"]
    assert check_desk(desk_path).sound


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb", buffering=0) as handle:
        for block in (65536, 512):
            with contextlib.suppress(OSError):
                while handle.write(b"\1" * block):
                    pass


@contextlib.contextmanager
def _small_tmpfs(size: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="claims-desk-full-"))
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                             str(folder)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a small tmpfs here ({result.stderr.strip()}); the full-disk "
                    "cases still run under RLIMIT_FSIZE")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


def test_a_full_disk_refuses_edits_and_exports_cleanly_on_tmpfs(seeded_desk: Desk,
                                                                desk_path: Path):
    for n in range(300):
        _claim(seeded_desk, "Ukraine", note=f"note {n} " + "x" * 50)
    with _small_tmpfs("3m") as disk:
        # an export onto a full disk: a clear error, no partial file
        _fill(disk)
        with pytest.raises(ExportError, match="No space left"):
            seeded_desk.export_csv(disk / "claims.csv")
        code, _, err = _cli("export", desk_path, "-o", disk / "claims.csv")
        assert code == 1 and "No space left" in err and "Traceback" not in err
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
        (disk / "filler").unlink()

        # a desk on a disk that fills up: the failed edit is refused, earlier ones stay
        tmp_desk = disk / "full.desk"
        seeded_desk.backup()
        restored = run(["restore", str(tmp_desk), str(seeded_desk.backups()[0].path)])
        assert restored == 0
        with Desk.open(tmp_desk) as desk:
            _fill(disk)
            article = article_titled(desk, "Ukraine")
            saved = []
            with pytest.raises(DeskError, match="disk is full") as failure:
                for n in range(2000):
                    saved.append(desk.add_claim(article.id, 0, 7, note="y" * 3000).id)
            assert "Traceback" not in str(failure.value)
        (disk / "filler").unlink()
        assert check_desk(tmp_desk).sound
        with Desk.open(tmp_desk) as desk:
            assert set(saved) <= {c.id for c in desk.claims()}


LIMITED = r"""
import resource, signal, sys
sys.path.insert(0, sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
if sys.argv[3] == "export":
    from desk.cli import run
    sys.exit(run(["export", *sys.argv[4:]]))
from desk import Desk, DeskError
with Desk.open(sys.argv[4]) as desk:
    article = desk.articles()[0]
    try:
        for n in range(5000):
            claim = desk.add_claim(article.id, 0, 7, note="y" * 3000)
            print("SAVED", claim.id, flush=True)
    except DeskError as exc:
        print("EDIT", exc, flush=True)
"""


def _limited(limit: int, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", LIMITED, str(ROOT), str(limit), *argv],
                          capture_output=True, text=True, timeout=120)


def test_a_file_size_limit_refuses_edits_and_exports_cleanly(seeded_desk: Desk,
                                                            desk_path: Path, tmp_path: Path):
    for n in range(300):
        _claim(seeded_desk, "Ukraine", note=f"note {n} " + "x" * 200)
    seeded_desk.close()
    target = tmp_path / "claims.csv"
    target.write_text("the previous export", encoding="utf-8")
    exported = _limited(20_000, "export", str(desk_path), "-o", str(target))
    assert exported.returncode == 1 and "Traceback" not in exported.stderr
    assert "Cannot write" in exported.stderr and "too large" in exported.stderr
    assert target.read_text(encoding="utf-8") == "the previous export"
    assert not list(tmp_path.glob(".claims.csv.*"))

    edited = _limited(desk_path.stat().st_size + 100_000, "edit", str(desk_path))
    assert "Traceback" not in edited.stderr, edited.stderr
    lines = edited.stdout.splitlines()
    [edit] = [line for line in lines if line.startswith("EDIT")]
    assert "was not saved" in edit
    saved = [line.split()[1] for line in lines if line.startswith("SAVED")]
    assert saved, "the limit must leave room for some edits"
    assert check_desk(desk_path).sound
    with Desk.open(desk_path) as desk:
        assert set(saved) <= {c.id for c in desk.claims()}


def test_a_page_found_damaged_while_reading_gets_a_message_not_a_traceback(
        seeded_desk: Desk, desk_path: Path) -> None:
    """The file opens (its header and schema are sound) but a page the command reads is
    not: every command says the desk is damaged and where to turn."""
    seeded_desk.close()
    damage_page(desk_path, "idx_articles_order")
    code, out, err = _cli("list", desk_path)
    assert code == 1 and "Traceback" not in out + err
    assert "newsroom.desk is damaged" in err and "claims-desk backups" in err
