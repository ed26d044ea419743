"""The editor's decisions on groups of claims (confirm, split, merge, add, remove), and
carrying them through merges of desks.

Every row these functions write has ``how = 'editor'``: :func:`desk.groups.refresh_groups`
never moves such a claim again (it may add new claims to an editor's group). In a merge of
desks (:data:`desk.merge.MERGE_STEPS`) the newer editor decision for a claim wins.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from desk.across.grouping import ClaimGroup, group, group_of
from desk.clock import now_iso
from desk.errors import DeskError
from desk.model import Change

if TYPE_CHECKING:
    from desk.facade import Desk


def confirm_group(desk: Desk, group_id: str) -> ClaimGroup:
    """Confirm a group: its claims are held (never regrouped automatically) and confirmed."""
    found = group(desk, group_id)
    _hold(desk, group_id, [c.id for c in found.claims], confirmed=True)
    return group(desk, group_id)


def split_group(desk: Desk, group_id: str, claim_ids: Iterable[str]) -> str:
    """Move ``claim_ids`` out of a group into a new group of their own; returns its id.

    Both parts are held by the editor so that a refresh does not join them again.
    """
    found = group(desk, group_id)
    moving = list(dict.fromkeys(claim_ids))
    members = {c.id for c in found.claims}
    if not moving or not set(moving) <= members:
        raise DeskError("Choose claims of this group to split off.")
    if len(moving) == len(members):
        raise DeskError("A split must leave at least one claim in the group.")
    new_id = str(uuid.uuid4())
    with desk.writing():
        _hold(desk, group_id, [c for c in members if c not in moving], commit=False)
        _hold(desk, new_id, moving, commit=False)
    desk._notify(Change("groups_changed"))  # noqa: SLF001
    return new_id


def merge_groups(desk: Desk, group_ids: Iterable[str]) -> ClaimGroup:
    """Join several groups into the first one (held by the editor); returns it."""
    ids = list(dict.fromkeys(group_ids))
    if len(ids) < 2:
        raise DeskError("Choose at least two groups to merge.")
    claim_ids = [c.id for gid in ids for c in group(desk, gid).claims]
    _hold(desk, ids[0], claim_ids)
    return group(desk, ids[0])


def add_to_group(desk: Desk, group_id: str, claim_id: str) -> ClaimGroup:
    """Put one more claim (of any article) into a group, by the editor's decision."""
    found = group(desk, group_id)
    claim = desk.claim(claim_id)
    if claim.deleted_at:
        raise DeskError("A deleted claim cannot be added to a group.")
    _hold(desk, group_id, [c.id for c in found.claims] + [claim_id],
          confirmed=found.confirmed)
    return group(desk, group_id)


def remove_from_group(desk: Desk, claim_id: str) -> None:
    """Take one claim out of its group (it stays alone and is not regrouped automatically)."""
    found = group_of(desk, claim_id)
    if found is None:
        raise DeskError("This claim is not in a group.")
    split_group(desk, found.id, [claim_id])


def _hold(desk: Desk, group_id: str, claim_ids: list[str], *, confirmed: bool | None = None,
          commit: bool = True) -> None:
    desk._check_writable()  # noqa: SLF001
    now = now_iso()
    rows = []
    for claim_id in claim_ids:
        old = desk.db.execute("SELECT confirmed_at FROM claim_groups WHERE claim_id = ?",
                              [claim_id]).fetchone()
        when = now if confirmed else (None if confirmed is False else (old[0] if old else None))
        rows.append({"claim_id": claim_id, "group_id": group_id, "how": "editor",
                     "confirmed_at": when, "editor": desk.editor, "updated_at": now})
    with desk.writing():
        desk.db["claim_groups"].upsert_all(rows, pk="claim_id")
    if commit:
        desk._notify(Change("groups_changed"))  # noqa: SLF001


# -- merging desks ----------------------------------------------------------------------------

def merge_step(context: Any) -> None:
    """Carry another desk's groups into this one during a merge of desks.

    For :data:`desk.merge.MERGE_STEPS`: an editor-made row of the other desk wins over this
    desk's row for the same claim when it is newer (or this desk has none); automatic rows
    are not copied (the next refresh recomputes them).
    """
    try:
        rows = context.other.execute(
            "SELECT claim_id, group_id, how, confirmed_at, editor, updated_at "
            "FROM claim_groups WHERE how = 'editor'").fetchall()
    except sqlite3.OperationalError:
        return  # a desk from before groups existed
    db = context.desk.db
    for claim_id, group_id, how, confirmed_at, editor, updated_at in rows:
        if claim_id not in context.claim_ids:
            continue
        mine = db.execute("SELECT how, updated_at FROM claim_groups WHERE claim_id = ?",
                          [claim_id]).fetchone()
        if mine is None or mine[0] != "editor" or (mine[1] or "") < (updated_at or ""):
            db["claim_groups"].upsert(
                {"claim_id": claim_id, "group_id": group_id, "how": how,
                 "confirmed_at": confirmed_at, "editor": editor or "",
                 "updated_at": updated_at or now_iso()}, pk="claim_id")
