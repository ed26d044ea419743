"""The window's trust and fieldwork features: backups, article updates, needs attention,
merges, interchange exports, read-only desks and the other-window notice."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton

from desk import Desk
from desk.fieldwork.conflicts import list_conflicts
from tests.conftest import ROOT, damage_page
from ui import settings
from ui.window import MainWindow

STORY = """Shelling hits the city

The UN human rights office said 249 civilians were killed in March.

The mayor said the bridge would reopen next week after repairs.

Officials said aid worth $350 million had arrived by train.
"""
KILLED = "249 civilians were killed in March"
BRIDGE = "the bridge would reopen next week after repairs"
AID = "aid worth $350 million had arrived"


def make_desk(folder: Path, name: str = "newsroom.desk") -> tuple[Path, Path, dict[str, str]]:
    """A desk holding the story (imported from story.txt) and three claims; their ids."""
    folder.mkdir(parents=True, exist_ok=True)
    story = folder / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    path = folder / name
    with Desk.open(path, editor="ann") as desk:
        [result] = desk.import_path(story)
        body = desk.article(result.article_id).body
        ids = {}
        for quote, source, status in ((KILLED, "UN human rights office", "verified"),
                                      (BRIDGE, "the mayor", "false"),
                                      (AID, "officials", "unchecked")):
            start = body.index(quote)
            ids[quote] = desk.add_claim(result.article_id, start, start + len(quote),
                                        source=source, status=status).id
    return path, story, ids


def wait_backup(qtbot, window: MainWindow) -> None:
    """Wait for the on-open backup the window makes on a worker thread."""
    qtbot.waitUntil(lambda: window.operations.backup_job is not None, timeout=5000)
    assert window.operations.backup_job.wait(20000)
    qtbot.waitUntil(lambda: bool(window.desk.backups()), timeout=5000)


def wait_message(qtbot, window: MainWindow, title: str) -> QMessageBox:
    """Wait for the window's (non-blocking) result message with this title."""
    qtbot.waitUntil(lambda: window.last_message is not None
                    and window.last_message.windowTitle() == title, timeout=30000)
    return window.last_message


def live_quotes(window: MainWindow) -> set[str]:
    """Quotes of the claims the window's table shows for the whole desk."""
    window.registry.actionWholeDesk.setChecked(True)
    model = window.claims_model
    return {model.claim(row).quote for row in range(model.rowCount())}


def test_restore_from_backup_brings_the_old_claims_back(qtbot, open_window,
                                                        tmp_path: Path) -> None:
    path, _story, ids = make_desk(tmp_path / "desks")
    window = open_window(path)
    wait_backup(qtbot, window)  # made after the window showed, off the UI thread
    assert [b.reason for b in window.desk.backups()] == ["open"]

    window.desk.delete_claim(ids[KILLED])
    window.desk.update_claim(ids[AID], note="typed after the backup")
    assert KILLED not in live_quotes(window)

    window.registry.actionRestoreBackup.trigger()
    dialog = window.last_dialog
    assert dialog.objectName() == "backupsDialog" and dialog.isVisible()
    assert dialog.table.rowCount() == 1 and "Opened" in dialog.table.item(0, 1).text()
    dialog.restore_button.click()

    assert KILLED in live_quotes(window)  # the window re-read everything
    assert window.desk.claim(ids[AID]).note == ""
    assert window.undo_stack.count() == 0
    assert "3 claims" in window.counts_label.text()
    assert {b.reason for b in window.desk.backups()} == {"open", "restore"}


def test_update_article_reanchors_and_names_the_changes(qtbot, open_window,
                                                        tmp_path: Path) -> None:
    path, story, ids = make_desk(tmp_path / "desks")
    window = open_window(path)
    assert window.operations.attention.isHidden()  # nothing needs attention yet
    story.write_text(STORY.replace("$350 million", "$410 million").replace(
        "The mayor said the bridge would reopen next week after repairs.",
        "The mayor did not comment."), encoding="utf-8")

    window.operations.update_from([str(story)])
    box = wait_message(qtbot, window, "Update Articles")
    text = box.text()
    assert "1 updated" in text and "story.txt: updated" in text
    assert "350" in text and "410" in text  # the stealth edit under a claim is named
    assert "no longer in the text" in text

    aid = window.desk.claim(ids[AID])
    assert aid.quote == "aid worth $410 million had arrived" and aid.anchor_status != "orphaned"
    body = window.desk.article(aid.article_id).body
    assert window.reader.toPlainText() == body  # the reader shows the new text
    assert window.desk.claim(ids[BRIDGE]).anchor_status == "orphaned"
    # the orphaned claim is listed, and not highlighted
    dock = window.operations.attention
    assert not dock.isHidden()
    assert ids[BRIDGE] in [c.id for c in dock.model.claims]
    assert window.reader.highlighter.span(ids[BRIDGE]) is None
    assert window.reader.highlighter.span(ids[KILLED]) is not None

    # the moved claim is checked and accepted where it now is
    assert aid.anchor_status == "fuzzy" and aid.previous_quote == AID
    dock.select(ids[AID])
    assert dock.model.data(dock.model.index(dock.table.currentIndex().row(), 0)) \
        == "Moved (check)"
    assert dock.acceptButton.isEnabled()
    dock.acceptButton.click()
    assert window.desk.claim(ids[AID]).anchor_status == "anchored"
    assert ids[AID] not in [c.id for c in dock.model.claims]

    # unchanged text is skipped the second time
    window.messages.last_message = None
    window.operations.update_from([str(story)])
    assert "1 unchanged" in wait_message(qtbot, window, "Update Articles").text()


def test_needs_attention_reattach_is_undoable(qtbot, open_window, tmp_path: Path) -> None:
    path, story, ids = make_desk(tmp_path / "desks")
    story.write_text(STORY.replace(
        "The mayor said the bridge would reopen next week after repairs.",
        "The mayor said the old crossing stays shut."), encoding="utf-8")
    with Desk.open(path, editor="ann") as desk:
        [result] = desk.import_paths([story], update=True)
        assert result.status == "updated"
    window = open_window(path)
    dock = window.operations.attention
    assert not dock.isHidden()  # shown on open: something needs attention
    assert [c.id for c in dock.model.claims] == [ids[BRIDGE]]
    assert dock.model.data(dock.model.index(0, 0)) == "Not found"

    dock.select(ids[BRIDGE])  # shows its article
    claim = window.desk.claim(ids[BRIDGE])
    assert window.article_id == claim.article_id
    assert not window.operations.reattach(ids[BRIDGE])  # nothing selected yet: a hint
    assert "Select the claim's new text" in window.statusBar().currentMessage()

    body = window.desk.article(claim.article_id).body
    start = body.index("the old crossing stays shut")
    window.reader.select_text(start, start + len("the old crossing stays shut"))
    assert dock.reattachButton.isEnabled() and not dock.acceptButton.isEnabled()
    dock.reattachButton.click()

    fixed = window.desk.claim(ids[BRIDGE])
    assert (fixed.anchor_status, fixed.quote) == ("anchored", "the old crossing stays shut")
    assert fixed.previous_quote == BRIDGE
    assert dock.model.rowCount() == 0
    assert window.reader.highlighter.span(ids[BRIDGE]) is not None

    window.undo_stack.undo()
    back = window.desk.claim(ids[BRIDGE])
    assert (back.anchor_status, back.quote, back.start_char) == (
        "orphaned", BRIDGE, claim.start_char)
    assert dock.model.rowCount() == 1
    assert window.reader.highlighter.span(ids[BRIDGE]) is None
    window.undo_stack.redo()
    assert window.desk.claim(ids[BRIDGE]).anchor_status == "anchored"


def field_copy(path: Path, folder: Path) -> Path:
    """A copy of a (closed) desk file, as carried off to a laptop."""
    folder.mkdir()
    return Path(shutil.copy(path, folder / path.name))


def test_merge_through_the_window_adds_claims_and_shows_the_summary(
        qtbot, open_window, tmp_path: Path) -> None:
    path, _story, ids = make_desk(tmp_path / "office")
    laptop = field_copy(path, tmp_path / "laptop")
    with Desk.open(laptop, editor="bea") as other:
        article_id = other.claim(ids[KILLED]).article_id
        body = other.article(article_id).body
        start = body.index("The UN human rights office")
        added = other.add_claim(article_id, start, start + len("The UN human rights office"),
                                source="UN", status="checking").id
        other.update_claim(ids[AID], note="checked the rail manifest")
        other.update_claim(ids[KILLED], note="laptop note")
    window = open_window(path)
    window.desk.update_claim(ids[KILLED], note="office note")  # later: the office wins

    window.operations.merge_from([str(laptop)])
    box = wait_message(qtbot, window, "Merge Desks")
    text = box.text()
    assert "Claims: 1 added, 1 updated" in text and "Conflicts: 1" in text
    assert f"newsroom.desk (in {laptop.parent})" in text
    assert "Review Conflicts…" in [b.text() for b in box.buttons()]
    assert "The UN human rights office" in live_quotes(window)
    assert window.desk.claim(ids[AID]).note == "checked the rail manifest"
    assert window.desk.claim(added).editor == "bea"
    assert "4 claims" in window.counts_label.text()

    dialog = window.operations.show_conflicts()
    assert dialog.model.rowCount() == 1
    assert dialog.model.data(dialog.model.index(0, 2)) == "office note"
    assert dialog.model.data(dialog.model.index(0, 3)) == "laptop note"
    dialog.takeButton.click()  # the laptop's note was the right one
    assert window.desk.claim(ids[KILLED]).note == "laptop note"
    assert dialog.model.rowCount() == 0 and list_conflicts(window.desk) == []


def test_cancelled_merge_leaves_the_desk_unchanged(qtbot, open_window, tmp_path: Path) -> None:
    path, _story, ids = make_desk(tmp_path / "office")
    laptop = field_copy(path, tmp_path / "laptop")
    with Desk.open(laptop, editor="bea") as other:
        other.import_path(_write(tmp_path / "more.txt", "Another story\n\nIt has 12 words."))
        other.update_claim(ids[AID], note="laptop note")
    window = open_window(path)
    wait_backup(qtbot, window)
    before = sqlite3.connect(path)
    snapshot = before.execute("SELECT id, note, updated_at FROM claims ORDER BY id").fetchall()
    articles = before.execute("SELECT count(*) FROM articles").fetchone()[0]

    blocker = sqlite3.connect(path, timeout=1, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # the merge's first write waits behind this
    try:
        job = window.operations.merge_from([str(laptop)])
        job.dialog.findChild(QPushButton).click()  # the progress dialog's Cancel
        assert job.cancelled
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    box = wait_message(qtbot, window, "Merging desks")
    assert "cancelled" in box.text() and "unchanged" in box.text()
    assert before.execute("SELECT id, note, updated_at FROM claims ORDER BY id").fetchall() \
        == snapshot
    assert before.execute("SELECT count(*) FROM articles").fetchone()[0] == articles
    assert window.articles_model.rowCount() == articles
    before.close()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_export_json_and_claimreview_through_the_window(qtbot, open_window,
                                                        tmp_path: Path) -> None:
    path, _story, ids = make_desk(tmp_path / "desks")
    window = open_window(path)
    bare = tmp_path / "bare.json"
    window.operations.export_to(bare, "claimreview")
    hint = wait_message(qtbot, window, "Export ClaimReview")  # no organisation yet
    assert "without an author" in hint.text() and "Settings" in hint.text()
    assert all("author" not in review for review in json.loads(bare.read_text()))
    hint.close()
    window.messages.last_message = None

    dialog = window.operations.edit_settings()
    dialog.organisationEdit.setText("Desk Fact Check")
    dialog.accept()
    assert window.desk.setting("organisation") == "Desk Fact Check"

    annotations, reviews = tmp_path / "out" / "claims.json", tmp_path / "out" / "review.json"
    annotations.parent.mkdir()
    window.operations.export_to(annotations, "json")
    qtbot.waitUntil(lambda: "Exported 3 annotations" in window.statusBar().currentMessage(),
                    timeout=20000)
    data = json.loads(annotations.read_text(encoding="utf-8"))
    assert data["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["total"] == 3
    items = data["first"]["items"] if "first" in data else data["items"]
    selectors = {s["type"]: s for s in items[0]["target"]["selector"]}
    assert {"TextQuoteSelector", "TextPositionSelector"} <= set(selectors)
    assert {item["target"]["selector"][0]["exact"] for item in items} == {KILLED, BRIDGE, AID}

    window.operations.export_to(reviews, "claimreview")
    qtbot.waitUntil(lambda: "Exported 2 claim reviews" in window.statusBar().currentMessage(),
                    timeout=20000)
    data = json.loads(reviews.read_text(encoding="utf-8"))
    assert len(data) == 2  # verified and false; unchecked has no verdict
    for review in data:
        assert review["@type"] == "ClaimReview"
        assert review["author"]["name"] == "Desk Fact Check"
        assert review["reviewRating"]["alternateName"] in {"True", "False"}
        assert review["itemReviewed"]["@type"] == "Claim"
    assert not list(annotations.parent.glob("*.tmp*"))
    assert window.last_message is None  # with an organisation: no hint


def test_read_only_desk_disables_every_editing_action(open_window, tmp_path: Path) -> None:
    path, _story, _ids = make_desk(tmp_path / "desks")
    window = open_window(path, read_only=True)
    assert "read-only" in window.windowTitle()
    assert not window.read_only_label.isHidden()
    editing = [a for a in window.registry.all() if a.property("edits")]
    names = {a.objectName() for a in editing}
    assert {"actionMergeDesk", "actionUpdateArticle", "actionRestoreBackup",
            "actionReattachClaim", "actionAcceptAnchor", "actionImport"} <= names
    assert not [a.objectName() for a in editing if a.isEnabled()]
    assert window.registry.actionExportJson.isEnabled()  # reading is fine
    assert window.operations.backup_job is None  # nothing written, no backup
    assert window.operations.merge_from([str(path)]) is None
    assert "read-only" in window.last_message.text()


def test_notice_when_another_window_has_the_desk_open(qtbot, open_window,
                                                      tmp_path: Path) -> None:
    path, _story, _ids = make_desk(tmp_path / "desks")
    window = open_window(path)
    label = window.operations.others_label
    assert label.isHidden()
    script = ("import sys; from desk import Desk; d = Desk.open(sys.argv[1]); "
              "print(d.announce(), flush=True); sys.stdin.readline()")
    other = subprocess.Popen([sys.executable, "-c", script, str(path)], cwd=ROOT,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "True"
        assert window.operations.check_other_instances() == 1  # the timer calls it too
        assert not label.isHidden()
        assert label.text() == "Another window has this desk open"
    finally:
        other.communicate("\n", timeout=20)
    assert window.operations.check_other_instances() == 0
    assert label.isHidden()


def test_editor_name_is_kept_and_used(qtbot, open_window, tmp_path: Path) -> None:
    path, _story, ids = make_desk(tmp_path / "desks")
    settings.set_value(settings.EDITOR_NAME, "Chidi")
    window = open_window(path)
    assert window.desk.editor == "Chidi"
    dialog = window.operations.edit_settings()
    assert dialog.nameEdit.text() == "Chidi"
    dialog.nameEdit.setText("Chidi Okafor")
    dialog.defaultEditorEdit.setText("night desk")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert settings.value(settings.EDITOR_NAME) == "Chidi Okafor"
    window.desk.update_claim(ids[AID], note="seen")
    assert window.desk.claim(ids[AID]).editor == "Chidi Okafor"
    assert window.desk.setting("default_editor") == "night desk"


@pytest.mark.parametrize("fmt", ["json", "claimreview"])
def test_export_menu_lists_the_interchange_formats(open_window, tmp_path: Path, fmt) -> None:
    path, _story, _ids = make_desk(tmp_path / "desks")
    window = open_window(path)
    name = "actionExportJson" if fmt == "json" else "actionExportClaimReview"
    file_menu = window.operations._menu("File")
    assert window.registry[name] in file_menu.actions()


def test_no_two_actions_share_a_shortcut(open_window, tmp_path: Path) -> None:
    from PySide6.QtGui import QAction

    window = open_window(tmp_path / "empty.desk")
    owners: dict[str, list[str]] = {}
    for action in window.findChildren(QAction):
        for keys in action.shortcuts():
            if not keys.isEmpty():
                owners.setdefault(keys.toString(), []).append(action.objectName())
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    assert window.registry.actionReattachClaim.shortcut().toString() == "Ctrl+Shift+T"


def answer_modal(qtbot, answer) -> list[object]:
    """Answer the next modal dialog (it blocks in exec()) from a timer; what was seen."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    seen: list[object] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, poll)
            return
        seen.append(dialog)
        answer(dialog)

    QTimer.singleShot(50, poll)
    return seen


def test_a_damaged_desk_can_be_restored_from_a_backup_when_opened(
        qtbot, open_window, tmp_path: Path) -> None:
    from ui.backups_dialog import BackupsDialog

    path, _story, ids = make_desk(tmp_path / "damaged")
    with Desk.open(path) as desk:
        desk.backup("manual")
    for side in path.parent.glob(path.name + "-*"):
        side.unlink()  # -wal, -shm: the damaged file stands alone
    path.write_bytes(b"\x89PNG not a desk at all " * 400)
    window = open_window(tmp_path / "other.desk")

    seen = answer_modal(qtbot, lambda dialog: dialog.restore_button.click())
    other = window.files.switch_to(path)
    assert len(seen) == 1 and isinstance(seen[0], BackupsDialog)
    intro = seen[0].findChild(type(window.counts_label)).text()
    assert path.name in intro and "restored from one of its backups" in intro
    assert other is not None
    try:
        assert other.desk.claim(ids[KILLED]).quote == KILLED
        assert list(path.parent.glob("newsroom.desk.damaged*"))  # kept, not deleted
    finally:
        other.close()


def test_a_damaged_desk_without_restore_gets_a_message(qtbot, open_window,
                                                       tmp_path: Path) -> None:
    path, _story, _ids = make_desk(tmp_path / "damaged")
    with Desk.open(path) as desk:
        desk.backup("manual")
    for side in path.parent.glob(path.name + "-*"):
        side.unlink()
    damaged = b"\x00garbage\xff" * 1000
    path.write_bytes(damaged)
    window = open_window(tmp_path / "other.desk")
    answer_modal(qtbot, lambda dialog: dialog.reject())
    assert window.files.switch_to(path) is None
    assert window.last_message.windowTitle() == "Cannot open desk"
    assert path.read_bytes() == damaged  # untouched


def test_the_editor_name_is_asked_once(qtbot) -> None:
    from PySide6.QtWidgets import QInputDialog

    from ui.desk_settings import ask_editor_name

    def type_name(dialog) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("  Dana Reyes ")
        dialog.accept()

    seen = answer_modal(qtbot, type_name)
    assert ask_editor_name() == "Dana Reyes"
    assert len(seen) == 1
    assert settings.value(settings.EDITOR_NAME) == "Dana Reyes"
    assert ask_editor_name() == "Dana Reyes"  # not asked again (no dialog: it would block)


def test_declining_to_give_a_name_keeps_the_login_name(qtbot) -> None:
    import getpass

    from ui.desk_settings import ask_editor_name

    seen = answer_modal(qtbot, lambda dialog: dialog.reject())
    assert ask_editor_name() == getpass.getuser()
    assert len(seen) == 1
    assert settings.value(settings.EDITOR_NAME) == getpass.getuser()  # not asked again


def test_a_desk_whose_pages_are_damaged_offers_its_backups_when_opened(
        qtbot, open_window, tmp_path: Path) -> None:
    """Damage found only when the window reads the article list is treated like a damaged
    file (the backups are offered), not a traceback."""
    from ui.backups_dialog import BackupsDialog

    path, _story, ids = make_desk(tmp_path / "damaged")
    with Desk.open(path) as desk:
        desk.backup("manual")
    for side in path.parent.glob(path.name + "-*"):
        side.unlink()
    damage_page(path, "idx_articles_order")
    window = open_window(tmp_path / "other.desk")
    seen = answer_modal(qtbot, lambda dialog: dialog.restore_button.click())
    other = window.files.switch_to(path)
    assert len(seen) == 1 and isinstance(seen[0], BackupsDialog)
    assert "is damaged" in seen[0].findChild(type(window.counts_label)).text()
    assert other is not None
    try:
        assert other.desk.claim(ids[KILLED]).quote == KILLED
    finally:
        other.close()
