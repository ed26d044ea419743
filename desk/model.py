"""Value types of the desk: articles, claims, import results and change events."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import NamedTuple

#: The review statuses a claim can have, in the order the window offers them.
STATUSES: tuple[str, ...] = (
    "unchecked",
    "checking",
    "verified",
    "false",
    "misleading",
    "unverifiable",
)

#: Claim fields an editor changes (each has its own edit time for merging).
EDITABLE_FIELDS: tuple[str, ...] = ("source", "figure", "status", "note", "tags")

ANCHOR_STATES: tuple[str, ...] = ("anchored", "fuzzy", "orphaned")


@dataclass(frozen=True)
class Article:
    """One row of the ``articles`` table."""

    id: str
    title: str
    body: str
    url: str
    byline: str
    published_at: str
    source_file: str
    body_sha256: str
    imported_at: str
    updated_at: str


@dataclass(frozen=True)
class ArticleSummary:
    """What the article list shows: an article without its body, with its claim count."""

    id: str
    title: str
    url: str
    published_at: str
    imported_at: str
    claim_count: int


@dataclass(frozen=True)
class Claim:
    """One row of the ``claims`` table, with its live tags as a sorted list."""

    id: str
    article_id: str
    start_char: int
    end_char: int
    quote: str
    prefix: str
    suffix: str
    source: str
    figure: str
    figure_value: float | None
    figure_unit: str | None
    figure_qualifier: str | None
    status: str
    note: str
    editor: str
    created_at: str
    updated_at: str
    deleted_at: str | None
    anchor_status: str
    previous_quote: str | None
    #: The newsroom's published write-up of this check ("": the desk's review URL).
    review_url: str = ""
    tags: list[str] = field(default_factory=list)


class ClaimMark(NamedTuple):
    """What the reader needs to draw a placed claim (lighter than a :class:`Claim`)."""

    id: str
    start_char: int
    end_char: int
    status: str
    source: str
    figure: str


#: Column names of the claims table, in the dataclass's order (tags excluded).
CLAIM_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Claim) if f.name != "tags")
ARTICLE_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Article))


@dataclass(frozen=True)
class ArticleDraft:
    """An article read from a file, not yet in the desk."""

    title: str
    body: str
    source_file: str
    url: str = ""
    byline: str = ""
    published_at: str = ""


@dataclass(frozen=True)
class ImportResult:
    """What happened to one file of an import.

    ``status`` is ``imported``, ``skipped`` (already in the desk), ``failed``
    (``message`` says why) or ``passed over`` (a file of another type inside a folder).
    """

    path: str
    status: str
    message: str = ""
    article_id: str | None = None
    title: str = ""

    @property
    def ok(self) -> bool:
        """True unless the file failed to import."""
        return self.status != "failed"


@dataclass(frozen=True)
class Change:
    """A change the desk reports to its listeners so that views can refresh.

    ``kind`` is one of ``claim_added``, ``claim_updated``, ``claim_deleted``,
    ``claim_restored``, ``articles_changed``, ``groups_changed`` (claim groups, see
    :mod:`desk.groups`), ``article_reviewed`` (an article marked or unmarked reviewed).
    """

    kind: str
    article_id: str | None = None
    claim_id: str | None = None

#: Long work reports progress as (done, total, what) and asks whether it was cancelled.
Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


def new_id() -> str:
    """A new random id: a version-4 UUID as text, as ``str(uuid.uuid4())`` gives, without
    importing :mod:`uuid` (which imports :mod:`platform`: ~5 ms of the window's start-up)."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # the RFC 4122 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
