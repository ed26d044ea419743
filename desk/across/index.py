"""The across-the-desk index: groups and disagreements kept up to date as the desk changes.

Every write path marks the claims it touches in ``across_pending`` (triggers, see
:func:`desk.store.schema_v4.across_index`). :func:`refresh_claims` brings the index, the
automatic groups and the stored disagreements up to date for those claims only: each
changed claim's keys and bands are stored, its candidates are looked up (the claims sharing
a MinHash band of its masked quote; the same source's figures of its unit and kind within
:data:`desk.across.grouping.MAGNITUDE_RATIO`), checked with the grouping rules, and the claim
joins the best group whose first claim it also matches. :func:`rebuild` does the whole desk
(after an upgrade, or on demand) in batches, in bounded memory, with progress and Cancel.

The rules are those of :mod:`desk.across.grouping`; only the candidates are found through
the index instead of by comparing every quote with every other (see :mod:`desk.across.pairs`).
"""

from __future__ import annotations

import sqlite3
import uuid
from array import array
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from desk.across.grouping import (
    MAGNITUDE_RATIO,
    MIN_QUOTE_CHARS,
    QUOTE_THRESHOLD,
    GroupingCancelled,
    figure_link,
)
from desk.across.signatures import Keys, bands_of, is_prefix_key, keys_of
from desk.across.stored import refresh_disagreements
from desk.clock import now_iso
from desk.model import Change

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.model import Cancelled, Progress

#: A band shared by more claims than this is boilerplate ("Officials did not respond to a
#: request for comment."), not evidence: it is not used to find candidates.
BAND_CAP = 400
#: Each claim's figure candidates: at most this many of its source's figures of its unit and
#: kind, the nearest in size first.
FIGURE_NEIGHBOURS = 150
#: In a bucket of quotes, each is compared with at most this many of like length.
LENGTH_WINDOW = 512
# a ratio of QUOTE_THRESHOLD needs the shorter quote to be this share of the longer at least
_MIN_SHARE = QUOTE_THRESHOLD / (200 - QUOTE_THRESHOLD)
#: More pending claims than this (or than a tenth of the desk) are done by a rebuild.
INCREMENTAL_LIMIT = 2_000

CLAIM_SQL = """SELECT id, article_id, quote, source, figure, figure_value, figure_unit,
                      figure_qualifier FROM claims"""
KEY_COLUMNS = ("claim_id", "article_id", "masked", "source_key", "unit", "value", "kind", "lo",
               "hi", "lo_open", "hi_open")
INSERT_KEYS = (f"INSERT INTO claim_keys (n, {', '.join(KEY_COLUMNS)}, bands) "
               f"VALUES (?, {', '.join('?' * len(KEY_COLUMNS))}, ?)")


def refresh_claims(desk: Desk) -> None:
    """Update the index, the groups and the disagreements of the pending claims."""
    conn = desk.conn
    with desk.writing():
        ids = [row[0] for row in conn.execute("SELECT claim_id FROM across_pending")]
        live = _store_keys(conn, ids)
        held = _held(conn, ids)
        regrouped = set()
        for keys in live:
            if keys.claim_id not in held:
                regrouped.update(_regroup(desk, keys))
        refresh_disagreements(conn, ids, regrouped)
        conn.execute("DELETE FROM across_pending")
    desk._notify(Change("groups_changed"))  # noqa: SLF001


def _store_keys(conn: sqlite3.Connection, ids: list[str]) -> list[Keys]:
    """Store the keys and bands of these claims (removing deleted ones); the live keys.

    A claim whose masked quote did not change (a figure or source edited) keeps its bands:
    they are neither worked out nor written again."""
    live: list[Keys] = []
    for claim_id in ids:
        old = conn.execute("SELECT n, masked, bands FROM claim_keys WHERE claim_id = ?",
                           [claim_id]).fetchone()
        row = conn.execute(f"{CLAIM_SQL} WHERE id = ? AND deleted_at IS NULL",
                           [claim_id]).fetchone()
        keys = keys_of(*row) if row is not None else None
        same_bands = old is not None and keys is not None and old[1] == keys.masked \
            and old[2] is not None
        if old is not None:
            if not same_bands:
                conn.execute("DELETE FROM claim_bands WHERE n = ?", [old[0]])
            conn.execute("DELETE FROM claim_keys WHERE n = ?", [old[0]])
        if keys is None:
            _forget(conn, claim_id)
            continue
        if same_bands:
            conn.execute(INSERT_KEYS, [old[0], *keys, old[2]])
        else:
            bands = bands_of(keys.masked)
            cursor = conn.execute(INSERT_KEYS, [old[0] if old is not None else None, *keys,
                                                array("q", bands).tobytes()])
            conn.executemany("INSERT OR IGNORE INTO claim_bands (n, band) VALUES (?, ?)",
                             [(cursor.lastrowid, band) for band in bands])
        live.append(keys)
    return live


def _forget(conn: sqlite3.Connection, claim_id: str) -> None:
    """A claim gone from the desk leaves its automatic group (and a group left alone)."""
    row = conn.execute("SELECT group_id, how FROM claim_groups WHERE claim_id = ?",
                       [claim_id]).fetchone()
    if row is not None and row[1] != "editor":
        conn.execute("DELETE FROM claim_groups WHERE claim_id = ?", [claim_id])
        _dissolve_if_alone(conn, row[0])


def _dissolve_if_alone(conn: sqlite3.Connection, group_id: str) -> None:
    members = conn.execute(
        "SELECT g.claim_id, g.how FROM claim_groups g JOIN claims c ON c.id = g.claim_id "
        "WHERE g.group_id = ? AND c.deleted_at IS NULL LIMIT 2", [group_id]).fetchall()
    if len(members) < 2 and all(how != "editor" for _, how in members):
        conn.execute("DELETE FROM claim_groups WHERE group_id = ?", [group_id])


def _held(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    held = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        held.update(row[0] for row in conn.execute(
            f"SELECT claim_id FROM claim_groups WHERE how = 'editor' AND claim_id IN "
            f"({', '.join('?' * len(chunk))})", chunk))
    return held


# a band's members counted only up to the cap (a boilerplate band has tens of thousands)
_BAND_COUNT = ("SELECT count(*) FROM (SELECT 1 FROM claim_bands WHERE band = ? "
               f"LIMIT {BAND_CAP + 1})")
# the figures nearest in size above (and at) and below a value: each side read in the
# index's order, so that only the neighbours are read, not every figure within the ratio
_FIGURE_SIDE = """SELECT n, value FROM claim_keys WHERE source_key = ? AND unit IS ?
    AND lo IS NOT NULL AND value {} ? AND value {} ? ORDER BY value {} LIMIT ?"""


def candidates(conn: sqlite3.Connection, keys: Keys, bands: list[int] | None = None,
               ) -> list[tuple[float, str, Keys, str | None]]:
    """The claims of other articles that state the same thing as ``keys``' claim, by the
    rules of :mod:`desk.across.grouping`: ``(score, how, their keys, their group)``, the
    strongest first."""
    found: dict[str, tuple[float, str, Keys]] = {}
    bands = bands_of(keys.masked) if bands is None else bands
    if bands:
        usable = [band for band in bands if is_prefix_key(band)
                  or conn.execute(_BAND_COUNT, [band]).fetchone()[0] <= BAND_CAP]
        size = len(keys.masked)
        # the lengths from the (n, length) index when the desk has it: a boilerplate
        # beginning's bucket holds thousands of claims, and their rows are not read
        numbers = [row[0] for row in conn.execute(
            f"SELECT n FROM claim_keys {_by_length(conn)} WHERE n IN (SELECT n FROM "
            f"claim_bands WHERE band IN ({_marks(usable)})) AND length(masked) BETWEEN ? AND ? "
            "ORDER BY abs(length(masked) - ?), n LIMIT ?",
            [*usable, int(size * _MIN_SHARE), int(size / _MIN_SHARE) + 1, size,
             LENGTH_WINDOW // 2])]
        texts = dict(conn.execute(f"SELECT n, masked FROM claim_keys WHERE n IN "
                                  f"({_marks(numbers)})", numbers).fetchall()) if numbers else {}
        nearest = [(n, texts[n]) for n in numbers if n in texts]
        # scored in one call; only the quotes that match are read whole
        matching = [nearest[i][0] for _, _, i in process.extract(
            keys.masked, [text for _, text in nearest], scorer=fuzz.ratio, processor=None,
            score_cutoff=QUOTE_THRESHOLD, limit=None)] if size >= MIN_QUOTE_CHARS else []
        for row in _rows_of(conn, sorted(matching)):
            other = Keys(*row[1:12])
            if other.article_id == keys.article_id or other.claim_id == keys.claim_id:
                continue
            score = quote_score(keys, other)
            if score is not None:
                found[other.claim_id] = (score, "quote", other)
    if keys.value and keys.source_key:
        value = keys.value
        where = [keys.source_key, keys.unit]
        near = [(value - v, n) for n, v in _values(conn, _FIGURE_SIDE.format(
                    "<", ">=", "DESC"), [*where, value, value / MAGNITUDE_RATIO])]
        near += [(v - value, n) for n, v in _values(conn, _FIGURE_SIDE.format(
                     ">=", "<=", "ASC"), [*where, value, value * MAGNITUDE_RATIO])]
        near.sort()
        for row in _rows_of(conn, [n for _, n in near[:FIGURE_NEIGHBOURS]]):
            other = Keys(*row[1:12])
            if other.article_id == keys.article_id or other.claim_id in found \
                    or other.claim_id == keys.claim_id:
                continue
            score = figure_score(keys, other)
            if score is not None:
                found[other.claim_id] = (score, "figure", other)
    groups = _groups_of(conn, list(found))
    return sorted(((score, how, other, groups.get(other.claim_id))
                   for score, how, other in found.values()),
                  key=lambda item: (-item[0], item[2].claim_id))


def _by_length(conn: sqlite3.Connection) -> str:
    """``INDEXED BY`` the index of quote lengths by claim number, if the desk has it."""
    return "INDEXED BY idx_claim_keys_length" if conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'idx_claim_keys_length'"
    ).fetchone() else ""


def _values(conn: sqlite3.Connection, sql: str, params: list) -> list[tuple[int, float]]:
    """``(n, value)`` of the figures :data:`_FIGURE_SIDE` reads."""
    return conn.execute(sql, [*params, FIGURE_NEIGHBOURS]).fetchall()


def _rows_of(conn: sqlite3.Connection, numbers: list[int]) -> list[tuple]:
    """``(n, *keys)`` of these claims, in this order."""
    if not numbers:
        return []
    rows = {row[0]: row for row in conn.execute(
        f"SELECT n, {', '.join(KEY_COLUMNS)} FROM claim_keys WHERE n IN ({_marks(numbers)})",
        numbers)}
    return [rows[n] for n in numbers if n in rows]


def _groups_of(conn: sqlite3.Connection, claim_ids: list[str]) -> dict[str, str]:
    """The groups of these claims (those in one)."""
    return dict(conn.execute(f"SELECT claim_id, group_id FROM claim_groups WHERE claim_id IN "
                             f"({_marks(claim_ids)})", claim_ids).fetchall()) if claim_ids else {}


def _marks(values: list) -> str:
    return ", ".join("?" * len(values))


def quote_score(a: Keys, b: Keys) -> float | None:
    """The quote rule's pair score (ratio + 100), or None when the quotes differ."""
    if min(len(a.masked), len(b.masked)) < MIN_QUOTE_CHARS:
        return None
    score = fuzz.ratio(a.masked, b.masked, score_cutoff=QUOTE_THRESHOLD)
    return float(score) + 100.0 if score else None


def figure_score(a: Keys, b: Keys) -> float | None:
    """The figure rule's pair score (the topic score), or None: grouping's own rule."""
    return figure_link(a, b)


def same(a: Keys, b: Keys) -> bool:
    """Whether two claims state the same thing by either rule (as ``grouping._same``)."""
    return quote_score(a, b) is not None or figure_score(a, b) is not None


def _regroup(desk: Desk, keys: Keys) -> set[str]:
    """Put one changed claim (not held by the editor) into the group it now belongs to;
    returns the claim ids whose group changed."""
    conn = desk.conn
    changed = {keys.claim_id}
    old = conn.execute("SELECT group_id FROM claim_groups WHERE claim_id = ?",
                       [keys.claim_id]).fetchone()
    if old is not None:
        conn.execute("DELETE FROM claim_groups WHERE claim_id = ?", [keys.claim_id])
        _dissolve_if_alone(conn, old[0])
    stored = conn.execute("SELECT bands FROM claim_keys WHERE claim_id = ?",
                          [keys.claim_id]).fetchone()
    bands = list(array("q", stored[0])) if stored and stored[0] else None
    firsts: dict[str, tuple[Keys | None, bool]] = {}  # a group's first claim, and a match
    for score, how, other, group_id in candidates(conn, keys, bands):
        if group_id is not None:
            if group_id not in firsts:
                first = _first_member(conn, group_id)
                firsts[group_id] = (first, first is None or same(keys, first))
            first, matches = firsts[group_id]
            if first is not None and first.claim_id != other.claim_id and not matches:
                continue  # no chains: the group's first claim must match too
            _write_group(desk, [(keys.claim_id, group_id, how)])
            return changed
        if other.claim_id in _held(conn, [other.claim_id]):
            continue
        group_id = old[0] if old is not None else str(uuid.uuid4())
        if conn.execute("SELECT 1 FROM claim_groups WHERE group_id = ? LIMIT 1",
                        [group_id]).fetchone():
            group_id = str(uuid.uuid4())  # the old group lives on without this claim
        _write_group(desk, [(keys.claim_id, group_id, how), (other.claim_id, group_id, how)])
        changed.add(other.claim_id)
        return changed
    return changed


def _first_member(conn: sqlite3.Connection, group_id: str) -> Keys | None:
    """A group's first claim (the earliest indexed), the one a newcomer must match."""
    row = conn.execute(  # the smallest number from the claim_id index; then one row read
        f"SELECT {', '.join(KEY_COLUMNS)} FROM claim_keys WHERE n = (SELECT min(k.n) FROM "
        "claim_groups g JOIN claim_keys k ON k.claim_id = g.claim_id WHERE g.group_id = ?)",
        [group_id]).fetchone()
    return None if row is None else Keys(*row)


def _write_group(desk: Desk, rows: Iterable[tuple[str, str, str]]) -> None:
    now = now_iso()
    desk.conn.executemany(
        "INSERT OR REPLACE INTO claim_groups (claim_id, group_id, how, confirmed_at, editor, "
        "updated_at) VALUES (?, ?, ?, NULL, ?, ?)",
        [(claim_id, group_id, how, desk.editor or "", now) for claim_id, group_id, how in rows])


def cancel_check(cancelled: Cancelled | None) -> None:
    """Raise :class:`GroupingCancelled` when ``cancelled()`` says so."""
    if cancelled is not None and cancelled():
        raise GroupingCancelled("Finding groups was cancelled; nothing changed.")
