"""Errors raised by the desk core, each with a message written for people."""

from __future__ import annotations

import sqlite3

#: What SQLite raises when a page of a desk file turns out damaged as it is read (the file and
#: its schema opened fine): the window catches it by this name, never importing sqlite3 itself.
StorageError = sqlite3.DatabaseError


def readable(exc: BaseException) -> str:
    """An SQLite error for people. A damaged schema can make SQLite quote bytes that are not
    UTF-8 in its message, which Python's sqlite3 then fails to decode."""
    if isinstance(exc, UnicodeDecodeError) and isinstance(exc.object, bytes):
        text = exc.object.decode("utf-8", "replace")
    else:
        text = str(exc)
    return " ".join(text.split())


class DeskError(Exception):
    """Base class: anything the user should be told about in one sentence."""


class NotADeskError(DeskError):
    """The file is not a Claims Desk file (corrupt, truncated, or another program's)."""


class NewerDeskError(DeskError):
    """The desk was written by a newer version of Claims Desk."""


class ReadOnlyDeskError(DeskError):
    """A change was asked of a desk that is open read-only."""


class SpanError(DeskError):
    """A claim's span is empty, out of bounds, or does not match the article text."""


class NotFoundError(DeskError):
    """An article or claim id that the desk does not hold."""


class ImportFailed(DeskError):
    """One file could not be imported; the message says which and why."""


class ExportError(DeskError):
    """An export could not be written; no partial file is left behind."""
