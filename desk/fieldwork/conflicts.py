"""The values a merge overruled (``merge_conflicts``), for an editor to review.

Each record names a claim, a field, the value kept and the one overruled, who set each and
when, and the desk file it came from. Reviewing one either accepts the kept value or takes
the other one back (a new edit, which then wins in later merges); either way the record is
marked resolved, and that travels in merges too.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from desk.clock import now_iso
from desk.errors import DeskError, NotFoundError, ReadOnlyDeskError
from desk.fieldwork.merge_rules import VALUE_FIELDS
from desk.model import Change

if TYPE_CHECKING:
    from desk.facade import Desk


@dataclass(frozen=True)
class MergeConflict:
    """One row of ``merge_conflicts``."""

    id: int
    claim_id: str
    field: str
    kept_value: str | None
    other_value: str | None
    kept_editor: str
    other_editor: str
    kept_at: str
    other_at: str
    other_desk: str
    merged_at: str
    resolved_at: str | None


_COLUMNS = ", ".join(f.name for f in fields(MergeConflict))


def list_conflicts(desk: Desk, *, include_resolved: bool = False) -> list[MergeConflict]:
    """Conflicts to review (or all of them), newest first."""
    where = "" if include_resolved else "WHERE resolved_at IS NULL"
    rows = desk.db.execute(
        f"SELECT {_COLUMNS} FROM merge_conflicts {where} ORDER BY merged_at DESC, id DESC")
    return [MergeConflict(*row) for row in rows]


def resolve_conflict(desk: Desk, conflict_id: int, *, take_other: bool = False) -> None:
    """Mark a conflict reviewed; with ``take_other`` the overruled value comes back.

    Taking the other value is an ordinary edit by ``desk.editor`` (so it wins in later
    merges). For ``deleted_at`` the other value is a delete (or, when empty, the claim
    being live).
    """
    row = desk.db.execute(f"SELECT {_COLUMNS} FROM merge_conflicts WHERE id = ?",
                          [conflict_id]).fetchone()
    if row is None:
        raise NotFoundError(f"The desk has no merge conflict {conflict_id}.")
    if desk.read_only:
        raise ReadOnlyDeskError(f"{desk.path.name} is open read-only: nothing can be changed.")
    conflict = MergeConflict(*row)
    claim = desk.claim(conflict.claim_id)
    if take_other:
        if conflict.field in VALUE_FIELDS:
            desk.update_claim(claim.id, **{conflict.field: conflict.other_value or ""})
        elif conflict.field == "deleted_at":
            if conflict.other_value is None and claim.deleted_at is not None:
                desk.restore_claim(claim.id)
            elif conflict.other_value is not None and claim.deleted_at is None:
                desk.delete_claim(claim.id)
        else:
            raise DeskError(f"A conflict of the field {conflict.field!r} cannot be taken back.")
    with desk.writing():
        desk.db.execute("UPDATE merge_conflicts SET resolved_at = ? WHERE id = ?",
                        [now_iso(), conflict_id])
    desk._notify(Change("claim_updated", claim.article_id, claim.id))  # noqa: SLF001
