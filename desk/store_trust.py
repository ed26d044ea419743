"""The desk's trust operations: backups, article updates with re-anchoring, anchors that
need an editor's look, and the other-instance notice (see backup.py, reanchor.py,
instances.py). A mixin of :class:`desk.store.Desk`, kept apart to keep each module small.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schema
from .anchoring import anchor_span
from .clock import now_iso
from .errors import DeskError
from .model import Article, ArticleDraft, Change, Claim, ImportResult

if TYPE_CHECKING:
    import sqlite_utils


class TrustOperations:
    """Backups, updates and anchoring on a :class:`~desk.store.Desk` (which provides the
    connection, the writing transaction and the claim queries these use)."""

    conn: sqlite3.Connection
    db: sqlite_utils.Database
    path: Path
    editor: str
    _announced: bool

    def backup(self, reason: str = "manual") -> Path:
        """Copy this desk to its ``backups`` folder (the newest 5 are kept); return the copy.

        Raises :class:`DeskError` when the copy cannot be written (nothing partial is left).
        """
        from .backup import backup_connection

        return backup_connection(self.conn, self.path, reason)

    def backups(self) -> list[Any]:
        """This desk's backups, newest first (:class:`desk.backup.BackupInfo`)."""
        from .backup import list_backups

        return list_backups(self.path)

    def restore_backup(self, backup_path: str | Path) -> Path:
        """Replace this desk's content with a backup; returns the safety backup made first.

        The backup is checked before use (:func:`desk.safe_open.open_foreign`); one of an
        older format is migrated. Listeners get a ``desk_restored`` change.
        """
        from .backup import restore_into

        self._check_writable()
        version, safety = restore_into(self.conn, self.path, backup_path)
        if version < schema.SCHEMA_VERSION:
            schema.migrate(self.db, version)
        self._notify(Change("desk_restored"))
        return safety

    def update_article(self, draft: ArticleDraft) -> ImportResult:
        """Import ``draft`` as a new text of the article with its URL or source file name.

        Unchanged text is ``skipped``; a draft matching no article is ``imported`` as new
        (and said so); one matching several is ``failed`` with their titles; otherwise the
        body is replaced (the old one kept in ``article_revisions``), every claim is
        re-anchored (:mod:`desk.reanchor`) and the result is ``updated``.
        """
        from .reanchor import update_article_text

        self._check_writable()
        digest = hashlib.sha256(draft.body.encode("utf-8")).hexdigest()
        rows = self.conn.execute(
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
            result = self.add_article(draft)
            if result.status == "imported":
                return ImportResult(draft.source_file, "imported",
                                    "no article with this URL or file name: imported as new",
                                    result.article_id, result.title)
            return result
        article = self.article(rows[0][0])
        claims = self.claims(article.id, include_deleted=True)
        with self.writing():
            counts = update_article_text(self.db, article, draft, claims, self.editor)
            stealth = self._record_stealth_edits(article, draft.body, claims)
        placed = counts["offsets"] + counts["exact"]
        message = (f"{len(claims)} claims: {placed} anchored, {counts['fuzzy']} fuzzy, "
                   f"{counts['orphaned']} orphaned")
        if stealth:
            message += f"; {stealth} changed figures or attributions"
        self._notify(Change("articles_changed", article_id=article.id))
        return ImportResult(draft.source_file, "updated", message, article.id, draft.title)

    def _record_stealth_edits(self, article: Article, new_body: str,
                              old_claims: list[Claim]) -> int:
        """Store what the update changed under each claim (:mod:`desk.stealth`); how many."""
        from .stealth import detect_changes, record_changes

        found = detect_changes(article.body, new_body, old_claims,
                               self.claims(article.id, include_deleted=True))
        revision = self.conn.execute("SELECT max(id) FROM article_revisions WHERE article_id = ?",
                                   [article.id]).fetchone()[0]
        return len(record_changes(self.db, revision, found))

    def announce(self) -> bool:
        """Let other windows know this process has the desk open (until :meth:`close`).

        The window calls it once after opening; see :mod:`desk.instances`. Returns False
        where that cannot be done (a folder that cannot be written, Windows).
        """
        from .instances import announce

        if not self._announced:
            self._announced = announce(self.path)
        return self._announced

    def other_instances(self) -> int:
        """How many other processes (windows) announced that they have this desk open."""
        from .instances import other_instances

        return other_instances(self.path)

    def needs_attention(self, article_id: str | None = None) -> list[Claim]:
        """Live claims placed by a fuzzy match or orphaned by an update, in text order."""
        where = "c.deleted_at IS NULL AND c.anchor_status != 'anchored'"
        params: list[str] = []
        if article_id is not None:
            where += " AND c.article_id = ?"
            params.append(article_id)
        return self._query_claims(where, params)

    def reattach_claim(self, claim_id: str, start: int, end: int) -> Claim:
        """Anchor a fuzzy or orphaned claim to ``body[start:end]`` chosen by an editor."""
        self._check_writable()
        claim = self.claim(claim_id)
        anchor = anchor_span(self.article(claim.article_id).body, start, end)
        previous = claim.previous_quote or (claim.quote if claim.quote != anchor.quote else None)
        return self._set_anchor(claim, {
            "start_char": anchor.start, "end_char": anchor.end, "quote": anchor.quote,
            "prefix": anchor.prefix, "suffix": anchor.suffix, "anchor_status": "anchored",
            "previous_quote": previous,
        })

    def accept_anchor(self, claim_id: str) -> Claim:
        """Confirm a fuzzy claim's new place (it becomes ``anchored``; the old quote stays)."""
        self._check_writable()
        claim = self.claim(claim_id)
        if claim.anchor_status != "fuzzy":
            raise DeskError("Only a claim placed by a fuzzy match can be accepted as it is; "
                            "re-attach an orphaned claim by selecting its text.")
        return self._set_anchor(claim, {"anchor_status": "anchored"})

    def _set_anchor(self, claim: Claim, columns: dict[str, Any]) -> Claim:
        now = now_iso()
        with self.writing():
            self.db["claims"].update(claim.id, {**columns, "updated_at": now,
                                                "editor": self.editor})
            self._record_edits(claim.id, ["anchor"], now)
        self._notify(Change("claim_updated", claim.article_id, claim.id))
        return self.claim(claim.id)
