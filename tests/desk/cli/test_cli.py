"""The command line, run as a separate process the way scripts run it."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from desk import Desk
from tests.conftest import ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``python main.py ARGS`` and capture its output."""
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_import_list_export(tmp_path: Path, seeds_dir: Path) -> None:
    desk_file = tmp_path / "cli.desk"
    done = run("import", str(desk_file), str(seeds_dir))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("imported: ") == 5
    assert "5 imported, 0 skipped, 0 failed" in done.stdout

    again = run("import", str(desk_file), str(seeds_dir / "ukraine-invasion-latest.txt"))
    assert again.returncode == 0 and "skipped:" in again.stdout

    with Desk.open(desk_file) as desk:
        article = next(a for a in desk.articles() if "Ukraine" in a.title)
        start = article.body.index("249 civilians")
        desk.add_claim(article.id, start, start + 13, source="UN human rights office",
                       figure="249", tags=["casualties"])

    listed = run("list", str(desk_file))
    assert listed.returncode == 0
    assert "    1 claims" in listed.stdout and "5 articles, 1 claims" in listed.stdout

    exported = run("export", str(desk_file))
    assert exported.returncode == 0
    [row] = list(csv.DictReader(io.StringIO(exported.stdout, newline="")))
    assert (row["quote"], row["source"], row["figure_value"]) == (
        "249 civilians", "UN human rights office", "249")

    out = tmp_path / "claims.csv"
    to_file = run("export", str(desk_file), "-o", str(out), "--excel")
    assert to_file.returncode == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfclaim_id,")


def test_import_exits_1_when_a_file_fails(tmp_path: Path, seeds_dir: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    done = run("import", str(tmp_path / "d.desk"), str(bad),
               str(seeds_dir / "wildfire-smoke-admissions.txt"))
    assert done.returncode == 1
    assert "bad.txt" in done.stderr and "PNG" in done.stderr
    assert "1 imported, 0 skipped, 1 failed" in done.stdout
    assert "Traceback" not in done.stderr


def test_user_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    not_a_desk = tmp_path / "notes.txt"
    not_a_desk.write_text("hello", "utf-8")
    for args in (("list", str(not_a_desk)), ("export", str(tmp_path / "missing.desk")),
                 ("list",), ("export", str(not_a_desk), "--bogus")):
        done = run(*args)
        assert done.returncode == 1, args
        assert "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_help_lists_the_commands() -> None:
    done = run("--help")
    assert done.returncode == 0
    for name in ("import", "export", "list"):
        assert name in done.stdout
