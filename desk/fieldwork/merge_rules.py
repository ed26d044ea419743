"""The rules of a merge, one claim at a time: fields, deletes, tags and anchors.

Pure functions over plain dictionaries (rows of ``claims``, ``claim_edits`` and
``claims_tags``) so that they can be reasoned about and tested without a desk.

* **Fields** (``source``, ``figure``, ``status``, ``note``, ``review_url``, ``deleted_at``): each side's
  value comes with its edit time and editor (``claim_edits``; a claim without a row there
  counts as edited when it was created). Equal values stay; otherwise the later edit wins
  (ties broken by editor name, then value, so that the result never depends on the order
  of merging). When both edit times are later than the claim's creation, the overruled value
  is a *conflict*, kept for review.
* **Deletes** travel as tombstones (``deleted_at`` is a field like the others), but an edit
  of any other field made later than the delete brings the claim back, and that is recorded
  as a conflict of the ``deleted_at`` field.
* **Tags** merge as a set, tag by tag: the later of "added" and "removed" wins, so that both
  additions and removals travel.
* **Anchors** (offsets, quote and context) follow the article's text: an anchor made against
  the text the merged desk ends with beats one made against an older text; between two such
  anchors the later ``anchor`` edit wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from desk.text.figures import parse_figure

#: The claim fields merged value by value.
VALUE_FIELDS: tuple[str, ...] = ("source", "figure", "status", "note", "review_url")
#: Columns that say where a claim sits in its article's text.
ANCHOR_COLUMNS: tuple[str, ...] = ("start_char", "end_char", "quote", "prefix", "suffix",
                                   "anchor_status", "previous_quote")

Edit = tuple[str, str]  # (edited_at, editor)
TagState = tuple[str, Any, str]  # (added_at, deleted_at or None, editor)


@dataclass(frozen=True)
class Conflict:
    """A value a merge overruled: the value kept, the other one, who set each and when."""

    claim_id: str
    field: str
    kept_value: str | None
    other_value: str | None
    kept_editor: str
    other_editor: str
    kept_at: str
    other_at: str
    #: Whether the overruled value came from the desk being merged in (not a column).
    from_theirs: bool = dataclass_field(default=False, compare=False)

    def key(self) -> tuple[Any, ...]:
        """The overruled value: each is recorded once per claim and field, so that merging
        a desk again adds nothing (the same value may have been set on several laptops at
        different times). Deletes at different times agree, so for ``deleted_at`` only the
        direction counts: at most one "delete overruled" and one "deleted over an edit"."""
        if self.field == "deleted_at":
            return (self.claim_id, self.field, self.other_value is None)
        return (self.claim_id, self.field, self.other_value)


@dataclass
class ClaimMerge:
    """The outcome of merging one claim present on both sides."""

    row: dict[str, Any]
    edits: dict[str, Edit]
    tags: dict[str, TagState]
    conflicts: list[Conflict]


def edit_of(claim: dict[str, Any], edits: dict[str, Edit], field: str) -> Edit:
    """When and by whom ``field`` of ``claim`` was last set (its creation if unrecorded)."""
    recorded = edits.get(field)
    if recorded:
        return recorded
    # No record: the field is as it was created (or deleted), by someone unrecorded. The
    # claim's ``editor`` column is not used: it names the last editor of any field.
    if field == "deleted_at":
        return (claim["deleted_at"] or claim["created_at"], "")
    return (claim["created_at"], "")


def _value_key(value: Any) -> tuple[bool, str]:
    return (value is not None, "" if value is None else str(value))


def merge_value(claim_id: str, field: str, created: str, mine: Any, my_edit: Edit,
                theirs: Any, their_edit: Edit) -> tuple[Any, Edit, Conflict | None]:
    """Merge one field: returns the value kept, its edit, and the conflict if there is one."""
    theirs_wins = (their_edit, _value_key(theirs)) > (my_edit, _value_key(mine))
    kept, kept_edit, lost, lost_edit = ((theirs, their_edit, mine, my_edit) if theirs_wins
                                        else (mine, my_edit, theirs, their_edit))
    # Two deletes at different times agree: the claim is deleted (the later time stays).
    same = (mine is None) == (theirs is None) if field == "deleted_at" else mine == theirs
    conflict = None
    if not same and my_edit[0] > created and their_edit[0] > created:
        conflict = Conflict(claim_id, field, kept, lost, kept_edit[1], lost_edit[1],
                            kept_edit[0], lost_edit[0], from_theirs=not theirs_wins)
    return kept, kept_edit, conflict


def tag_event(state: TagState) -> tuple[str, bool, str]:
    """The order of tag states: the later event wins; at the same instant, "added" wins."""
    added_at, deleted_at, editor = state
    return (deleted_at or added_at, deleted_at is None, editor)


def merge_tags(mine: dict[str, TagState], theirs: dict[str, TagState]) -> dict[str, TagState]:
    """Tag states by name after the merge (added and removed tags alike)."""
    merged = dict(mine)
    for name, state in theirs.items():
        if name not in merged or tag_event(state) > tag_event(merged[name]):
            merged[name] = state
    return merged


def live_tags(states: dict[str, TagState]) -> set[str]:
    """The tag names a claim shows (those without a removal)."""
    return {name for name, state in states.items() if state[1] is None}


def merge_claim(mine: dict[str, Any], my_edits: dict[str, Edit], my_tags: dict[str, TagState],
                theirs: dict[str, Any], their_edits: dict[str, Edit],
                their_tags: dict[str, TagState], *, anchor_from: str) -> ClaimMerge:
    """Merge a claim held by both desks; ``mine`` is the receiving desk's row.

    ``anchor_from`` says whose anchor is made against the final article text: ``mine``,
    ``theirs`` or ``both`` (then the later ``anchor`` edit wins).
    """
    claim_id = mine["id"]
    created = min(mine["created_at"], theirs["created_at"])
    row = dict(mine)
    row["created_at"] = created
    edits: dict[str, Edit] = {}
    conflicts: list[Conflict] = []
    for field in VALUE_FIELDS + ("deleted_at",):
        value, edit, conflict = merge_value(
            claim_id, field, created, mine[field], edit_of(mine, my_edits, field),
            theirs[field], edit_of(theirs, their_edits, field))
        row[field] = value
        edits[field] = edit
        if conflict:
            conflicts.append(conflict)
    if row["figure"] != mine["figure"]:
        row.update(figure_columns(row["figure"]))
    tags = merge_tags(my_tags, their_tags)
    edits["tags"] = max(edit_of(mine, my_edits, "tags"), edit_of(theirs, their_edits, "tags"))
    # A delete is undone by a later edit of anything else, and that is worth a look.
    if row["deleted_at"] is not None:
        deleted = edits["deleted_at"]
        latest = max(edits[f] for f in VALUE_FIELDS + ("tags",))
        if latest[0] > deleted[0]:
            conflict = Conflict(claim_id, "deleted_at", None, row["deleted_at"], latest[1],
                                deleted[1], latest[0], deleted[0],
                                from_theirs=mine["deleted_at"] is None)
            conflicts.append(conflict)
            row["deleted_at"] = None
            edits["deleted_at"] = latest
    _merge_anchor(row, edits, mine, my_edits, theirs, their_edits, anchor_from)
    newest = max((mine["updated_at"], mine["editor"] or ""),
                 (theirs["updated_at"], theirs["editor"] or ""))
    row["updated_at"], row["editor"] = newest
    return ClaimMerge(row, edits, tags, conflicts)


def figure_columns(figure: str) -> dict[str, Any]:
    """The parsed figure columns of a figure as written."""
    parsed = parse_figure(figure or "")
    return {
        "figure_value": parsed.value if parsed else None,
        "figure_unit": parsed.unit if parsed else None,
        "figure_qualifier": parsed.qualifier if parsed else None,
    }


def _merge_anchor(row: dict[str, Any], edits: dict[str, Edit], mine: dict[str, Any],
                  my_edits: dict[str, Edit], theirs: dict[str, Any],
                  their_edits: dict[str, Edit], anchor_from: str) -> None:
    my_anchor = edit_of(mine, my_edits, "anchor")
    their_anchor = edit_of(theirs, their_edits, "anchor")
    if anchor_from == "both":
        mine_key = (my_anchor, [_value_key(mine[c]) for c in ANCHOR_COLUMNS])
        theirs_key = (their_anchor, [_value_key(theirs[c]) for c in ANCHOR_COLUMNS])
        take_theirs = theirs_key > mine_key
    else:
        take_theirs = anchor_from == "theirs"
    if take_theirs:
        for column in ANCHOR_COLUMNS:
            row[column] = theirs[column]
        edits["anchor"] = their_anchor
    else:
        edits["anchor"] = my_anchor
