"""End to end: import, select after emoji, add a claim from the keyboard, undo/redo, reopen."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from desk import Desk
from desk.text.figures import find_figure
from tests.conftest import SEEDS
from tests.ui.conftest import open_article, painted_formats

VACCINE_SEED = SEEDS / "vaccine-uptake-report.md"
PHRASE = "Only 84.5% of children had received both doses"


def select_with_qt(window, phrase: str) -> None:
    """Select text the way Qt counts it (UTF-16), without our own offset code."""
    cursor = window.reader.document().find(phrase)
    assert not cursor.isNull(), phrase
    window.reader.setTextCursor(cursor)


def claim_rows(path: Path) -> list[sqlite3.Row]:
    """The claims table, read with plain sqlite3."""
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM claims ORDER BY created_at").fetchall()


def test_import_select_after_emoji_add_claim_type_source_and_figure(
        qtbot, open_window, desk_path: Path) -> None:
    window = open_window(desk_path)
    assert window.articles_model.rowCount() == 0

    assert window.files.import_paths([str(VACCINE_SEED)]) is not None  # a worker thread
    qtbot.waitUntil(lambda: window.articles_model.rowCount() == 1, timeout=20000)
    article_id = open_article(window, "Vaccination")
    body = window.desk.article(article_id).body
    assert "💉" in body[: body.index(PHRASE)]  # the span follows an emoji

    window.reader.setFocus()
    select_with_qt(window, PHRASE)
    assert window.registry.actionAddClaim.isEnabled()
    qtbot.keyClick(window.reader, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    panel = window.claim_panel
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.sourceEdit)
    assert panel.figureEdit.text() == find_figure(PHRASE).text == "Only 84.5%"  # pre-filled
    assert panel.statusCombo.currentData() == "unchecked"
    qtbot.keyClicks(panel.sourceEdit, "National Health Agency")
    qtbot.keyClick(panel.sourceEdit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.figureEdit
    qtbot.keyClicks(panel.figureEdit, "84.5%")  # Tab selected the pre-filled text: replaced
    qtbot.keyClick(panel.figureEdit, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is window.reader  # ready for the next selection

    rows = claim_rows(desk_path)
    assert len(rows) == 1
    row = rows[0]
    start = body.index(PHRASE)
    assert (row["start_char"], row["end_char"]) == (start, start + len(PHRASE))
    assert row["quote"] == PHRASE == body[row["start_char"]:row["end_char"]]
    assert row["source"] == "National Health Agency"
    assert row["figure"] == "84.5%"
    assert row["figure_value"] == 84.5 and row["figure_unit"] == "%"
    assert row["status"] == "unchecked" and row["deleted_at"] is None
    # the table and the list follow
    assert window.claims_model.rowCount() == 1
    assert window.claims_model.claim(0).source == "National Health Agency"
    assert window.articles_model.summary(0).claim_count == 1


def test_undo_and_redo_across_add_and_field_edits(qtbot, open_window, seeded_desk: Desk) -> None:
    window = open_window(seeded_desk.path)
    open_article(window, "Vaccination")
    select_with_qt(window, PHRASE)
    claim = window.editing.add_claim_from_selection()
    assert claim is not None
    panel = window.claim_panel
    panel.sourceEdit.setText("National Health Agency")
    panel.sourceEdit.editingFinished.emit()
    panel.figureEdit.setText("84.5%")
    panel.figureEdit.editingFinished.emit()
    assert seeded_desk.claim(claim.id).figure == "84.5%"

    undo, redo = window.registry.actionUndo, window.registry.actionRedo
    undo.trigger()
    assert seeded_desk.claim(claim.id).figure == "Only 84.5%"
    assert panel.figureEdit.text() == "Only 84.5%"
    undo.trigger()
    assert seeded_desk.claim(claim.id).source == ""
    undo.trigger()
    assert seeded_desk.claim(claim.id).deleted_at is not None
    assert seeded_desk.claims(claim.article_id) == []
    assert window.reader.highlighter.span(claim.id) is None
    assert not undo.isEnabled()

    for _ in range(3):
        redo.trigger()
    restored = seeded_desk.claim(claim.id)
    assert restored.deleted_at is None
    assert (restored.source, restored.figure) == ("National Health Agency", "84.5%")
    assert window.reader.highlighter.span(claim.id) is not None
    assert window.claim_id == claim.id


def test_undo_with_the_keyboard_from_the_reader(qtbot, open_window, seeded_desk: Desk) -> None:
    window = open_window(seeded_desk.path)
    article_id = open_article(window, "Vaccination")
    select_with_qt(window, "1,342 confirmed measles cases")
    claim = window.editing.add_claim_from_selection()
    assert claim is not None and claim.figure == find_figure(claim.quote).text
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert seeded_desk.claims(article_id) == []


def test_close_and_reopen_shows_the_highlight(qtbot, open_window, seeded_desk: Desk) -> None:
    window = open_window(seeded_desk.path)
    article_id = open_article(window, "Vaccination")
    select_with_qt(window, PHRASE)
    claim = window.editing.add_claim_from_selection()
    assert claim is not None
    window.close()
    assert window.desk_closed

    again = open_window(seeded_desk.path)
    open_article(again, "Vaccination")
    assert again.article_id == article_id
    reader = again.reader
    expected = reader.document().find(PHRASE)
    span = reader.highlighter.span(claim.id)
    assert (span.start, span.end) == (expected.selectionStart(), expected.selectionEnd())
    # the block really carries a background format over exactly that text
    block = reader.document().findBlock(span.start)
    ranges = [r for r in painted_formats(reader, block) if r.format.background().style() != Qt.BrushStyle.NoBrush]
    covered = {(block.position() + r.start, block.position() + r.start + r.length) for r in ranges}
    assert (span.start, span.end) in covered


def test_click_on_a_highlight_selects_its_claim(qtbot, open_window, seeded_desk: Desk) -> None:
    article = next(a for a in seeded_desk.articles() if "Vaccination" in a.title)
    start = article.body.index("1,342")
    claim = seeded_desk.add_claim(article.id, start, start + len("1,342 confirmed"),
                                  source="National Health Agency", status="checking")
    window = open_window(seeded_desk.path)
    open_article(window, "Vaccination")
    assert window.claim_id is None
    cursor = window.reader.document().find("1,342")
    cursor.setPosition(cursor.selectionStart() + 2)
    window.reader.setTextCursor(cursor)
    window.reader.ensureCursorVisible()
    point = window.reader.cursorRect(cursor).center()
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: window.claim_id == claim.id)
    assert window.claims_pane.current_id() == claim.id  # and the table follows
    assert window.claim_panel.sourceEdit.text() == "National Health Agency"
    assert window.claim_panel.statusCombo.currentText() == "Checking"


def test_delete_claim_and_undo(qtbot, open_window, seeded_desk: Desk) -> None:
    window = open_window(seeded_desk.path)
    open_article(window, "Vaccination")
    select_with_qt(window, PHRASE)
    claim = window.editing.add_claim_from_selection()
    window.reader.setFocus()
    window.registry.actionDeleteClaim.trigger()
    assert seeded_desk.claim(claim.id).deleted_at is not None
    assert window.claims_model.rowCount() == 0 and window.claim_id is None
    window.registry.actionUndo.trigger()
    assert seeded_desk.claim(claim.id).deleted_at is None
    assert window.claims_model.rowCount() == 1


def test_delete_claim_selects_its_neighbour(qtbot, open_window, seeded_desk: Desk) -> None:
    """Deleting a claim selects the next one in text order (the previous one at the end), in
    the reader, the table and the panel; the last claim's deletion leaves none selected."""
    window = open_window(seeded_desk.path)
    open_article(window, "Vaccination")
    claims = []
    for phrase in ("1,342 confirmed measles cases", "£45 million", "7 in 10 parents"):
        select_with_qt(window, phrase)
        claims.append(window.editing.add_claim_from_selection())
    first, middle, last = sorted(claims, key=lambda c: c.start_char)
    window.select_claim(middle.id)
    window.reader.setFocus()
    window.registry.actionDeleteClaim.trigger()
    assert seeded_desk.claim(middle.id).deleted_at is not None
    assert window.claim_id == last.id  # the next one
    assert window.claims_pane.current_id() == last.id
    assert window.claim_panel.claim is not None and window.claim_panel.claim.id == last.id
    assert window.registry.actionDeleteClaim.isEnabled()
    window.registry.actionDeleteClaim.trigger()
    assert window.claim_id == first.id  # none after it: the previous one
    window.registry.actionDeleteClaim.trigger()
    assert window.claim_id is None and window.claims_model.rowCount() == 0
    assert not window.registry.actionDeleteClaim.isEnabled()
    window.registry.actionUndo.trigger()
    assert seeded_desk.claim(first.id).deleted_at is None


def test_whitespace_round_a_selection_is_trimmed(qtbot, open_window, seeded_desk: Desk) -> None:
    window = open_window(seeded_desk.path)
    open_article(window, "Vaccination")
    cursor = window.reader.document().find(PHRASE)
    cursor.setPosition(cursor.selectionStart() - 1)
    cursor.setPosition(cursor.position() + len(PHRASE) + 2,
                       QTextCursor.MoveMode.KeepAnchor)
    window.reader.setTextCursor(cursor)
    claim = window.editing.add_claim_from_selection()
    assert claim is not None and claim.quote.startswith("Only") and claim.quote == claim.quote.strip()


def test_enter_in_source_moves_to_figure_and_escape_returns_to_reader(
        qtbot, open_window, seeded_desk: Desk) -> None:
    window = open_window(seeded_desk.path)
    open_article(window, "Vaccination")
    select_with_qt(window, "£45 million")
    claim = window.editing.add_claim_from_selection()
    panel = window.claim_panel
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.sourceEdit)
    qtbot.keyClicks(panel.sourceEdit, "Health minister")
    qtbot.keyClick(panel.sourceEdit, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is panel.figureEdit
    qtbot.keyClicks(panel.figureEdit, "45 million pounds")  # replaces the pre-filled figure
    qtbot.keyClick(panel.figureEdit, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.reader
    saved = seeded_desk.claim(claim.id)
    assert (saved.source, saved.figure, saved.figure_value) == (
        "Health minister", "45 million pounds", 45_000_000)


def test_no_mouse_find_then_add_claim(qtbot, open_window, seeded_desk: Desk) -> None:
    """Ctrl+F, type, Enter, Escape, Shift+Right, Ctrl+Enter: a claim, all from the keyboard."""
    window = open_window(seeded_desk.path)
    open_article(window, "Vaccination")
    qtbot.keyClick(window.reader, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.reader
    qtbot.keyClick(window.reader, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    find = window.find_bar.edit
    assert QApplication.focusWidget() is find
    qtbot.keyClicks(find, "45 million")
    qtbot.keyClick(find, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.reader
    for _ in range(len(" on a catch-up campaign")):
        qtbot.keyClick(window.reader, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.reader, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    claims = seeded_desk.claims(window.article_id)
    assert [c.quote for c in claims] == ["45 million on a catch-up campaign"]
    assert claims[0].figure == "45 million"
    assert QApplication.focusWidget() is window.claim_panel.sourceEdit


def test_an_empty_desk_says_how_to_start(open_window, desk_path: Path) -> None:
    window = open_window(desk_path)
    hint = window.article_pane.empty
    assert hint.isVisible() and "Ctrl+I" in hint.text()
    assert not window.claim_panel.fields.isVisible()
    assert "Ctrl+Enter" in window.claim_panel.hint.text()


def test_a_review_url_is_set_in_the_panel_and_undone(qtbot, open_window,
                                                       seeded_desk: Desk) -> None:
    """The claim panel's Review URL goes through the undo stack; what is not a web
    address is said beside the field and never reaches the desk."""
    window = open_window(seeded_desk.path)
    open_article(window, "Vaccination")
    select_with_qt(window, PHRASE)
    claim = window.editing.add_claim_from_selection()
    panel = window.claim_panel
    panel.reviewUrlEdit.setText("news.example/checks/vaccination")
    panel.reviewUrlEdit.editingFinished.emit()
    assert "not a web address" in panel.reviewUrlHint.text()
    assert panel.reviewUrlEdit.text() == "" and seeded_desk.claim(claim.id).review_url == ""
    panel.reviewUrlEdit.setText("https://news.example/checks/vaccination")
    panel.reviewUrlEdit.editingFinished.emit()
    assert seeded_desk.claim(claim.id).review_url == "https://news.example/checks/vaccination"
    assert panel.reviewUrlHint.text() == ""
    assert window.registry.actionUndo.text().endswith("Edit review URL")
    window.registry.actionUndo.trigger()
    assert seeded_desk.claim(claim.id).review_url == ""
    assert panel.reviewUrlEdit.text() == ""
