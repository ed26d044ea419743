"""Review ▸ Mark Article Reviewed (Ctrl+Shift+R, undoable, a tick in the article list), the
learning switch, and the suggestion bar saying what the finder learned from."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desk import Desk
from desk.finder.reviewed import is_reviewed
from tests.ui.conftest import article_row, open_article
from tests.ui.test_suggest import suggest_on
from ui.article_model import REVIEWED_ROLE

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_mark_reviewed_from_the_keyboard_ticks_the_list_and_undoes(
        qtbot, open_window, seeded_desk: Desk) -> None:
    window = open_window(seeded_desk.path)
    article_id = open_article(window, "Ukraine")
    qtbot.waitUntil(lambda: window.review_marks.actionMarkReviewed.isEnabled())
    action = window.review_marks.actionMarkReviewed
    assert not action.isChecked()
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_R, CTRL_SHIFT)
    assert is_reviewed(window.desk, article_id) and action.isChecked()
    index = window.articles_model.index(article_row(window, "Ukraine"))
    assert index.data(REVIEWED_ROLE) is True
    assert "reviewed" in index.data(Qt.ItemDataRole.AccessibleDescriptionRole)
    window.undo_stack.undo()
    assert not is_reviewed(window.desk, article_id) and not action.isChecked()
    assert index.data(REVIEWED_ROLE) is False
    window.undo_stack.redo()
    assert is_reviewed(window.desk, article_id)


def test_learning_switch_and_the_bar_says_what_the_finder_learned_from(
        qtbot, open_window, seeded_desk: Desk) -> None:
    window = open_window(seeded_desk.path)
    learning = window.review_marks.actionLearning
    qtbot.waitUntil(lambda: learning.isChecked())  # read after the first paint: on
    learning.setChecked(False)
    assert window.desk.setting("finder_learning") == "off"
    open_article(window, "Ukraine")
    suggest_on(qtbot, window)
    assert "finder: shipped model (learning is off)" in window.suggester.bar.label.text()
    learning.setChecked(True)
    window.suggester.actionSuggest.setChecked(False)
    window.suggester.found = None
    suggest_on(qtbot, window)
    assert "too few to learn" in window.suggester.bar.label.text()


def test_a_read_only_window_cannot_mark(qtbot, open_window, seeded_desk: Desk) -> None:
    seeded_desk.close()
    window = open_window(seeded_desk.path, read_only=True)
    open_article(window, "Ukraine")
    assert not window.review_marks.actionMarkReviewed.isEnabled()
