"""The window's panes and actions on a real desk: filter, table edits, read-only, errors."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMessageBox

from desk import Desk
from tests.ui.conftest import open_article
from ui import settings
from ui.models import FIGURE, ID_ROLE, QUOTE, SOURCE, STATUS, TAGS

OBJECT_NAMES = ["articleList", "articleFilter", "reader", "claimPanel", "sourceEdit",
                "figureEdit", "statusCombo", "tagsEdit", "noteEdit", "claimsTable"]
ACTION_NAMES = ["actionAddClaim", "actionDeleteClaim", "actionUndo", "actionRedo",
                "actionImport", "actionExportCsv"]


def add(desk: Desk, word: str, phrase: str, **fields):
    article = next(a for a in desk.articles() if word in a.title)
    start = article.body.index(phrase)
    return desk.add_claim(article.id, start, start + len(phrase), **fields)


def test_object_names_and_actions_are_there(open_window, desk_path: Path) -> None:
    window = open_window(desk_path)
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QWidget
    for name in OBJECT_NAMES:
        assert window.findChild(QWidget, name) is not None, name
    for name in ACTION_NAMES:
        action = window.findChild(QAction, name)
        assert action is not None and action.shortcuts(), name


def test_filter_the_article_list(qtbot, open_window, seeded_desk: Desk) -> None:
    window = open_window(seeded_desk.path)
    model = window.articles_model
    assert model.rowCount() == 5
    window.registry.actionFocusFilter.trigger()
    box = window.findChild(QLineEdit, "articleFilter")
    assert QApplication.focusWidget() is box
    qtbot.keyClicks(box, "smoke")
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert "Wildfire" in model.summary(0).title
    box.setText("café subsidy")  # QTest types ASCII only
    qtbot.waitUntil(lambda: model.rowCount() == 1 and "café" in model.summary(0).title)
    qtbot.keyClicks(box, " zzzz")
    qtbot.waitUntil(lambda: model.rowCount() == 0)
    assert window.article_pane.empty.isVisible()
    box.clear()
    qtbot.waitUntil(lambda: model.rowCount() == 5)


def test_edit_a_claim_from_the_table(qtbot, open_window, seeded_desk: Desk) -> None:
    claim = add(seeded_desk, "Vaccination", "1,342 confirmed measles cases")
    window = open_window(seeded_desk.path)
    open_article(window, "Vaccination")
    table = window.claims_pane.table
    proxy = table.model()
    # type a source in place: F2 opens the editor, Enter commits
    index = proxy.index(0, SOURCE)
    table.setCurrentIndex(index)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "National Health Agency")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: seeded_desk.claim(claim.id).source == "National Health Agency")
    assert window.claim_panel.sourceEdit.text() == "National Health Agency"
    # status through its combo box delegate
    table.edit(proxy.index(0, STATUS))
    combo = table.findChild(QComboBox)
    assert combo is not None
    combo.setCurrentIndex(combo.findData("verified"))
    table.commitData(combo)
    assert seeded_desk.claim(claim.id).status == "verified"
    assert proxy.index(0, STATUS).data() == "Verified"
    # figure and tags through the model API of the view
    assert proxy.setData(proxy.index(0, FIGURE), "1,342 cases")
    assert proxy.setData(proxy.index(0, TAGS), "measles, health")
    edited = seeded_desk.claim(claim.id)
    assert (edited.figure, edited.figure_value, edited.tags) == ("1,342 cases", 1342,
                                                                  ["health", "measles"])
    # each table edit is one undo step
    window.registry.actionUndo.trigger()
    assert seeded_desk.claim(claim.id).tags == []


def test_selecting_a_row_scrolls_the_reader_to_the_highlight(qtbot, open_window,
                                                             seeded_desk: Desk) -> None:
    last = add(seeded_desk, "Vaccination", "7 in 10 parents", status="false")
    add(seeded_desk, "Vaccination", "Childhood vaccination rates")
    window = open_window(seeded_desk.path)
    window.resize(900, 500)
    open_article(window, "Vaccination")
    table = window.claims_pane.table
    row = window.claims_model.row_of(last.id)
    table.selectRow(row)
    assert window.claim_id == last.id
    assert window.reader.highlighter.selected == last.id
    span = window.reader.highlighter.span(last.id)
    cursor = window.reader.textCursor()
    assert cursor.position() == span.start
    assert window.reader.viewport().rect().contains(window.reader.cursorRect().center())
    # and back: clicking another claim in the reader selects its row
    window.registry.actionPreviousClaim.trigger()
    assert window.claims_pane.current_id() == window.claim_id != last.id


def test_whole_desk_toggle(qtbot, open_window, seeded_desk: Desk) -> None:
    add(seeded_desk, "Vaccination", "1,342 confirmed measles cases")
    add(seeded_desk, "Wildfire", "23%")
    window = open_window(seeded_desk.path)
    open_article(window, "Vaccination")
    assert window.claims_model.rowCount() == 1
    window.registry.actionWholeDesk.trigger()
    assert window.claims_model.rowCount() == 2
    assert window.claims_pane.wholeDesk.isChecked()
    assert not window.claims_pane.table.isColumnHidden(5)
    window.claims_pane.wholeDesk.setChecked(False)
    assert window.claims_model.rowCount() == 1


def test_read_only_desk_disables_every_edit(qtbot, open_window, seeded_desk: Desk) -> None:
    add(seeded_desk, "Vaccination", "1,342 confirmed measles cases")
    window = open_window(seeded_desk.path, read_only=True)
    open_article(window, "Vaccination")
    window.editing.step_claim(1)
    assert window.claim_id is not None
    for action in window.registry.all():
        if action.property("edits"):
            assert not action.isEnabled(), action.objectName()
    panel = window.claim_panel
    assert panel.sourceEdit.isReadOnly() and panel.figureEdit.isReadOnly()
    assert panel.tagsEdit.isReadOnly() and panel.noteEdit.isReadOnly()
    assert not panel.statusCombo.isEnabled()
    index = window.claims_model.index(0, SOURCE)
    assert not window.claims_model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert window.read_only_label.isVisible()
    assert "read-only" in window.windowTitle()
    window.reader.select_text(0, 5)
    assert window.editing.add_claim_from_selection() is None
    assert len(seeded_desk.claims()) == 1


def test_status_bar_shows_path_and_counts(qtbot, open_window, seeded_desk: Desk) -> None:
    add(seeded_desk, "Vaccination", "1,342 confirmed measles cases")
    window = open_window(seeded_desk.path)
    assert window.path_label.toolTip() == str(seeded_desk.path.resolve())
    assert window.path_label.text().endswith("newsroom.desk")
    # counted once the window has painted
    qtbot.waitUntil(lambda: window.counts_label.text() == "5 articles · 1 claim")
    assert not window.read_only_label.isVisible()


def test_a_file_that_is_not_a_desk_gives_a_message_not_a_traceback(
        qtbot, open_window, desk_path: Path, tmp_path: Path) -> None:
    window = open_window(desk_path)
    foreign = tmp_path / "notes.desk"
    foreign.write_bytes(b"this is not sqlite at all\n" * 10)
    before = foreign.read_bytes()
    assert window.files.switch_to(foreign) is None
    box = window.last_message
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "notes.desk" in box.text()
    assert foreign.read_bytes() == before
    assert not window.desk_closed
    box.close()


def test_a_refused_edit_becomes_a_message(qtbot, open_window, seeded_desk: Desk) -> None:
    claim = add(seeded_desk, "Vaccination", "1,342 confirmed measles cases")
    window = open_window(seeded_desk.path)
    assert window.editing.edit_claim(claim.id, "status", "maybe") is False
    assert "maybe" in window.last_message.text()
    assert window.undo_stack.count() == 0


def test_import_by_drag_and_drop_in_a_worker(qtbot, open_window, desk_path: Path,
                                             tmp_path: Path) -> None:
    window = open_window(desk_path)
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "a.txt").write_text("Council budget\n\nThe council spent £3 million.\n")
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.jobs.jobs  # on a worker thread
    qtbot.waitUntil(lambda: window.articles_model.rowCount() == 1, timeout=20000)
    qtbot.waitUntil(lambda: window.last_message is not None)
    assert window.articles_model.summary(0).title == "Council budget"
    assert window.counts_label.text() == "1 article · 0 claims"
    assert "broken.txt" in window.last_message.text()  # the failure is named


def test_export_csv_in_a_worker(qtbot, open_window, seeded_desk: Desk, tmp_path: Path) -> None:
    claim = add(seeded_desk, "Vaccination", "1,342 confirmed measles cases",
                source="National Health Agency", figure="1,342")
    window = open_window(seeded_desk.path)
    target = tmp_path / "claims.csv"
    window.files.export_to(target)
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=20000)
    assert window.statusBar().currentMessage() == f"Exported 1 claim to {target}"
    with open(target, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["claim_id"], r["quote"], r["source"], r["figure_value"]) for r in rows] == [
        (claim.id, "1,342 confirmed measles cases", "National Health Agency", "1342")]


def test_new_article_from_clipboard(qtbot, open_window, desk_path: Path) -> None:
    window = open_window(desk_path)
    QApplication.clipboard().setText("Port strike ends\n\nDockers accepted a 9% pay rise.\n")
    window.registry.actionNewFromClipboard.trigger()
    assert window.articles_model.rowCount() == 1
    assert window.reader.article.title == "Port strike ends"
    with sqlite3.connect(desk_path) as conn:
        assert conn.execute("SELECT source_file FROM articles").fetchone()[0] == "clipboard"


def test_next_and_previous_claim_and_article(qtbot, open_window, seeded_desk: Desk) -> None:
    first = add(seeded_desk, "Vaccination", "Childhood vaccination rates")
    second = add(seeded_desk, "Vaccination", "1,342 confirmed measles cases")
    window = open_window(seeded_desk.path)
    open_article(window, "Vaccination")
    window.registry.actionNextClaim.trigger()
    assert window.claim_id == first.id
    window.registry.actionNextClaim.trigger()
    assert window.claim_id == second.id
    window.registry.actionPreviousClaim.trigger()
    assert window.claim_id == first.id
    row = window.article_pane.list.currentIndex().row()
    window.registry.actionNextArticle.trigger()
    assert window.article_pane.list.currentIndex().row() == row + 1
    assert window.reader.article.id == window.articles_model.summary(row + 1).id
    window.registry.actionPreviousArticle.trigger()
    assert window.article_pane.list.currentIndex().row() == row


def test_find_in_article(qtbot, open_window, seeded_desk: Desk) -> None:
    window = open_window(seeded_desk.path)
    open_article(window, "Vaccination")
    window.registry.actionFind.trigger()
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, "measles")
    assert window.reader.textCursor().selectedText() == "measles"
    first = window.reader.textCursor().selectionStart()
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    assert window.reader.textCursor().selectionStart() > first
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()


def test_layout_zoom_and_recent_desks_persist(qtbot, open_window, seeded_desk: Desk) -> None:
    window = open_window(seeded_desk.path)
    window.main_splitter.setSizes([200, 900, 300])
    sizes = window.main_splitter.sizes()
    window.registry.actionZoomIn.trigger()
    window.close()
    assert settings.value(settings.READER_ZOOM) == 1
    assert str(seeded_desk.path.resolve()) in settings.recent_desks()
    again = open_window(seeded_desk.path)
    assert again.main_splitter.sizes() == sizes
    assert again.reader.zoom == 1


def test_claim_panel_edits_are_saved_on_leaving_a_field(qtbot, open_window,
                                                        seeded_desk: Desk) -> None:
    claim = add(seeded_desk, "Vaccination", "1,342 confirmed measles cases")
    window = open_window(seeded_desk.path)
    window.select_claim(claim.id)
    panel = window.claim_panel
    panel.tagsEdit.setFocus()
    qtbot.keyClicks(panel.tagsEdit, "health, measles")
    panel.noteEdit.setFocus()
    qtbot.waitUntil(lambda: seeded_desk.claim(claim.id).tags == ["health", "measles"])
    qtbot.keyClicks(panel.noteEdit, "Checked with the agency.")
    window.reader.setFocus()
    qtbot.waitUntil(lambda: seeded_desk.claim(claim.id).note == "Checked with the agency.")
    panel.statusCombo.setFocus()
    panel.statusCombo.setCurrentIndex(panel.statusCombo.findData("misleading"))
    panel.statusCombo.activated.emit(panel.statusCombo.currentIndex())
    assert seeded_desk.claim(claim.id).status == "misleading"
    # completion offers the sources used on the desk
    add(seeded_desk, "Wildfire", "23%", source="Regional health trust")
    window.select_claim(claim.id)
    window._refresh_completions()
    assert "Regional health trust" in panel.sourceEdit.completer().model().stringList()


def test_table_is_not_editable_by_keyboard_on_read_only(qtbot, open_window,
                                                        seeded_desk: Desk) -> None:
    claim = add(seeded_desk, "Vaccination", "1,342 confirmed measles cases", source="Agency")
    window = open_window(seeded_desk.path, read_only=True)
    window.select_claim(claim.id)
    table = window.claims_pane.table
    table.setCurrentIndex(table.model().index(0, SOURCE))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    assert not isinstance(QApplication.focusWidget(), QLineEdit)  # no editor opened
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert seeded_desk.claim(claim.id).deleted_at is None


def test_delete_key_deletes_a_claim_in_the_table_but_not_in_a_text_field(
        qtbot, open_window, seeded_desk: Desk) -> None:
    claim = add(seeded_desk, "Vaccination", "1,342 confirmed measles cases", source="Agency")
    window = open_window(seeded_desk.path)
    window.select_claim(claim.id)
    source = window.claim_panel.sourceEdit
    source.setFocus()
    source.setCursorPosition(0)
    qtbot.keyClick(source, Qt.Key.Key_Delete)
    assert source.text() == "gency" and seeded_desk.claim(claim.id).deleted_at is None
    source.setText("Agency")
    window.claims_pane.table.setFocus()
    qtbot.keyClick(window.claims_pane.table, Qt.Key.Key_Delete)
    assert seeded_desk.claim(claim.id).deleted_at is not None


def test_sorting_the_table_by_figure_and_back_to_text_order(qtbot, open_window,
                                                            seeded_desk: Desk) -> None:
    a = add(seeded_desk, "Vaccination", "1,342 confirmed measles cases", figure="1,342")
    b = add(seeded_desk, "Vaccination", "£32,000", figure="£32,000")
    c = add(seeded_desk, "Vaccination", "650,000 additional appointments", figure="650,000")
    window = open_window(seeded_desk.path)
    open_article(window, "Vaccination")
    table = window.claims_pane.table
    proxy = table.model()

    def order() -> list[str]:
        return [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]

    assert order() == [a.id, b.id, c.id]  # text order
    table.sortByColumn(FIGURE, Qt.SortOrder.DescendingOrder)
    assert order() == [c.id, b.id, a.id]  # by value, not as text
    table.sortByColumn(QUOTE, Qt.SortOrder.AscendingOrder)
    assert order() == [a.id, b.id, c.id]
    window.registry.actionWholeDesk.trigger()
    # the whole desk is sorted on a worker thread; the table says so meanwhile
    with qtbot.waitSignal(window.claims_model.sorting, check_params_cb=lambda on: not on):
        table.sortByColumn(QUOTE, Qt.SortOrder.DescendingOrder)
    assert order() == [c.id, b.id, a.id]
    assert window.claims_pane.heading.text() == "3 claims on the whole desk"


def test_recent_desks_menu_switches_desk(qtbot, open_window, seeded_desk: Desk,
                                         tmp_path: Path) -> None:
    other_path = tmp_path / "other.desk"
    first = open_window(other_path)
    first.close()
    window = open_window(seeded_desk.path)
    window.recent_menu.aboutToShow.emit()
    entries = [a for a in window.recent_menu.actions() if "other.desk" in a.text()]
    assert len(entries) == 1
    entries[0].trigger()
    assert window.desk_closed  # the old window closed, its desk too
    from ui.window import OPEN_WINDOWS
    switched = [w for w in OPEN_WINDOWS if w.desk.path.name == "other.desk"]
    assert len(switched) == 1 and switched[0].isVisible()
    assert switched[0].articles_model.rowCount() == 0
    switched[0].close()


def test_tag_completion_completes_the_last_tag(qtbot, open_window, seeded_desk: Desk) -> None:
    add(seeded_desk, "Wildfire", "23%", tags=["health", "wildfire"])
    claim = add(seeded_desk, "Vaccination", "1,342 confirmed measles cases")
    window = open_window(seeded_desk.path)
    window.select_claim(claim.id)
    tags = window.claim_panel.tagsEdit
    completer = tags.completer()
    # the completion lists are read once the window has painted
    qtbot.waitUntil(lambda: completer.model().stringList() == ["health", "wildfire"])
    tags.setText("budget, wil")
    assert completer.splitPath(tags.text()) == ["wil"]
    completer.setCompletionPrefix("wil")
    assert completer.pathFromIndex(completer.currentIndex()) == "budget, wildfire"
