"""The rows a merge compares, read and written in bulk: claims, edit records, tag states.

A claim is read as a row in :data:`desk.model.CLAIM_COLUMNS` order; its edit records and
its tag states (added and removed) each as one JSON text, so that two desks' claims can be
compared whole and only those that differ are parsed.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from desk.errors import DeskError
from desk.fieldwork.merge_rules import ANCHOR_COLUMNS, VALUE_FIELDS, live_tags
from desk.model import CLAIM_COLUMNS, STATUSES
from desk.store.reads import claim_columns

#: Where each column sits in a claim row.
CLAIM_INDEX = {name: index for index, name in enumerate(CLAIM_COLUMNS)}
#: The timestamps desks write (ISO 8601, UTC).
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\Z")


@contextmanager
def trigger_set_aside(conn: sqlite3.Connection, *names: str) -> Iterator[set[str]]:
    """Drop triggers and create them again from their own SQL, inside the open transaction
    (so that a failure or a crash leaves them in place). Yields the names set aside (none
    outside a transaction, and none that the desk does not have)."""
    saved: dict[str, str] = {}
    if conn.in_transaction:
        for name in names:
            row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                               [name]).fetchone()
            if row is not None:
                conn.execute(f'DROP TRIGGER "{name}"')
                saved[name] = row[0]
    try:
        yield set(saved)
    except BaseException:
        for sql in saved.values():
            with suppress(sqlite3.Error):  # the rollback that follows restores it anyway
                conn.execute(sql)
        raise
    for sql in saved.values():
        conn.execute(sql)


def check_row(name: str, row: tuple[Any, ...]) -> None:
    """Refuse a claim of another file that no Claims Desk could have written."""
    start, end = row[CLAIM_INDEX["start_char"]], row[CLAIM_INDEX["end_char"]]
    times = [row[CLAIM_INDEX["created_at"]], row[CLAIM_INDEX["updated_at"]]]
    if row[CLAIM_INDEX["deleted_at"]] is not None:
        times.append(row[CLAIM_INDEX["deleted_at"]])
    if (not isinstance(start, int) or not isinstance(end, int)
            or not all(isinstance(t, str) and TIMESTAMP.match(t) for t in times)
            or row[CLAIM_INDEX["status"]] not in STATUSES
            or not _web_address(row[CLAIM_INDEX["review_url"]])):
        raise DeskError(f"{name} holds a claim ({row[0]}) with values no Claims Desk writes "
                        "(offsets, times, status or review URL); the desk is unchanged.")


def _web_address(url: Any) -> bool:
    """'' or an http(s) address without spaces (what ``Desk.update_claim`` lets through)."""
    return isinstance(url, str) and (url == "" or (
        url.startswith(("http://", "https://")) and not any(c.isspace() for c in url)))


def anchor_fits(row: tuple[Any, ...], body: str) -> bool:
    """Whether a checked claim row (:func:`check_row`) is anchored soundly in ``body``."""
    if row[CLAIM_INDEX["anchor_status"]] == "orphaned":
        return True
    start, end = row[CLAIM_INDEX["start_char"]], row[CLAIM_INDEX["end_char"]]
    return 0 <= start < end <= len(body) and body[start:end] == row[CLAIM_INDEX["quote"]]


def check_edit_times(name: str, rows: list[tuple[Any, ...]]) -> None:
    """Refuse edit records (rows of ``claim_edits``) whose time is not a timestamp."""
    seen: set[Any] = set()  # most records of a desk share a few times: each is matched once
    for claim_id, _field, when, _editor in rows:
        if when not in seen:
            if not (isinstance(when, str) and TIMESTAMP.match(when)):
                raise DeskError(f"{name} holds a claim ({claim_id}) with an edit time that "
                                "is not a date; the desk is unchanged.")
            seen.add(when)


def signature(claim: dict[str, Any], tags: dict[str, Any]) -> tuple[Any, ...]:
    """What an editor sees of a claim: live or not, its values, anchor and live tags."""
    return (claim["deleted_at"] is None, tuple(claim[c] for c in VALUE_FIELDS + ANCHOR_COLUMNS),
            frozenset(live_tags(tags)))


# Each loader reads every claim, or only those whose ids are in ``scope`` (a JSON array).


def load_claims(conn: sqlite3.Connection, scope: str | None = None) -> dict[str, tuple[Any, ...]]:
    """Claims as rows in :data:`CLAIM_COLUMNS` order, by id."""
    columns = ", ".join(claim_columns(conn))  # an older desk's have no review_url
    source = "claims c" if scope is None else "json_each(?) j JOIN claims c ON c.id = j.value"
    return {row[0]: row for row in conn.execute(f"SELECT {columns} FROM {source}",
                                                [] if scope is None else [scope])}


def load_edits(conn: sqlite3.Connection, scope: str | None = None) -> dict[str, str]:
    """Each claim's edit records as one JSON text (compared whole, parsed when needed)."""
    source = ("claim_edits e" if scope is None
              else "json_each(?) j JOIN claim_edits e ON e.claim_id = j.value")
    return dict(conn.execute(
        "SELECT claim_id, json_group_array(json_array(field, edited_at, coalesce(editor, ''))) "
        f"FROM (SELECT e.* FROM {source} ORDER BY e.claim_id, e.field) GROUP BY claim_id",
        [] if scope is None else [scope]))


def load_edit_rows(conn: sqlite3.Connection, scope: str | None,
                   keep: set[str]) -> list[tuple[Any, ...]]:
    """The edit records of the claims in ``keep`` as rows (claim_id, field, edited_at,
    editor), ready to be written."""
    if not keep:
        return []
    source = ("claim_edits e" if scope is None
              else "json_each(?) j JOIN claim_edits e ON e.claim_id = j.value")
    rows = conn.execute("SELECT e.claim_id, e.field, e.edited_at, coalesce(e.editor, '') "
                        f"FROM {source}", [] if scope is None else [scope])
    return [row for row in rows if row[0] in keep]


def load_tags(conn: sqlite3.Connection, scope: str | None = None) -> dict[str, str]:
    """Each claim's tag states (added and removed) as one JSON text."""
    source = ("claims_tags ct" if scope is None
              else "json_each(?) j JOIN claims_tags ct ON ct.claims_id = j.value")
    return dict(conn.execute(
        "SELECT claims_id, json_group_array(json_array(name, added_at, deleted_at, "
        "coalesce(editor, ''))) FROM (SELECT ct.claims_id, t.name, ct.added_at, ct.deleted_at, "
        f"ct.editor FROM {source} JOIN tags t ON t.id = ct.tags_id "
        "ORDER BY ct.claims_id, t.name) GROUP BY claims_id", [] if scope is None else [scope]))


def parse_edits(text: str | None) -> dict[str, tuple[str, str]]:
    return {name: (when, editor) for name, when, editor in json.loads(text)} if text else {}


def parse_tags(text: str | None) -> dict[str, tuple[str, Any, str]]:
    return ({name: (added, deleted, editor) for name, added, deleted, editor in json.loads(text)}
            if text else {})
