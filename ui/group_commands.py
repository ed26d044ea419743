"""Undo commands for the editor's group decisions: split a group, merge groups.

Undo puts the claims back together (or apart) through the same desk calls
(:func:`desk.across.merge_groups`, :func:`desk.across.split_group`): the membership of every
group is restored; the groups are then held by the editor, so that a regroup keeps them.
Confirming a group has no inverse in the desk and is not put on the undo stack.
"""

from __future__ import annotations

from desk import Desk

from .across_models import core as _across
from .commands import DeskCommand, ErrorReporter


class SplitGroupCommand(DeskCommand):
    """Move some claims of a group into a new group; undo joins them again."""

    def __init__(self, desk: Desk, group_id: str, claim_ids: list[str],
                 report: ErrorReporter) -> None:
        super().__init__(desk, "Split Group", report)
        self.group_id, self.claim_ids = group_id, list(claim_ids)
        self.new_id: str | None = None

    def do(self) -> None:
        """Split the claims off (into a fresh group each time)."""
        self.new_id = _across().split_group(self.desk, self.group_id, self.claim_ids)

    def undo_change(self) -> None:
        """Join the split-off claims to their group again."""
        assert self.new_id is not None
        _across().merge_groups(self.desk, [self.group_id, self.new_id])


class MergeGroupsCommand(DeskCommand):
    """Join groups into the first; undo splits each joined group's claims off again."""

    def __init__(self, desk: Desk, group_ids: list[str], report: ErrorReporter) -> None:
        super().__init__(desk, "Merge Groups", report)
        self.group_ids = list(group_ids)
        #: The claims each joined group brought (their group ids change on undo).
        self.parts = [[c.id for c in _across().group(desk, gid).claims] for gid in group_ids[1:]]
        self.part_ids = list(group_ids[1:])

    def do(self) -> None:
        """Join the groups into the first one."""
        _across().merge_groups(self.desk, [self.group_ids[0], *self.part_ids])

    def undo_change(self) -> None:
        """Split every joined group's claims off again, each into a group of its own."""
        self.part_ids = [_across().split_group(self.desk, self.group_ids[0], part)
                         for part in self.parts]
