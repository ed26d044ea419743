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


def report_index(db: sqlite_utils.Database) -> None:
    """Reports (:mod:`desk.reports`): a covering index of the live claims' date, status,
    source, article and editor, so that the dashboard sums 100,000 claims without reading
    their text."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_claims_report ON claims "
               "(created_at, status, source, article_id, editor) WHERE deleted_at IS NULL")


def create_team_tables(db: sqlite_utils.Database) -> None:
    """The team desk (:mod:`desk.team`): ``team_state`` (``team_id``, ``url``, ``seq`` — the
    last change number pulled —, ``synced_at``, …) and ``team_pending``, the units (``kind``
    ``article`` or ``claim``, ``id``) changed here since the last push."""
    db.execute("CREATE TABLE IF NOT EXISTS team_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("CREATE TABLE IF NOT EXISTS team_pending (kind TEXT NOT NULL, id TEXT NOT NULL, "
               "PRIMARY KEY (kind, id)) WITHOUT ROWID")


#: The steps of format 4, in order (each capability appends its own function above).
STEPS: list[Callable[[sqlite_utils.Database], None]] = [report_index, create_team_tables]
