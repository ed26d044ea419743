"""The desk: one SQLite file of articles and the claims tagged in them.

:class:`Desk` is the one API that the window, the command line and the tests use. Every call
that changes data commits before it returns and tells the desk's listeners what changed.
"""

from __future__ import annotations

import getpass
import glob
import hashlib
import json
import os
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import connection, schema
from .anchoring import anchor_span, check_quote
from .clock import now_iso
from .errors import DeskError, NotFoundError, ReadOnlyDeskError
from .figures import parse_figure
from .importers import is_supported, read_article
from .store_trust import TrustOperations
from .model import (
    ARTICLE_COLUMNS, CLAIM_COLUMNS, STATUSES, Article, ArticleDraft, ArticleSummary, Change,
    Claim, ClaimMark, ImportResult,
)

if TYPE_CHECKING:
    import sqlite_utils

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
_UNSET: Any = object()
_TAG_SEP = "\x1f"


class Desk(TrustOperations):
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
        existed = not connection.is_new_file(path)
        if connection.is_new_file(path):
            if read_only:
                raise DeskError(f"{path} does not exist.")
            conn = cls._create_file(path)
            version = schema.SCHEMA_VERSION
        else:
            version = connection.identify(path)
            read_only = read_only or not connection.can_write(path)
            try:
                if read_only:
                    conn = connection.connect_read_only(path)
                else:
                    conn = connection.connect_read_write(path)
            except sqlite3.DatabaseError as exc:
                raise DeskError(f"Cannot open {path.name}: {exc}.") from exc
        desk = cls(path, conn, read_only=read_only, editor="")
        if version < schema.SCHEMA_VERSION:
            if read_only:
                conn.close()
                raise DeskError(
                    f"{path.name} uses an older desk format; open it once with write access "
                    "to upgrade it."
                )
            _migrate_with_backup(desk.db, path, version)
        connection.register_open(path)
        desk._registered = True
        desk.editor = editor or desk.setting(schema.META_DEFAULT_EDITOR) or _login_name()
        if backup and existed and not read_only:
            try:
                desk.last_backup = desk.backup("open")
            except DeskError as exc:
                desk.backup_error = str(exc)
        return desk

    @staticmethod
    def _create_file(path: Path) -> sqlite3.Connection:
        folder = path.parent
        if not folder.is_dir():
            raise DeskError(f"Cannot create {path.name}: the folder {folder} does not exist.")
        if not connection.can_write(path):
            raise DeskError(f"Cannot create {path.name}: the folder {folder} cannot be written.")
        # Built under a temporary name, then renamed into place: a crash while creating
        # never leaves a half-made file that would then be refused as "not a desk".
        tmp = folder / f".{path.name}.{os.getpid()}.creating"
        _remove_stale_creations(path)
        try:
            import sqlite_utils

            conn = sqlite3.connect(str(tmp))
            try:
                schema.create(sqlite_utils.Database(conn, execute_plugins=False))
            finally:
                conn.close()
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, path)
            conn = connection.connect_read_write(path)
        except (sqlite3.Error, OSError) as exc:
            for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
                leftover.unlink(missing_ok=True)
            raise DeskError(f"Cannot create {path.name}: {getattr(exc, 'strerror', None) or exc}."
                            ) from exc
        return conn

    def close(self) -> None:
        """Close the desk's connection (idempotent)."""
        if self._registered:
            self._registered = False
            connection.register_closed(self.path)
        if self._announced:
            from .instances import withdraw

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

    @contextmanager
    def writing(self) -> Iterator[None]:
        """A write transaction for changes to this desk (nests as a savepoint).

        It starts with ``BEGIN IMMEDIATE``, taking the write lock before reading, so that a
        write from another process makes it wait (busy timeout) instead of failing with
        "database is locked". SQLite failures (full disk, busy desk, read-only file) roll it
        back and become a :class:`DeskError` for people.
        """
        conn = self.conn
        try:
            if conn.in_transaction:
                with self.db.atomic():
                    yield
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:
            raise DeskError(write_failure_message(self.path, exc)) from exc

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyDeskError(f"{self.path.name} is open read-only: nothing can be changed.")

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
        return [ArticleSummary(*row[:6]) for row in self._listing(query, None, None)]

    def article_page(self, query: str = "", after: PageKey | None = None, limit: int = 200,
                     ) -> tuple[list[ArticleSummary], PageKey | None]:
        """One page of :meth:`article_summaries`: up to ``limit`` articles after ``after``,
        and the key of the next page (None at the end).

        Keyset paging in ``idx_articles_order`` (schema version 3): a page costs the same
        however deep it is, and the first costs about a millisecond on a desk of 10,000
        articles. A filter reads its matches from the full-text index.
        """
        rows = self._listing(query, after, limit)
        summaries = [ArticleSummary(*row[:6]) for row in rows]
        return summaries, (tuple(rows[-1][6:]) if len(rows) == limit else None)

    def _listing(self, query: str, after: PageKey | None, limit: int | None) -> list[tuple]:
        where, params = [], []
        match = fts_query(query)
        if match:
            where.append("a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            params.append(match)
        if after is not None:  # (order, rowid) < after, spelled so that SQLite seeks
            where.append(f"{_ORDER} <= ? AND ({_ORDER} < ? OR a.rowid < ?)")
            params.extend([after[0], after[0], after[1]])
        sql = f"""
            SELECT a.id, a.title, a.url, a.published_at, a.imported_at,
                   (SELECT count(*) FROM claims c INDEXED BY idx_claims_live
                    WHERE c.article_id = a.id AND c.deleted_at IS NULL) AS claim_count,
                   {_ORDER}, a.rowid
            FROM articles a
            {"WHERE " + " AND ".join(where) if where else ""}
            ORDER BY {_ORDER} DESC, a.rowid DESC
            {"" if limit is None else "LIMIT ?"}
        """
        return self.conn.execute(sql, params if limit is None else [*params, limit]).fetchall()

    def article_ids_matching(self, query: str) -> set[str] | None:
        """Ids of the articles whose title or text match every word of ``query`` (FTS5).

        None when the query has no words (everything matches). The window filters its
        already-loaded list with this, so a filter costs little more than the FTS lookup.
        """
        match = fts_query(query)
        if not match:
            return None
        # Each match costs one rowid lookup (the id leads the row: no body page is read), so a
        # selective word is nearly as quick as the bare MATCH.
        rows = self.conn.execute(
            "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ?", [match])
        return {row[0] for row in rows}

    def counts(self) -> tuple[int, int]:
        """How many articles and live claims the desk holds."""
        articles = self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        claims = self.conn.execute(
            "SELECT count(*) FROM claims WHERE deleted_at IS NULL"
        ).fetchone()[0]
        return articles, claims

    def claim_count(self, article_id: str) -> int:
        """How many live claims one article has (the article list's count)."""
        return self.conn.execute(
            "SELECT count(*) FROM claims INDEXED BY idx_claims_live "
            "WHERE article_id = ? AND deleted_at IS NULL",
            [article_id],
        ).fetchone()[0]

    def add_article(self, draft: ArticleDraft) -> ImportResult:
        """Store an article read from a file; the same text a second time is skipped."""
        self._check_writable()
        digest = hashlib.sha256(draft.body.encode("utf-8")).hexdigest()
        existing = self.conn.execute(
            "SELECT id, title FROM articles WHERE body_sha256 = ?", [digest]
        ).fetchone()
        if existing:
            return ImportResult(draft.source_file, "skipped",
                                f"already in the desk as “{existing[1]}”", existing[0],
                                existing[1])
        article_id = str(uuid.uuid4())
        now = now_iso()
        with self.writing():
            self.db["articles"].insert(
                {
                    "id": article_id, "title": draft.title, "body": draft.body,
                    "url": draft.url, "byline": draft.byline,
                    "published_at": draft.published_at, "source_file": draft.source_file,
                    "body_sha256": digest, "imported_at": now, "updated_at": now,
                }
            )
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
        results: list[ImportResult] = []
        todo: list[Path] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                for child in sorted(_walk(path)):
                    if is_supported(child):
                        todo.append(child)
                    else:
                        results.append(ImportResult(str(child), "passed over",
                                                    "not an article file"))
            elif path.exists():
                todo.append(path)
            else:
                results.append(ImportResult(str(path), "failed",
                                            f"{path.name}: no such file or folder"))
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
        body = self.article(article_id).body
        anchor = anchor_span(body, start, end) if quote is None else check_quote(
            body, start, end, quote)
        _check_status(status)
        claim_id = claim_id or str(uuid.uuid4())
        now = now_iso()
        record = {
            "id": claim_id, "article_id": article_id, "start_char": anchor.start,
            "end_char": anchor.end, "quote": anchor.quote, "prefix": anchor.prefix,
            "suffix": anchor.suffix, "source": source.strip(), "status": status, "note": note,
            "editor": self.editor, "created_at": now, "updated_at": now,
            "anchor_status": "anchored", **_figure_columns(figure),
        }
        with self.writing():
            self.db["claims"].insert(record)
            self.db["claim_edits"].insert_all(
                {"claim_id": claim_id, "field": f, "edited_at": now, "editor": self.editor}
                for f in ("source", "figure", "status", "note", "tags")
            )
            self._write_tags(claim_id, clean_tags(tags), now)
        self._notify(Change("claim_added", article_id, claim_id))
        return self.claim(claim_id)

    def update_claim(self, claim_id: str, *, source: str = _UNSET, figure: str = _UNSET,
                     status: str = _UNSET, note: str = _UNSET,
                     tags: Iterable[str] = _UNSET) -> Claim:
        """Change some of a claim's fields; only fields that really change are written."""
        self._check_writable()
        old = self.claim(claim_id)
        asked = {"source": source, "figure": figure, "status": status, "note": note}
        changes: dict[str, Any] = {}
        for name, value in asked.items():
            if value is _UNSET:
                continue
            value = value.strip() if name in ("source", "figure") else value
            if value != getattr(old, name):
                changes[name] = value
        new_tags = None if tags is _UNSET else clean_tags(tags)
        if new_tags is not None and new_tags == old.tags:
            new_tags = None
        if not changes and new_tags is None:
            return old
        if "status" in changes:
            _check_status(changes["status"])
        now = now_iso()
        columns = dict(changes)
        if "figure" in changes:
            columns.update(_figure_columns(changes["figure"]))
        columns.update(updated_at=now, editor=self.editor)
        edited = list(changes) + (["tags"] if new_tags is not None else [])
        with self.writing():
            self.db["claims"].update(claim_id, columns)
            self._record_edits(claim_id, edited, now)
            if new_tags is not None:
                self._write_tags(claim_id, new_tags, now)
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
            self._record_edits(claim_id, ["deleted_at"], now)
        self._notify(Change(kind, claim.article_id, claim_id))

    def claim(self, claim_id: str) -> Claim:
        """One claim by id, deleted or not (:class:`NotFoundError` if unknown)."""
        claims = self._query_claims("c.id = ?", [claim_id])
        if not claims:
            raise NotFoundError(f"The desk has no claim {claim_id}.")
        return claims[0]

    def claims(self, article_id: str | None = None, *,
               include_deleted: bool = False) -> list[Claim]:
        """Live claims of one article in text order, or of the whole desk by article."""
        where, params = [], []
        if article_id is not None:
            where.append("c.article_id = ?")
            params.append(article_id)
        if not include_deleted:
            where.append("c.deleted_at IS NULL")
        return self._query_claims(" AND ".join(where) or "1", params)

    def claims_page(self, after: PageKey | None, limit: int, article_id: str | None = None,
                    ) -> tuple[list[Claim], PageKey | None]:
        """Up to ``limit`` live claims after ``after``, in :meth:`claims` order: of the whole
        desk, or of one article when ``article_id`` is given.

        Returns the claims and the key to pass for the next page (None at the end). Keyset
        paging walks the articles in import order through their index (and an article's
        claims through theirs), so every page costs about the same however deep it is (the
        window's table fetches pages as it scrolls).
        """
        if article_id is not None:
            where, params = "c.article_id = ? AND c.deleted_at IS NULL", [article_id]
            if after is not None:
                where += " AND (c.start_char, c.end_char, c.created_at, c.id) > (?, ?, ?, ?)"
                params.extend(after[2:])
            rows = self._claim_rows(where, params, limit=limit)
            claims = [_claim_of(row) for row in rows]
            keys = [("", 0)] * len(rows)
        else:
            where, params = "c.deleted_at IS NULL", []
            if after is not None:
                # The first test lets SQLite seek in the articles' index; the second finishes.
                where += (" AND (a.imported_at, a.rowid) >= (?, ?) AND ((a.imported_at, a.rowid)"
                          " > (?, ?) OR (c.start_char, c.end_char, c.created_at, c.id)"
                          " > (?, ?, ?, ?))")
                params.extend([*after[:2], *after[:2], *after[2:]])
            rows = self._claim_rows(where, params, paged=True, limit=limit)
            claims = [_claim_of(row[:-2]) for row in rows]
            keys = [row[-2:] for row in rows]
        if len(rows) < limit:
            return claims, None
        claim = claims[-1]
        return claims, (*keys[-1], claim.start_char, claim.end_char, claim.created_at, claim.id)

    def claim_ids_sorted(self, by: str, *, descending: bool = False,
                         article_id: str | None = None) -> list[str]:
        """Ids of the live claims (of one article, or the whole desk) sorted by ``by``, one
        of :data:`CLAIM_SORTS`; ties keep text order. The claims table sorts this way, so
        that sorting 100,000 claims is one query instead of loading them all to sort."""
        if by not in CLAIM_SORTS:
            raise ValueError(f"cannot sort claims by {by!r}")
        direction = "DESC" if descending else "ASC"
        order = ", ".join(f"{term} {direction}" for term in CLAIM_SORTS[by])
        where, params = "c.deleted_at IS NULL", []
        if article_id is not None:
            where += " AND c.article_id = ?"
            params.append(article_id)
        return [row[0] for row in self.conn.execute(
            f"SELECT c.id FROM claims c JOIN articles a ON a.id = c.article_id WHERE {where} "
            f"ORDER BY {order}, a.imported_at, a.rowid, c.start_char, c.end_char, c.created_at, "
            "c.id", params)]

    def claims_by_id(self, ids: Sequence[str]) -> list[Claim]:
        """The claims with these ids, in the order given (unknown ids are left out)."""
        found = {claim.id: claim for claim in self._query_claims(
            "c.id IN (SELECT value FROM json_each(?))", [json.dumps(list(ids))])}
        return [found[claim_id] for claim_id in ids if claim_id in found]

    def claim_marks(self, article_id: str) -> list[ClaimMark]:
        """What the reader draws of an article's live, placed claims, in text order."""
        return [ClaimMark(*row) for row in self.conn.execute(
            "SELECT id, start_char, end_char, status, source, figure FROM claims "
            "WHERE article_id = ? AND deleted_at IS NULL AND anchor_status != 'orphaned' "
            "ORDER BY start_char, end_char", [article_id])]

    def article_titles(self) -> dict[str, str]:
        """Every article's title by id (read from an index: no article body is loaded)."""
        return dict(self.conn.execute("SELECT id, title FROM articles").fetchall())

    def _query_claims(self, where: str, params: list[Any]) -> list[Claim]:
        return [_claim_of(row) for row in self._claim_rows(where, params)]

    def _claim_rows(self, where: str, params: list[Any], paged: bool = False,
                    limit: int | None = None) -> list[tuple]:
        columns = ", ".join(f"c.{name}" for name in CLAIM_COLUMNS)
        # Paged: CROSS JOIN makes SQLite walk articles in import order (an index) and each
        # article's claims by position, so LIMIT stops early instead of sorting everything.
        source = ("articles a CROSS JOIN claims c ON c.article_id = a.id" if paged
                  else "claims c JOIN articles a ON a.id = c.article_id")
        sql = f"""
            SELECT {columns},
                   (SELECT group_concat(t.name, '{_TAG_SEP}') FROM claims_tags ct
                    JOIN tags t ON t.id = ct.tags_id
                    WHERE ct.claims_id = c.id AND ct.deleted_at IS NULL) AS tags
                   {", a.imported_at, a.rowid" if paged else ""}
            FROM {source}
            WHERE {where}
            ORDER BY a.imported_at, a.rowid, c.start_char, c.end_char, c.created_at, c.id
            {"" if limit is None else "LIMIT ?"}
        """
        return self.conn.execute(sql, params if limit is None else [*params, limit]).fetchall()

    def sources(self) -> list[str]:
        """Sources already used on this desk, most used first (for completion)."""
        rows = self.conn.execute(
            "SELECT source FROM claims WHERE source != '' AND deleted_at IS NULL "
            "GROUP BY source ORDER BY count(*) DESC, source"
        )
        return [row[0] for row in rows]

    def tag_names(self) -> list[str]:
        """Tags in live use on this desk, alphabetically (for completion)."""
        rows = self.conn.execute(
            "SELECT DISTINCT t.name FROM tags t JOIN claims_tags ct ON ct.tags_id = t.id "
            "WHERE ct.deleted_at IS NULL ORDER BY t.name"
        )
        return [row[0] for row in rows]

    def _record_edits(self, claim_id: str, fields: list[str], now: str) -> None:
        self.db["claim_edits"].upsert_all(
            ({"claim_id": claim_id, "field": f, "edited_at": now, "editor": self.editor}
             for f in fields),
            pk=("claim_id", "field"),
        )

    def _write_tags(self, claim_id: str, names: list[str], now: str) -> None:
        live = {
            row[0]: row[1]
            for row in self.conn.execute(
                "SELECT t.name, t.id FROM claims_tags ct JOIN tags t ON t.id = ct.tags_id "
                "WHERE ct.claims_id = ? AND ct.deleted_at IS NULL", [claim_id])
        }
        for name in names:
            if name not in live:
                tag_id = self.db["tags"].lookup({"name": name})
                self.db["claims_tags"].upsert(
                    {"claims_id": claim_id, "tags_id": tag_id, "added_at": now,
                     "deleted_at": None, "editor": self.editor},
                    pk=("claims_id", "tags_id"),
                )
        for name, tag_id in live.items():
            if name not in names:
                self.conn.execute(
                    "UPDATE claims_tags SET deleted_at = ?, editor = ? "
                    "WHERE claims_id = ? AND tags_id = ?", [now, self.editor, claim_id, tag_id])

    # -- exports -------------------------------------------------------------------------

    def export_rows(self) -> Iterator[tuple[Any, ...]]:
        """Rows for the CSV export: live claims by article (import order) then position."""
        return iter(self.conn.execute(EXPORT_SQL))

    def export_csv(self, target: str | Path | IO[str], *, excel: bool = False,
                   progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
        """Write the claims CSV to a path (atomically) or a text file object; returns rows."""
        from .export import write_csv

        return write_csv(self, target, excel=excel, progress=progress, cancelled=cancelled)


#: The rows of the CSV export, in :data:`desk.export.CSV_HEADER` order (tags joined by \x1f).
EXPORT_SQL = f"""
    SELECT c.id, c.article_id, a.title, a.url, c.quote, c.source, c.figure,
           c.figure_value, c.figure_unit, c.figure_qualifier, c.status,
           (SELECT group_concat(t.name, '{_TAG_SEP}') FROM claims_tags ct
            JOIN tags t ON t.id = ct.tags_id
            WHERE ct.claims_id = c.id AND ct.deleted_at IS NULL),
           c.note, c.editor, c.start_char, c.end_char, c.created_at, c.updated_at
    FROM claims c JOIN articles a ON a.id = c.article_id
    WHERE c.deleted_at IS NULL
    ORDER BY a.imported_at, a.rowid, c.start_char, c.end_char, c.created_at
"""


#: What the claims can be sorted by (:meth:`Desk.claim_ids_sorted`): SQL terms over the
#: claim ``c`` and its article ``a``. "position" is by article title, then place in the text.
CLAIM_SORTS: dict[str, tuple[str, ...]] = {
    "position": ("a.title COLLATE NOCASE", "c.start_char", "c.end_char"),
    "source": ("c.source COLLATE NOCASE",),
    "figure": ("coalesce(c.figure_value, -1e308)",),  # unparsed figures first
    "status": ("CASE c.status " + " ".join(f"WHEN '{name}' THEN {rank}" for rank, name
                                            in enumerate(STATUSES)) + " END",),
    "tags": ("""(SELECT group_concat(name, ', ') FROM (SELECT t.name AS name
               FROM claims_tags ct JOIN tags t ON t.id = ct.tags_id
               WHERE ct.claims_id = c.id AND ct.deleted_at IS NULL ORDER BY t.name))
               COLLATE NOCASE""",),
    "article": ("a.title COLLATE NOCASE",),
}

#: The article list's order (schema.ARTICLE_ORDER) over the alias ``a``.
_ORDER = schema.ARTICLE_ORDER.replace("published_at", "a.published_at").replace(
    "imported_at", "a.imported_at")

#: Where a page of :meth:`Desk.claims_page` ended (opaque to callers).
PageKey = tuple[Any, ...]


def _claim_of(row: tuple[Any, ...]) -> Claim:
    """A claim from a row of its columns followed by its tags joined by \x1f."""
    return Claim(*row[:-1], tags=sorted(row[-1].split(_TAG_SEP)) if row[-1] else [])


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags as typed, stripped, without empties or repeats, sorted."""
    if isinstance(tags, str):
        tags = re.split(r"[;,]", tags)
    return sorted({t.strip() for t in tags if t and t.strip()})


def fts_query(text: str) -> str:
    """An FTS5 query matching every word of ``text`` as a prefix ('' for no words)."""
    words = re.findall(r"\w+", text or "")
    return " ".join(f'"{w}"*' for w in words)


def _figure_columns(figure: str) -> dict[str, Any]:
    figure = (figure or "").strip()
    parsed = parse_figure(figure)
    return {
        "figure": figure,
        "figure_value": parsed.value if parsed else None,
        "figure_unit": parsed.unit if parsed else None,
        "figure_qualifier": parsed.qualifier if parsed else None,
    }


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise DeskError(f"Unknown status {status!r}: use one of {', '.join(STATUSES)}.")


def _walk(folder: Path) -> Iterator[Path]:
    for path in folder.rglob("*"):
        if path.is_file() and not any(part.startswith(".") for part in
                                      path.relative_to(folder).parts):
            yield path


def write_failure_message(path: Path, exc: sqlite3.Error) -> str:
    """A sentence for people about a change SQLite could not write."""
    text = str(exc).lower()
    if "full" in text:
        why = "the disk is full. Free some space and try again"
    elif "locked" in text or "busy" in text:
        why = "another program kept the desk busy for too long. Try again"
    elif "readonly" in text or "read-only" in text:
        why = "the file cannot be written"
    else:
        why = f"SQLite reported “{exc}”"
    return f"The change was not saved to {path.name}: {why}. Nothing else was changed."


def _remove_stale_creations(path: Path) -> None:
    """Remove temporary files of desk creations whose process has died (a crash)."""
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.creating*"):
        pid = leftover.name[len(path.name) + 2:].split(".")[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except OSError:
            pass


def _migrate_with_backup(db: sqlite_utils.Database, path: Path, version: int) -> None:
    """Back up a desk of an older format, then migrate it (each step is atomic)."""
    from .backup import backup_connection

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


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "editor"
