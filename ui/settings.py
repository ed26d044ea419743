"""Every QSettings key the window uses, declared once with its default.

Use ``settings.value(WINDOW_GEOMETRY)`` / ``settings.set_value(WINDOW_GEOMETRY, …)``; never
build a ``QSettings`` with a string key elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "claims-desk"
APPLICATION = "Claims Desk"
MAX_RECENT = 8


@dataclass(frozen=True)
class Setting:
    """One persisted setting: its key, default and Python type."""

    key: str
    default: Any
    kind: type


WINDOW_GEOMETRY = Setting("window/geometry", QByteArray(), QByteArray)
WINDOW_STATE = Setting("window/state", QByteArray(), QByteArray)
MAIN_SPLITTER = Setting("window/mainSplitter", QByteArray(), QByteArray)
CENTRE_SPLITTER = Setting("window/centreSplitter", QByteArray(), QByteArray)
RECENT_DESKS = Setting("desks/recent", [], list)
READER_ZOOM = Setting("reader/zoom", 0, int)
WHOLE_DESK_CLAIMS = Setting("claims/wholeDesk", False, bool)
EDITOR_NAME = Setting("editor/name", "", str)  # asked once; passed as Desk editor


def _store() -> QSettings:
    return QSettings(ORGANIZATION, APPLICATION)


def value(setting: Setting) -> Any:
    """The stored value of ``setting``, or its default, converted to its type."""
    raw = _store().value(setting.key, setting.default)
    if raw is None:
        return setting.default
    if setting.kind is list:
        if isinstance(raw, str):
            return [raw] if raw else []
        return [str(item) for item in raw]
    if setting.kind is bool:
        return raw in (True, "true", "1", 1)
    if setting.kind is int:
        try:
            return int(raw)
        except (TypeError, ValueError):
            return setting.default
    if setting.kind is QByteArray and not isinstance(raw, QByteArray):
        return setting.default
    return raw


def set_value(setting: Setting, new_value: Any) -> None:
    """Store ``new_value`` for ``setting``."""
    _store().setValue(setting.key, new_value)


def recent_desks() -> list[str]:
    """Recently opened desk files, most recent first, existing files only."""
    return [p for p in value(RECENT_DESKS) if Path(p).exists()]


def remember_desk(path: str | Path) -> list[str]:
    """Put ``path`` first in the recent desks and return the new list."""
    path = str(Path(path).resolve())
    recent = [path] + [p for p in value(RECENT_DESKS) if p != path]
    recent = recent[:MAX_RECENT]
    set_value(RECENT_DESKS, recent)
    return recent
