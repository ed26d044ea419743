"""Across the Desk in the window: groups, disagreements and revisions on the 22-article desk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QTextCharFormat
from PySide6.QtWidgets import QMenu

from desk import Desk, across
from tests.desk.across.across_data import claim_in, fill, update
from ui.across_models import CLAIM_ID, ChangesModel, DisagreementsModel, GroupsModel

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def across_path(tmp_path: Path) -> Iterator[Path]:
    """A desk file holding the across fixture: 22 articles and their tagged claims."""
    path = tmp_path / "across.desk"
    with Desk.open(path, editor="tester") as desk:
        fill(desk)
    yield path


def open_across(qtbot, window, key: Qt.Key):
    """Open the Across the Desk dialog by its shortcut and wait for the regrouping."""
    window.reader.setFocus()
    qtbot.keyClick(window.reader, key, CTRL_SHIFT)
    view = window.across.view
    assert view is not None and view.isVisible()
    qtbot.waitUntil(lambda: view.job is not None and view.job.isFinished()
                    and view.groups_model.rowCount() > 0, timeout=20000)
    return view


def top_texts(model) -> list[str]:
    """The first column of every top row."""
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_models_pass_qtmodeltester(qtmodeltester, across_path: Path) -> None:
    with Desk.open(across_path, editor="tester") as desk:
        groups = across.refresh_groups(desk)
        conflicts = across.disagreements(desk)
        update(desk, "a02-harlow-toll.txt")
        changes = across.changes(desk)
    assert groups and conflicts and changes
    for model, fill_in in ((GroupsModel(), lambda m: m.set_groups(groups)),
                           (DisagreementsModel(), lambda m: m.set_disagreements(conflicts)),
                           (ChangesModel(), lambda m: m.set_changes(changes))):
        qtmodeltester.check(model, force_py=True)
        fill_in(model)
        qtmodeltester.check(model, force_py=True)


def test_groups_view_shows_where_a_claim_was_seen_and_jumps_to_it(
        qtbot, open_window, across_path: Path) -> None:
    window = open_window(across_path)
    view = open_across(qtbot, window, Qt.Key.Key_G)
    texts = top_texts(view.groups_model)
    assert "Seen in 4 articles, first on 2026-03-01 by dailyledger.example" in texts
    assert any(t.startswith("Seen in 3 articles") for t in texts)

    # choosing a claim row (keyboard) shows that claim in the reader
    row = texts.index("Seen in 4 articles, first on 2026-03-01 by dailyledger.example")
    parent = view.groups_model.index(row, 0)
    child = view.groups_model.index(0, 0, parent)
    claim_id = child.data(CLAIM_ID)
    view.groups_view.setFocus()
    view.groups_view.setCurrentIndex(parent)
    qtbot.keyClick(view.groups_view, Qt.Key.Key_Down)
    assert view.groups_view.currentIndex() == child
    assert window.claim_id == claim_id
    claim = window.desk.claim(claim_id)
    assert window.article_id == claim.article_id
    assert window.reader.highlighter.selected == claim_id


def test_split_confirm_and_merge_groups_from_the_view(qtbot, open_window,
                                                      across_path: Path) -> None:
    window = open_window(across_path)
    view = open_across(qtbot, window, Qt.Key.Key_G)
    model = view.groups_model
    row = next(r for r, g in enumerate(model.groups) if g.article_count == 4)
    group = model.groups[row]
    last = model.index(len(group.claims) - 1, 0, model.index(row, 0))
    moving = last.data(CLAIM_ID)
    view.groups_view.selectionModel().select(
        last, view.groups_view.selectionModel().SelectionFlag.ClearAndSelect
        | view.groups_view.selectionModel().SelectionFlag.Rows)
    view.splitButton.click()
    after = across.group(window.desk, group.id)
    assert moving not in {c.id for c in after.claims}
    assert len(after.claims) == len(group.claims) - 1
    assert across.group_of(window.desk, group.claims[0].id).id == group.id

    view.groups_view.setCurrentIndex(model.index(model.row_of(group.id), 0))
    view.confirmButton.click()
    assert across.group(window.desk, group.id).confirmed
    # the view reads the groups again on a worker thread
    qtbot.waitUntil(lambda: model.index(model.row_of(group.id), 0).data().startswith("✓ Seen in"))

    # regrouping keeps the editor's split; then merge two groups into one
    view.regroupButton.click()
    qtbot.waitUntil(lambda: view.job.isFinished(), timeout=20000)
    qtbot.waitUntil(lambda: model.row_of(group.id) >= 0)
    assert moving not in {c.id for c in across.group(window.desk, group.id).claims}
    other = next(g for g in model.groups if g.id != group.id)
    selection = view.groups_view.selectionModel()
    selection.clearSelection()
    for gid in (group.id, other.id):
        selection.select(model.index(model.row_of(gid), 0),
                         selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    view.mergeButton.click()
    merged = across.group(window.desk, group.id)
    assert {c.id for c in other.claims} <= {c.id for c in merged.claims}
    qtbot.waitUntil(lambda: model.row_of(other.id) == -1)


def test_disagreement_list_shows_a_known_disagreement_and_opens_its_claim(
        qtbot, open_window, across_path: Path) -> None:
    window = open_window(across_path)
    view = open_across(qtbot, window, Qt.Key.Key_F)
    assert view.tabs.currentWidget().isAncestorOf(view.disagreements_view)
    model = view.disagreements_model
    texts = top_texts(model)
    assert "“249 civilians” vs “nearly 300 killed”" in texts
    row = texts.index("“249 civilians” vs “nearly 300 killed”")
    top = model.index(row, 0)
    tip = top.data(Qt.ItemDataRole.ToolTipRole)
    assert "disagrees with" in tip and "UN human rights office" in tip
    assert model.index(row, 1).data() == "249 ≠ 270–300"
    assert "“1.2 million” vs “about 900,000”" in texts  # another known one
    compatible = "“more than 1 million” vs “1.2 million”"
    assert not any(compatible in t for t in texts)

    expected = claim_in(window.desk, "a01")  # the Daily Ledger's 249 civilians
    view.disagreements_view.setFocus()
    view.disagreements_view.setCurrentIndex(QModelIndex())
    for _ in range(row * 3 + 1):  # each disagreement is a row and its two claims
        qtbot.keyClick(view.disagreements_view, Qt.Key.Key_Down)
    assert view.disagreements_view.currentIndex() == top
    assert window.claim_id == expected.id
    assert window.article_id == expected.article_id
    assert window.claim_panel.sourceEdit.text() == "UN human rights office"
    qtbot.keyClick(view.disagreements_view, Qt.Key.Key_Down)
    qtbot.keyClick(view.disagreements_view, Qt.Key.Key_Down)  # the other outlet's claim
    other = window.desk.claim(window.claim_id)
    assert other.figure == "nearly 300 killed" and window.article_id == other.article_id


def format_at(editor, position: int) -> QTextCharFormat | None:
    """The highlighter's format at a position of a plain text editor."""
    block = editor.document().findBlock(position)
    ranges = block.layout().formats()  # keep the list alive while its formats are read
    for fmt_range in ranges:
        if fmt_range.start <= position - block.position() < fmt_range.start + fmt_range.length:
            return QTextCharFormat(fmt_range.format)
    return None


def test_revisions_view_marks_a_changed_figure_after_an_update(
        qtbot, open_window, across_path: Path) -> None:
    with Desk.open(across_path, editor="tester") as desk:
        article_id = update(desk, "a02-harlow-toll.txt").article_id
        unchanged = claim_in(desk, "a01").article_id
    window = open_window(across_path)

    window.show_article(unchanged)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_H, CTRL_SHIFT)
    assert window.revisions.view is None  # never updated: a message
    assert "never updated" in window.statusBar().currentMessage()

    window.show_article(article_id)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_H, CTRL_SHIFT)
    view = window.revisions.view
    assert view.isVisible()
    old, new = view.old_text.toPlainText(), view.new_text.toPlainText()
    assert "Nearly 300 people were killed" in old and "About 250 people were killed" in new
    removed = format_at(view.old_text, old.index("Nearly 300"))
    added = format_at(view.new_text, new.index("About 250"))
    assert removed is not None and removed.fontStrikeOut()
    assert added is not None and added.fontUnderline()
    same = new.index("the UN human rights office")
    assert view.position_label.text() == "Change 1 of 1"  # both panes at the first change
    assert view.new_text.textCursor().position() == new.index("About 250")
    assert view.old_text.textCursor().position() == old.index("Nearly 300")
    assert format_at(view.new_text, same) is None  # unchanged words are not marked

    messages = [view.changes_model.index(r).data() for r in range(view.changes_model.rowCount())]
    assert any("was Nearly 300, is now About 250" in m for m in messages), messages
    view.changes_view.setFocus()
    qtbot.keyClick(view.changes_view, Qt.Key.Key_Down)
    claim = window.desk.claim(window.claim_id)
    assert claim.article_id == article_id and claim.figure == "nearly 300 killed"


def test_review_shortcuts_are_unique_in_the_window(open_window, across_path: Path) -> None:
    window = open_window(across_path)
    mine = {"actionSuggest", "actionNextSuggestion", "actionPreviousSuggestion",
            "actionAcceptSuggestion", "actionDismissSuggestion", "actionAcrossDesk",
            "actionDisagreements", "actionCompareRevisions"}
    owners: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for keys in action.shortcuts():
            owners.setdefault(keys.toString(), action.objectName())
    for action in window.findChildren(QAction):
        if action.objectName() in mine:
            assert action.shortcut().toString() in owners
            assert owners[action.shortcut().toString()] == action.objectName(), action.objectName()
    review = window.findChild(QMenu, "reviewMenu")
    assert mine <= {a.objectName() for a in review.actions()}


def test_groups_follow_claim_edits_made_in_the_window(qtbot, open_window,
                                                      across_path: Path) -> None:
    window = open_window(across_path)
    view = open_across(qtbot, window, Qt.Key.Key_F)
    before = view.disagreements_model.rowCount()
    claim = claim_in(window.desk, "a01")
    window.select_claim(claim.id)
    window.editing.delete_claim()  # the Daily Ledger's 249 civilians is gone: fewer disagreements
    qtbot.waitUntil(lambda: view.disagreements_model.rowCount() < before)
    assert all(claim.id not in (d.claim_a.id, d.claim_b.id) for d in view.disagreements_model.items)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: view.disagreements_model.rowCount() == before)


def test_closing_the_window_closes_its_review_dialogs(qtbot, open_window,
                                                      across_path: Path) -> None:
    with Desk.open(across_path, editor="tester") as desk:
        article_id = update(desk, "a02-harlow-toll.txt").article_id
    window = open_window(across_path)
    view = open_across(qtbot, window, Qt.Key.Key_G)
    window.show_article(article_id)
    window.registry["actionCompareRevisions"].trigger()
    first = window.revisions.view
    first.close()  # deleted on close; a second one opens
    assert not first.isVisible()
    window.registry["actionCompareRevisions"].trigger()
    revisions = window.revisions.view
    assert revisions.isVisible() and view.isVisible()
    window.close()
    assert window.desk_closed
    assert not view.isVisible() and not revisions.isVisible()


def members(desk: Desk, group_id: str) -> set[str]:
    """The claim ids of one stored group."""
    return {c.id for c in across.group(desk, group_id).claims}


def test_split_and_merge_are_undoable_from_the_keyboard(qtbot, open_window,
                                                        across_path: Path) -> None:
    window = open_window(across_path)
    view = open_across(qtbot, window, Qt.Key.Key_G)
    model, tree = view.groups_model, view.groups_view
    selection = tree.selectionModel()
    flags = selection.SelectionFlag
    first, second = model.groups[0], model.groups[1]
    before_first, before_second = members(window.desk, first.id), members(window.desk, second.id)

    parent = model.index(model.row_of(first.id), 0)
    moving = model.index(0, 0, parent).data(CLAIM_ID)
    selection.select(model.index(0, 0, parent), flags.ClearAndSelect | flags.Rows)
    view.splitButton.click()
    assert members(window.desk, first.id) == before_first - {moving}
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the split
    assert members(window.desk, first.id) == before_first
    qtbot.keyClick(tree, Qt.Key.Key_Z, CTRL_SHIFT)  # redo
    assert members(window.desk, first.id) == before_first - {moving}
    qtbot.keyClick(tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert members(window.desk, first.id) == before_first

    view.reload()
    selection.clearSelection()
    for gid in (first.id, second.id):
        selection.select(model.index(model.row_of(gid), 0), flags.Select | flags.Rows)
    view.mergeButton.click()
    assert members(window.desk, first.id) == before_first | before_second
    qtbot.keyClick(tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the merge
    assert members(window.desk, first.id) == before_first
    apart = across.group_of(window.desk, next(iter(before_second)))
    assert apart is not None and {c.id for c in apart.claims} == before_second
    qtbot.keyClick(tree, Qt.Key.Key_Z, CTRL_SHIFT)  # redo
    assert members(window.desk, first.id) == before_first | before_second
    qtbot.waitUntil(lambda: model.row_of(second.id) == -1 and model.row_of(first.id) >= 0)


def test_enter_on_a_disagreement_opens_its_claim_in_the_window(qtbot, open_window,
                                                               across_path: Path) -> None:
    window = open_window(across_path)
    view = open_across(qtbot, window, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: view.disagreements_view.hasFocus())
    tree = view.disagreements_view
    row = top_texts(view.disagreements_model).index("“1.2 million” vs “about 900,000”")
    wanted = view.disagreements_model.items[row].claim_a
    tree.setCurrentIndex(view.disagreements_model.index(row, 0))
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    qtbot.waitUntil(window.isActiveWindow)
    assert window.claim_id == wanted.id and window.article_id == wanted.article_id
    assert window.reader.hasFocus()
    assert wanted.quote == window.reader.article.body[wanted.start_char:wanted.end_char]
