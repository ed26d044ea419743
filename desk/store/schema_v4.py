"""Desk format 4: what this round's capabilities add to the file, one step each.

A new desk runs every step on creation; a desk of format 3 runs them in its migration (one
transaction, after a backup). Each step must be idempotent (``IF NOT EXISTS``, or a check
of the columns first) and leave a migrated desk with exactly the schema of a new one (the
migration test compares them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def add_column(db: sqlite_utils.Database, table: str, column: str, definition: str) -> None:
    """``ALTER TABLE table ADD COLUMN column definition`` unless the column is there."""
    columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
    if column not in columns:
        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")


def finder_learning(db: sqlite_utils.Database) -> None:
    """The claim finder learns from the desk: articles marked reviewed (their untagged
    sentences are negatives) and the fitted adjustment of the model (a cache, keyed by a
    fingerprint of the decisions)."""
    db.execute("CREATE TABLE IF NOT EXISTS reviewed_articles (article_id TEXT PRIMARY KEY "
               "REFERENCES articles(id), reviewed_at TEXT NOT NULL, editor TEXT NOT NULL "
               "DEFAULT '', cleared_at TEXT)")
    db.execute("CREATE TABLE IF NOT EXISTS finder_learning (id TEXT PRIMARY KEY, "
               "fingerprint TEXT NOT NULL, model TEXT NOT NULL, updated_at TEXT NOT NULL)")


def report_index(db: sqlite_utils.Database) -> None:
    """Reports (:mod:`desk.reports`), first version: one covering index of the live claims'
    date, status, source, article and editor (:func:`report_indexes` replaces it)."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_claims_report ON claims "
               "(created_at, status, source, article_id, editor) WHERE deleted_at IS NULL")


def _index(db: sqlite_utils.Database, name: str, sql: str) -> None:
    """Make index ``name`` as ``sql`` (no ``IF NOT EXISTS``) says, replacing one of that name
    made otherwise (an earlier, narrower definition)."""
    row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                     [name]).fetchone()
    if row is not None and " ".join(str(row[0]).split()) != " ".join(sql.split()):
        db.execute(f"DROP INDEX {name}")
        row = None
    if row is None:
        db.execute(sql)


def report_indexes(db: sqlite_utils.Database) -> None:
    """Reports (:mod:`desk.reports.aggregates`): the dashboard's counts read as they are
    summed. SQLite groups by sorting unless an index gives the rows in the groups' order, so
    each aggregate has a covering index led by its groups — by day and editor, by source,
    by article — and the backlog a small one of the waiting claims in the order they were
    tagged. They replace ``idx_claims_report`` (whose sorts took 3× as long). The source and
    article ones widen the live-claims indexes of format 2 under their names (one index to
    keep up on every write, not two: a merge of 20,000 claims took 1.27× as long with both)."""
    for former in ("idx_claims_report", "idx_claims_by_source", "idx_claims_by_article"):
        db.execute(f"DROP INDEX IF EXISTS {former}")
    _index(db, "idx_claims_live", "CREATE INDEX idx_claims_live ON claims (article_id, status, "
           "created_at) WHERE deleted_at IS NULL")
    _index(db, "idx_claims_live_source", "CREATE INDEX idx_claims_live_source ON claims (source, "
           "status, created_at, article_id) WHERE deleted_at IS NULL")
    db.execute("CREATE INDEX IF NOT EXISTS idx_claims_by_day ON claims (substr(created_at, 1, 10), "
               "editor, status, article_id) WHERE deleted_at IS NULL")
    db.execute("CREATE INDEX IF NOT EXISTS idx_claims_waiting ON claims (created_at) "
               "WHERE deleted_at IS NULL AND status IN ('unchecked', 'checking')")


def create_team_tables(db: sqlite_utils.Database) -> None:
    """The team desk (:mod:`desk.team`): ``team_state`` (``team_id``, ``url``, ``seq`` — the
    last change number pulled —, ``synced_at``, …) and ``team_pending``, the units (``kind``
    ``article`` or ``claim``, ``id``) changed here since the last push."""
    db.execute("CREATE TABLE IF NOT EXISTS team_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("CREATE TABLE IF NOT EXISTS team_pending (kind TEXT NOT NULL, id TEXT NOT NULL, "
               "PRIMARY KEY (kind, id)) WITHOUT ROWID")


def across_index(db: sqlite_utils.Database) -> None:
    """The across-the-desk index (:mod:`desk.across.index`): what grouping needs of each claim.

    ``claim_keys``: one row per live claim (``n`` a small integer id) with its masked quote,
    source key, figure unit, size, kind and interval, and its MinHash band keys (a blob);
    ``claim_bands``: (``band``, ``n``) for finding near-identical quotes; ``figure_disagreements``:
    the stored pairs of claims whose figures disagree (in the order they are listed);
    ``across_pending``: claims changed since the index last saw them, marked by triggers on
    every write path (add, edit, delete, merge, import, another tool's insert).
    """
    db.execute("""CREATE TABLE IF NOT EXISTS claim_keys (
        n INTEGER PRIMARY KEY, claim_id TEXT NOT NULL UNIQUE, article_id TEXT NOT NULL,
        masked TEXT NOT NULL, source_key TEXT NOT NULL, unit TEXT, value REAL NOT NULL,
        kind TEXT, lo REAL, hi REAL, lo_open INTEGER NOT NULL, hi_open INTEGER NOT NULL,
        bands BLOB)""")
    db.execute("CREATE INDEX IF NOT EXISTS idx_claim_keys_figure "
               "ON claim_keys (source_key, unit, value) WHERE lo IS NOT NULL")
    # one source's figures of a unit, read whole when one of them changes (covering)
    db.execute("CREATE INDEX IF NOT EXISTS idx_claim_keys_source ON claim_keys (source_key, "
               "unit, article_id, claim_id, kind, lo, hi, lo_open, hi_open, masked) "
               "WHERE lo IS NOT NULL")
    db.execute("""CREATE TABLE IF NOT EXISTS claim_bands (
        n INTEGER NOT NULL, band INTEGER NOT NULL, PRIMARY KEY (n, band)) WITHOUT ROWID""")
    db.execute("CREATE INDEX IF NOT EXISTS idx_claim_bands_band ON claim_bands (band, n)")
    db.execute("""CREATE TABLE IF NOT EXISTS figure_disagreements (
        id INTEGER PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL, why TEXT NOT NULL,
        group_id TEXT)""")
    db.execute("CREATE INDEX IF NOT EXISTS idx_figure_disagreements_a ON figure_disagreements (a)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_figure_disagreements_b ON figure_disagreements (b)")
    db.execute("CREATE TABLE IF NOT EXISTS across_pending (claim_id TEXT PRIMARY KEY) "
               "WITHOUT ROWID")
    # (no OR IGNORE: an outer INSERT OR REPLACE would override a trigger's conflict clause)
    def mark(row: str) -> str:
        return (f"INSERT INTO across_pending (claim_id) SELECT {row} WHERE NOT EXISTS "
                f"(SELECT 1 FROM across_pending WHERE claim_id = {row});")

    db.execute(f"""CREATE TRIGGER IF NOT EXISTS across_claim_added AFTER INSERT ON claims
        BEGIN {mark('NEW.id')} END""")
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in (
        "quote", "source", "figure", "figure_value", "figure_unit", "figure_qualifier",
        "deleted_at", "article_id"))
    db.execute(f"""CREATE TRIGGER IF NOT EXISTS across_claim_changed AFTER UPDATE ON claims
        WHEN {changed} BEGIN {mark('NEW.id')} END""")
    db.execute(f"""CREATE TRIGGER IF NOT EXISTS across_claim_removed AFTER DELETE ON claims
        BEGIN {mark('OLD.id')} END""")
    for event in ("INSERT", "UPDATE"):
        db.execute(f"""CREATE TRIGGER IF NOT EXISTS across_group_{event.lower()}
            AFTER {event} ON claim_groups WHEN NEW.how = 'editor'
            BEGIN {mark('NEW.claim_id')} END""")
    # an empty desk's index is complete; a desk with claims is indexed by its first rebuild
    if db.execute("SELECT 1 FROM claims LIMIT 1").fetchone() is None:
        db.execute("INSERT OR IGNORE INTO desk_meta (key, value) VALUES ('across_index', 'built')")


def span_guard_reads_once(db: sqlite_utils.Database) -> None:
    """The claims' span guards read the article's text once, not twice: a span past the end
    of the text is caught by the quote's length (``substr`` returns fewer characters there)
    instead of by ``length(body)``, which scanned the whole text again — 1 ms per claim
    added on a 1 MB article. What they refuse is unchanged."""
    for event in ("INSERT", "UPDATE OF start_char, end_char, quote, anchor_status"):
        name = "claims_span_" + event.split()[0].lower()
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
        db.execute(
            f"""CREATE TRIGGER {name} BEFORE {event} ON claims
            WHEN NEW.anchor_status != 'orphaned' AND (
                NEW.start_char < 0 OR NEW.end_char <= NEW.start_char
                OR length(NEW.quote) IS NOT NEW.end_char - NEW.start_char
                OR (SELECT substr(body, NEW.start_char + 1, NEW.end_char - NEW.start_char)
                    FROM articles WHERE id = NEW.article_id) IS NOT NEW.quote)
            BEGIN SELECT RAISE(ABORT, 'claim quote does not match the article text at its offsets'); END"""
        )


def across_group_summaries(db: sqlite_utils.Database) -> None:
    """A stored summary of each claim group (:mod:`desk.across.summary`), so that Across the
    Desk's first page is an index read instead of an aggregate over every grouped claim.

    ``across_groups``: one row per group with a live claim (its claim and article counts,
    first appearance, confirmation, how it was grouped, its figures and sources as listed);
    ``across_groups_dirty``: groups whose summary is behind, marked by triggers on every
    write that can change one (a claim joining, leaving or moving group, a claim deleted or
    restored or its figure, source or article changed, an article's date or address changed).
    """
    db.execute("""CREATE TABLE IF NOT EXISTS across_groups (
        group_id TEXT PRIMARY KEY, n_claims INTEGER NOT NULL, n_articles INTEGER NOT NULL,
        first_date TEXT NOT NULL, first_outlet TEXT NOT NULL, first_claim_id TEXT NOT NULL,
        confirmed INTEGER NOT NULL, how TEXT NOT NULL, figures TEXT NOT NULL,
        sources TEXT NOT NULL) WITHOUT ROWID""")
    db.execute("CREATE INDEX IF NOT EXISTS idx_across_groups_order "
               "ON across_groups (n_articles DESC, first_date, group_id)")
    db.execute("CREATE TABLE IF NOT EXISTS across_groups_dirty (group_id TEXT PRIMARY KEY) "
               "WITHOUT ROWID")
    # one edit's candidates: the quote lengths of a band's claims without reading their rows
    db.execute("CREATE INDEX IF NOT EXISTS idx_claim_keys_length ON claim_keys (n, length(masked))")

    def mark(value: str, source: str = "") -> str:
        return (f"INSERT INTO across_groups_dirty (group_id) SELECT {value} {source} "
                f"{'AND' if 'WHERE' in source else 'WHERE'} NOT EXISTS (SELECT 1 FROM "
                f"across_groups_dirty d WHERE d.group_id = {value});")

    of_claim = "FROM claim_groups g WHERE g.claim_id = {}"
    # BEFORE INSERT: an INSERT OR REPLACE moving a claim deletes its old row without a
    # delete trigger (recursive triggers are off), so its old group is marked here
    db.execute(f"""CREATE TRIGGER IF NOT EXISTS across_groups_member_added BEFORE INSERT
        ON claim_groups BEGIN {mark('g.group_id', of_claim.format('NEW.claim_id'))}
        {mark('NEW.group_id')} END""")
    db.execute(f"""CREATE TRIGGER IF NOT EXISTS across_groups_member_changed AFTER UPDATE
        ON claim_groups BEGIN {mark('OLD.group_id')} {mark('NEW.group_id')} END""")
    db.execute(f"""CREATE TRIGGER IF NOT EXISTS across_groups_member_removed AFTER DELETE
        ON claim_groups BEGIN {mark('OLD.group_id')} END""")
    shown = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in (
        "deleted_at", "article_id", "figure", "source", "start_char"))
    db.execute(f"""CREATE TRIGGER IF NOT EXISTS across_groups_claim_changed AFTER UPDATE
        ON claims WHEN {shown} BEGIN {mark('g.group_id', of_claim.format('NEW.id'))} END""")
    db.execute(f"""CREATE TRIGGER IF NOT EXISTS across_groups_claim_added AFTER INSERT
        ON claims BEGIN {mark('g.group_id', of_claim.format('NEW.id'))} END""")
    db.execute(f"""CREATE TRIGGER IF NOT EXISTS across_groups_claim_removed AFTER DELETE
        ON claims BEGIN {mark('g.group_id', of_claim.format('OLD.id'))} END""")
    # an article's date or address: the article is marked ("article:" and its id; the
    # refresh finds its groups), so that this trigger reads no other table than its own
    dated = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in (
        "published_at", "imported_at", "url", "byline", "source_file"))
    db.execute(f"""CREATE TRIGGER IF NOT EXISTS across_groups_article_changed AFTER UPDATE
        ON articles WHEN {dated} BEGIN {mark("'article:' || NEW.id")} END""")
    # (a desk gets its summaries at its next refresh: a new one's are empty, so complete)


#: ``claim_edits`` as :func:`claim_edits_without_rowid` makes it (the columns of
#: :mod:`desk.store.schema`'s table, keyed by its primary key alone).
CLAIM_EDITS_WITHOUT_ROWID = """CREATE TABLE claim_edits_keyed (
   "claim_id" TEXT REFERENCES "claims"("id"),
   "field" TEXT,
   "edited_at" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
   "editor" TEXT NOT NULL DEFAULT '',
   PRIMARY KEY ("claim_id", "field")
) WITHOUT ROWID"""


def claim_edits_without_rowid(db: sqlite_utils.Database) -> None:
    """``claim_edits`` kept in one b-tree keyed by (claim, field) instead of a rowid table
    plus the index of its primary key: the same rows and columns, about half the pages (a
    merge of 50,000 claims writes 250,000 of these records). A table that is already so, or
    that holds a record without a claim or field (which a WITHOUT ROWID key refuses), is
    left as it is; its triggers and indexes are made again on the new table."""
    row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' "
                     "AND name = 'claim_edits'").fetchone()
    if row is None or "WITHOUT ROWID" in " ".join(str(row[0]).upper().split()):
        return
    if db.execute("SELECT 1 FROM claim_edits WHERE claim_id IS NULL OR field IS NULL "
                  "LIMIT 1").fetchone() is not None:
        return
    others = [sql for (sql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'claim_edits' AND type IN "
        "('trigger', 'index') AND sql IS NOT NULL ORDER BY type DESC, name")]
    db.execute("DROP TABLE IF EXISTS claim_edits_keyed")
    db.execute(CLAIM_EDITS_WITHOUT_ROWID)
    db.execute("INSERT INTO claim_edits_keyed (claim_id, field, edited_at, editor) "
               "SELECT claim_id, field, edited_at, editor FROM claim_edits "
               "ORDER BY claim_id, field")
    db.execute("DROP TABLE claim_edits")
    db.execute("ALTER TABLE claim_edits_keyed RENAME TO claim_edits")
    for sql in others:
        db.execute(sql)


#: The steps of format 4, in order (each capability appends its own function above).
STEPS: list[Callable[[sqlite_utils.Database], None]] = [report_index, create_team_tables,
                                                        across_index, span_guard_reads_once,
                                                        finder_learning, report_indexes,
                                                        across_group_summaries,
                                                        claim_edits_without_rowid]
