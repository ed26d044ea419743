"""The entry point's own words: --version, a mistyped command, an unexpected error (issue 16)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desk.cli import commands as cli
from desk.version import __version__
from tests.conftest import ROOT


def run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    """Run ``python main.py ARGS`` and capture its output."""
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_version_is_printed_and_is_the_packages() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"claims-desk {__version__}"
    assert __version__.count(".") == 2 and all(p.isdigit() for p in __version__.split("."))


def test_a_mistyped_command_is_not_a_new_desk(tmp_path: Path) -> None:
    done = run("lsit", str(tmp_path / "d.desk"), cwd=tmp_path)
    assert done.returncode == cli.UNKNOWN_COMMAND == 2
    assert done.stderr.strip() == "claims-desk: unknown command 'lsit' (did you mean 'list'?)"
    assert list(tmp_path.iterdir()) == []  # no desk was created, no window opened

    far = run("zzqx", cwd=tmp_path)
    assert far.returncode == 2 and "unknown command 'zzqx'" in far.stderr
    assert "import" in far.stderr and ".desk" in far.stderr
    assert list(tmp_path.iterdir()) == []


def test_what_opens_the_window(tmp_path: Path) -> None:
    existing = tmp_path / "notes"
    existing.write_text("", "utf-8")
    assert cli.opens_window("new.desk") and cli.opens_window("NEW.DESK")
    assert cli.opens_window("--read-only") and cli.opens_window("-platform")
    assert cli.opens_window(str(existing))
    assert not cli.opens_window(str(tmp_path / "reprot"))
    assert cli.unknown_command("exprot", {"export", "import"}) == (
        "claims-desk: unknown command 'exprot' (did you mean 'export'?)")


def test_an_unexpected_error_goes_to_the_crash_log(tmp_path: Path) -> None:
    """A bug in a command: one line on stderr naming the log; the traceback is in the log."""
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); import main\n"
             "from desk.cli import commands\n"
             "def broken(args): raise RuntimeError('boom in list')\n"
             "commands.cmd_list = broken\n"
             "sys.exit(main.main(['list', sys.argv[2]]))\n")
    env = dict(os.environ, HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "state"))
    done = subprocess.run([sys.executable, "-c", probe, str(ROOT), str(tmp_path / "d.desk")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    log = tmp_path / "state" / "claims-desk" / "log" / "crash.log"
    assert done.stderr.strip().splitlines() == [
        f"claims-desk: unexpected error: boom in list (details in {log}; the desk keeps "
        "what was saved before)"]
    text = log.read_text("utf-8")
    assert f"claims-desk {__version__} (command line)" in text
    assert "Traceback" in text and "RuntimeError: boom in list" in text


def test_the_crash_log_keeps_its_newest_entries(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from desk import paths

    limit = 2_000

    monkeypatch.setattr(paths, "crash_log_path", lambda: tmp_path / "log" / "crash.log")
    monkeypatch.setattr(paths, "CRASH_LOG_LIMIT", limit)
    for number in range(40):
        try:
            raise ValueError(f"error number {number}")
        except ValueError as exc:
            written = paths.write_crash_log(ValueError, exc, exc.__traceback__)
    assert written == tmp_path / "log" / "crash.log"
    text = written.read_text("utf-8")
    assert len(text.encode()) <= limit + 1_000
    assert text.startswith("=== ") and "error number 39" in text and "error number 0\n" not in text


def test_an_unwritable_crash_log_does_not_hide_the_error(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from desk import paths

    blocker = tmp_path / "file"
    blocker.write_text("", "utf-8")
    monkeypatch.setattr(paths, "crash_log_path", lambda: blocker / "log" / "crash.log")
    error = RuntimeError("x")
    assert paths.write_crash_log(RuntimeError, error, None) is None
