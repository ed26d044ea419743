"""Claims Desk's domain core: the desk file, its articles and claims, imports and exports.

Pure Python with no Qt import, so that the window, the command line and the tests share it::

    from desk import Desk, DeskError
    with Desk.open("newsroom.desk") as desk:
        desk.import_path("articles/")
"""

from __future__ import annotations

from desk.errors import (
    DeskError,
    ExportError,
    ImportFailed,
    NewerDeskError,
    NotADeskError,
    NotFoundError,
    ReadOnlyDeskError,
    SpanError,
)
from desk.facade import Desk
from desk.model import (
    STATUSES,
    Article,
    ArticleDraft,
    ArticleSummary,
    Change,
    Claim,
    ImportResult,
)
from desk.store.schema import META_DEFAULT_EDITOR, META_ORGANISATION

__all__ = [
    "META_DEFAULT_EDITOR", "META_ORGANISATION", "STATUSES", "Article", "ArticleDraft",
    "ArticleSummary", "Change", "Claim", "Desk",
    "DeskError", "ExportError", "ImportFailed", "ImportResult", "NewerDeskError",
    "NotADeskError", "NotFoundError", "ReadOnlyDeskError", "SpanError",
]
