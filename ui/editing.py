"""Editing claims: add from the reader's selection, edit a field, delete, step through them.

:class:`Editing` is a controller: it is handed the window's context, the reader (its selection
becomes a claim) and the claim panel (the new claim's source gets the focus). It connects the
Add, Delete, Next and Previous Claim actions and keeps Add and Delete enabled only when they
can act. Every change is an undoable command pushed through the context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from desk import Claim, DeskError
from desk.anchors.anchoring import trim_span
from desk.text.figures import find_figure

from .commands import AddClaimCommand, DeleteClaimCommand, EditClaimCommand

if TYPE_CHECKING:
    from .claim_panel import ClaimPanel
    from .controller import WindowContext
    from .reader import Reader


class Editing:
    """Add, edit, delete and step through claims (the Edit and Go menus' claim actions)."""

    def __init__(self, context: WindowContext, reader: Reader, claim_panel: ClaimPanel) -> None:
        self.context, self.desk = context, context.desk
        self.selection = context.selection
        self.reader, self.claim_panel = reader, claim_panel
        a = context.registry
        a.actionAddClaim.triggered.connect(self.add_claim_from_selection)
        a.actionDeleteClaim.triggered.connect(self.delete_claim)
        a.actionNextClaim.triggered.connect(lambda: self.step_claim(1))
        a.actionPreviousClaim.triggered.connect(lambda: self.step_claim(-1))

    def add_claim_from_selection(self) -> Claim | None:
        """Tag the reader's selection as a claim (unchecked, figure pre-filled); focus source."""
        span = self.reader.selected_span()
        article = self.reader.article
        if span is None or article is None or self.desk.read_only:
            self.context.status("Select some text in the article first.", 4000)
            return None
        start, end = trim_span(article.body, *span)
        if start >= end:
            self.context.status("Select some words, not just spaces.", 4000)
            return None
        match = find_figure(article.body[start:end])
        command = AddClaimCommand(self.desk, article.id, start, end, self.context.report,
                                  figure=match.text if match else "", status="unchecked")
        if not self.context.push(command) or command.claim is None:
            return None
        self.selection.show_claim(command.claim.id, scroll=False)
        self.claim_panel.sourceEdit.setFocus(Qt.FocusReason.OtherFocusReason)
        return command.claim

    def edit_claim(self, claim_id: str, field: str, value: Any) -> bool:
        """Change one field of a claim (undoable); False when the desk refused."""
        if self.context.closed():  # an editor losing focus while the window closes
            return False
        try:
            old = getattr(self.desk.claim(claim_id), field)
        except DeskError as exc:
            self.context.report(str(exc))
            return False
        return self.context.push(EditClaimCommand(self.desk, claim_id, field, old, value,
                                                  self.context.report))

    def delete_claim(self) -> None:
        """Delete the selected claim (undoable) and select its neighbour in text order."""
        # read the selection first: deleting it clears the selection before the push returns
        claim_id, article_id = self.selection.claim_id, self.selection.article_id
        if not claim_id:
            return
        ids = self.desk.claim_ids_sorted("position", article_id=article_id) if article_id else []
        at = ids.index(claim_id) if claim_id in ids else -1
        if self.context.push(DeleteClaimCommand(self.desk, claim_id, self.context.report)):
            rest = [cid for cid in ids if cid != claim_id]
            self.selection.show_claim(rest[min(at, len(rest) - 1)] if rest and at >= 0
                                      else None)

    def step_claim(self, delta: int) -> None:
        """Select the next (1) or previous (-1) claim of the article, in text order."""
        article_id, claim_id = self.selection.article_id, self.selection.claim_id
        if not article_id:
            return
        ids = self.desk.claim_ids_sorted("position", article_id=article_id)
        if not ids:
            return
        if claim_id in ids:
            at = (ids.index(claim_id) + delta) % len(ids)
        else:
            at = 0 if delta > 0 else len(ids) - 1
        self.selection.show_claim(ids[at])

    def update_actions(self) -> None:
        """Add Claim needs a selection in the reader, Delete a selected claim."""
        writable = not self.desk.read_only
        a = self.context.registry
        a.actionAddClaim.setEnabled(writable and self.reader.textCursor().hasSelection())
        a.actionDeleteClaim.setEnabled(writable and self.selection.claim_id is not None)
