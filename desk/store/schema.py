"""The desk file's schema: creation, identification and migration.

A desk is an SQLite file marked with :data:`APPLICATION_ID` in ``PRAGMA application_id``
and versioned with ``PRAGMA user_version``. Tables are created with sqlite-utils; the few
things it cannot express (triggers that guard the invariants) are plain SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desk.clock import SQL_NOW
from desk.model import STATUSES, new_id

if TYPE_CHECKING:
    import sqlite_utils

#: "ClmD" — marks an SQLite file as a Claims Desk.
APPLICATION_ID = 0x436C6D44
#: The schema version this code writes. Older desks are migrated on open.
SCHEMA_VERSION = 5

#: The ``desk_meta`` keys every desk has.
META_DESK_ID = "desk_id"
META_DEFAULT_EDITOR = "default_editor"
META_ORGANISATION = "organisation"


def create(db: sqlite_utils.Database) -> None:
    """Create every table, index and trigger of a new desk inside one transaction."""
    with db.atomic():
        db["desk_meta"].create({"key": str, "value": str}, pk="key")
        db["articles"].create(
            {
                "id": str,
                "title": str,
                "body": str,
                "url": str,
                "byline": str,
                "published_at": str,
                "source_file": str,
                "body_sha256": str,
                "imported_at": str,
                "updated_at": str,
            },
            pk="id",
            not_null={"title", "body", "url", "byline", "published_at", "source_file",
                      "body_sha256", "imported_at", "updated_at"},
            defaults={
                "title": "", "body": "", "url": "", "byline": "", "published_at": "",
                "source_file": "", "body_sha256": "",
                "imported_at": SQL_NOW, "updated_at": SQL_NOW,
            },
        )
        db["claims"].create(
            {
                "id": str,
                "article_id": str,
                "start_char": int,
                "end_char": int,
                "quote": str,
                "prefix": str,
                "suffix": str,
                "source": str,
                "figure": str,
                "figure_value": float,
                "figure_unit": str,
                "figure_qualifier": str,
                "status": str,
                "note": str,
                "editor": str,
                "created_at": str,
                "updated_at": str,
                "deleted_at": str,
                "anchor_status": str,
                "previous_quote": str,
            },
            pk="id",
            foreign_keys=[("article_id", "articles", "id")],
            not_null={"article_id", "start_char", "end_char", "quote", "prefix", "suffix",
                      "source", "figure", "status", "note", "editor", "created_at",
                      "updated_at", "anchor_status"},
            defaults={
                "prefix": "", "suffix": "", "source": "", "figure": "",
                "status": "unchecked", "note": "", "editor": "",
                "created_at": SQL_NOW, "updated_at": SQL_NOW, "anchor_status": "anchored",
            },
        )
        # When each editable field of a claim was last changed, and by whom: merging
        # desks compares these field by field.
        db["claim_edits"].create(
            {"claim_id": str, "field": str, "edited_at": str, "editor": str},
            pk=("claim_id", "field"),
            foreign_keys=[("claim_id", "claims", "id")],
            not_null={"edited_at", "editor"},
            defaults={"edited_at": SQL_NOW, "editor": ""},
        )
        db["tags"].create({"id": int, "name": str}, pk="id", not_null={"name"})
        db["tags"].create_index(["name"], unique=True)
        # The many-to-many table in sqlite-utils' m2m shape, plus tombstones so that
        # a removed tag travels in a merge.
        db["claims_tags"].create(
            {"claims_id": str, "tags_id": int, "added_at": str, "deleted_at": str,
             "editor": str},
            pk=("claims_id", "tags_id"),
            foreign_keys=[("claims_id", "claims", "id"), ("tags_id", "tags", "id")],
            not_null={"added_at", "editor"},
            defaults={"added_at": SQL_NOW, "editor": ""},
        )
        # Every earlier text of an article replaced by ``import --update``.
        db["article_revisions"].create(
            {"id": int, "article_id": str, "title": str, "body": str, "body_sha256": str,
             "source_file": str, "replaced_at": str},
            pk="id",
            foreign_keys=[("article_id", "articles", "id")],
            not_null={"article_id", "body", "replaced_at"},
            defaults={"replaced_at": SQL_NOW},
        )
        # Field values a merge overruled, for an editor to review.
        db["merge_conflicts"].create(
            {"id": int, "claim_id": str, "field": str, "kept_value": str, "other_value": str,
             "kept_editor": str, "other_editor": str, "kept_at": str, "other_at": str,
             "other_desk": str, "merged_at": str, "resolved_at": str},
            pk="id",
            foreign_keys=[("claim_id", "claims", "id")],
            not_null={"claim_id", "field", "merged_at"},
            defaults={"merged_at": SQL_NOW},
        )
        # Suggestions of the claim finder that an editor dismissed (not suggested again).
        db["dismissed_suggestions"].create(
            {"article_id": str, "quote": str, "start_char": int, "end_char": int,
             "dismissed_at": str, "editor": str},
            pk=("article_id", "quote"),
            foreign_keys=[("article_id", "articles", "id")],
            not_null={"dismissed_at", "editor"},
            defaults={"dismissed_at": SQL_NOW, "editor": ""},
        )
        _create_v2(db)
        _create_v3(db)
        _create_v4(db)
        _create_v5(db)
        db["article_revisions"].create_index(["article_id"])
        db["merge_conflicts"].create_index(["claim_id"])
        db["articles"].create_index(["body_sha256"])
        db["articles"].create_index(["url"])
        db["articles"].create_index(["source_file"])
        db["articles"].create_index(["imported_at"])
        db["claims"].create_index(["article_id", "start_char", "end_char"])
        db["claims_tags"].create_index(["tags_id"])
        db["articles"].enable_fts(["title", "body"], create_triggers=True,
                                  tokenize="unicode61 remove_diacritics 2")
        _create_guards(db)
        db["desk_meta"].insert_all(
            [
                {"key": META_DESK_ID, "value": new_id()},
                {"key": META_DEFAULT_EDITOR, "value": ""},
                {"key": META_ORGANISATION, "value": ""},
            ]
        )
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _create_guards(db: sqlite_utils.Database) -> None:
    """Triggers that keep the invariants even for rows other tools write."""
    statuses = ", ".join(f"'{s}'" for s in STATUSES)
    for event in ("INSERT", "UPDATE OF status"):
        name = "claims_status_" + event.split()[0].lower()
        db.execute(
            f"""CREATE TRIGGER {name} BEFORE {event} ON claims
            WHEN NEW.status NOT IN ({statuses})
            BEGIN SELECT RAISE(ABORT, 'claim status must be one of: {", ".join(STATUSES)}'); END"""
        )
    # A placed claim's quote is exactly the article body at its offsets (SQLite's
    # substr() and length() count code points, as Python does). A new desk has them already,
    # from desk.store.schema_v4.span_guard_reads_once (SQLite stores them without IF NOT EXISTS).
    for event in ("INSERT", "UPDATE OF start_char, end_char, quote, anchor_status"):
        name = "claims_span_" + event.split()[0].lower()
        db.execute(
            f"""CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON claims
            WHEN NEW.anchor_status != 'orphaned' AND (
                NEW.start_char < 0 OR NEW.end_char <= NEW.start_char
                OR NEW.end_char > (SELECT length(body) FROM articles WHERE id = NEW.article_id)
                OR (SELECT substr(body, NEW.start_char + 1, NEW.end_char - NEW.start_char)
                    FROM articles WHERE id = NEW.article_id) IS NOT NEW.quote)
            BEGIN SELECT RAISE(ABORT, 'claim quote does not match the article text at its offsets'); END"""
        )


def _create_across_tables(db: sqlite_utils.Database) -> None:
    """Tables of the across-the-desk features (schema version 2, :mod:`desk.groups`).

    ``claim_groups``: one row per grouped claim (``group_id`` shared by the claims that state
    the same thing; ``how`` is ``quote``, ``figure`` or ``editor``; editor-made rows are never
    regrouped automatically). ``claim_changes``: the figures and attributions that an
    ``import --update`` changed under a claim (stealth edits), per article revision.
    """
    db["claim_groups"].create(
        {"claim_id": str, "group_id": str, "how": str, "confirmed_at": str, "editor": str,
         "updated_at": str},
        pk="claim_id",
        foreign_keys=[("claim_id", "claims", "id")],
        not_null={"group_id", "how", "editor", "updated_at"},
        defaults={"how": "editor", "editor": "", "updated_at": SQL_NOW},
    )
    db["claim_groups"].create_index(["group_id"])
    db["claim_changes"].create(
        {"id": int, "revision_id": int, "article_id": str, "claim_id": str, "kind": str,
         "old_text": str, "new_text": str, "message": str, "detected_at": str,
         "reviewed_at": str},
        pk="id",
        foreign_keys=[("revision_id", "article_revisions", "id"),
                      ("article_id", "articles", "id"), ("claim_id", "claims", "id")],
        not_null={"article_id", "claim_id", "kind", "old_text", "new_text", "message",
                  "detected_at"},
        defaults={"old_text": "", "new_text": "", "message": "", "detected_at": SQL_NOW},
    )
    db["claim_changes"].create_index(["article_id"])
    db["claim_changes"].create_index(["claim_id"])


def _create_listing_indexes(db: sqlite_utils.Database) -> None:
    """Indexes that keep big desks quick (schema version 2).

    ``idx_articles_listing`` covers the article list (no article body is read to list
    10,000 articles); ``idx_claims_live`` counts an article's live claims from the index;
    ``idx_claims_live_source`` lists the sources in use (completion) without reading rows;
    ``idx_claims_attention`` finds the few claims that need an editor's look at once.
    """
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_listing "
               "ON articles (published_at, imported_at, id, title, url)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_claims_live ON claims (article_id) "
               "WHERE deleted_at IS NULL")
    db.execute("CREATE INDEX IF NOT EXISTS idx_claims_live_source ON claims (source) "
               "WHERE deleted_at IS NULL")
    db.execute("CREATE INDEX IF NOT EXISTS idx_claims_attention ON claims (article_id) "
               "WHERE anchor_status != 'anchored'")


def _create_v2(db: sqlite_utils.Database) -> None:
    """Everything schema version 2 adds to version 1."""
    _create_across_tables(db)
    _create_listing_indexes(db)


#: The article list's order, newest first: by publication date, or import date when unknown
#: (``DESC``, then ``rowid DESC``). Queries must spell it as here (with a table alias
#: ``a.`` before each column) for SQLite to walk :func:`_create_v3`'s index.
ARTICLE_ORDER = "coalesce(nullif(published_at, ''), imported_at)"


def _create_v3(db: sqlite_utils.Database) -> None:
    """What schema version 3 changes: the article list in its order, as an index.

    ``idx_articles_order`` covers the list's columns in :data:`ARTICLE_ORDER`, so that one
    page of the list (the window shows the first as it opens) reads a few index pages
    instead of sorting every article. It replaces ``idx_articles_listing``; the indexes on
    the claims' status and source went too (no query filters by them: the sources in use
    are read from ``idx_claims_live_source``), and every claim written, by an edit, an
    import or a merge, no longer updates them.
    """
    db.execute(f"CREATE INDEX IF NOT EXISTS idx_articles_order ON articles ({ARTICLE_ORDER}, "
               "published_at, imported_at, id, title, url)")
    for unused in ("idx_articles_listing", "idx_claims_status", "idx_claims_source"):
        db.execute(f"DROP INDEX IF EXISTS {unused}")


def _create_v4(db: sqlite_utils.Database) -> None:
    """What schema version 4 adds: the tables of this round's capabilities, one step each
    (:mod:`desk.store.schema_v4`), run by a new desk's creation and by the migration."""
    from desk.store.schema_v4 import STEPS

    for step in STEPS:
        step(db)


def _create_v5(db: sqlite_utils.Database) -> None:
    """What schema version 5 adds: a claim's own review URL (``claims.review_url``, the
    newsroom's published write-up of that check; empty: the desk's review URL is used).

    The upgrade from format 4 first runs the format 4 steps again (each is idempotent): a
    desk made before a step was appended to :data:`desk.store.schema_v4.STEPS` gets it here."""
    from desk.store.schema_v4 import add_column

    if db.execute("PRAGMA user_version").fetchone()[0] == 4:
        _create_v4(db)
    add_column(db, "claims", "review_url", "TEXT NOT NULL DEFAULT ''")


#: Migrations: ``MIGRATIONS[n]`` upgrades a desk from version n to n + 1.
MIGRATIONS: dict[int, object] = {
    1: _create_v2,  # v2: claim_groups, claim_changes, listing indexes
    2: _create_v3,  # v3: the article list's order as an index
    3: _create_v4,  # v4: see desk.store.schema_v4
    4: _create_v5,  # v5: claims.review_url
}


def migrate(db: sqlite_utils.Database, from_version: int) -> None:
    """Upgrade a desk from ``from_version`` to :data:`SCHEMA_VERSION`, one step per transaction."""
    version = from_version
    while version < SCHEMA_VERSION:
        step = MIGRATIONS[version]
        with db.atomic():
            step(db)  # type: ignore[operator]
            db.execute(f"PRAGMA user_version = {version + 1}")
        version += 1
