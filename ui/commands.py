"""Undo commands: each one calls one desk method in ``redo()`` and its inverse in ``undo()``.

Push with :func:`push`: it runs the desk call first, so that a :class:`DeskError` reaches the
caller (and a message box) before anything lands on the undo stack. Errors during a later
undo or redo are handed to the stack's error reporter instead of raising into Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from desk import Claim, Desk, DeskError

ErrorReporter = Callable[[str], None]

_FIELD_LABELS = {"source": "source", "figure": "figure", "status": "status", "note": "note",
                 "tags": "tags", "review_url": "review URL"}


class DeskCommand(QUndoCommand):
    """Base: ``apply()`` once, then ``redo()``/``undo()`` replay through the desk."""

    def __init__(self, desk: Desk, text: str, report: ErrorReporter) -> None:
        super().__init__(text)
        self.desk = desk
        self._report = report
        self._skip_next_redo = False

    def apply(self) -> None:
        """Make the change now (raises :class:`DeskError`); the push's redo is skipped."""
        self.do()
        self._skip_next_redo = True

    def redo(self) -> None:
        """Replay the change (skipped once, right after :func:`push` applied it)."""
        if self._skip_next_redo:
            self._skip_next_redo = False
            return
        self._guard(self.do)

    def undo(self) -> None:
        """Reverse the change through the desk."""
        self._guard(self.undo_change)

    def _guard(self, call: Callable[[], None]) -> None:
        try:
            call()
        except DeskError as exc:
            self.setObsolete(True)
            self._report(str(exc))

    def do(self) -> None:
        """The change, through the desk."""
        raise NotImplementedError

    def undo_change(self) -> None:
        """The inverse change, through the desk."""
        raise NotImplementedError


class AddClaimCommand(DeskCommand):
    """Add a claim; undo deletes it (tombstone), redo restores it."""

    def __init__(self, desk: Desk, article_id: str, start: int, end: int,
                 report: ErrorReporter, **fields: Any) -> None:
        super().__init__(desk, "Add Claim", report)
        self.article_id, self.start, self.end, self.fields = article_id, start, end, fields
        self.claim: Claim | None = None

    def do(self) -> None:
        """Create the claim the first time, restore it afterwards."""
        if self.claim is None:
            self.claim = self.desk.add_claim(self.article_id, self.start, self.end,
                                             **self.fields)
        else:
            self.desk.restore_claim(self.claim.id)

    def undo_change(self) -> None:
        """Delete the claim again."""
        assert self.claim is not None
        self.desk.delete_claim(self.claim.id)


class EditClaimCommand(DeskCommand):
    """Change one field of a claim from ``old`` to ``new``."""

    def __init__(self, desk: Desk, claim_id: str, field: str, old: Any, new: Any,
                 report: ErrorReporter) -> None:
        super().__init__(desk, f"Edit {_FIELD_LABELS.get(field, field)}", report)
        self.claim_id, self.field, self.old, self.new = claim_id, field, old, new

    def do(self) -> None:
        """Write the new value."""
        self.desk.update_claim(self.claim_id, **{self.field: self.new})

    def undo_change(self) -> None:
        """Write the old value back."""
        self.desk.update_claim(self.claim_id, **{self.field: self.old})


class DeleteClaimCommand(DeskCommand):
    """Delete a claim; undo restores it."""

    def __init__(self, desk: Desk, claim_id: str, report: ErrorReporter) -> None:
        super().__init__(desk, "Delete Claim", report)
        self.claim_id = claim_id

    def do(self) -> None:
        """Leave a tombstone."""
        self.desk.delete_claim(self.claim_id)

    def undo_change(self) -> None:
        """Bring the claim back."""
        self.desk.restore_claim(self.claim_id)


def push(stack: QUndoStack, command: DeskCommand) -> DeskCommand:
    """Apply ``command`` (raising :class:`DeskError` on failure), then put it on ``stack``."""
    command.apply()
    stack.push(command)
    return command
