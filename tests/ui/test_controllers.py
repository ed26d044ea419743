"""Controllers work without the window: a WindowContext over a plain QMainWindow is enough.

What a controller asks of the window goes through the context (push, report, run_job) or the
selection's request signals, which here a few lines answer in place of ``MainWindow``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMainWindow

from desk import Desk, DeskError
from tests.conftest import article_titled
from ui.actions import Actions, add_undo_actions
from ui.claim_panel import ClaimPanel
from ui.controller import WindowContext
from ui.editing import Editing
from ui.jobs import Jobs
from ui.messages import Messages
from ui.reader import Reader
from ui.selection import Selection


@pytest.fixture
def context(qtbot, seeded_desk: Desk) -> Iterator[WindowContext]:
    """A context over a bare main window; the selection's requests are simply recorded."""
    parent = QMainWindow()
    qtbot.addWidget(parent)
    stack = QUndoStack(parent)
    registry = Actions(parent)
    add_undo_actions(registry, stack, parent)
    selection = Selection(parent)
    selection.claimRequested.connect(lambda cid, _scroll: selection.set_claim(cid))
    messages = Messages(parent)
    refreshed: list[bool] = []
    jobs = Jobs(parent, seeded_desk, lambda: False, messages.report,
                lambda: refreshed.append(True))
    made = WindowContext(
        desk=seeded_desk, undo_stack=stack, registry=registry, selection=selection,
        report=messages.report, inform=messages.inform, run_job=jobs.run, parent=parent,
        closed=lambda: False, commit_pending=lambda: None, refresh=lambda: None,
        reload_all=lambda: None, keep_dialog=messages.keep_dialog)
    made.messages, made.jobs, made.refreshed = messages, jobs, refreshed  # for the tests
    yield made
    jobs.stop()


def test_editing_adds_steps_and_deletes_through_the_context(context: WindowContext) -> None:
    desk = context.desk
    article = article_titled(desk, "Vaccination")
    reader, panel = Reader(), ClaimPanel()
    editing = Editing(context, reader, panel)
    reader.show_article(desk.article(article.id), [])
    context.selection.set_article(article.id)
    for phrase in ("£45 million", "7 in 10 parents"):
        start = article.body.index(phrase)
        reader.select_text(start, start + len(phrase))
        editing.update_actions()
        assert context.registry.actionAddClaim.isEnabled()
        claim = editing.add_claim_from_selection()
        assert claim is not None and context.selection.claim_id == claim.id
    first, second = desk.claim_ids_sorted("position", article_id=article.id)
    assert context.undo_stack.count() == 2

    editing.step_claim(1)  # from the second, round to the first
    assert context.selection.claim_id == first
    context.registry.actionDeleteClaim.trigger()
    assert desk.claim(first).deleted_at is not None
    assert context.selection.claim_id == second  # its neighbour
    context.registry.actionUndo.trigger()
    assert desk.claim(first).deleted_at is None

    assert editing.edit_claim(second, "status", "maybe") is False  # refused: a message
    assert context.messages.last_message.objectName() == "problemMessage"
    assert "maybe" in context.messages.last_message.text()
    assert context.undo_stack.count() == 3  # add, add, delete: the refused edit is not on it


def test_jobs_hand_results_over_and_report_failures(qtbot, context: WindowContext) -> None:
    results: list[object] = []
    job = context.run_job("Counting…", lambda desk, progress, cancelled: desk.counts(),
                          results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=60000)
    assert results == [context.desk.counts()] and job not in context.jobs.jobs

    def fail(desk, progress, cancelled):
        raise DeskError("The desk said no.")

    context.run_job("Failing…", fail, results.append)
    qtbot.waitUntil(lambda: context.messages.last_message is not None, timeout=60000)
    assert context.messages.last_message.text() == "The desk said no."
    assert context.messages.last_message.windowTitle() == "Failing"
    assert context.refreshed == [True] and len(results) == 1
