"""Timestamps: ISO 8601 in UTC with milliseconds, the same shape SQL defaults produce."""

from __future__ import annotations

from datetime import datetime, timezone

#: The SQL expression that yields the same format as :func:`now_iso`.
SQL_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


def now_iso() -> str:
    """Return the current UTC time as ``2026-11-25T18:52:08.123Z``."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
