"""Errors raised by the desk core, each with a message written for people."""

from __future__ import annotations


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
