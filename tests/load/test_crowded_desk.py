"""A crowded desk (a short run; ``scripts/load.py`` runs 60 s): the window adds and deletes
claims while other processes import, export, merge, import annotations and write through the
API. No error reaches any of them, every acknowledged edit is there, the desk is sound."""

from __future__ import annotations

from pathlib import Path

from tests.load.crowd import drive_window, prepare, start, stop, verify
from ui import create_window


def test_a_crowded_desk_loses_nothing(qtbot, tmp_path: Path) -> None:
    desk_path = prepare(tmp_path)
    window = create_window(desk_path)
    window.show()
    qtbot.waitExposed(window)
    processes = start(desk_path, tmp_path, seconds=60)  # or until stopped
    try:
        log = drive_window(window, seconds=8, min_adds=5, most_seconds=50)
    finally:
        stop(tmp_path, processes)
        window.close()
    assert all(p.returncode == 0 for p in processes)
    verdict = verify(desk_path, tmp_path, log)
    assert verdict.errors == []
    assert verdict.lost == 0 and verdict.sound
    assert len(log.add_seconds) >= 5 and all(verdict.calls[k] >= 1 for k in verdict.calls)


def test_the_window_writes_promptly(qtbot, tmp_path: Path) -> None:
    """The window's desk asks for the write lock every millisecond (a person waits for it);
    see tests/desk/store/test_prompt_writes.py."""
    window = create_window(tmp_path / "a.desk")
    try:
        assert window.desk.prompt is True
    finally:
        window.close()
