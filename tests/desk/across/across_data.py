"""The across-the-desk fixture: 22 short news items of overlapping events, their outlets and
the claims an editor tagged in them (``tests/fixtures/across/desk.json``), and updated
texts of four of them (``updates/``)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from desk import Desk, ImportResult
from desk.model import Claim
from desk.text.importers import read_article

FOLDER = Path(__file__).resolve().parents[2] / "fixtures" / "across"
SPEC: dict[str, dict] = json.loads((FOLDER / "desk.json").read_text("utf-8"))["articles"]


def draft_of(path: Path):
    """A fixture file read by the real importer, with its outlet's URL, date and byline."""
    meta = SPEC[path.name]
    return dataclasses.replace(read_article(path), url=meta["url"],
                               published_at=meta["published_at"], byline=meta["byline"])


def fill(desk: Desk) -> None:
    """Import every fixture article and tag its claims as the spec says."""
    for name, meta in SPEC.items():
        result = desk.add_article(draft_of(FOLDER / name))
        assert result.status == "imported", result
        body = desk.article(result.article_id).body
        for quote, source, figure in meta["claims"]:
            start = body.index(quote)
            desk.add_claim(result.article_id, start, start + len(quote), source=source,
                           figure=figure)


def update(desk: Desk, name: str) -> ImportResult:
    """Import the updated text of one fixture article (``import --update``)."""
    return desk.update_article(draft_of(FOLDER / "updates" / name))


def claim_in(desk: Desk, file_prefix: str) -> Claim:
    """The one claim tagged in the article whose file name starts with ``file_prefix``."""
    article = next(a for a in desk.articles() if a.source_file.startswith(file_prefix))
    claims = desk.claims(article.id)
    assert len(claims) == 1, claims
    return claims[0]
