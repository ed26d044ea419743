"""ClaimReview that a search engine accepts: what each review lacks, and the article URLs an
editor sets where import found none.

schema.org's ClaimReview, as search engines read it, *requires* ``claimReviewed``,
``reviewRating`` (with ``alternateName``) and ``url`` (the published fact check: the
claim's own review URL, else the desk's, see ``claims-desk settings --review-url``); it *recommends* ``author`` (the
newsroom), ``datePublished`` and, on the claim reviewed, its ``appearance`` (the article's
URL) and ``author`` (who made the claim).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from desk.clock import now_iso
from desk.errors import DeskError
from desk.model import Change

if TYPE_CHECKING:
    from desk.facade import Desk

#: What a review must have, and what it should have: (path, what to do about it).
REQUIRED = (("claimReviewed", "the claim's quote"), ("reviewRating.alternateName", "a verdict"),
            ("url", "set the claim's review URL, or the desk's (claims-desk settings "
                    "--review-url)"))
RECOMMENDED = (("author", "set the organisation (claims-desk settings --organisation)"),
               ("datePublished", "a verdict date"),
               ("itemReviewed.appearance", "set the article's URL"),
               ("itemReviewed.author", "fill in the claim's source"))


@dataclass(frozen=True)
class ReviewGap:
    """A review that lacks fields: which are required (it will be refused) or recommended."""

    claim_id: str
    quote: str
    required: tuple[str, ...]
    recommended: tuple[str, ...]

    def message(self) -> str:
        """The gap for people."""
        parts = []
        if self.required:
            parts.append("lacks required " + ", ".join(self.required))
        if self.recommended:
            parts.append("lacks recommended " + ", ".join(self.recommended))
        return f"“{self.quote[:60]}”: " + "; ".join(parts)


def _has(review: dict[str, Any], path: str) -> bool:
    value: Any = review
    for key in path.split("."):
        if not isinstance(value, dict) or not value.get(key):
            return False
        value = value[key]
    return True


def review_gaps(desk: Desk, reviews: list[dict[str, Any]] | None = None) -> list[ReviewGap]:
    """The ClaimReviews of the desk's verdicts that lack a required or recommended field."""
    from desk.formats.interchange import claim_reviews

    gaps = []
    for review in claim_reviews(desk) if reviews is None else reviews:
        required = tuple(p for p, _why in REQUIRED if not _has(review, p))
        recommended = tuple(p for p, _why in RECOMMENDED if not _has(review, p))
        if required or recommended:
            claim_id = str(review.get("@id", "")).removeprefix("urn:uuid:")
            gaps.append(ReviewGap(claim_id, review.get("claimReviewed", ""), required,
                                  recommended))
    return gaps


def gap_summary(gaps: list[ReviewGap], total: int) -> list[str]:
    """A few lines for the export's stderr: how many reviews lack each field, and the fix."""
    if not gaps:
        return [f"all {total} reviews have every required and recommended field"] if total else []
    why = dict(REQUIRED + RECOMMENDED)
    lines = []
    for kind, paths in (("required", REQUIRED), ("recommended", RECOMMENDED)):
        for path, _why in paths:
            count = sum(path in getattr(g, kind) for g in gaps)
            if count:
                lines.append(f"{count} of {total} reviews lack {kind} {path}: {why[path]}")
    return lines


def check_web_address(url: str) -> str:
    """``url`` without surrounding spaces; :class:`DeskError` unless it is empty or an
    http(s) address with a host."""
    url = url.strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or any(
                c.isspace() for c in url):
            raise DeskError(f"{url!r} is not a web address (http:// or https://).")
    return url


#: A claim's review URL is checked as any web address.
check_review_url = check_web_address


def set_article_url(desk: Desk, article_id: str, url: str) -> None:
    """Set the published URL of an article (one import did not find); empty clears it."""
    desk._check_writable()  # noqa: SLF001 - the facade's guard, as the other capabilities use it
    url = check_web_address(url)
    desk.article(article_id)  # NotFoundError for an unknown id
    with desk.writing():
        desk.conn.execute("UPDATE articles SET url = ?, updated_at = ? WHERE id = ?",
                          [url, now_iso(), article_id])
    desk._notify(Change("articles_changed", article_id=article_id))  # noqa: SLF001
