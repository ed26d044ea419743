"""A bug in a slot: the traceback goes to the crash log and the editor is told where (issue 16)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from desk import DeskError, paths
from ui import crash


@pytest.fixture
def shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The messages the editor would see; the crash log in a temporary folder."""
    messages: list[str] = []
    monkeypatch.setattr(paths, "crash_log_path", lambda: tmp_path / "log" / "crash.log")
    monkeypatch.setattr(crash, "crash_log_path", lambda: tmp_path / "log" / "crash.log")
    monkeypatch.setattr(crash, "show_message", messages.append)
    return messages


def _raise(error: BaseException) -> tuple[type[BaseException], BaseException, object]:
    try:
        raise error
    except BaseException:  # noqa: BLE001
        kind, value, trace = sys.exc_info()
        assert kind is not None and value is not None
        return kind, value, trace


def test_a_bug_is_logged_and_the_message_says_where(qapp: object, tmp_path: Path,
                                                    shown: list[str]) -> None:
    crash.report_unexpected(*_raise(ZeroDivisionError("division by zero")))  # type: ignore[arg-type]
    log = tmp_path / "log" / "crash.log"
    [message] = shown
    assert message.startswith("Something went wrong: division by zero.")
    assert "saved in the desk file" in message and str(log) in message
    assert "Traceback" not in message
    text = log.read_text("utf-8")
    assert "(window)" in text and "Traceback" in text and "ZeroDivisionError" in text


def test_a_desk_error_is_said_plainly_and_not_logged(qapp: object, tmp_path: Path,
                                                     shown: list[str]) -> None:
    crash.report_unexpected(*_raise(DeskError("That desk is read-only.")))  # type: ignore[arg-type]
    assert shown == ["That desk is read-only."]
    assert not (tmp_path / "log").exists()


def test_a_damaged_desk_points_to_the_backups(qapp: object, tmp_path: Path,
                                              shown: list[str]) -> None:
    crash.report_unexpected(  # type: ignore[arg-type]
        *_raise(sqlite3.DatabaseError("database disk image is malformed")))
    [message] = shown
    assert "Restore from Backup" in message and "claims-desk check" in message
    assert (tmp_path / "log" / "crash.log").exists()


def test_when_the_log_cannot_be_written_the_message_says_so(tmp_path: Path) -> None:
    message = crash.crash_message(RuntimeError("boom"), None)
    assert "could not be written" in message and "boom" in message
