"""Suggest claims: the finder's candidates marked in the reader, accepted or dismissed by key.

"Suggest Claims" turns suggestions on for the article shown (and the next ones opened). The
finder (:func:`desk.finder.suggest`, no desk needed) runs on a worker thread; the filtering of
dismissed and already-claimed spans (:func:`desk.suggestions.suggestions_for_article`, two
small queries) runs on the UI thread when it is done. The selected suggestion's source,
figure, score and reasons are shown in a bar under the reader before it is accepted. Accept
and dismiss are undoable commands.
"""

from __future__ import annotations

import html
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMenuBar,
    QSizePolicy,
    QToolButton,
)

from desk import Change, Claim, Desk

from .commands import DeskCommand, ErrorReporter

if TYPE_CHECKING:
    from collections.abc import Callable

    from desk.finder.engine import Suggestion

    from .controller import WindowContext
    from .reader import Reader

SUGGEST = "Ctrl+Shift+S"
NEXT_SUGGESTION = "F8"
PREVIOUS_SUGGESTION = "Shift+F8"
ACCEPT_SUGGESTION = "Ctrl+Shift+Return"
DISMISS_SUGGESTION = "Ctrl+Shift+Backspace"

def _core() -> ModuleType:
    """desk.suggestions (and the finder), loaded on first use so that start-up stays quick."""
    from desk.finder import suggestions

    return suggestions


#: Finder threads still running (a QThread must outlive its run, even if its window closes).
_RUNNING: set[QThread] = set()


class FinderJob(QThread):
    """Runs the finder on one article's text, off the UI thread; emits :attr:`found`."""

    found = Signal(str, object, str)  # article id, list[Suggestion], what it learned from

    def __init__(self, article_id: str, body: str, desk: Desk | None = None) -> None:
        super().__init__()
        self.article_id, self.body = article_id, body
        # the desk's file, for the model it learned (read through a connection of its own)
        self.desk_file = (desk.path, desk.read_only) if desk is not None else None

    def run(self) -> None:
        """On the worker thread: the desk's model (the shipped one, adjusted by the
        editors' decisions), then the finder on the text."""
        learned = ""
        try:
            from desk.finder.engine import suggest

            model = None
            if self.desk_file is not None:  # a connection of its own, for this thread
                from desk.finder.learning import desk_model

                with Desk.open(self.desk_file[0], read_only=self.desk_file[1]) as desk:
                    model, what = desk_model(desk)
                learned = what.describe()
            result = suggest(self.body, model=model)
        except Exception:  # a finder bug must not kill the window: no suggestions then
            result = []
        self.found.emit(self.article_id, result, learned)


class AcceptSuggestionCommand(DeskCommand):
    """Make a suggestion a claim (source and figure filled in); undo deletes it."""

    def __init__(self, desk: Desk, suggestion: Suggestion, report: ErrorReporter) -> None:
        super().__init__(desk, "Accept Suggestion", report)
        self.suggestion = suggestion
        self.claim: Claim | None = None

    def do(self) -> None:
        """Create the claim the first time, restore it afterwards."""
        if self.claim is None:
            self.claim = _core().accept_suggestion(self.desk, self.suggestion)
        else:
            self.desk.restore_claim(self.claim.id)

    def undo_change(self) -> None:
        """Delete the claim again (the suggestion comes back)."""
        assert self.claim is not None
        self.desk.delete_claim(self.claim.id)


class DismissSuggestionCommand(DeskCommand):
    """Remember a dismissal (not suggested again); undo forgets it."""

    def __init__(self, desk: Desk, suggestion: Suggestion, report: ErrorReporter,
                 after: Callable[[], None]) -> None:
        super().__init__(desk, "Dismiss Suggestion", report)
        self.suggestion, self.after = suggestion, after

    def do(self) -> None:
        """Store the dismissal."""
        _core().dismiss_suggestion(self.desk, self.suggestion)
        self.after()

    def undo_change(self) -> None:
        """Forget the dismissal."""
        _core().undismiss_suggestion(self.desk, self.suggestion)
        self.after()


class SuggestBar(QFrame):
    """Under the reader: the selected suggestion's source, figure, score and reasons."""

    def __init__(self) -> None:
        super().__init__(objectName="suggestBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel(objectName="suggestionLabel")
        # three fixed lines (a wrapping label in a row gets the wrong height); clipped, not
        # widening the window, when a line is long: the tooltip holds the whole text
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.label.setFixedHeight(3 * self.label.fontMetrics().lineSpacing() + 4)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.buttons: list[QToolButton] = []
        self.hide()

    def add_action(self, action: QAction, text: str) -> None:
        """A button for one of the suggestion actions."""
        button = QToolButton(self)
        action.setIconText(text)  # short button text; menus keep the full text
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys are the shortcuts
        self.layout().addWidget(button)
        self.buttons.append(button)

    def show_text(self, text: str) -> None:
        """Show a rich-text line."""
        self.label.setText(text)
        self.label.setToolTip(text)
        self.show()


def describe(item: Suggestion, at: int, count: int, learned: str = "") -> str:
    """The bar's text for one suggestion (rich text, escaped); ``learned`` says what the
    finder learned from ("learned from 240 decisions in this desk")."""
    esc = html.escape
    source = esc(item.source) if item.source else "<i>none named</i>"
    figure = esc(item.figure) if item.figure else "<i>none</i>"
    reasons = esc("; ".join(item.reasons)) or "—"
    finder = f" · finder: {esc(learned)}" if learned else ""
    return (f"<b>Suggestion {at + 1} of {count}</b> · score {item.score:.2f}{finder}"
            f"<br>Source: <b>{source}</b> · Figure: <b>{figure}</b>"
            f"<br>Why: {reasons}")


class Suggester(QObject):
    """The window's suggestion flow: actions, the finder job, the reader's marks, the bar.

    A controller: handed the window's context and the reader it marks suggestions in.
    """

    def __init__(self, context: WindowContext, reader: Reader) -> None:
        super().__init__(context.parent)
        self.context, self.reader = context, reader
        self.desk = context.desk
        self.article_id: str | None = None
        self.found: list[Suggestion] | None = None  # the finder's output for article_id
        self.items: list[Suggestion] = []  # what is shown: found, filtered
        self.learned = ""  # what the finder learned from, for the bar
        self.current = -1
        self.bar = SuggestBar()
        self.actionSuggest = self._action(  # noqa: N815 - like the registry's names
            "actionSuggest", "&Suggest Claims", SUGGEST,
            "Mark the sentences worth checking, with their source and figure", checkable=True)
        self.actionNextSuggestion = self._action(  # noqa: N815
            "actionNextSuggestion", "Next Suggestion", NEXT_SUGGESTION,
            "Select the next suggested claim")
        self.actionPreviousSuggestion = self._action(  # noqa: N815
            "actionPreviousSuggestion", "Previous Suggestion", PREVIOUS_SUGGESTION,
            "Select the previous suggested claim")
        self.actionAcceptSuggestion = self._action(  # noqa: N815
            "actionAcceptSuggestion", "&Accept Suggestion", ACCEPT_SUGGESTION,
            "Make the selected suggestion a claim with its source and figure (undoable)",
            edits=True)
        self.actionDismissSuggestion = self._action(  # noqa: N815
            "actionDismissSuggestion", "&Dismiss Suggestion", DISMISS_SUGGESTION,
            "Do not suggest this again (undoable)", edits=True)
        for action, text in ((self.actionPreviousSuggestion, "◀"),
                             (self.actionNextSuggestion, "▶"),
                             (self.actionAcceptSuggestion, "Accept"),
                             (self.actionDismissSuggestion, "Dismiss")):
            self.bar.add_action(action, text)
        self.actionSuggest.toggled.connect(self._toggled)
        self.actionNextSuggestion.triggered.connect(lambda: self.step(1))
        self.actionPreviousSuggestion.triggered.connect(lambda: self.step(-1))
        self.actionAcceptSuggestion.triggered.connect(self.accept)
        self.actionDismissSuggestion.triggered.connect(self.dismiss)
        self._unsubscribe = self.desk.subscribe(self._on_change)
        self._update_actions()

    def _action(self, name: str, text: str, keys: str, tip: str, *, edits: bool = False,
                checkable: bool = False) -> QAction:
        action = QAction(text, self.context.parent)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(keys))
        action.setStatusTip(tip)
        action.setToolTip(f"{text.replace('&', '')} ({QKeySequence(keys).toString()})")
        action.setCheckable(checkable)
        action.setProperty("edits", edits)
        return self.context.add_action(action)

    def add_to_menu(self, bar: QMenuBar) -> QMenu:
        """The Review menu, with the suggestion actions first; returns it."""
        menu = bar.addMenu("&Review")
        menu.setObjectName("reviewMenu")
        menu.addAction(self.actionSuggest)
        menu.addSeparator()
        menu.addActions([self.actionNextSuggestion, self.actionPreviousSuggestion,
                         self.actionAcceptSuggestion, self.actionDismissSuggestion])
        return menu

    # -- finding ------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """True while suggestions are wanted."""
        return self.actionSuggest.isChecked()

    def _toggled(self, on: bool) -> None:
        if on:
            self.article_shown(self.context.selection.article_id)
        else:
            self._show([])
            self.bar.hide()

    def article_shown(self, article_id: str | None) -> None:
        """The window opened another article: forget the old suggestions, find new ones."""
        self.article_id, self.found, self.items, self.current = article_id, None, [], -1
        self._update_actions()
        if not self.active:
            return
        article = self.reader.article
        if article is None or article.id != article_id:
            self.bar.show_text("Open an article to see its suggested claims.")
            return
        self.bar.show_text("Looking for claims worth checking…")
        job = FinderJob(article.id, article.body, self.desk)
        job.found.connect(self._found)
        job.finished.connect(self._job_done)
        _RUNNING.add(job)
        job.start()

    @Slot(str, object, str)
    def _found(self, article_id: str, found: list[Suggestion],
               learned: str) -> None:
        if article_id != self.article_id or not self.active or self.context.closed():
            return
        self.found = found
        self.learned = learned
        self.refilter()

    @Slot()
    def _job_done(self) -> None:
        job = self.sender()
        _RUNNING.discard(job)  # type: ignore[arg-type]
        if job is not None:
            job.deleteLater()

    def refilter(self) -> None:
        """Filter the finder's output again (a claim was added or removed, a dismissal)."""
        if self.found is None or self.article_id is None:
            return
        old = self.items[self.current] if 0 <= self.current < len(self.items) else None
        items = _core().suggestions_for_article(self.desk, self.article_id, found=self.found)
        at = -1
        if items:
            at = 0
            if old is not None:
                at = next((i for i, s in enumerate(items) if s.end > old.start), 0)
        self._show(items, at)

    # -- showing ------------------------------------------------------------------------

    def _show(self, items: list[Suggestion], at: int = -1) -> None:
        self.items, self.current = items, at
        offsets = self.reader.offsets
        spans = [(offsets.to_utf16(s.start), offsets.to_utf16(s.end)) for s in items]
        self.reader.highlighter.set_suggestions(spans, spans[at] if at >= 0 else None)
        self._update_actions()
        if not self.active:
            return
        if not items:
            self.bar.show_text("No (more) claims to suggest in this article.")
        else:
            self.bar.show_text(describe(items[at], at, len(items), self.learned))

    def step(self, delta: int) -> None:
        """Select the next (1) or previous (-1) suggestion; turns suggestions on if off."""
        if not self.active:
            self.actionSuggest.setChecked(True)
            return
        if not self.items:
            return
        at = (self.current + delta) % len(self.items) if self.current >= 0 else 0
        self._show(self.items, at)
        reader = self.reader
        cursor = reader.textCursor()
        cursor.setPosition(reader.offsets.to_utf16(self.items[at].start))
        reader.setTextCursor(cursor)
        reader.ensureCursorVisible()

    def selected(self) -> Suggestion | None:
        """The selected suggestion, if any."""
        return self.items[self.current] if 0 <= self.current < len(self.items) else None

    # -- deciding -----------------------------------------------------------------------

    def accept(self) -> Claim | None:
        """Make the selected suggestion a claim (undoable); the new claim is selected."""
        item = self.selected()
        if item is None or self.desk.read_only:
            return None
        command = AcceptSuggestionCommand(self.desk, item, self.context.report)
        if not self.context.push(command):
            return None
        return command.claim

    def dismiss(self) -> None:
        """Dismiss the selected suggestion (undoable): it is not suggested again."""
        item = self.selected()
        if item is None or self.desk.read_only:
            return
        self.context.push(DismissSuggestionCommand(self.desk, item, self.context.report,
                                                   self.refilter))

    def _on_change(self, change: Change) -> None:
        if change.article_id == self.article_id and change.kind.startswith("claim"):
            self.refilter()

    def _update_actions(self) -> None:
        has = self.selected() is not None
        writable = not self.desk.read_only
        self.actionAcceptSuggestion.setEnabled(writable and has)
        self.actionDismissSuggestion.setEnabled(writable and has)
        self.actionNextSuggestion.setEnabled(bool(self.items) or not self.active)
        self.actionPreviousSuggestion.setEnabled(bool(self.items))
