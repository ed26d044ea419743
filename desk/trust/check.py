"""``check``: is a desk sound? Reads the file, never writes it.

Runs SQLite's ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``, then the desk's
own invariants:

- every live claim that is not orphaned has a quote equal to the article body at its offsets,
  with ``0 <= start_char < end_char <= length(body)``;
- every live claim's offsets (orphaned ones too) lie inside its article's body;
- every claim's ``status`` is in the vocabulary and its ``anchor_status`` is ``anchored``,
  ``fuzzy`` or ``orphaned``;
- the file is marked as a desk (``application_id``) of a version this code reads, and has
  its ``desk_id``.

The file is opened read-only with the defensive settings of :mod:`desk.safe_open`, so a desk
from anywhere can be checked. SQLite may create the usual ``-wal``/``-shm`` side files of a
WAL database; the desk file's bytes are not changed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from desk.errors import DeskError
from desk.model import ANCHOR_STATES, STATUSES
from desk.store import connection, safe_open
from desk.store.schema import META_DESK_ID

#: At most this many problems of one kind are listed (the count is always given).
MAX_LISTED = 20


@dataclass
class CheckReport:
    """What a check found: ``problems`` (the desk is unsound) and plain ``facts``."""

    path: Path
    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def lines(self) -> list[str]:
        """The report as lines of text for people."""
        verdict = "sound" if self.sound else f"NOT sound ({len(self.problems)} problems)"
        return [f"{self.path.name}: {verdict}", *(f"  {f}" for f in self.facts),
                *(f"  problem: {p}" for p in self.problems)]


def check_desk(path: str | Path) -> CheckReport:
    """Check the desk file at ``path`` and return a :class:`CheckReport`."""
    path = Path(path).expanduser()
    report = CheckReport(path)
    if not path.exists():
        report.problems.append(f"{path} does not exist.")
        return report
    try:
        version = connection.identify(path)
        conn = connection.connect_read_only(path)
    except (DeskError, sqlite3.DatabaseError) as exc:
        report.problems.append(str(exc))
        return report
    try:
        safe_open.harden(conn)
        report.facts.append(f"desk format version {version}")
        _integrity(conn, report)
        if report.sound:
            _invariants(conn, report)
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"the file could not be read to the end ({exc}).")
    finally:
        conn.close()
    return report


def check_connection(conn: sqlite3.Connection) -> list[str]:
    """The problems found by the checks on an open connection (for tests and merges)."""
    report = CheckReport(Path("desk"))
    _integrity(conn, report)
    if report.sound:
        _invariants(conn, report)
    return report.problems


def _integrity(conn: sqlite3.Connection, report: CheckReport) -> None:
    rows = [row[0] for row in conn.execute(f"PRAGMA integrity_check({MAX_LISTED})")]
    if rows != ["ok"]:
        report.problems.extend(f"SQLite integrity check: {row}" for row in rows)
        return
    report.facts.append("SQLite integrity check: ok")
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    for table, rowid, parent, _ in broken[:MAX_LISTED]:
        report.problems.append(f"{table} row {rowid} refers to a missing row of {parent}")
    if len(broken) > MAX_LISTED:
        report.problems.append(f"… {len(broken) - MAX_LISTED} more broken references")
    if not broken:
        report.facts.append("foreign keys: ok")


def _listed(report: CheckReport, rows: list[tuple], describe) -> None:  # type: ignore[no-untyped-def]
    for row in rows[:MAX_LISTED]:
        report.problems.append(describe(*row))
    if len(rows) > MAX_LISTED:
        report.problems.append(f"… and {len(rows) - MAX_LISTED} more like that")


def _invariants(conn: sqlite3.Connection, report: CheckReport) -> None:
    desk_id = conn.execute("SELECT value FROM desk_meta WHERE key = ?", [META_DESK_ID]).fetchone()
    if not desk_id or not desk_id[0]:
        report.problems.append("the desk has no desk_id in desk_meta")
    placed = conn.execute("""
        SELECT c.id, c.start_char, c.end_char, length(a.body) FROM claims c
        JOIN articles a ON a.id = c.article_id
        WHERE c.deleted_at IS NULL AND c.anchor_status != 'orphaned' AND (
            c.start_char < 0 OR c.end_char <= c.start_char OR c.end_char > length(a.body)
            OR substr(a.body, c.start_char + 1, c.end_char - c.start_char) IS NOT c.quote)
    """).fetchall()
    _listed(report, placed, lambda cid, s, e, n:
            f"claim {cid}: its quote is not the article text at {s}–{e} "
            f"(the article has {n} characters)")
    outside = conn.execute("""
        SELECT c.id, c.start_char, c.end_char, length(a.body) FROM claims c
        JOIN articles a ON a.id = c.article_id
        WHERE c.deleted_at IS NULL AND c.anchor_status = 'orphaned' AND (
            c.start_char < 0 OR c.end_char < c.start_char OR c.end_char > length(a.body))
    """).fetchall()
    _listed(report, outside, lambda cid, s, e, n:
            f"orphaned claim {cid}: offsets {s}–{e} lie outside the article ({n} characters)")
    marks = ", ".join("?" * len(STATUSES))
    bad_status = conn.execute(
        f"SELECT id, status FROM claims WHERE status NOT IN ({marks})", list(STATUSES)
    ).fetchall()
    _listed(report, bad_status, lambda cid, s: f"claim {cid}: unknown status {s!r}")
    marks = ", ".join("?" * len(ANCHOR_STATES))
    bad_anchor = conn.execute(
        f"SELECT id, anchor_status FROM claims WHERE anchor_status NOT IN ({marks})",
        list(ANCHOR_STATES)).fetchall()
    _listed(report, bad_anchor, lambda cid, s: f"claim {cid}: unknown anchor status {s!r}")
    articles, claims, orphaned, fuzzy = conn.execute("""
        SELECT (SELECT count(*) FROM articles),
               (SELECT count(*) FROM claims WHERE deleted_at IS NULL),
               (SELECT count(*) FROM claims WHERE deleted_at IS NULL
                AND anchor_status = 'orphaned'),
               (SELECT count(*) FROM claims WHERE deleted_at IS NULL
                AND anchor_status = 'fuzzy')
    """).fetchone()
    report.facts.append(f"{articles} articles, {claims} live claims "
                        f"({fuzzy} fuzzy and {orphaned} orphaned need attention)")
    if not (placed or outside or bad_status or bad_anchor):
        report.facts.append("claims invariants: ok")
