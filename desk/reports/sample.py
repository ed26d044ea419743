"""The sample desk's claims: what a first run shows in every view (resources/sample_claims.json).

The default desk's first run imports the seed articles and two sample articles, then tags
the claims listed in the JSON file as the editors named there did, on the days they did
(so the weekly chart has weeks), and groups the claims seen in several articles. A desk
made with File ▸ New stays empty.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path
from typing import TYPE_CHECKING

from desk.text.importers import read_article

if TYPE_CHECKING:
    from desk.facade import Desk

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
SAMPLE_CLAIMS = RESOURCES / "sample_claims.json"
SAMPLE_ARTICLES = RESOURCES / "sample"


def add_sample(desk: Desk, spec_path: Path = SAMPLE_CLAIMS) -> int:
    """Import the sample articles and tag the sample claims; returns how many claims."""
    from desk.across.views import refresh_groups

    spec = json.loads(spec_path.read_text("utf-8"))
    for name, meta in spec["articles"].items():
        draft = dataclasses.replace(read_article(SAMPLE_ARTICLES / name), **meta)
        desk.add_article(draft)
    by_file = {a.source_file: a for a in desk.articles()}
    today = datetime.datetime.now(datetime.timezone.utc)
    added = 0
    for item in spec["claims"]:
        article = by_file.get(item["article"])
        if article is None or item["quote"] not in article.body:
            continue
        start = article.body.index(item["quote"])
        claim = desk.add_claim(article.id, start, start + len(item["quote"]),
                               source=item["source"], figure=item["figure"],
                               status=item["status"], note=item["note"], tags=item["tags"])
        when = (today - datetime.timedelta(days=item["days_ago"])).strftime(
            "%Y-%m-%dT%H:%M:%S.000Z")
        with desk.writing():
            desk.conn.execute("UPDATE claims SET created_at = ?, updated_at = ?, editor = ? "
                              "WHERE id = ?", [when, when, item["editor"], claim.id])
            desk.conn.execute("UPDATE claim_edits SET edited_at = ?, editor = ? "
                              "WHERE claim_id = ?", [when, item["editor"], claim.id])
            desk.conn.execute("UPDATE claims_tags SET added_at = ?, editor = ? "
                              "WHERE claims_id = ?", [when, item["editor"], claim.id])
        added += 1
    refresh_groups(desk)
    return added
