"""Help ▸ About: the version, the licence, the desk's path, its backups and the crash log."""

from __future__ import annotations

from pathlib import Path

from desk import Desk
from desk.version import __version__
from ui.about import about_facts


def test_help_about_says_what_and_where(qtbot, open_window, seeded_desk: Desk,
                                        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    facts = dict(about_facts(seeded_desk))
    assert facts["Version"] == __version__ and facts["Licence"].startswith("MIT")
    assert facts["This desk"] == str(seeded_desk.path.resolve())
    assert facts["Backups"] == str(seeded_desk.path.resolve().parent / "backups")
    assert facts["Crash log"] == str(tmp_path / "state" / "claims-desk" / "log" / "crash.log")

    window = open_window(seeded_desk.path)
    [help_menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    assert window.menuBar().actions()[-1].menu() is help_menu  # the last menu
    [about] = help_menu.actions()
    assert about.objectName() == "actionAbout"
    about.trigger()  # opens without blocking
    dialog = window.about.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    text = dialog.text()
    assert f"Claims Desk {__version__}" in text and "MIT" in text
    assert str(seeded_desk.path.resolve()) in text and "backups" in text
    dialog.close()
    assert window.about.show() is dialog  # one About box, brought back
    dialog.close()
