"""Interchange formats: W3C Web Annotations and schema.org ClaimReview, out and in.

**json** — the `W3C Web Annotation Data Model <https://www.w3.org/TR/annotation-model/>`_:
one ``AnnotationCollection`` whose first (and only) ``AnnotationPage`` holds one
``Annotation`` per live claim. Its ``target`` names the article (its URL, else
``urn:uuid:<article id>``) with a ``TextQuoteSelector`` (exact, prefix, suffix) and a
``TextPositionSelector`` (start, end: code points into the article text as the desk holds
it). Tags are ``TextualBody`` objects with purpose ``tagging``, the note ``commenting``, the
status ``classifying``. Our own terms, defined in the second ``@context`` entry under
``urn:claims-desk:terms:``, are:

* ``claimSource`` / ``claimFigure`` — the claim's source and figure as written;
* ``figureValue``, ``figureUnit``, ``figureQualifier`` — the parsed figure;
* ``deskArticle`` (on the target) — ``urn:uuid:`` of the article in the desk;
* ``anchorStatus`` — ``fuzzy`` or ``orphaned`` when the claim needs a look.

**claimreview** — a JSON array of schema.org ``ClaimReview`` objects for claims with a
verdict (see :data:`RATINGS`).

:func:`desk.annotation_import.import_annotations` reads W3C annotations back (ours, or
another tool's ``TextQuoteSelector`` annotations, including Hypothesis's JSON).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from desk.errors import DeskError
from desk.formats.csv_export import write_text_atomically
from desk.store.schema import META_ORGANISATION

if TYPE_CHECKING:
    from desk.facade import Desk

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
DESK_VOCAB = "urn:claims-desk:terms:"
#: The second ``@context`` entry: Claims Desk's own terms.
DESK_CONTEXT: dict[str, Any] = {
    "cd": DESK_VOCAB,
    "claimSource": "cd:claimSource",
    "claimFigure": "cd:claimFigure",
    "figureValue": "cd:figureValue",
    "figureUnit": "cd:figureUnit",
    "figureQualifier": "cd:figureQualifier",
    "anchorStatus": "cd:anchorStatus",
    "deskArticle": {"@id": "cd:deskArticle", "@type": "@id"},
}
#: The ``desk_meta`` key with the address under which the newsroom publishes fact checks.
META_REVIEW_URL = "review_url"
#: status → (alternateName, ratingValue on a 1–5 scale or None).
RATINGS: dict[str, tuple[str, int | None]] = {
    "verified": ("True", 5),
    "misleading": ("Misleading", 2),
    "false": ("False", 1),
    "unverifiable": ("Unproven", None),
}
#: Google asks for a ``claimReviewed`` under about this many characters.
CLAIM_REVIEWED_MAX = 75
FORMATS = ("csv", "json", "claimreview")

_ORG_WORDS = re.compile(
    r"\b(office|ministry|department|agency|council|government|authority|commission|"
    r"committee|bank|university|institute|police|army|forces|service|services|company|"
    r"corporation|inc|ltd|group|association|union|organi[sz]ation|board|court|parliament|"
    r"party|hospital|school|foundation|fund|bureau|centre|center|news|press|times|"
    r"statistics|nations|programme|program|secretariat|embassy|administration|trust)\b",
    re.IGNORECASE)
_NAME_PART = re.compile(r"^(?:[A-Z][\w'’.-]*|[A-Z]\.|de|da|van|von|der|bin|al|la|le|del)$")


# -- export ----------------------------------------------------------------------------

def _claims_with_articles(desk: Desk) -> Iterator[tuple[Any, Any]]:
    """Every live claim with its article. The claims are read first: another process may
    add an article and a claim on it between two reads (articles are never deleted), and
    an article read before its claim was missing here (a KeyError)."""
    claims = desk.claims()
    articles = {a.id: a for a in desk.articles()}
    for claim in claims:
        yield claim, articles[claim.article_id]


def article_iri(article: Any) -> str:
    """How an annotation's target names an article: its URL, else its ``urn:uuid:``."""
    return article.url or f"urn:uuid:{article.id}"


def annotation(claim: Any, article: Any) -> dict[str, Any]:
    """One claim as a W3C ``Annotation`` (without ``@context``: the collection has it)."""
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "value": tag, "purpose": "tagging", "format": "text/plain"}
        for tag in claim.tags
    ]
    if claim.note:
        bodies.append({"type": "TextualBody", "value": claim.note, "purpose": "commenting",
                       "format": "text/plain"})
    bodies.append({"type": "TextualBody", "value": claim.status, "purpose": "classifying"})
    selectors: list[dict[str, Any]] = [
        {"type": "TextQuoteSelector", "exact": claim.quote, "prefix": claim.prefix,
         "suffix": claim.suffix}]
    if claim.anchor_status != "orphaned":
        selectors.append({"type": "TextPositionSelector", "start": claim.start_char,
                          "end": claim.end_char})
    item: dict[str, Any] = {
        "id": f"urn:uuid:{claim.id}",
        "type": "Annotation",
        "motivation": "assessing",
        "created": claim.created_at,
        "modified": claim.updated_at,
        "body": bodies,
        "target": {"source": article_iri(article), "deskArticle": f"urn:uuid:{article.id}",
                   "selector": selectors},
    }
    if claim.editor:
        item["creator"] = {"type": "Person", "name": claim.editor}
    if claim.source:
        item["claimSource"] = claim.source
    if claim.figure:
        item["claimFigure"] = claim.figure
        if claim.figure_value is not None:
            value = claim.figure_value
            item["figureValue"] = int(value) if float(value).is_integer() else value
        if claim.figure_unit:
            item["figureUnit"] = claim.figure_unit
        if claim.figure_qualifier:
            item["figureQualifier"] = claim.figure_qualifier
    if claim.anchor_status != "anchored":
        item["anchorStatus"] = claim.anchor_status
    return item


def annotation_collection(desk: Desk) -> dict[str, Any]:
    """Every live claim of the desk as one W3C ``AnnotationCollection``."""
    items = [annotation(claim, article) for claim, article in _claims_with_articles(desk)]
    desk_id = desk.desk_id or str(uuid.uuid4())
    return {
        "@context": [ANNO_CONTEXT, DESK_CONTEXT],
        "id": f"urn:uuid:{desk_id}",
        "type": "AnnotationCollection",
        "label": f"Claims of {desk.path.stem}",
        "total": len(items),
        "first": {
            "id": f"urn:uuid:{uuid.uuid5(uuid.UUID(desk_id), 'page-1')}"
            if is_uuid(desk_id) else f"urn:uuid:{uuid.uuid4()}",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }


def short_claim(quote: str, limit: int = CLAIM_REVIEWED_MAX) -> str:
    """The claim as a short statement: whole if short, else cut at a clause or a word."""
    text = " ".join(quote.split()).strip(" \"'“”‘’")
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    clause = max(head.rfind(mark) for mark in (", ", "; ", ": ", " – ", " — ", ". "))
    if clause >= limit // 2:
        return head[:clause].rstrip(" ,;:–—") + "…"
    space = head.rfind(" ")
    cut = head[:space] if space >= limit // 2 else head
    return cut.rstrip(" ,;:–—") + "…"


def source_entity(source: str) -> dict[str, str]:
    """A source as a schema.org ``Person`` (a personal name) or ``Organization``."""
    words = source.split()
    personal = (2 <= len(words) <= 4 and not _ORG_WORDS.search(source)
                and all(_NAME_PART.match(w) for w in words) and not source.isupper())
    return {"@type": "Person" if personal else "Organization", "name": source}


def published_review(claim_url: str, desk_url: str, claim_id: str) -> str:
    """The URL of a claim's published fact check: its own write-up when the newsroom
    published one, else the desk's review URL with the claim's anchor ('' when neither)."""
    if claim_url:
        return claim_url
    return f"{desk_url.rstrip('#')}#claim-{claim_id}" if desk_url else ""


def claim_reviews(desk: Desk) -> list[dict[str, Any]]:
    """A schema.org ``ClaimReview`` for every live claim that has a verdict."""
    organisation = desk.setting(META_ORGANISATION)
    review_url = desk.setting(META_REVIEW_URL)
    verdict_set = dict(desk.db.execute(
        "SELECT claim_id, edited_at FROM claim_edits WHERE field = 'status'").fetchall())
    reviews = []
    for claim, article in _claims_with_articles(desk):
        if claim.status not in RATINGS:
            continue
        name, value = RATINGS[claim.status]
        rating: dict[str, Any] = {"@type": "Rating", "alternateName": name}
        if value is not None:
            rating.update(ratingValue=value, bestRating=5, worstRating=1)
        claim_item: dict[str, Any] = {"@type": "Claim"}
        if claim.source:
            claim_item["author"] = source_entity(claim.source)
        if article.url:
            claim_item["appearance"] = {"@type": "CreativeWork", "url": article.url,
                                        "headline": article.title}
        if article.published_at:
            claim_item["datePublished"] = article.published_at
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "@id": f"urn:uuid:{claim.id}",
            "claimReviewed": short_claim(claim.quote),
            "reviewRating": rating,
            "itemReviewed": claim_item,
            "datePublished": verdict_set.get(claim.id, claim.updated_at),
        }
        if organisation:
            review["author"] = {"@type": "Organization", "name": organisation}
        url = published_review(claim.review_url, review_url, claim.id)
        if url:
            review["url"] = url
        if claim.note:
            review["reviewBody"] = claim.note
        reviews.append(review)
    return reviews


def write_json(desk: Desk, target: str | Path | IO[str], fmt: str = "json") -> int:
    """Write the ``json`` (W3C) or ``claimreview`` export; returns how many items it holds.

    A path is written atomically (a temporary file, then a rename).
    """
    if fmt == "json":
        data: Any = annotation_collection(desk)
        count = data["total"]
    elif fmt == "claimreview":
        data = claim_reviews(desk)
        count = len(data)
    else:
        raise DeskError(f"Unknown export format {fmt!r}: use one of {', '.join(FORMATS)}.")

    def write(out: IO[str]) -> int:
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return count

    if isinstance(target, (str, Path)):
        return write_text_atomically(target, write)
    return write(target)


def is_uuid(text: str) -> bool:
    """Whether ``text`` is a UUID."""
    try:
        uuid.UUID(text)
    except (ValueError, TypeError, AttributeError):
        return False
    return True
