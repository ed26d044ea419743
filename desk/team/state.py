"""What a desk knows of its team desk, read without loading the sync (the window asks on
every change): ``team_state`` and how many units wait in ``team_pending``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desk.facade import Desk


def team_state(desk: Desk) -> dict[str, str]:
    """The desk's ``team_state``: ``team_id``, ``team_name``, ``url``, ``seq``,
    ``synced_at``, ``pushed_at`` (empty for a desk that never synced)."""
    return dict(desk.conn.execute("SELECT key, value FROM team_state"))


def waiting(desk: Desk) -> int:
    """How many of the desk's units (claims, articles) wait to be pushed (0 for a desk of
    no team)."""
    if not desk.conn.execute("SELECT 1 FROM team_state WHERE key = 'team_id'").fetchone():
        return 0
    return int(desk.conn.execute("SELECT count(*) FROM team_pending").fetchone()[0])
