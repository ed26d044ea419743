"""The desk's side of a team sync: what waits to be pushed, the rows a push sends, and the
pulled rows laid out as a desk that the merge of desk files reads.

A sync moves *units*: an article (its row, earlier texts and dismissed suggestions) or a
claim (its row, edit records, tag states, the editor's group and its conflicts). Triggers
that a desk gets when it joins a team desk note every unit a write touches in
``team_pending``; a push sends those, each as one row with its parts as JSON (the shape of
the server's tables, :mod:`desk.team.server`). A pull lays the server's changed units out
in a throwaway in-memory desk, which :class:`desk.fieldwork.merge_file.FileMerge` merges
like any other desk file: the team desk follows the merge rules of fieldwork, not a second
set of its own.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from desk.team.server import ARTICLE_FIELDS, CLAIM_FIELDS

#: The units each table's rows belong to: (table, kind, the column naming the unit, events).
_TRACKED = (
    ("articles", "article", "id", ("INSERT", "UPDATE")),
    ("article_revisions", "article", "article_id", ("INSERT", "UPDATE")),
    ("dismissed_suggestions", "article", "article_id", ("INSERT", "UPDATE", "DELETE")),
    ("claims", "claim", "id", ("INSERT", "UPDATE")),
    ("claim_edits", "claim", "claim_id", ("INSERT", "UPDATE")),
    ("claims_tags", "claim", "claims_id", ("INSERT", "UPDATE")),
    ("claim_groups", "claim", "claim_id", ("INSERT", "UPDATE", "DELETE")),
    ("merge_conflicts", "claim", "claim_id", ("INSERT", "UPDATE")),
)
TRIGGER_PREFIX = "team_pending_"


def trigger_names() -> list[str]:
    """The names of the triggers that note pending units."""
    return [f"{TRIGGER_PREFIX}{table}_{event.lower()}"
            for table, _kind, _column, events in _TRACKED for event in events]


def create_triggers(conn: sqlite3.Connection) -> None:
    """Note every unit a write touches from now on (a desk that joins a team desk)."""
    for sql in trigger_sql():
        conn.execute(sql)


def trigger_sql() -> list[str]:
    """The triggers :func:`create_triggers` makes (the store's schema check,
    :mod:`desk.store.foreign_schema`, accepts a desk carrying exactly these)."""
    statements = []
    for table, kind, column, events in _TRACKED:
        for event in events:
            row = "OLD" if event == "DELETE" else "NEW"
            when = ""
            if table == "claim_groups":  # automatic groups are worked out again, not sent
                when = f" WHEN {row}.how = 'editor'" + (
                    " OR OLD.how = 'editor'" if event == "UPDATE" else "")
            # (not INSERT OR IGNORE: an outer statement's conflict clause would override it)
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {TRIGGER_PREFIX}{table}_{event.lower()} "
                f"AFTER {event} ON {table}{when} BEGIN INSERT INTO team_pending (kind, id) "
                f"SELECT '{kind}', {row}.{column} WHERE NOT EXISTS (SELECT 1 FROM team_pending "
                f"WHERE kind = '{kind}' AND id = {row}.{column}); END")
    return statements


def mark_everything(conn: sqlite3.Connection) -> None:
    """Every unit of the desk waits to be pushed (a desk's first sync)."""
    conn.execute("INSERT OR IGNORE INTO team_pending (kind, id) "
                 "SELECT 'article', id FROM articles")
    conn.execute("INSERT OR IGNORE INTO team_pending (kind, id) SELECT 'claim', id FROM claims")


def pending_count(conn: sqlite3.Connection) -> int:
    """How many units wait to be pushed."""
    return int(conn.execute("SELECT count(*) FROM team_pending").fetchone()[0])


# -- the units as rows (a push sends them; a pull's check compares them) ------------------

_EDITS = ("(SELECT json_group_object(field, json_array(edited_at, coalesce(editor, ''))) "
          "FROM (SELECT * FROM claim_edits e WHERE e.claim_id = c.id ORDER BY field))")
_TAGS = ("(SELECT json_group_object(name, json_array(added_at, deleted_at, "
         "coalesce(editor, ''))) FROM (SELECT t.name, ct.added_at, ct.deleted_at, ct.editor "
         "FROM claims_tags ct JOIN tags t ON t.id = ct.tags_id WHERE ct.claims_id = c.id "
         "ORDER BY t.name))")
_GROUP = ("(SELECT json_object('group_id', group_id, 'confirmed_at', confirmed_at, 'editor', "
          "editor, 'updated_at', updated_at) FROM claim_groups g "
          "WHERE g.claim_id = c.id AND g.how = 'editor')")
_CONFLICTS = ("(SELECT json_group_array(json_array(field, kept_value, other_value, kept_editor, "
              "other_editor, kept_at, other_at, other_desk, merged_at, resolved_at)) FROM "
              "(SELECT * FROM merge_conflicts m WHERE m.claim_id = c.id ORDER BY id))")
_REVISIONS = ("(SELECT json_group_array(json_array(title, body, body_sha256, source_file, "
              "replaced_at)) FROM (SELECT * FROM article_revisions r "
              "WHERE r.article_id = a.id ORDER BY id))")
_DISMISSED = ("(SELECT json_group_array(json_array(quote, start_char, end_char, dismissed_at, "
              "editor)) FROM (SELECT * FROM dismissed_suggestions d "
              "WHERE d.article_id = a.id ORDER BY quote))")

_CLAIM_SELECT = ", ".join([f"c.{name}" for name in CLAIM_FIELDS[:-4]]
                          + [_EDITS, _TAGS, _GROUP, _CONFLICTS])
_ARTICLE_SELECT = ", ".join([f"a.{name}" for name in ARTICLE_FIELDS[:-2]]
                            + [_REVISIONS, _DISMISSED])


def pending_claims(conn: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    """The claims waiting to be pushed, as rows in :data:`CLAIM_FIELDS` order."""
    return conn.execute(f"SELECT {_CLAIM_SELECT} FROM team_pending p JOIN claims c "
                        "ON c.id = p.id WHERE p.kind = 'claim' ORDER BY p.id")


def pending_articles(conn: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    """The articles waiting to be pushed, as rows in :data:`ARTICLE_FIELDS` order."""
    return conn.execute(f"SELECT {_ARTICLE_SELECT} FROM team_pending p JOIN articles a "
                        "ON a.id = p.id WHERE p.kind = 'article' ORDER BY p.id")


def claim_signatures(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, Any]:
    """What a claim unit holds, by id, comparable between two desks: its article is named by
    its text's hash, and a conflict's desk name and merge time are left out."""
    rows = conn.execute(
        f"SELECT {_CLAIM_SELECT}, (SELECT body_sha256 FROM articles WHERE id = c.article_id) "
        "FROM json_each(?) j JOIN claims c ON c.id = j.value", [json.dumps(list(ids))])
    result = {}
    for row in rows:
        conflicts = [item[:7] + [item[9]] for item in json.loads(row[-2])]
        result[row[0]] = (row[2:-5], row[-5], row[-4], row[-3], conflicts, row[-1])
    return result


def article_signatures(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, Any]:
    """What an article unit holds, by id, comparable between two desks (its import time,
    which two laptops importing one file do not share, left out)."""
    rows = conn.execute(
        f"SELECT {_ARTICLE_SELECT} FROM json_each(?) j JOIN articles a ON a.id = j.value",
        [json.dumps(list(ids))])
    skip = ARTICLE_FIELDS.index("imported_at")
    return {row[0]: row[1:skip] + row[skip + 1:] for row in rows}


# -- a pull, laid out as a desk ---------------------------------------------------------

def pulled_desk(articles: Iterable[tuple[Any, ...]],
                claims: Iterable[tuple[Any, ...]]) -> sqlite3.Connection:
    """An in-memory desk holding the pulled units (rows in the server's field order),
    written set by set from staging tables; its guards and full-text index left out."""
    import sqlite_utils

    from desk.store import schema

    conn = sqlite3.connect(":memory:", isolation_level=None)
    db = sqlite_utils.Database(conn)
    schema.create(db)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")\
            .fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("BEGIN")
    conn.execute(f"CREATE TEMP TABLE pulled_articles ({', '.join(ARTICLE_FIELDS)})")
    conn.execute(f"CREATE TEMP TABLE pulled_claims ({', '.join(CLAIM_FIELDS)})")
    conn.executemany(f"INSERT INTO pulled_articles VALUES "
                     f"({', '.join('?' * len(ARTICLE_FIELDS))})", articles)
    conn.executemany(f"INSERT INTO pulled_claims VALUES ({', '.join('?' * len(CLAIM_FIELDS))})",
                     claims)
    plain = ", ".join(ARTICLE_FIELDS[:-2])
    conn.execute(f"INSERT INTO articles ({plain}) SELECT {plain} FROM pulled_articles")
    conn.execute(
        "INSERT INTO article_revisions (article_id, title, body, body_sha256, source_file, "
        "replaced_at) SELECT p.id, r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, "
        "r.value ->> 4 FROM pulled_articles p, json_each(p.revisions) r")
    conn.execute(
        "INSERT INTO dismissed_suggestions (article_id, quote, start_char, end_char, "
        "dismissed_at, editor) SELECT p.id, d.value ->> 0, d.value ->> 1, d.value ->> 2, "
        "d.value ->> 3, d.value ->> 4 FROM pulled_articles p, json_each(p.dismissed) d")
    plain = ", ".join(CLAIM_FIELDS[:-4])
    conn.execute(f"INSERT INTO claims ({plain}) SELECT {plain} FROM pulled_claims")
    _write_claim_parts(conn, "pulled_claims")
    _write_conflicts(conn, "pulled_claims")
    conn.execute("COMMIT")
    return conn


def _write_claim_parts(conn: sqlite3.Connection, source: str) -> None:
    """Write the edit records, tag states and editor's group of the claims in the table
    ``source`` (rows in :data:`CLAIM_FIELDS` order) from their JSON: only the records that
    differ are written, and those the claims no longer have are removed."""
    conn.execute(
        f"DELETE FROM claim_edits WHERE claim_id IN (SELECT id FROM {source}) AND NOT EXISTS "
        f"(SELECT 1 FROM {source} p, json_each(p.edits) e WHERE p.id = claim_edits.claim_id "
        "AND e.key = claim_edits.field)")
    conn.execute(
        "INSERT INTO claim_edits (claim_id, field, edited_at, editor) SELECT p.id, e.key, "
        f"e.value ->> 0, e.value ->> 1 FROM {source} p, json_each(p.edits) e WHERE true "
        "ON CONFLICT (claim_id, field) DO UPDATE SET edited_at = excluded.edited_at, "
        "editor = excluded.editor WHERE claim_edits.edited_at IS NOT excluded.edited_at "
        "OR claim_edits.editor IS NOT excluded.editor")
    conn.execute("INSERT OR IGNORE INTO tags (name) SELECT DISTINCT t.key "
                 f"FROM {source} p, json_each(p.tags) t ORDER BY t.key")
    conn.execute(
        f"DELETE FROM claims_tags WHERE claims_id IN (SELECT id FROM {source}) AND NOT EXISTS "
        f"(SELECT 1 FROM {source} p, json_each(p.tags) t JOIN tags ON tags.name = t.key "
        "WHERE p.id = claims_tags.claims_id AND tags.id = claims_tags.tags_id)")
    conn.execute(
        "INSERT INTO claims_tags (claims_id, tags_id, added_at, deleted_at, editor) "
        "SELECT p.id, tags.id, t.value ->> 0, t.value ->> 1, t.value ->> 2 "
        f"FROM {source} p, json_each(p.tags) t JOIN tags ON tags.name = t.key WHERE true "
        "ON CONFLICT (claims_id, tags_id) DO UPDATE SET added_at = excluded.added_at, "
        "deleted_at = excluded.deleted_at, editor = excluded.editor "
        "WHERE claims_tags.added_at IS NOT excluded.added_at "
        "OR claims_tags.deleted_at IS NOT excluded.deleted_at "
        "OR claims_tags.editor IS NOT excluded.editor")
    conn.execute(
        "INSERT OR REPLACE INTO claim_groups (claim_id, group_id, how, confirmed_at, editor, "
        "updated_at) SELECT id, grp ->> 'group_id', 'editor', grp ->> 'confirmed_at', "
        f"grp ->> 'editor', grp ->> 'updated_at' FROM {source} WHERE grp IS NOT NULL")


def _write_conflicts(conn: sqlite3.Connection, source: str) -> None:
    """Write the conflicts of the claims in the table ``source`` from their JSON."""
    conn.execute(
        "INSERT INTO merge_conflicts (claim_id, field, kept_value, other_value, kept_editor, "
        "other_editor, kept_at, other_at, other_desk, merged_at, resolved_at) "
        "SELECT p.id, m.value ->> 0, m.value ->> 1, m.value ->> 2, m.value ->> 3, "
        "m.value ->> 4, m.value ->> 5, m.value ->> 6, m.value ->> 7, m.value ->> 8, "
        f"m.value ->> 9 FROM {source} p, json_each(p.conflicts) m ORDER BY p.id, m.key")


def fast_forward(conn: sqlite3.Connection, claims: list[tuple[Any, ...]]) -> set[str]:
    """Bring the desk's unchanged copies of pulled claims up to the server's, set by set.

    ``claims`` are rows in :data:`CLAIM_FIELDS` order followed by the hash of the text of
    their article on the server. A claim that waits for no push here, on an article that
    does not either and whose text is that one, is an older copy of the server's: the
    server's unit replaces it whole, its conflicts too (what the merge rules give, without
    reporting the older values it overrules as conflicts). Returns the ids brought up; the
    other claims go through the merge.
    """
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS team_pulled (id TEXT PRIMARY KEY, "
                 f"{', '.join(CLAIM_FIELDS[1:])}, sha)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS team_forward (id PRIMARY KEY)")
    for table in ("team_pulled", "team_forward"):
        conn.execute(f"DELETE FROM temp.{table}")
    conn.executemany(f"INSERT INTO temp.team_pulled VALUES "
                     f"({', '.join('?' * (len(CLAIM_FIELDS) + 1))})", claims)
    conn.execute(
        "INSERT INTO temp.team_forward SELECT p.id FROM temp.team_pulled p "
        "JOIN claims c ON c.id = p.id JOIN articles a ON a.id = c.article_id "
        "WHERE a.body_sha256 = p.sha "
        "AND NOT EXISTS (SELECT 1 FROM team_pending q WHERE q.kind = 'claim' AND q.id = p.id) "
        "AND NOT EXISTS (SELECT 1 FROM team_pending q WHERE q.kind = 'article' "
        "AND q.id = c.article_id)")
    forwarded = {row[0] for row in conn.execute("SELECT id FROM temp.team_forward")}
    if not forwarded:
        return forwarded
    conn.execute("DELETE FROM temp.team_pulled WHERE id NOT IN (SELECT id FROM temp.team_forward)")
    from desk.fieldwork.merge_rules import ANCHOR_COLUMNS

    # Values first; the anchor columns only where they moved, so that the guard that reads
    # the article's text for each claim runs only for those.
    anchors = list(ANCHOR_COLUMNS)
    values = [n for n in CLAIM_FIELDS[2:-4] if n not in anchors]
    conn.execute(
        f"UPDATE claims SET {', '.join(f'{n} = p.{n}' for n in values)} "
        "FROM temp.team_pulled p WHERE p.id = claims.id")
    conn.execute(
        f"UPDATE claims SET {', '.join(f'{n} = p.{n}' for n in anchors)} "
        "FROM temp.team_pulled p WHERE p.id = claims.id AND ("
        + " OR ".join(f"claims.{n} IS NOT p.{n}" for n in anchors) + ")")
    forward = "(SELECT id FROM temp.team_forward)"
    conn.execute(f"DELETE FROM claim_groups WHERE how = 'editor' AND claim_id IN {forward}")
    conn.execute(f"DELETE FROM merge_conflicts WHERE claim_id IN {forward}")
    _write_claim_parts(conn, "temp.team_pulled")
    _write_conflicts(conn, "temp.team_pulled")
    conn.execute(f"DELETE FROM team_pending WHERE kind = 'claim' AND id IN {forward}")
    return forwarded


def rewrite_editors(conn: sqlite3.Connection, role: str, since: str) -> int:
    """Put ``role`` as the editor of the waiting claims' edits made since ``since`` (this
    laptop's own edits since its last sync): the server takes edits only in the name of the
    role that pushes them. Returns how many records changed."""
    pending = "SELECT id FROM team_pending WHERE kind = 'claim'"
    changed = conn.execute(
        f"UPDATE claim_edits SET editor = ? WHERE claim_id IN ({pending}) "
        "AND editor IS NOT ? AND edited_at >= ?", [role, role, since]).rowcount
    changed += conn.execute(
        f"UPDATE claims_tags SET editor = ? WHERE claims_id IN ({pending}) "
        "AND editor IS NOT ? AND (added_at >= ? OR deleted_at >= ?)",
        [role, role, since, since]).rowcount
    return changed
