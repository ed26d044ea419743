"""Merging one other desk file into an open desk: the step :func:`desk.fieldwork.merge.merge_desks`
runs for each file, inside its transaction (articles, then claims field by field, then the
extra steps other features register in :data:`MERGE_STEPS`)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk.anchors.reanchor import Reanchorer
from desk.clock import now_iso
from desk.errors import DeskError
from desk.fieldwork.merge_attach import copy_staged, distrusting, stage_copies
from desk.fieldwork.merge_bulk import CLAIM_GUARDS, insert_articles, insert_claims
from desk.fieldwork.merge_io import (
    CLAIM_INDEX,
    TIMESTAMP,
    anchor_fits,
    check_edit_times,
    check_row,
    load_claims,
    load_edit_rows,
    load_edits,
    load_tags,
    parse_edits,
    parse_tags,
    signature,
    trigger_set_aside,
)
from desk.fieldwork.merge_rules import ANCHOR_COLUMNS, Conflict, edit_of, merge_claim
from desk.model import ARTICLE_COLUMNS, CLAIM_COLUMNS

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.model import Cancelled

#: When more than this share of the desk's claims take part, all are read at once.
FULL_LOAD_SHARE = 0.5
#: Claims new to the desk whose anchor fits as it is are copied in bulk, edit records and
#: tags with them (False sends every claim through the field-by-field rules, for tests).
COPY_NEW_CLAIMS = True
_ARTICLE_FIELDS = ("title", "body", "url", "byline", "published_at", "source_file",
                   "imported_at", "updated_at")
_UPDATE_COLUMNS = tuple(c for c in CLAIM_COLUMNS if c not in ("id", "article_id"))
_VALUE_COLUMNS = tuple(c for c in _UPDATE_COLUMNS if c not in ANCHOR_COLUMNS)

class MergeCancelled(DeskError):
    """The merge was cancelled; the desk is as it was."""

@dataclass
class MergeSummary:
    """What a merge did, for the command line and the window."""

    articles_added: int = 0
    articles_updated: int = 0
    claims_added: int = 0
    claims_updated: int = 0
    claims_deleted: int = 0
    claims_restored: int = 0
    conflicts: int = 0
    reanchored: int = 0
    orphaned: int = 0
    merged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    backup: Path | None = None

    def lines(self) -> list[str]:
        """The summary as lines of text."""
        lines = [f"merged {name}" for name in self.merged]
        lines.append(f"articles: {self.articles_added} added, {self.articles_updated} updated")
        lines.append(
            f"claims: {self.claims_added} added, {self.claims_updated} updated, "
            f"{self.claims_deleted} deleted, {self.claims_restored} restored")
        lines.append(f"conflicts: {self.conflicts} (kept for review)")
        if self.reanchored:
            lines.append(f"re-anchored onto a newer article text: {self.reanchored} "
                         f"({self.orphaned} could not be placed and need attention)")
        lines.extend(self.problems)
        return lines

@dataclass
class MergeContext:
    """What a merge step sees: the receiving desk, the other file and how ids map."""

    desk: Desk
    other: sqlite3.Connection
    other_name: str
    article_map: dict[str, str]
    claim_ids: set[str]
    summary: MergeSummary

#: Extra steps run for each other file after articles and claims (for tables added by
#: other features): ``MERGE_STEPS.append(fn)`` where ``fn(context: MergeContext)``.
MERGE_STEPS: list[Callable[[MergeContext], None]] = []

def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

class FileMerge:
    """Merges one other file into the desk (inside the caller's transaction)."""

    def __init__(self, desk: Desk, other: sqlite3.Connection, name: str,
                 summary: MergeSummary, touched: dict[str, Any],
                 updated_articles: set[str], cancelled: Cancelled | None = None,
                 attached: str | None = None) -> None:
        self.desk, self.db, self.other = desk, desk.db, other
        self.name, self.summary = name, summary
        self.touched = touched                     # claim id -> its state before the merge
        self.updated_articles = updated_articles   # articles whose text was replaced
        self.article_map: dict[str, str] = {}
        self.final_sha: dict[str, str] = {}        # desk article id -> its text's hash now
        self.other_body: dict[str, str] = {}       # other article id -> its text there
        self.other_sha: dict[str, str] = {}        # other article id -> that text's hash
        self._bodies: dict[str, str] = {}
        self.replaced: dict[str, str] = {}         # desk article id -> its text before
        self.claim_ids: set[str] = set()
        self.cancelled = cancelled
        self._new_articles: list[dict[str, Any]] = []  # added, not yet written
        self.attached = attached  # the other file's schema name on the desk's connection

    # -- articles ------------------------------------------------------------------------

    def merge_articles(self) -> None:
        """Match, add and update articles and their revisions."""
        mine = {r[0]: {"sha": r[1], "updated_at": r[2]} for r in self.db.execute(
            "SELECT id, body_sha256, updated_at FROM articles")}
        by_sha = {v["sha"]: k for k, v in mine.items()}
        revisions: dict[str, set[str]] = {}
        rev_owner: dict[str, str] = {}
        for article_id, sha in self.db.execute(
                "SELECT article_id, body_sha256 FROM article_revisions"):
            revisions.setdefault(article_id, set()).add(sha)
            rev_owner.setdefault(sha, article_id)
        their_revs: dict[str, list[dict[str, Any]]] = {}
        for row in self.other.execute(
                "SELECT article_id, title, body, source_file, replaced_at FROM article_revisions"):
            rev = dict(zip(("article_id", "title", "body", "source_file", "replaced_at"), row))
            rev["body_sha256"] = _sha(rev["body"])
            their_revs.setdefault(rev["article_id"], []).append(rev)
        columns = ", ".join(_ARTICLE_FIELDS)
        for row in self.other.execute(
                f"SELECT id, {columns} FROM articles ORDER BY imported_at, rowid"):
            theirs = dict(zip(("id",) + _ARTICLE_FIELDS, row))
            sha = theirs["body_sha256"] = _sha(theirs["body"])
            old = {r["body_sha256"] for r in their_revs.get(theirs["id"], [])}
            target = (theirs["id"] if theirs["id"] in mine else by_sha.get(sha)
                      or rev_owner.get(sha) or next((by_sha[s] for s in old if s in by_sha), None))
            self.other_body[theirs["id"]] = theirs["body"]
            self.other_sha[theirs["id"]] = sha
            if target is None:
                self._new_articles.append(theirs)  # written in bulk (_write_new_articles)
                self.summary.articles_added += 1
                target = theirs["id"]
                mine[target] = {"sha": sha, "updated_at": theirs["updated_at"]}
                by_sha[sha] = target
            elif mine[target]["sha"] != sha:
                my_sha = mine[target]["sha"]
                if sha in revisions.get(target, ()):
                    newer = False
                elif my_sha in old:
                    newer = True
                else:
                    newer = (theirs["updated_at"], sha) > (mine[target]["updated_at"], my_sha)
                if newer:
                    self._replace_text(target, theirs, revisions)
                    mine[target] = {"sha": sha, "updated_at": theirs["updated_at"]}
                    by_sha[sha] = target
                else:
                    self._keep_revision(target, {**theirs, "replaced_at": mine[target][
                        "updated_at"]}, revisions, mine[target]["sha"])
            for rev in their_revs.get(theirs["id"], []):
                self._keep_revision(target, rev, revisions, mine[target]["sha"])
            self.article_map[theirs["id"]] = target
        self._write_new_articles()
        self.final_sha = {k: v["sha"] for k, v in mine.items()}

    def _write_new_articles(self) -> None:
        """Write the articles added so far, in bulk (before anything that refers to them)."""
        rows = [[article[c] for c in ARTICLE_COLUMNS] for article in self._new_articles]
        self._new_articles.clear()
        insert_articles(self.db.conn, rows)

    def _replace_text(self, article_id: str, theirs: dict[str, Any],
                      revisions: dict[str, set[str]]) -> None:
        self._write_new_articles()
        columns = ("title", "body", "body_sha256", "source_file", "updated_at")
        current = dict(zip(columns, self.db.execute(
            f"SELECT {', '.join(columns)} FROM articles WHERE id = ?", [article_id]).fetchone()))
        self.replaced.setdefault(article_id, current["body"])
        self._keep_revision(article_id, {**current, "replaced_at": theirs["updated_at"]},
                            revisions, theirs["body_sha256"])
        self.db["articles"].update(article_id, {k: v for k, v in theirs.items()
                                                if k not in ("id", "imported_at")})
        self.summary.articles_updated += article_id not in self.updated_articles
        self.updated_articles.add(article_id)

    def _keep_revision(self, article_id: str, text: dict[str, Any],
                       revisions: dict[str, set[str]], current_sha: str) -> None:
        sha = text["body_sha256"]
        if sha == current_sha or sha in revisions.get(article_id, set()):
            return
        self._write_new_articles()
        self.db["article_revisions"].insert({
            "article_id": article_id, "title": text["title"], "body": text["body"],
            "body_sha256": sha, "source_file": text["source_file"],
            "replaced_at": text["replaced_at"]})
        revisions.setdefault(article_id, set()).add(sha)

    # -- claims --------------------------------------------------------------------------

    def merge_claims(self) -> None:
        """Add the other side's new claims and merge the shared ones field by field.

        A claim new to the desk whose anchor fits the desk's text as it is (the usual new
        claim) is copied whole with its edit records and tags, in bulk; every other claim
        goes through the field-by-field rules (:mod:`desk.merge_rules`).
        """
        theirs = load_claims(self.other)
        their_tags = load_tags(self.other)
        my_ids = {row[0] for row in self.db.conn.execute("SELECT id FROM claims")}
        copies, taking_part = self._split_claims(theirs, my_ids)
        copied_edits: list[tuple[Any, ...]] = []  # written from the attached file when it is
        if self.attached:
            stage_copies(self.db.conn, self.attached, self.name, [r[:2] for r in copies])
        else:
            copied = {row[0] for row in copies}
            copied_edits = load_edit_rows(self.other, _scope(copied, len(theirs)), copied)
            check_edit_times(self.name, copied_edits)
        their_edits = load_edits(self.other, _scope(taking_part, len(theirs)))
        mine, my_edits, my_tags = self._load_mine(taking_part, my_ids)
        self._known_conflicts = {Conflict(*row).key() for row in self.db.execute(
            "SELECT claim_id, field, kept_value, other_value, kept_editor, other_editor, "
            "kept_at, other_at FROM merge_conflicts")}
        inserts: list[dict[str, Any]] = []
        changed: dict[str, dict[str, Any]] = {}
        edit_rows: list[tuple[Any, ...]] = []
        tag_rows: list[tuple[Any, ...]] = []
        conflicts: list[Conflict] = []
        fresh: set[str] = set()  # claims whose anchor comes from the other side
        reanchorers: dict[tuple[str, str], Reanchorer] = {}
        now = now_iso()
        for row in copies:
            self.touched.setdefault(row[0], None)
            tag_rows.extend((row[0], name, *state) for name, state in
                            parse_tags(their_tags.get(row[0])).items())
        for number, (claim_id, (their_row, article_id)) in enumerate(taking_part.items()):
            if number % 5000 == 4999 and self.cancelled and self.cancelled():
                raise MergeCancelled("The merge was cancelled; the desk is unchanged.")
            their_article = their_row[1]
            my_row = mine.get(claim_id)
            if (my_row == their_row and article_id == their_article
                    and article_id not in self.replaced
                    and my_edits.get(claim_id) == their_edits.get(claim_id)
                    and my_tags.get(claim_id) == their_tags.get(claim_id)):
                continue  # the same on both sides: the usual case for copies of one desk
            claim = {**dict(zip(CLAIM_COLUMNS, their_row)), "article_id": article_id}
            edits = parse_edits(their_edits.get(claim_id))
            if not all(TIMESTAMP.match(when) for when, _editor in edits.values()):
                raise DeskError(f"{self.name} holds a claim ({claim_id}) with an edit time that "
                                "is not a date; the desk is unchanged.")
            old = None if my_row is None else dict(zip(CLAIM_COLUMNS, my_row))
            theirs_fit = self.other_sha[their_article] == self.final_sha[article_id]
            mine_fit = old is not None and old["article_id"] == article_id and \
                article_id not in self.replaced
            if old is not None and old["article_id"] != article_id:
                anchor_from = "mine"  # the same claim on another article: keep ours
            elif mine_fit:
                anchor_from = "both" if theirs_fit else "mine"
            else:
                anchor_from = "theirs"
            if anchor_from == "both" and not self._fits(claim):
                anchor_from = "mine"
            elif anchor_from == "theirs" and not (theirs_fit and self._fits(claim)):
                claim.update(self._reanchor(reanchorers, their_article, article_id, claim))
                edits = {**edits, "anchor": (now, self.desk.editor)}
            if anchor_from == "theirs":
                fresh.add(claim_id)
            if old is None:
                inserts.append(claim)
                edit_rows.extend((claim_id, f, *e) for f, e in edits.items())
                tag_rows.extend((claim_id, n, *s) for n, s in
                                parse_tags(their_tags.get(claim_id)).items())
                self.touched.setdefault(claim_id, None)
                continue
            old_edits = parse_edits(my_edits.get(claim_id))
            old_tags = parse_tags(my_tags.get(claim_id))
            result = merge_claim(old, old_edits, old_tags, claim, edits,
                                 parse_tags(their_tags.get(claim_id)), anchor_from=anchor_from)
            for name, edit in result.edits.items():
                if edit != edit_of(old, old_edits, name):
                    edit_rows.append((claim_id, name, *edit))
            for name, state in result.tags.items():
                if old_tags.get(name) != state:
                    tag_rows.append((claim_id, name, *state))
            conflicts.extend(result.conflicts)
            if result.row != old:
                changed[claim_id] = result.row
            if result.row != old or result.tags != old_tags:
                self.touched.setdefault(claim_id, signature(old, old_tags))
        # The desk's own claims on an article whose text was replaced by the other's.
        for claim_id, my_row in mine.items():
            if my_row[1] in self.replaced and claim_id not in fresh:
                old = dict(zip(CLAIM_COLUMNS, my_row))
                row = changed.get(claim_id, old)
                placed = self._reanchor(reanchorers, None, old["article_id"], row)
                if any(row[c] != placed[c] for c in ANCHOR_COLUMNS):
                    self.touched.setdefault(
                        claim_id, signature(old, parse_tags(my_tags.get(claim_id))))
                    changed[claim_id] = {**row, **placed}
                    edit_rows.append((claim_id, "anchor", now, self.desk.editor))
        rows = sorted([tuple(row[c] for c in CLAIM_COLUMNS) for row in inserts]
                      + ([] if self.attached else copies), key=itemgetter(0))
        if self.cancelled and self.cancelled():
            raise MergeCancelled("The merge was cancelled; the desk is unchanged.")
        self._write(mine, rows, list(changed.values()), copied_edits + sorted(edit_rows),
                    tag_rows, conflicts)

    def _split_claims(self, theirs: dict[str, tuple[Any, ...]], my_ids: set[str]) -> tuple[
            list[tuple[Any, ...]], dict[str, tuple[tuple[Any, ...], str]]]:
        """Check the other side's claims and split them: the rows to copy as they are
        (new here, on an article whose text the desk holds, anchored soundly in it) and,
        by id, those that take part in the field-by-field merge (with their article here)."""
        copies: list[tuple[Any, ...]] = []
        taking_part: dict[str, tuple[tuple[Any, ...], str]] = {}
        for number, (claim_id, row) in enumerate(theirs.items()):
            if number % 5000 == 4999 and self.cancelled and self.cancelled():
                raise MergeCancelled("The merge was cancelled; the desk is unchanged.")
            their_article = row[1]
            article_id = self.article_map.get(their_article)
            if article_id is None:
                self.summary.problems.append(
                    f"{self.name}: claim {claim_id} belongs to no article and was not merged.")
                continue
            check_row(self.name, row)
            self.claim_ids.add(claim_id)
            if (COPY_NEW_CLAIMS and claim_id not in my_ids
                    and self.other_sha[their_article] == self.final_sha[article_id]
                    and anchor_fits(row, self.other_body[their_article])):
                copies.append(row if article_id == their_article
                              else (claim_id, article_id, *row[2:]))
            else:
                taking_part[claim_id] = (row, article_id)
        return copies, taking_part

    def _load_mine(self, theirs: dict[str, Any], my_ids: set[str]) -> tuple[
            dict[str, Any], dict[str, str], dict[str, str]]:
        """The desk's claims that take part: those the other file has too, and those on
        an article whose text it replaced (all claims when that is most of them)."""
        conn = self.db.conn
        wanted = {claim_id for claim_id in theirs if claim_id in my_ids}
        if self.replaced:
            wanted.update(row[0] for row in conn.execute(
                "SELECT id FROM claims WHERE article_id IN (SELECT value FROM json_each(?))",
                [json.dumps(list(self.replaced))]))
        if len(wanted) > FULL_LOAD_SHARE * len(my_ids):
            return load_claims(conn), load_edits(conn), load_tags(conn)
        scope = json.dumps(sorted(wanted))
        return (load_claims(conn, scope), load_edits(conn, scope), load_tags(conn, scope))

    def _body(self, article_id: str) -> str:
        if article_id not in self._bodies:
            self._bodies[article_id] = self.db.execute(
                "SELECT body FROM articles WHERE id = ?", [article_id]).fetchone()[0]
        return self._bodies[article_id]

    def _fits(self, claim: dict[str, Any]) -> bool:
        """Whether a claim's anchor is sound in the desk's text of its article."""
        if claim["anchor_status"] == "orphaned":
            return True
        start, end = claim["start_char"], claim["end_char"]
        body = self._body(claim["article_id"])
        return (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(body)
                and body[start:end] == claim["quote"])

    def _reanchor(self, cache: dict[tuple[str, str], Reanchorer], their_article: str | None,
                  article_id: str, claim: dict[str, Any]) -> dict[str, Any]:
        old_body = (self.replaced[article_id] if their_article is None
                    else self.other_body[their_article])
        key = (their_article or "", article_id)
        if key not in cache:
            cache[key] = Reanchorer(old_body, self._body(article_id))
        placed = cache[key].place(claim["start_char"], claim["end_char"], claim["quote"],
                                  claim["prefix"], claim["suffix"], claim["anchor_status"],
                                  claim["previous_quote"])
        self.summary.reanchored += 1
        self.summary.orphaned += placed.status == "orphaned"
        return {"start_char": placed.start, "end_char": placed.end, "quote": placed.quote,
                "prefix": placed.prefix, "suffix": placed.suffix,
                "anchor_status": placed.status, "previous_quote": placed.previous_quote}

    def _write(self, mine: dict[str, tuple[Any, ...]], inserts: list[tuple[Any, ...]],
               updates: list[dict[str, Any]],
               edit_rows: list[tuple[Any, ...]], tag_rows: list[tuple[Any, ...]],
               conflicts: list[Conflict]) -> None:
        conn = self.db.conn
        # Every anchor was checked against the article text (anchor_fits/_fits/_reanchor)
        # and every status by check_row, so the per-row triggers that check them again are
        # set aside.
        if self.attached:  # the copies staged by _stage_copies, with their edit records
            with distrusting(conn), trigger_set_aside(conn, *CLAIM_GUARDS):
                copy_staged(conn, self.attached)
        insert_claims(conn, inserts)
        # Rows whose anchor did not move are updated without touching the anchor columns
        # (so that the anchor-checking trigger does not run for them).
        moved: list[dict[str, Any]] = []
        still: list[dict[str, Any]] = []
        for row in updates:
            old = mine[row["id"]]
            moves = any(row[c] != old[CLAIM_INDEX[c]] for c in ANCHOR_COLUMNS)
            (moved if moves else still).append(row)
        for rows, columns in ((moved, _UPDATE_COLUMNS), (still, _VALUE_COLUMNS)):
            if rows:
                assignments = ", ".join(f"{c} = ?" for c in columns)
                conn.executemany(f"UPDATE claims SET {assignments} WHERE id = ?",
                                 [[row[c] for c in columns] + [row["id"]] for row in rows])
        conn.executemany(
            "INSERT INTO claim_edits (claim_id, field, edited_at, editor) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (claim_id, field) DO UPDATE SET edited_at = excluded.edited_at, "
            "editor = excluded.editor", edit_rows)
        names = {row[1] for row in tag_rows}
        tag_ids = dict(self.db.execute("SELECT name, id FROM tags"))
        missing = sorted(names - tag_ids.keys())
        if missing:
            self.db["tags"].insert_all(({"name": n} for n in missing))
            tag_ids = dict(self.db.execute("SELECT name, id FROM tags"))
        conn.executemany(
            "INSERT INTO claims_tags (claims_id, tags_id, added_at, deleted_at, editor) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (claims_id, tags_id) DO UPDATE SET "
            "added_at = excluded.added_at, deleted_at = excluded.deleted_at, "
            "editor = excluded.editor",
            sorted((c, tag_ids[n], a, d, e) for c, n, a, d, e in tag_rows))
        now = now_iso()
        for conflict in conflicts:
            if conflict.key() in self._known_conflicts:
                continue
            self._known_conflicts.add(conflict.key())
            self.db["merge_conflicts"].insert({
                **_columns(conflict), "merged_at": now,
                "other_desk": self.name if conflict.from_theirs else self.desk.path.name})
            self.summary.conflicts += 1

    # -- everything else -----------------------------------------------------------------

    def merge_extras(self) -> None:
        """Carry over the other side's conflicts and dismissed suggestions, then extra steps."""
        known = {Conflict(*row[:8]).key(): (row[8], row[9]) for row in self.db.execute(
            "SELECT claim_id, field, kept_value, other_value, kept_editor, other_editor, "
            "kept_at, other_at, resolved_at, id FROM merge_conflicts")}
        for row in self.other.execute(
                "SELECT claim_id, field, kept_value, other_value, kept_editor, other_editor, "
                "kept_at, other_at, other_desk, merged_at, resolved_at FROM merge_conflicts"):
            conflict = Conflict(*row[:8])
            if conflict.claim_id not in self.claim_ids:
                continue
            if conflict.key() not in known:
                self.db["merge_conflicts"].insert(
                    {**_columns(conflict), "other_desk": row[8], "merged_at": row[9],
                     "resolved_at": row[10]})
                known[conflict.key()] = (row[10], None)
                self.summary.conflicts += 1
            elif row[10] and not known[conflict.key()][0]:
                # Resolved on the other side: resolved here too.
                self.db.execute("UPDATE merge_conflicts SET resolved_at = ? WHERE id = ?",
                                [row[10], known[conflict.key()][1]])
        for article_id, quote, start, end, when, editor in self.other.execute(
                "SELECT article_id, quote, start_char, end_char, dismissed_at, editor "
                "FROM dismissed_suggestions"):
            if article_id in self.article_map:
                self.db.execute(
                    "INSERT OR IGNORE INTO dismissed_suggestions (article_id, quote, start_char, "
                    "end_char, dismissed_at, editor) VALUES (?, ?, ?, ?, ?, ?)",
                    [self.article_map[article_id], quote, start, end, when, editor])
        context = MergeContext(self.desk, self.other, self.name, self.article_map,
                               self.claim_ids, self.summary)
        from desk.across.group_edits import (
            merge_step as carry_groups,  # claim groups travel too
        )

        from desk.finder.reviewed import merge_step as carry_reviewed  # reviewed marks

        for step in (carry_groups, carry_reviewed, *MERGE_STEPS):
            step(context)

def _scope(claims: Collection[str], among: int) -> str | None:
    """The ids of ``claims`` as a JSON array to read by, or None to read everything when
    they are most of the ``among`` claims of a file."""
    return None if len(claims) > FULL_LOAD_SHARE * among else json.dumps(sorted(claims))

def _columns(conflict: Conflict) -> dict[str, Any]:
    return {k: v for k, v in asdict(conflict).items() if k != "from_theirs"}

