"""Writing a claim's rows: its figure's parsed columns, its tags (tombstoned when removed)
and the per-field edit records that merging compares. Used inside a desk's write transaction."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from desk.errors import DeskError
from desk.model import CLAIM_COLUMNS, STATUSES, ArticleDraft

if TYPE_CHECKING:
    import sqlite_utils


#: The fields whose edits merging compares, all recorded when a claim is added.
EDITED_FIELDS = ("source", "figure", "status", "note", "tags")
_INSERT_CLAIM = (f"INSERT INTO claims ({', '.join(CLAIM_COLUMNS)}) "
                 f"VALUES ({', '.join('?' * len(CLAIM_COLUMNS))})")


def insert_claim(db: sqlite_utils.Database, record: dict[str, Any], tags: list[str],
                 now: str) -> None:
    """Insert a new claim (``record`` holds every column of :data:`CLAIM_COLUMNS`), its edit
    records and its tags: two statements for a claim without tags (sqlite-utils' ``insert``
    looks the table up first, which costs more than the insert itself)."""
    conn = db.conn
    conn.execute(_INSERT_CLAIM, [record[c] for c in CLAIM_COLUMNS])
    conn.executemany("INSERT INTO claim_edits (claim_id, field, edited_at, editor) "
                     "VALUES (?, ?, ?, ?)",
                     [(record["id"], f, now, record["editor"]) for f in EDITED_FIELDS])
    if tags:
        write_tags(db, record["id"], tags, now, record["editor"])


def record_edits(db: sqlite_utils.Database, claim_id: str, fields: list[str], now: str,
                 editor: str) -> None:
    """Note that ``editor`` changed these fields of a claim at ``now``."""
    db["claim_edits"].upsert_all(
        ({"claim_id": claim_id, "field": f, "edited_at": now, "editor": editor}
         for f in fields),
        pk=("claim_id", "field"),
    )


def write_tags(db: sqlite_utils.Database, claim_id: str, names: list[str], now: str,
               editor: str) -> None:
    """Make ``names`` the claim's live tags: add the new, tombstone the removed."""
    conn = db.conn
    live = {
        row[0]: row[1]
        for row in conn.execute(
            "SELECT t.name, t.id FROM claims_tags ct JOIN tags t ON t.id = ct.tags_id "
            "WHERE ct.claims_id = ? AND ct.deleted_at IS NULL", [claim_id])
    }
    for name in names:
        if name not in live:
            tag_id = db["tags"].lookup({"name": name})
            db["claims_tags"].upsert(
                {"claims_id": claim_id, "tags_id": tag_id, "added_at": now,
                 "deleted_at": None, "editor": editor},
                pk=("claims_id", "tags_id"),
            )
    for name, tag_id in live.items():
        if name not in names:
            conn.execute(
                "UPDATE claims_tags SET deleted_at = ?, editor = ? "
                "WHERE claims_id = ? AND tags_id = ?", [now, editor, claim_id, tag_id])


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags as typed, stripped, without empties or repeats, sorted."""
    if isinstance(tags, str):
        tags = re.split(r"[;,]", tags)
    return sorted({t.strip() for t in tags if t and t.strip()})



def check_status(status: str) -> None:
    """Refuse a status outside the vocabulary with a message for people."""
    if status not in STATUSES:
        raise DeskError(f"Unknown status {status!r}: use one of {', '.join(STATUSES)}.")


def without_nul(draft: ArticleDraft) -> ArticleDraft:
    """The draft with every NUL character removed from its fields.

    SQLite's ``length()`` and ``substr()`` stop at a NUL, so the guard that checks a claim's
    quote against the article text (:func:`desk.store.schema._create_guards`) would refuse
    every claim after one. Files read from disk lose theirs in decoding
    (:func:`desk.text.textio.normalise`); this covers drafts made any other way.
    """
    changes = {field.name: value.replace("\x00", "")
               for field in dataclasses.fields(draft)
               if isinstance(value := getattr(draft, field.name), str) and "\x00" in value}
    return dataclasses.replace(draft, **changes) if changes else draft


def insert_article(db: sqlite_utils.Database, article_id: str, draft: ArticleDraft, digest: str,
                   now: str) -> None:
    """Insert a new article row (the full-text index follows by trigger)."""
    db["articles"].insert(
        {
            "id": article_id, "title": draft.title, "body": draft.body,
            "url": draft.url, "byline": draft.byline,
            "published_at": draft.published_at, "source_file": draft.source_file,
            "body_sha256": digest, "imported_at": now, "updated_at": now,
        }
    )
