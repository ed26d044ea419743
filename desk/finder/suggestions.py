"""Claim suggestions on a desk: what the finder proposes, and the editor's accept / dismiss.

The window (and the ``suggest`` command) use these functions; the finder itself
(:func:`desk.finder.suggest`) knows nothing of desks::

    from desk.finder.suggestions import suggestions_for_article, accept_suggestion, dismiss_suggestion
    items = suggestions_for_article(desk, article.id)     # in text order
    claim = accept_suggestion(desk, items[0])             # a real claim, source + figure filled
    desk.delete_claim(claim.id)                           # its undo (the suggestion comes back)
    dismiss_suggestion(desk, items[1])                    # not suggested again…
    undismiss_suggestion(desk, items[1])                  # …unless this undoes it

A suggestion is left out when the editor dismissed the same quote in that article (kept in
the ``dismissed_suggestions`` table, so that it survives re-imports and moves with merges), or
when it overlaps a live claim (the editor has already tagged that stretch).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from desk.clock import now_iso
from desk.errors import DeskError, ReadOnlyDeskError, SpanError
from desk.finder.engine import (
    DEFAULT_MIN_SCORE,
    SUGGESTION_COLUMNS,
    Suggestion,
    suggest,
)
from desk.formats.csv_export import neutralise
from desk.model import Claim

if TYPE_CHECKING:
    from desk.facade import Desk

def suggestions_for_article(desk: Desk, article_id: str, *,
                            min_score: float = DEFAULT_MIN_SCORE,
                            found: Iterable[Suggestion] | None = None) -> list[Suggestion]:
    """The finder's suggestions for one article, in text order, without the dismissed ones
    and those overlapping a live claim. Each carries ``article_id``.

    They are scored by the desk's own model (:func:`desk.finder.learning.desk_model`: the
    shipped model, adjusted by the editors' decisions once there are enough). ``found``
    takes suggestions already computed with :func:`desk.finder.suggest` on the article's
    body (e.g. in a worker thread, which needs no desk): only the filtering, two small
    queries, then runs here.
    """
    if found is None:
        from desk.finder.learning import desk_model

        found = suggest(desk.article(article_id).body, min_score=min_score,
                        model=desk_model(desk)[0])
    else:
        desk.article(article_id)  # NotFoundError for an unknown article
    dismissed = dismissed_quotes(desk, article_id)
    claimed = sorted((c.start_char, c.end_char) for c in desk.claims(article_id))
    result = []
    for item in found:
        if item.quote in dismissed or _overlaps(item, claimed):
            continue
        result.append(dataclasses.replace(item, article_id=article_id))
    return result


def suggestions_for_desk(desk: Desk, article_ids: Iterable[str] | None = None, *,
                         min_score: float = DEFAULT_MIN_SCORE) -> list[Suggestion]:
    """Suggestions for several articles (all of them by default, in import order)."""
    ids = list(article_ids) if article_ids is not None else [a.id for a in desk.articles()]
    found: list[Suggestion] = []
    for article_id in ids:
        found.extend(suggestions_for_article(desk, article_id, min_score=min_score))
    return found


def accept_suggestion(desk: Desk, suggestion: Suggestion, *, status: str = "unchecked",
                      note: str = "", tags: Iterable[str] = ()) -> Claim:
    """Make a suggestion a claim, with its source and figure filled in; returns the claim.

    The claim is an ordinary one: ``desk.delete_claim(claim.id)`` undoes the accept. Raises
    :class:`SpanError` when the article's text no longer holds the quote at its offsets.
    """
    if not suggestion.article_id:
        raise SpanError("This suggestion is not tied to an article of the desk.")
    return desk.add_claim(
        suggestion.article_id, suggestion.start, suggestion.end, quote=suggestion.quote,
        source=suggestion.source, figure=suggestion.figure, status=status, note=note,
        tags=tags,
    )


def dismiss_suggestion(desk: Desk, suggestion: Suggestion) -> None:
    """Remember that the editor dismissed this suggestion: it is not suggested again."""
    _check_writable(desk)
    if not suggestion.article_id:
        raise SpanError("This suggestion is not tied to an article of the desk.")
    desk.article(suggestion.article_id)  # NotFoundError for an unknown article
    with desk.writing():
        desk.db["dismissed_suggestions"].upsert(
            {"article_id": suggestion.article_id, "quote": suggestion.quote,
             "start_char": suggestion.start, "end_char": suggestion.end,
             "dismissed_at": now_iso(), "editor": desk.editor},
            pk=("article_id", "quote"),
        )


def undismiss_suggestion(desk: Desk, suggestion: Suggestion) -> None:
    """Forget a dismissal (the undo of :func:`dismiss_suggestion`)."""
    _check_writable(desk)
    with desk.writing():
        desk.db.execute(
            "DELETE FROM dismissed_suggestions WHERE article_id = ? AND quote = ?",
            [suggestion.article_id, suggestion.quote],
        )


def dismissed_quotes(desk: Desk, article_id: str) -> set[str]:
    """The quotes dismissed in one article."""
    rows = desk.db.execute(
        "SELECT quote FROM dismissed_suggestions WHERE article_id = ?", [article_id])
    return {row[0] for row in rows}


def suggestions_report(desk: Desk, article_id: str | None, fmt: str,
                       min_score: float | None = None) -> str:
    """The text of ``claims-desk suggest``: CSV (a header, then one row per suggestion,
    reasons joined with "; ", text cells neutralised for spreadsheets) or a JSON list."""
    threshold = DEFAULT_MIN_SCORE if min_score is None else min_score
    if not 0.0 <= threshold <= 1.0:
        raise DeskError("--min-score must be between 0 and 1.")
    ids = [article_id] if article_id else None
    rows = [item.as_dict() for item in suggestions_for_desk(desk, ids, min_score=threshold)]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SUGGESTION_COLUMNS)
    for row in rows:
        row["reasons"] = "; ".join(row["reasons"])  # type: ignore[arg-type]
        value = row["figure_value"]
        if isinstance(value, float) and value.is_integer():
            row["figure_value"] = int(value)
        writer.writerow(["" if row[c] is None else
                         neutralise(row[c]) if isinstance(row[c], str) else row[c]
                         for c in SUGGESTION_COLUMNS])
    return out.getvalue()


def _overlaps(item: Suggestion, spans: list[tuple[int, int]]) -> bool:
    return any(start < item.end and item.start < end for start, end in spans)


def _check_writable(desk: Desk) -> None:
    if desk.read_only:
        raise ReadOnlyDeskError(f"{desk.path.name} is open read-only: nothing can be changed.")
