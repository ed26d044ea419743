"""The desk: one SQLite file of articles and the claims tagged in them.

:class:`Desk` is the one API that the window, the command line and the tests use. It sits on
top of the capability packages and delegates to them: reading and writing rows
(:mod:`desk.store`), reading files (:mod:`desk.text`), re-anchoring (:mod:`desk.anchors`),
backups and updates (:mod:`desk.trust`), exports (:mod:`desk.formats`). Every call that changes
data commits before it returns and tells the desk's listeners what changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from desk.anchors.anchoring import anchor_in_article
from desk.clock import now_iso
from desk.errors import DeskError, NotFoundError, ReadOnlyDeskError
from desk.model import (ARTICLE_COLUMNS, Article, ArticleDraft, ArticleSummary, Cancelled,
                        Change, Claim, ClaimMark, ImportResult, Progress, new_id)
from desk.reports.review import check_review_url, set_article_url
from desk.store import connection, reads, schema
from desk.store.opening import login_name, open_connection
from desk.store.reads import CLAIM_SORTS, PageKey, fts_query  # noqa: F401 (the public face)
from desk.store.writes import (check_status, clean_tags, insert_article, insert_claim,
                               record_edits, without_nul, write_tags)
from desk.text.figures import figure_columns
from desk.trust import instances, operations

if TYPE_CHECKING:
    import sqlite_utils

_UNSET: Any = object()

class Desk:
    """An open desk file. Use :meth:`open`; close it (or use ``with``) when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool,
                 editor: str) -> None:
        self.path = path
        #: The desk's SQLite connection (reads go straight to it).
        self.conn = conn
        # What sqlite-utils sets on a connection it wraps, set from the start (triggers
        # behave the same before and after the first write through sqlite-utils).
        conn.execute("PRAGMA recursive_triggers = on")
        self._db: sqlite_utils.Database | None = None
        self.read_only = read_only
        self.editor = editor
        self._listeners: list[Callable[[Change], None]] = []
        #: The backup made when the desk was opened with ``backup=True`` (else None).
        self.last_backup: Path | None = None
        #: Why that backup could not be made ('' when it was, or was not asked for).
        self.backup_error = ""
        self._registered = False
        self._announced = False
        #: A person waits for this desk's writes (set by the window): see write_transaction;
        #: its checkpoints run on a background thread (desk/store/checkpoints.py).
        self.prompt, self._checkpoints = False, None

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection as a sqlite-utils database, for its table API (inserts, upserts,
        lookups). Made on first use: reading a desk never needs it, so a window can paint
        before sqlite-utils (and what it imports) has loaded."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn, execute_plugins=False,
                                             recursive_triggers=False)  # (set above)
        return self._db

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False,
             editor: str | None = None, backup: bool = False) -> Desk:
        """Open the desk at ``path``, creating it when the file is missing or empty.

        A file that cannot be written is opened read-only. Raises :class:`DeskError` (with
        a message for people) for a file that is not a desk, leaving its bytes untouched.
        With ``backup`` (the window passes it) an existing desk opened for writing is first
        copied to its ``backups`` folder; if that fails the desk still opens and
        :attr:`backup_error` says why. A desk of an older format is always backed up before
        it is migrated.
        """
        path = Path(path).expanduser()
        conn, version, read_only, existed = open_connection(path, read_only)
        desk = cls(path, conn, read_only=read_only, editor="")
        if version < schema.SCHEMA_VERSION:
            if read_only:
                conn.close()
                raise DeskError(
                    f"{path.name} uses an older desk format; open it once with write access "
                    "to upgrade it."
                )
            operations.migrate_with_backup(desk.db, path, version)
        connection.register_open(path)
        desk._registered = True
        desk.editor = editor or desk.setting(schema.META_DEFAULT_EDITOR) or login_name()
        if backup and existed and not read_only:
            try:
                desk.last_backup = desk.backup("open")
            except DeskError as exc:
                desk.backup_error = str(exc)
        return desk

    def close(self) -> None:
        """Close the desk's connection (idempotent)."""
        if self._registered:
            self._registered = False
            connection.register_closed(self.path)
        if self._checkpoints is not None:
            self._checkpoints.close()
        if self._announced:
            from desk.trust.instances import withdraw

            self._announced = False
            withdraw(self.path)
        try:
            self.conn.close()
        except sqlite3.ProgrammingError:
            pass

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- settings and change reports -----------------------------------------------------

    @property
    def desk_id(self) -> str:
        """This desk's own id (copies of one desk share it)."""
        return self.setting(schema.META_DESK_ID)

    def setting(self, key: str) -> str:
        """A value kept in the desk's ``desk_meta`` table ('' when unset)."""
        row = self.conn.execute("SELECT value FROM desk_meta WHERE key = ?", [key]).fetchone()
        return row[0] if row and row[0] is not None else ""

    def set_setting(self, key: str, value: str) -> None:
        """Store a value in ``desk_meta``."""
        self._check_writable()
        with self.writing():
            self.db["desk_meta"].upsert({"key": key, "value": value}, pk="key")

    def subscribe(self, listener: Callable[[Change], None]) -> Callable[[], None]:
        """Call ``listener`` with a :class:`Change` after each change; returns an unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _notify(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    def writing(self) -> AbstractContextManager[None]:
        """A write transaction for changes to this desk (nests as a savepoint); see
        :func:`desk.store.connection.write_transaction` (sqlite-utils loaded before the lock)."""
        db = self.db
        if self.prompt and self._checkpoints is None:
            self._checkpoints = operations.background_checkpoints(self)
        return connection.write_transaction(
            self.conn, self.path, db.atomic, prompt=self.prompt, turns=instances,
            on_commit=self._checkpoints.soon if self.prompt else None)

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyDeskError(f"{self.path.name} is open read-only: nothing can be changed.")

    def mark_reviewed(self, article_id: str, reviewed: bool = True) -> None:
        """Mark an article reviewed, or unmark it (:mod:`desk.finder.reviewed`)."""
        from desk.finder.reviewed import mark_reviewed
        mark_reviewed(self, article_id, reviewed)

    # -- articles ------------------------------------------------------------------------

    def articles(self) -> list[Article]:
        """Every article, in import order."""
        rows = self.conn.execute(
            f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles ORDER BY imported_at, rowid"
        )
        return [Article(*row) for row in rows]

    def article(self, article_id: str) -> Article:
        """One article by id (:class:`NotFoundError` if the desk has none)."""
        row = self.conn.execute(
            f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"The desk has no article {article_id}.")
        return Article(*row)

    def article_summaries(self, query: str = "") -> list[ArticleSummary]:
        """Articles for the article list, newest first, filtered by a full-text query."""
        return [ArticleSummary(*row[:6]) for row in reads.article_listing(self.conn, query, None, None)]

    def article_page(self, query: str = "", after: PageKey | None = None, limit: int = 200,
                     ) -> tuple[list[ArticleSummary], PageKey | None]:
        """One page of :meth:`article_summaries`: up to ``limit`` articles after ``after``,
        and the key of the next page (None at the end).

        Keyset paging in ``idx_articles_order`` (schema version 3): a page costs the same
        however deep it is, and the first costs about a millisecond on a desk of 10,000
        articles. A filter reads its matches from the full-text index.
        """
        rows = reads.article_listing(self.conn, query, after, limit)
        summaries = [ArticleSummary(*row[:6]) for row in rows]
        return summaries, (tuple(rows[-1][6:]) if len(rows) == limit else None)

    def article_ids_matching(self, query: str) -> set[str] | None:
        """Ids of the articles whose title or text match every word of ``query`` (FTS5); None
        when the query has no words. The window filters its loaded list with this."""
        return reads.article_ids_matching(self.conn, query)

    def counts(self) -> tuple[int, int]:
        """How many articles and live claims the desk holds."""
        return reads.counts(self.conn)

    def claim_count(self, article_id: str) -> int:
        """How many live claims one article has (the article list's count)."""
        return reads.claim_count(self.conn, article_id)

    def add_article(self, draft: ArticleDraft) -> ImportResult:
        """Store an article read from a file; the same text a second time is skipped."""
        self._check_writable()
        draft = without_nul(draft)
        import hashlib  # adding articles only

        digest = hashlib.sha256(draft.body.encode("utf-8")).hexdigest()
        existing = self.conn.execute(
            "SELECT id, title FROM articles WHERE body_sha256 = ?", [digest]
        ).fetchone()
        if existing:
            return ImportResult(draft.source_file, "skipped",
                                f"already in the desk as “{existing[1]}”", existing[0],
                                existing[1])
        article_id = new_id()
        now = now_iso()
        with self.writing():
            insert_article(self.db, article_id, draft, digest, now)
        self._notify(Change("articles_changed", article_id=article_id))
        return ImportResult(draft.source_file, "imported", "", article_id, draft.title)

    def import_path(self, path: str | Path, progress: Progress | None = None,
                    cancelled: Cancelled | None = None) -> list[ImportResult]:
        """Import a file or a folder (recursively); one :class:`ImportResult` per file.

        Files of other types inside a folder are ``passed over``; a file of another type
        named directly fails. A file that fails leaves nothing behind; the others import.
        """
        return self.import_paths([path], progress, cancelled)

    def import_paths(self, paths: Iterable[str | Path], progress: Progress | None = None,
                     cancelled: Cancelled | None = None, *,
                     update: bool = False) -> list[ImportResult]:
        """Import several files and folders; see :meth:`import_path`.

        With ``update`` the desk is backed up first and each file goes through
        :meth:`update_article` (a changed text replaces the matching article's).
        """
        self._check_writable()
        if update:
            self.backup("update")
        from desk.text.importers import collect_files  # importing files only

        todo, results = collect_files(paths)
        for done, path in enumerate(todo):
            if cancelled and cancelled():
                break
            if progress:
                progress(done, len(todo), path.name)
            results.append(self._import_file(path, update))
        if progress:
            progress(len(todo), len(todo), "")
        return results

    def _import_file(self, path: Path, update: bool = False) -> ImportResult:
        from desk.text.importers import read_article

        try:
            draft = read_article(path)
            result = self.update_article(draft) if update else self.add_article(draft)
        except DeskError as exc:
            return ImportResult(str(path), "failed", str(exc))
        except Exception as exc:  # a bug or a library's surprise must not stop the batch
            return ImportResult(str(path), "failed", f"{path.name}: could not be imported ({exc})")
        return ImportResult(str(path), result.status, result.message, result.article_id,
                            result.title)

    # -- claims --------------------------------------------------------------------------

    def add_claim(self, article_id: str, start: int, end: int, *, source: str = "",
                  figure: str = "", status: str = "unchecked", note: str = "",
                  tags: Iterable[str] = (), quote: str | None = None,
                  claim_id: str | None = None) -> Claim:
        """Tag ``body[start:end]`` of an article as a claim and return it.

        ``quote``, when given, must equal the text at those offsets. Raises
        :class:`SpanError` for an empty, out-of-bounds or mismatched span.
        """
        self._check_writable()
        # The span and its context only (a 1 MB article is not read whole for 40 characters).
        anchor = anchor_in_article(self.conn, article_id, start, end, quote,
                                   lambda: self.article(article_id).body)
        check_status(status)
        claim_id = claim_id or new_id()
        now, tags = now_iso(), clean_tags(tags)
        record = {
            "id": claim_id, "article_id": article_id, "start_char": anchor.start,
            "end_char": anchor.end,
            "quote": anchor.quote, "prefix": anchor.prefix, "suffix": anchor.suffix,
            "source": source.strip(), "status": status, "note": note, "editor": self.editor,
            "created_at": now, "updated_at": now, "deleted_at": None, "review_url": "",
            "anchor_status": "anchored", "previous_quote": None, **figure_columns(figure),
        }
        with self.writing():
            insert_claim(self.db, record, tags, now)
        self._notify(Change("claim_added", article_id, claim_id))
        return Claim(**record, tags=tags)  # as written (it is not read back)

    def update_claim(self, claim_id: str, *, source: str = _UNSET, figure: str = _UNSET,
                     status: str = _UNSET, note: str = _UNSET, tags: Iterable[str] = _UNSET,
                     review_url: str = _UNSET) -> Claim:
        """Change some of a claim's fields; only fields that really change are written.
        ``review_url``: the claim's published fact check (:mod:`desk.reports.review`)."""
        self._check_writable()
        old = self.claim(claim_id)
        asked = dict(source=source, figure=figure, status=status, note=note, review_url=review_url)
        changes: dict[str, Any] = {}
        for name, value in asked.items():
            if value is _UNSET:
                continue
            value = value.strip() if name in ("source", "figure") else value
            value = check_review_url(value) if name == "review_url" else value
            if value != getattr(old, name):
                changes[name] = value
        new_tags = None if tags is _UNSET else clean_tags(tags)
        if new_tags is not None and new_tags == old.tags:
            new_tags = None
        if not changes and new_tags is None:
            return old
        if "status" in changes:
            check_status(changes["status"])
        now = now_iso()
        columns = dict(changes)
        if "figure" in changes:
            columns.update(figure_columns(changes["figure"]))
        columns.update(updated_at=now, editor=self.editor)
        edited = list(changes) + (["tags"] if new_tags is not None else [])
        with self.writing():
            self.db["claims"].update(claim_id, columns)
            record_edits(self.db, claim_id, edited, now, self.editor)
            if new_tags is not None:
                write_tags(self.db, claim_id, new_tags, now, self.editor)
        self._notify(Change("claim_updated", old.article_id, claim_id))
        return self.claim(claim_id)

    def delete_claim(self, claim_id: str) -> None:
        """Delete a claim, leaving a tombstone (``deleted_at``) so that merges see it."""
        self._set_deleted(claim_id, now_iso(), "claim_deleted")

    def restore_claim(self, claim_id: str) -> None:
        """Bring a deleted claim back (the undo of a delete)."""
        self._set_deleted(claim_id, None, "claim_restored")

    def _set_deleted(self, claim_id: str, when: str | None, kind: str) -> None:
        self._check_writable()
        claim = self.claim(claim_id)
        now = when or now_iso()
        with self.writing():
            self.db["claims"].update(claim_id, {"deleted_at": when, "updated_at": now,
                                                "editor": self.editor})
            record_edits(self.db, claim_id, ["deleted_at"], now, self.editor)
        self._notify(Change(kind, claim.article_id, claim_id))

    def claim(self, claim_id: str) -> Claim:
        """One claim by id, deleted or not (:class:`NotFoundError` if unknown)."""
        claims = reads.query_claims(self.conn, "c.id = ?", [claim_id])
        if not claims:
            raise NotFoundError(f"The desk has no claim {claim_id}.")
        return claims[0]

    def claims(self, article_id: str | None = None, *,
               include_deleted: bool = False) -> list[Claim]:
        """Live claims of one article in text order, or of the whole desk by article."""
        return reads.claims(self.conn, article_id, include_deleted=include_deleted)

    def claims_page(self, after: PageKey | None, limit: int, article_id: str | None = None,
                    ) -> tuple[list[Claim], PageKey | None]:
        """Up to ``limit`` live claims after ``after``, in :meth:`claims` order: of the whole
        desk, or of one article when ``article_id`` is given.

        Returns the claims and the key to pass for the next page (None at the end). Keyset
        paging walks the articles in import order through their index (and an article's
        claims through theirs), so every page costs about the same however deep it is (the
        window's table fetches pages as it scrolls).
        """
        return reads.claims_page(self.conn, after, limit, article_id)

    def claim_ids_sorted(self, by: str, *, descending: bool = False,
                         article_id: str | None = None) -> list[str]:
        """Ids of the live claims (of one article, or the whole desk) sorted by ``by``, one
        of :data:`CLAIM_SORTS`; ties keep text order. The claims table sorts this way, so
        that sorting 100,000 claims is one query instead of loading them all to sort."""
        return reads.claim_ids_sorted(self.conn, by, descending, article_id)

    def claims_by_id(self, ids: Sequence[str]) -> list[Claim]:
        """The claims with these ids, in the order given (unknown ids are left out)."""
        return reads.claims_by_id(self.conn, ids)

    def claim_marks(self, article_id: str) -> list[ClaimMark]:
        """What the reader draws of an article's live, placed claims, in text order."""
        return reads.claim_marks(self.conn, article_id)

    def article_titles(self) -> dict[str, str]:
        """Every article's title by id (read from an index: no article body is loaded)."""
        return dict(self.conn.execute("SELECT id, title FROM articles").fetchall())

    def sources(self) -> list[str]:
        """Sources already used on this desk, most used first (for completion)."""
        return reads.sources(self.conn)

    def tag_names(self) -> list[str]:
        """Tags in live use on this desk, alphabetically (for completion)."""
        return reads.tag_names(self.conn)

    def backup(self, reason: str = "manual") -> Path:
        """Copy this desk to its ``backups`` folder (the newest 5 are kept); return the copy.
        Raises :class:`DeskError` when the copy cannot be written (nothing partial is left)."""
        return operations.backup(self, reason)

    def backups(self) -> list[Any]:
        """This desk's backups, newest first (:class:`desk.trust.backup.BackupInfo`)."""
        return operations.backups(self)

    @classmethod
    def restore_file(cls, desk_path: str | Path, backup_path: str | Path) -> Path | None:
        """Restore the desk file at ``desk_path`` from a checked backup, whatever state it is
        in (``claims-desk restore``); see :func:`desk.trust.backup.restore_file`."""
        from desk.trust.backup import restore_file

        return restore_file(desk_path, backup_path, cls.open)

    def restore_backup(self, backup_path: str | Path) -> Path:
        """Replace this desk's content with a checked backup; returns the safety backup made
        first. Listeners get a ``desk_restored`` change."""
        return operations.restore_backup(self, backup_path)

    def update_article(self, draft: ArticleDraft) -> ImportResult:
        """Replace the text of the article ``draft`` matches (URL, else file name) and
        re-anchor its claims; a new article is added; the same text is ``unchanged``."""
        return operations.update_article(self, draft)

    def set_article_url(self, article_id: str, url: str) -> None:
        """Set an article's published URL where import found none ('' clears it)."""
        set_article_url(self, article_id, url)

    def announce(self) -> bool:
        """Tell other processes this desk is open here (False where that cannot be done)."""
        return operations.announce(self)

    def other_instances(self) -> int:
        """How many other processes (windows) announced that they have this desk open."""
        return operations.other_instances(self)

    def needs_attention(self, article_id: str | None = None) -> list[Claim]:
        """Live claims an update could not place exactly (fuzzy or orphaned), text order."""
        return operations.needs_attention(self, article_id)

    def reattach_claim(self, claim_id: str, start: int, end: int) -> Claim:
        """Put a claim on new offsets of its article (an editor's fix); it is anchored."""
        return operations.reattach_claim(self, claim_id, start, end)

    def accept_anchor(self, claim_id: str) -> Claim:
        """Accept a fuzzy claim's new place as right: it becomes anchored."""
        return operations.accept_anchor(self, claim_id)

    def restore_anchor(self, claim_id: str, columns: dict[str, Any]) -> Claim:
        """Put back a claim's anchor columns as they were (the undo of a re-attach)."""
        self._check_writable()
        return operations.set_anchor(self, self.claim(claim_id), columns)

    # -- exports -------------------------------------------------------------------------

    def export_rows(self) -> Iterator[tuple[Any, ...]]:
        """Rows for the CSV export: live claims by article (import order) then position."""
        from desk.formats.csv_export import EXPORT_SQL

        return iter(self.conn.execute(EXPORT_SQL))

    def export_csv(self, target: str | Path | IO[str], *, excel: bool = False,
                   progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
        """Write the claims CSV to a path (atomically) or a text file object; returns rows."""
        from desk.formats.csv_export import write_csv

        return write_csv(self, target, excel=excel, progress=progress, cancelled=cancelled)
