"""The desk's trust operations: backups and restores, article updates with re-anchoring and
stealth-edit detection, anchors that need an editor's look, the other-instance notice and the
format upgrade. Functions of an open desk, which :class:`desk.facade.Desk` delegates to."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk.anchors.anchoring import anchor_span
from desk.clock import now_iso
from desk.errors import DeskError
from desk.model import Article, ArticleDraft, Change, Claim, ImportResult
from desk.store import schema
from desk.store.reads import query_claims
from desk.store.writes import record_edits, without_nul

if TYPE_CHECKING:
    import sqlite_utils

    from desk.facade import Desk


def migrate_with_backup(db: sqlite_utils.Database, path: Path, version: int) -> None:
    """Back up a desk of an older format, then migrate it (each step is atomic)."""
    from desk.trust.backup import backup_connection

    try:
        backup_connection(db.conn, path, "migrate")
    except DeskError as exc:
        db.close()
        raise DeskError(f"{path.name} was not upgraded to the new desk format: {exc}") from exc
    try:
        schema.migrate(db, version)
    except sqlite3.Error as exc:
        db.close()
        raise DeskError(
            f"{path.name} could not be upgraded to the new desk format ({exc}); it was left "
            "as it was, and a backup is in its backups folder."
        ) from exc


def backup(desk: Desk, reason: str = "manual") -> Path:
    """Copy this desk to its ``backups`` folder (the newest 5 are kept); return the copy.

    Raises :class:`DeskError` when the copy cannot be written (nothing partial is left).
    """
    from desk.trust.backup import backup_connection

    return backup_connection(desk.conn, desk.path, reason)

def backups(desk: Desk) -> list[Any]:
    """This desk's backups, newest first (:class:`desk.backup.BackupInfo`)."""
    from desk.trust.backup import list_backups

    return list_backups(desk.path)

def restore_backup(desk: Desk, backup_path: str | Path) -> Path:
    """Replace this desk's content with a backup; returns the safety backup made first.

    The backup is checked before use (:func:`desk.safe_open.open_foreign`); one of an
    older format is migrated. Listeners get a ``desk_restored`` change.
    """
    from desk.trust.backup import restore_into

    desk._check_writable()
    version, safety = restore_into(desk.conn, desk.path, backup_path)
    if version < schema.SCHEMA_VERSION:
        schema.migrate(desk.db, version)
    desk._notify(Change("desk_restored"))
    return safety

def update_article(desk: Desk, draft: ArticleDraft) -> ImportResult:
    """Import ``draft`` as a new text of the article with its URL or source file name.

    Unchanged text is ``skipped``; a draft matching no article is ``imported`` as new
    (and said so); one matching several is ``failed`` with their titles; otherwise the
    body is replaced (the old one kept in ``article_revisions``), every claim is
    re-anchored (:mod:`desk.reanchor`) and the result is ``updated``.
    """
    from desk.anchors.reanchor import update_article_text

    desk._check_writable()
    draft = without_nul(draft)
    import hashlib  # updating articles only

    digest = hashlib.sha256(draft.body.encode("utf-8")).hexdigest()
    rows = desk.conn.execute(
        "SELECT id, title, body_sha256 FROM articles WHERE (? != '' AND url = ?) "
        "OR (? != '' AND source_file = ?) ORDER BY imported_at, rowid",
        [draft.url, draft.url, draft.source_file, draft.source_file]).fetchall()
    same = [row for row in rows if row[2] == digest]
    if same:
        return ImportResult(draft.source_file, "skipped", "unchanged", same[0][0],
                            same[0][1])
    if len(rows) > 1:
        titles = "; ".join(f"“{row[1]}”" for row in rows)
        return ImportResult(draft.source_file, "failed",
                            f"{draft.source_file}: matches {len(rows)} articles ({titles}); "
                            "nothing was updated")
    if not rows:
        result = desk.add_article(draft)
        if result.status == "imported":
            return ImportResult(draft.source_file, "imported",
                                "no article with this URL or file name: imported as new",
                                result.article_id, result.title)
        return result
    article = desk.article(rows[0][0])
    claims = desk.claims(article.id, include_deleted=True)
    with desk.writing():
        counts = update_article_text(desk.db, article, draft, claims, desk.editor)
        stealth = _record_stealth_edits(desk, article, draft.body, claims)
    placed = counts["offsets"] + counts["exact"]
    message = (f"{len(claims)} claims: {placed} anchored, {counts['fuzzy']} fuzzy, "
               f"{counts['orphaned']} orphaned")
    if stealth:
        message += f"; {stealth} changed figures or attributions"
    desk._notify(Change("articles_changed", article_id=article.id))
    return ImportResult(draft.source_file, "updated", message, article.id, draft.title)

def _record_stealth_edits(desk: Desk, article: Article, new_body: str,
                          old_claims: list[Claim]) -> int:
    """Store what the update changed under each claim (:mod:`desk.stealth`); how many."""
    from desk.across.stealth import detect_changes, record_changes

    found = detect_changes(article.body, new_body, old_claims,
                           desk.claims(article.id, include_deleted=True))
    revision = desk.conn.execute("SELECT max(id) FROM article_revisions WHERE article_id = ?",
                               [article.id]).fetchone()[0]
    return len(record_changes(desk.db, revision, found))

def announce(desk: Desk) -> bool:
    """Let other windows know this process has the desk open (until :meth:`close`).

    The window calls it once after opening; see :mod:`desk.instances`. Returns False
    where that cannot be done (a folder that cannot be written, Windows).
    """
    from desk.trust.instances import announce

    if not desk._announced:
        desk._announced = announce(desk.path)
    return desk._announced

def other_instances(desk: Desk) -> int:
    """How many other processes (windows) announced that they have this desk open."""
    from desk.trust.instances import other_instances

    return other_instances(desk.path)

def needs_attention(desk: Desk, article_id: str | None = None) -> list[Claim]:
    """Live claims placed by a fuzzy match or orphaned by an update, in text order."""
    where = "c.deleted_at IS NULL AND c.anchor_status != 'anchored'"
    params: list[str] = []
    if article_id is not None:
        where += " AND c.article_id = ?"
        params.append(article_id)
    return query_claims(desk.conn, where, params)

def reattach_claim(desk: Desk, claim_id: str, start: int, end: int) -> Claim:
    """Anchor a fuzzy or orphaned claim to ``body[start:end]`` chosen by an editor."""
    desk._check_writable()
    claim = desk.claim(claim_id)
    anchor = anchor_span(desk.article(claim.article_id).body, start, end)
    previous = claim.previous_quote or (claim.quote if claim.quote != anchor.quote else None)
    return set_anchor(desk, claim, {
        "start_char": anchor.start, "end_char": anchor.end, "quote": anchor.quote,
        "prefix": anchor.prefix, "suffix": anchor.suffix, "anchor_status": "anchored",
        "previous_quote": previous,
    })

def accept_anchor(desk: Desk, claim_id: str) -> Claim:
    """Confirm a fuzzy claim's new place (it becomes ``anchored``; the old quote stays)."""
    desk._check_writable()
    claim = desk.claim(claim_id)
    if claim.anchor_status != "fuzzy":
        raise DeskError("Only a claim placed by a fuzzy match can be accepted as it is; "
                        "re-attach an orphaned claim by selecting its text.")
    return set_anchor(desk, claim, {"anchor_status": "anchored"})

def set_anchor(desk: Desk, claim: Claim, columns: dict[str, Any]) -> Claim:
    now = now_iso()
    with desk.writing():
        desk.db["claims"].update(claim.id, {**columns, "updated_at": now,
                                            "editor": desk.editor})
        record_edits(desk.db, claim.id, ["anchor"], now, desk.editor)
    desk._notify(Change("claim_updated", claim.article_id, claim.id))
    return desk.claim(claim.id)


def background_checkpoints(desk: Desk) -> Any:
    """The window's checkpoints, on a background thread (:mod:`desk.store.checkpoints`)."""
    from desk.store.checkpoints import BackgroundCheckpoints

    return BackgroundCheckpoints(desk.path, desk.conn)
