"""Writing the claims that are new to a desk straight from the other file, in set-based SQL.

Merging two desks of 50,000 claims each spent a third of its time moving rows through
Python: every edit record of the other file read into tuples and filtered, then every new
claim and record bound again, value by value, to be written. Here the other file is also
attached to the desk's connection **read-only** (a ``mode=ro`` URI; it was opened
defensively and checked by :func:`desk.store.safe_open.open_foreign` first, and it is used
only when its tables are plain tables, read with ``trusted_schema`` off), and the new claims
that the merge chose to copy whole — chosen and checked in Python exactly as before
(:meth:`desk.fieldwork.merge_file.FileMerge._split_claims`) — are written with their edit
records by ``INSERT … SELECT``. Their edit times are checked once per distinct value.
The rows written are those the Python path wrote (``tests/desk/fieldwork/test_merge_bulk.py``
compares the two).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desk.errors import DeskError
from desk.fieldwork.merge_io import TIMESTAMP, trigger_set_aside
from desk.model import CLAIM_COLUMNS
from desk.store.foreign_schema import known_sql, normal
from desk.store.reads import claim_columns

#: The other file's tables the copy reads; each must be a plain table.
TABLES = ("articles", "claims", "claim_edits", "claims_tags", "tags")
#: SQLite attaches at most 10 files by default; past this many, files merge the Python way.
MAX_ATTACHED = 8
#: The triggers that mark each new claim for the across-the-desk index and its group
#: summaries (desk/store/schema_v4.py), and the same marks made once for all the staged
#: claims: :func:`copy_staged` sets a trigger aside for the copy (a third of its time at
#: 50,000 claims once the guards are aside) only when its SQL is exactly the one known here.
ACROSS_MARKS = {
    "across_claim_added":
        "INSERT INTO across_pending (claim_id) SELECT m.id FROM temp.merge_copy m "
        "WHERE NOT EXISTS (SELECT 1 FROM across_pending p WHERE p.claim_id = m.id)",
    "across_groups_claim_added":
        "INSERT INTO across_groups_dirty (group_id) SELECT DISTINCT g.group_id "
        "FROM temp.merge_copy m JOIN claim_groups g ON g.claim_id = m.id WHERE NOT EXISTS "
        "(SELECT 1 FROM across_groups_dirty d WHERE d.group_id = g.group_id)",
}


@contextmanager
def attached(conn: sqlite3.Connection, paths: Sequence[Path]) -> Iterator[dict[Path, str]]:
    """Attach the files read-only to ``conn`` (outside a transaction) for the block; yields
    the schema name of each file whose tables can be copied from (the others are missing)."""
    names: dict[Path, str] = {}
    try:
        if not conn.in_transaction:
            for number, path in enumerate(paths[:MAX_ATTACHED]):
                name = f"merge_other_{number}"
                uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro"
                try:
                    conn.execute("ATTACH DATABASE ? AS " + name, [uri])
                except sqlite3.Error:
                    continue
                names[path] = name
        yield {path: name for path, name in names.items() if _usable(conn, name, path)}
    finally:
        for name in names.values():
            try:
                conn.execute(f"DETACH DATABASE {name}")
            except sqlite3.Error:  # pragma: no cover - detached when the connection closes
                pass


def _usable(conn: sqlite3.Connection, name: str, path: Path) -> bool:
    """Whether the attached file is ``path`` itself (a desk connection reads the ``mode=ro``
    URI; another would have made a new file of that name) with its tables as plain tables."""
    files = {row[1]: row[2] for row in conn.execute("PRAGMA database_list")}
    try:
        same = os.path.samefile(files.get(name) or "", path)
        kinds = dict(conn.execute(
            f"SELECT name, type FROM {name}.sqlite_master WHERE name IN "
            f"({', '.join('?' * len(TABLES))})", TABLES))
    except (OSError, sqlite3.Error):
        return False
    return same and all(kinds.get(t) == "table" for t in TABLES)


@contextmanager
def distrusting(conn: sqlite3.Connection) -> Iterator[None]:
    """``PRAGMA trusted_schema = OFF`` for the block: nothing in the other file's schema (a
    generated column, say) can run a function with side effects while its rows are read. Only
    around the statements that read it: the desk's own full-text triggers need it on."""
    before = int(conn.execute("PRAGMA trusted_schema").fetchone()[0])
    conn.execute("PRAGMA trusted_schema = OFF")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA trusted_schema = {before}")


def stage_copies(conn: sqlite3.Connection, other: str, name: str,
                 copies: Sequence[tuple[str, str]]) -> None:
    """Note the claims to copy (id, the desk's article id; chosen and checked in Python by
    :meth:`desk.fieldwork.merge_file.FileMerge._split_claims`) in ``temp.merge_copy``, and
    check their edit records' times as :func:`~desk.fieldwork.merge_io.check_edit_times`
    does. Raises :class:`DeskError` for a time that is not one."""
    with distrusting(conn):
        conn.execute("DROP TABLE IF EXISTS temp.merge_copy")
        conn.execute("CREATE TEMP TABLE merge_copy (id TEXT, article_id TEXT)")
        conn.executemany("INSERT INTO temp.merge_copy VALUES (?, ?)", sorted(copies))
        for when, _field, _editor in edit_values(conn, other):
            if not (isinstance(when, str) and TIMESTAMP.match(when)):
                claim_id = claim_with_edit_time(conn, other, when)
                raise DeskError(f"{name} holds a claim ({claim_id}) with an edit time that is "
                                "not a date; the desk is unchanged.")


def edit_values(conn: sqlite3.Connection, other: str) -> list[tuple[Any, ...]]:
    """The distinct (time, field, editor) of the staged claims' edit records: reading them
    checks that their text is UTF-8 (as reading every record in Python did), and the caller
    checks each time once."""
    return conn.execute(
        f"SELECT DISTINCT e.edited_at, e.field, e.editor FROM temp.merge_copy m "
        f"JOIN {other}.claim_edits e ON e.claim_id = m.id").fetchall()


def claim_with_edit_time(conn: sqlite3.Connection, other: str, when: Any) -> str:
    """A staged claim with an edit record at ``when`` (for the message refusing it)."""
    return conn.execute(
        f"SELECT e.claim_id FROM temp.merge_copy m JOIN {other}.claim_edits e "
        f"ON e.claim_id = m.id WHERE e.edited_at IS ? LIMIT 1", [when]).fetchone()[0]


def copy_staged(conn: sqlite3.Connection, other: str) -> None:
    """Write the staged claims (their article id the desk's) and their edit records, then
    forget them.

    Runs inside the merge's transaction with the claims' per-row guards set aside by the
    caller (their values were checked in Python)."""
    columns = ", ".join(CLAIM_COLUMNS)
    selected = ", ".join("m.article_id" if c == "article_id" else expression for c, expression
                         in zip(CLAIM_COLUMNS, claim_columns(conn, other)))
    with trigger_set_aside(conn, *_known_marks(conn)) as aside:
        conn.execute(f"INSERT INTO main.claims ({columns}) SELECT {selected} "
                     f"FROM temp.merge_copy m JOIN {other}.claims c ON c.id = m.id")
        for name in sorted(aside):
            conn.execute(ACROSS_MARKS[name])
    conn.execute(
        "INSERT INTO main.claim_edits (claim_id, field, edited_at, editor) "
        "SELECT e.claim_id, e.field, e.edited_at, coalesce(e.editor, '') "
        f"FROM temp.merge_copy m JOIN {other}.claim_edits e ON e.claim_id = m.id "
        "WHERE true ORDER BY e.claim_id, e.field "
        "ON CONFLICT (claim_id, field) DO UPDATE SET edited_at = excluded.edited_at, "
        "editor = excluded.editor")
    conn.execute("DROP TABLE temp.merge_copy")


def _known_marks(conn: sqlite3.Connection) -> list[str]:
    """The triggers of :data:`ACROSS_MARKS` the desk has, each exactly as a desk makes it."""
    known = known_sql()
    found = dict(conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND name IN "
        f"({', '.join('?' * len(ACROSS_MARKS))})", list(ACROSS_MARKS)))
    return [name for name, sql in found.items() if known.get(name) == normal(sql)]
