"""Suggest claims in the window: marks in the reader, accept / dismiss from the keyboard, undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat

from desk import Desk
from tests.ui.conftest import open_article, painted_formats

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
TOLL = "249 civilians had been killed"


def suggest_on(qtbot, window) -> None:
    """Press the Suggest Claims key in the reader and wait for the finder's thread."""
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_S, CTRL_SHIFT)
    assert window.suggester.actionSuggest.isChecked()
    qtbot.waitUntil(lambda: window.suggester.found is not None, timeout=10000)


def toll_index(window) -> int:
    """Index of the UN civilian-toll suggestion among those shown (-1 if absent)."""
    return next((i for i, s in enumerate(window.suggester.items) if TOLL in s.quote), -1)


def underline_at(window, position: int) -> QTextCharFormat.UnderlineStyle | None:
    """The underline the highlighter drew at a UTF-16 position of the reader's document."""
    block = window.reader.document().findBlock(position)
    offset = position - block.position()
    for fmt_range in painted_formats(window.reader, block):
        if fmt_range.start <= offset < fmt_range.start + fmt_range.length:
            return fmt_range.format.underlineStyle()
    return None


def select_toll(qtbot, window) -> None:
    """Step with F8 to the civilian-toll suggestion."""
    for _ in range(len(window.suggester.items)):
        if window.suggester.selected() and TOLL in window.suggester.selected().quote:
            return
        qtbot.keyClick(window.reader, Qt.Key.Key_F8)
    assert TOLL in window.suggester.selected().quote


def test_suggest_marks_candidates_and_accept_undo_redo(qtbot, open_window,
                                                        seeded_desk: Desk) -> None:
    path = seeded_desk.path
    window = open_window(path)
    article_id = open_article(window, "Ukraine")
    suggest_on(qtbot, window)

    at = toll_index(window)
    assert at >= 0
    item = window.suggester.items[at]
    assert item.source == "UN human rights office" and item.figure == "249 civilians"
    body = window.desk.article(article_id).body
    assert body[item.start:item.end] == item.quote
    middle = window.reader.offsets.to_utf16((item.start + item.end) // 2)
    # marked as a suggestion (dotted), not as a claim (no status background)
    assert window.suggester.selected() != item  # the first suggestion is selected
    assert underline_at(window, middle) in (QTextCharFormat.UnderlineStyle.DotLine,
                                            QTextCharFormat.UnderlineStyle.DashUnderline)
    assert window.reader.highlighter.spans_at(middle) == []

    select_toll(qtbot, window)
    label = window.suggester.bar.label.text()
    assert "UN human rights office" in label and "249 civilians" in label and "score" in label
    assert underline_at(window, middle) == QTextCharFormat.UnderlineStyle.SingleUnderline

    qtbot.keyClick(window.reader, Qt.Key.Key_Return, CTRL_SHIFT)  # accept
    claims = window.desk.claims(article_id)
    assert len(claims) == 1
    claim = claims[0]
    assert (claim.start_char, claim.end_char, claim.quote) == (item.start, item.end, item.quote)
    assert claim.source == "UN human rights office" and claim.figure == "249 civilians"
    assert claim.figure_value == 249
    assert window.claim_id == claim.id  # selected in the window, panel shows it
    assert window.claim_panel.sourceEdit.text() == "UN human rights office"
    assert toll_index(window) == -1  # a claim now, no longer a suggestion
    assert window.reader.highlighter.spans_at(middle)[0].claim_id == claim.id

    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo
    assert window.desk.claims(article_id) == []
    assert window.desk.claim(claim.id).deleted_at is not None
    assert toll_index(window) >= 0  # suggested again
    assert window.reader.highlighter.spans_at(middle) == []

    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL_SHIFT)  # redo
    assert [c.id for c in window.desk.claims(article_id)] == [claim.id]
    assert window.desk.claim(claim.id).source == "UN human rights office"
    assert toll_index(window) == -1


def test_dismiss_hides_suggestion_and_it_stays_dismissed_after_reopening(
        qtbot, open_window, seeded_desk: Desk) -> None:
    path = seeded_desk.path
    window = open_window(path)
    open_article(window, "Ukraine")
    suggest_on(qtbot, window)
    count = len(window.suggester.items)
    select_toll(qtbot, window)

    qtbot.keyClick(window.reader, Qt.Key.Key_Backspace, CTRL_SHIFT)  # dismiss
    assert toll_index(window) == -1
    assert len(window.suggester.items) == count - 1
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo
    assert toll_index(window) >= 0
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL_SHIFT)  # redo: dismissed again
    assert toll_index(window) == -1
    assert window.desk.claims() == []  # dismissing makes no claim
    window.close()

    again = open_window(path)
    open_article(again, "Ukraine")
    suggest_on(qtbot, again)
    assert len(again.suggester.items) == count - 1
    assert toll_index(again) == -1
    assert any("9,000" in s.quote for s in again.suggester.items)  # the others stay


def test_read_only_desk_suggests_but_cannot_accept_or_dismiss(qtbot, open_window,
                                                              seeded_desk: Desk) -> None:
    window = open_window(seeded_desk.path, read_only=True)
    article_id = open_article(window, "Ukraine")
    suggest_on(qtbot, window)
    assert toll_index(window) >= 0 and window.suggester.selected() is not None
    assert not window.suggester.actionAcceptSuggestion.isEnabled()
    assert not window.suggester.actionDismissSuggestion.isEnabled()
    select_toll(qtbot, window)
    qtbot.keyClick(window.reader, Qt.Key.Key_Return, CTRL_SHIFT)
    qtbot.keyClick(window.reader, Qt.Key.Key_Backspace, CTRL_SHIFT)
    assert window.desk.claims(article_id) == []
    assert toll_index(window) >= 0


def test_suggestions_follow_the_article_shown_and_switch_off(qtbot, open_window,
                                                             seeded_desk: Desk) -> None:
    window = open_window(seeded_desk.path)
    open_article(window, "Ukraine")
    suggest_on(qtbot, window)
    assert window.reader.highlighter.suggestion is not None
    open_article(window, "Vaccination")  # suggestions stay on: found for this article
    qtbot.waitUntil(lambda: window.suggester.found is not None, timeout=10000)
    body = window.reader.article.body
    assert window.suggester.items
    assert all(body[s.start:s.end] == s.quote for s in window.suggester.items)
    assert all(TOLL not in s.quote for s in window.suggester.items)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_S, CTRL_SHIFT)  # off: marks and bar go
    assert not window.suggester.actionSuggest.isChecked()
    assert window.reader.highlighter.suggestion is None
    assert not window.suggester.bar.isVisible()
