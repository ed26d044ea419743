"""A synthetic newsroom desk for the benchmark: realistic articles and many claims.

Articles are built from news-style sentences dense with figures and attributions; sizes follow
a log-normal around a 6 KB median, plus a few of 1 MB. Claims cover sentences and figures,
overlapping and nested ones included. Rows are bulk-written with sqlite-utils in one
transaction each, through a desk created by ``Desk.open`` (so the schema and its guards apply).
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass
from pathlib import Path

from desk import Desk
from desk.anchors.anchoring import anchor_span
from desk.clock import now_iso
from desk.model import STATUSES
from desk.text.figures import parse_figure

_PLACES = ["Kyiv", "Kharkiv", "the capital", "the northern region", "Altbrück", "the coast",
           "the valley", "the border town", "the port city", "three provinces"]
_SOURCES = ["the UN human rights office", "the interior ministry", "a US official",
            "the finance minister", "the regional health authority", "opposition leader Jonas Reuter",
            "the national weather service", "Reuters", "the fire service", "local officials"]
_NOUNS = ["civilians", "people", "homes", "troops", "hectares", "firefighters", "patients",
          "schools", "jobs", "residents"]
_VERBS = ["said", "confirmed", "warned", "estimated", "reported", "told reporters"]
_FILLER = ["The situation remained tense throughout the day.",
           "Talks between the two sides are expected to continue next week.",
           "Residents described scenes of confusion as the news spread.",
           "Officials did not respond to a request for comment.",
           "The decision drew criticism from several aid groups.",
           "Analysts cautioned that the picture could change quickly."]


_SYLLABLES = ["vel", "mor", "ka", "dun", "ris", "tan", "bel", "or", "gra", "sen", "lu", "pet",
              "zar", "ost", "ami", "ren", "hol", "vik", "nar", "dor"]
#: 400 district names: each article mentions one, so a filter by one matches ~0.25 % of them.
DISTRICTS = [f"{a}{b}{c}".capitalize() for a in _SYLLABLES for b in _SYLLABLES[:4]
             for c in ("a", "ovo", "ie", "en", "holm")][:400]


def _figure(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.2:
        return f"${rng.randint(2, 900)} million"
    if kind < 0.35:
        return f"{rng.randint(1, 99)}%"
    qualifier = rng.choice(["", "more than ", "nearly ", "over ", "about ", "at least "])
    return f"{qualifier}{rng.randint(2, 20_000):,} {rng.choice(_NOUNS)}"


def sentence(rng: random.Random) -> str:
    """One news sentence, usually with a figure and a source."""
    if rng.random() < 0.25:
        return rng.choice(_FILLER)
    return (f"{rng.choice(_SOURCES).capitalize()} {rng.choice(_VERBS)} on "
            f"{rng.choice(['Monday', 'Tuesday', 'Thursday', 'Friday'])} that {_figure(rng)} "
            f"had been affected in {rng.choice(_PLACES)}.")


def article_text(rng: random.Random, size: int) -> str:
    """An article body of about ``size`` characters: headline, blank line, paragraphs."""
    title = f"{rng.choice(_PLACES).capitalize()}: {sentence(rng)[:-1]}"
    parts = [title, f"Residents of {rng.choice(DISTRICTS)} were among those affected."]
    length = len(title)
    while length < size:
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
        parts.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(parts)


@dataclass(frozen=True)
class DeskSpec:
    """The shape of a synthetic desk."""

    articles: int
    claims: int
    big_articles: int
    big_size: int
    claims_on_big: int


FULL = DeskSpec(articles=10_000, claims=100_000, big_articles=3, big_size=1_000_000,
                claims_on_big=2_000)
QUICK = DeskSpec(articles=300, claims=3_000, big_articles=1, big_size=100_000,
                 claims_on_big=200)


def article_row(rng: random.Random, index: int, size: int, now: str) -> dict[str, str]:
    """One synthetic article's row (news-style text of about ``size`` characters)."""
    body = article_text(rng, size)
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128))), "title": body.split("\n")[0],
        "body": body, "url": f"https://news.example/{index}",
        "published_at": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
        "source_file": f"article-{index}.html",
        "body_sha256": hashlib.sha256(body.encode()).hexdigest(),
        "imported_at": now, "updated_at": now,
    }


def build_desk(path: Path, spec: DeskSpec, seed: int = 42) -> dict[str, str]:
    """Create a desk at ``path`` shaped by ``spec``; returns ids of notable articles."""
    rng = random.Random(seed)
    with Desk.open(path, editor="bench") as desk:
        db = desk.db
        now = now_iso()
        articles = []
        for index in range(spec.articles):
            big = index < spec.big_articles
            size = spec.big_size if big else int(min(60_000, max(800, rng.lognormvariate(8.7, 0.5))))
            articles.append(article_row(rng, index, size, now))
        with db.atomic():
            db["articles"].insert_all(articles, batch_size=200)
        claims, edits = [], []
        per_article = _claims_per_article(rng, spec)
        for article, count in zip(articles, per_article):
            claims.extend(_claims_for(rng, article, count, now))
        for claim in claims:
            edits.extend({"claim_id": claim["id"], "field": f, "edited_at": now, "editor": "bench"}
                         for f in ("source", "figure", "status", "note", "tags"))
        with db.atomic():
            db["claims"].insert_all(claims, batch_size=1000)
            db["claim_edits"].insert_all(edits, batch_size=5000)
            tag_ids = [db["tags"].lookup({"name": name}) for name in
                       ("casualties", "money", "displacement", "health", "weather")]
            db["claims_tags"].insert_all(
                ({"claims_id": c["id"], "tags_id": rng.choice(tag_ids), "added_at": now,
                  "editor": "bench"} for c in claims[::3]), batch_size=5000)
        return {"big": articles[0]["id"], "typical": articles[-1]["id"]}


def _claims_per_article(rng: random.Random, spec: DeskSpec) -> list[int]:
    counts = [spec.claims_on_big] * spec.big_articles
    rest = spec.claims - sum(counts)
    others = spec.articles - spec.big_articles
    weights = [rng.random() for _ in range(others)]
    total = sum(weights)
    shares = [int(rest * w / total) for w in weights]
    for index in rng.choices(range(others), weights=weights, k=rest - sum(shares)):
        shares[index] += 1  # hand out what rounding down left over
    return counts + shares


def _claims_for(rng: random.Random, article: dict, count: int, now: str) -> list[dict]:
    body = article["body"]
    sentences = [i + 2 for i in range(len(body) - 2) if body[i] == "." and body[i + 1] == " "]
    starts = [0] + sentences
    rows = []
    for _ in range(count):
        start = rng.choice(starts)
        end = min(len(body), start + rng.randint(20, 220))
        if rng.random() < 0.2 and end - start > 30:  # nested inside a longer claim
            start += rng.randint(1, 10)
        anchor = anchor_span(body, start, end) if body[start:end].strip() else anchor_span(
            body, 0, 10)
        figure = _figure(rng) if rng.random() < 0.7 else ""
        parsed = parse_figure(figure)
        rows.append({
            "id": str(uuid.UUID(int=rng.getrandbits(128))), "article_id": article["id"],
            "start_char": anchor.start, "end_char": anchor.end, "quote": anchor.quote,
            "prefix": anchor.prefix, "suffix": anchor.suffix,
            "source": rng.choice(_SOURCES), "figure": figure,
            "figure_value": parsed.value if parsed else None,
            "figure_unit": parsed.unit if parsed else None,
            "figure_qualifier": parsed.qualifier if parsed else None,
            "status": rng.choice(STATUSES), "note": "", "editor": "bench",
            "created_at": now, "updated_at": now, "anchor_status": "anchored",
        })
    return rows
