"""Interchange: W3C Web Annotation export and import (a round trip into a new desk), other
tools' annotations, and schema.org ClaimReview — each checked against the specs' shapes."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from desk import Desk, DeskError
from desk.cli import run
from desk.formats.annotation_import import import_annotations
from desk.formats.csv_export import csv_text
from desk.formats.interchange import (
    ANNO_CONTEXT,
    RATINGS,
    annotation_collection,
    claim_reviews,
    short_claim,
    source_entity,
    write_json,
)
from tests.conftest import SEEDS, article_titled

MOTIVATIONS = {"assessing", "bookmarking", "classifying", "commenting", "describing",
               "editing", "highlighting", "identifying", "linking", "moderating",
               "questioning", "replying", "tagging"}
LONG_QUOTE = ("Zelenskyi said his country is receiving more weapons and other supplies from "
              "its international allies every day")


def add(desk: Desk, word: str, needle: str, nth: int = 0, **fields):
    article = article_titled(desk, word)
    start = -1
    for _ in range(nth + 1):
        start = article.body.index(needle, start + 1)
    return desk.add_claim(article.id, start, start + len(needle), **fields)


@pytest.fixture
def filled(seeded_desk: Desk) -> Desk:
    """The seed articles with claims of every kind: statuses, tags, notes, figures, emoji,
    a quote that occurs twice, a long quote, and a deleted claim."""
    desk = seeded_desk
    desk.set_setting("organisation", "Riverside Fact Desk")
    add(desk, "Ukraine", "$350 million", source="A US official", figure="$350 million",
        status="verified", tags=["military aid", "US"], note="Matches the DoD release.")
    add(desk, "Ukraine", "200 Stinger anti-aircraft missiles", source="A US official",
        figure="200", status="misleading", note="Line 1\nLine 2, with \"quotes\"")
    add(desk, "Ukraine", LONG_QUOTE, source="Volodymyr Zelenskyy", status="unverifiable")
    add(desk, "Ukraine", "Ukraine", nth=3, source="CBS News", status="false", tags=["=cmd"])
    add(desk, "Flood", "€1.2 billion", source="Government", figure="€1.2 billion",
        status="checking")
    add(desk, "Vaccination", "💉", note="emoji headline")
    gone = add(desk, "Wildfire", "23%", figure="23%", status="verified")
    desk.delete_claim(gone.id)
    return desk


def claim_values(desk: Desk) -> list[tuple]:
    shas = {a.id: a.body_sha256 for a in desk.articles()}
    return sorted((c.id, shas[c.article_id], c.start_char, c.end_char, c.quote, c.prefix,
                   c.suffix, c.source, c.figure, c.figure_value, c.figure_unit, c.status,
                   c.note, tuple(c.tags)) for c in desk.claims())


def check_annotation(item: dict) -> None:
    """The W3C Web Annotation Data Model's MUSTs for an annotation and what it holds."""
    assert item["type"] == "Annotation"
    assert isinstance(item["id"], str) and ":" in item["id"]        # an IRI
    assert item["motivation"] in MOTIVATIONS
    targets = item["target"] if isinstance(item["target"], list) else [item["target"]]
    assert targets
    for target in targets:
        assert isinstance(target["source"], str) and ":" in target["source"]
        for selector in target["selector"]:
            if selector["type"] == "TextQuoteSelector":
                assert isinstance(selector["exact"], str) and selector["exact"]
                assert isinstance(selector["prefix"], str)
                assert isinstance(selector["suffix"], str)
            else:
                assert selector["type"] == "TextPositionSelector"
                assert isinstance(selector["start"], int) and isinstance(selector["end"], int)
                assert 0 <= selector["start"] <= selector["end"]
    for body in item.get("body", []):
        assert body["type"] == "TextualBody" and isinstance(body["value"], str)
        assert body["purpose"] in MOTIVATIONS
    for stamp in (item["created"], item["modified"]):
        datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert "source" not in item and "figure" not in item  # ours are claimSource/claimFigure


def test_json_export_is_a_w3c_annotation_collection(filled: Desk) -> None:
    data = json.loads(json.dumps(annotation_collection(filled)))
    context = data["@context"]
    assert context[0] == ANNO_CONTEXT
    assert {"claimSource", "claimFigure"} <= set(context[1])
    assert not {"source", "selector", "value", "purpose"} & set(context[1])  # nothing redefined
    assert data["type"] == "AnnotationCollection" and data["id"].startswith("urn:uuid:")
    assert data["label"] and data["total"] == 6
    page = data["first"]
    assert page["type"] == "AnnotationPage" and page["id"].startswith("urn:uuid:")
    assert page["startIndex"] == 0 and len(page["items"]) == 6
    for item in page["items"]:
        check_annotation(item)
    by_quote = {i["target"]["selector"][0]["exact"]: i for i in page["items"]}
    money = by_quote["$350 million"]
    assert money["claimSource"] == "A US official" and money["claimFigure"] == "$350 million"
    assert money["figureValue"] == 350000000 and money["figureUnit"] == "USD"
    purposes = {(b["purpose"], b["value"]) for b in money["body"]}
    assert purposes == {("tagging", "military aid"), ("tagging", "US"),
                        ("commenting", "Matches the DoD release."), ("classifying", "verified")}
    flood = article_titled(filled, "Flood")
    assert by_quote["€1.2 billion"]["target"]["source"] == flood.url
    ukraine = article_titled(filled, "Ukraine")
    target = money["target"]
    assert target["source"] == f"urn:uuid:{ukraine.id}"
    position = target["selector"][1]
    assert ukraine.body[position["start"]:position["end"]] == "$350 million"
    assert "23%" not in by_quote  # deleted claims are not exported


def test_round_trip_into_a_new_desk_gives_the_same_claims(filled: Desk, tmp_path: Path) -> None:
    out = tmp_path / "claims.json"
    assert write_json(filled, out) == 6
    with Desk.open(tmp_path / "other.desk", editor="someone") as other:
        other.import_path(SEEDS)                     # the same articles, under new ids
        result = import_annotations(other, out)
        assert len(result.added) == 6 and not result.unplaced and not result.skipped
        assert claim_values(other) == claim_values(filled)
        editors = {c.editor for c in other.claims()}
        assert editors == {"tester"}                 # the annotation's creator is kept
        again = import_annotations(other, out)       # importing twice adds nothing
        assert not again.added and len(again.skipped) == 6
        assert len(other.claims()) == 6


def test_foreign_annotations_are_placed_or_reported(seeded_desk: Desk) -> None:
    flood = article_titled(seeded_desk, "Flood")
    ukraine = article_titled(seeded_desk, "Ukraine")
    at = ukraine.body.index("200 Stinger")
    hypothesis_export = {"total": 5, "rows": [
        {   # Hypothesis: target by URL, several selectors, text and tags.
            "id": "h1", "uri": flood.url, "text": "Check the budget line.", "tags": ["budget"],
            "user": "acct:ana@hypothes.is",
            "target": [{"source": flood.url, "selector": [
                {"type": "RangeSelector", "startContainer": "/p[2]", "startOffset": 0,
                 "endContainer": "/p[2]", "endOffset": 12},
                {"type": "TextPositionSelector", "start": 9999, "end": 10011},
                {"type": "TextQuoteSelector", "exact": "€1.2 billion", "prefix": "pledges ",
                 "suffix": ""}]}]},
        {   # An unknown page, but the quote with its context is in one article.
            "id": "h2", "text": "", "target": [{"source": "https://elsewhere.example/x",
                                                "selector": [{
                "type": "TextQuoteSelector", "exact": "200  Stinger\nanti-aircraft missiles",
                "prefix": ukraine.body[at - 20:at], "suffix": " were among"}]}]},
        {   # A quote that is in no article.
            "id": "h3", "target": [{"source": flood.url, "selector": [
                {"type": "TextQuoteSelector", "exact": "the moon is made of cheese"}]}]},
        {   # No quote selector at all.
            "id": "h4", "target": [{"source": flood.url}]},
        {   # A W3C annotation with a classifying body using a rating name.
            "id": "https://annotations.example/a/5", "type": "Annotation",
            "body": [{"type": "TextualBody", "value": "False", "purpose": "classifying"}],
            "target": {"source": f"urn:uuid:{ukraine.id}", "selector": {
                "type": "TextQuoteSelector", "exact": "Ukraine", "prefix": "shipped to ",
                "suffix": " and hundreds"}}},
    ]}
    result = import_annotations(seeded_desk, hypothesis_export)
    assert len(result.added) == 3
    unplaced = dict(result.unplaced)
    assert set(unplaced) == {"h3", "h4"}
    assert "no article" in unplaced["h3"] and "TextQuoteSelector" in unplaced["h4"]
    claims = {c.quote: c for c in seeded_desk.claims()}
    budget = claims["€1.2 billion"]
    assert budget.note == "Check the budget line." and budget.tags == ["budget"]
    assert budget.editor == "ana@hypothes.is"
    stinger = claims["200 Stinger anti-aircraft missiles"]
    assert stinger.article_id == ukraine.id and stinger.start_char == at
    shipped = claims["Ukraine"]
    assert shipped.status == "false"
    assert ukraine.body[shipped.start_char - 11:shipped.start_char] == "shipped to "
    assert any("not placed: h3" in line for line in result.lines())


def test_a_quote_in_two_articles_is_reported_not_guessed(desk: Desk) -> None:
    from desk import ArticleDraft

    for name in ("one", "two"):
        desk.add_article(ArticleDraft(name, f"{name}\n\nThe toll rose to 249 people.", name))
    result = import_annotations(desk, [{"id": "x", "target": {
        "source": "https://unknown.example", "selector": {
            "type": "TextQuoteSelector", "exact": "249 people", "prefix": "rose to ",
            "suffix": "."}}}])
    assert not result.added and "fits 2 articles" in dict(result.unplaced)["x"]


def test_bad_annotation_files_give_clear_errors(desk: Desk, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(DeskError, match="not a JSON file"):
        import_annotations(desk, bad)
    bad.write_text('{"hello": 1}')
    with pytest.raises(DeskError, match="no annotations"):
        import_annotations(desk, bad)
    with pytest.raises(DeskError, match="Cannot read"):
        import_annotations(desk, tmp_path / "missing.json")


def check_claim_review(review: dict) -> None:
    """schema.org ClaimReview as Google's fact-check documentation asks for it."""
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert isinstance(review["claimReviewed"], str) and 0 < len(review["claimReviewed"]) <= 75
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"]
    if "ratingValue" in rating:
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    if "author" in item:
        assert item["author"]["@type"] in {"Person", "Organization"} and item["author"]["name"]
    assert review["author"]["@type"] == "Organization" and review["author"]["name"]
    datetime.fromisoformat(review["datePublished"].replace("Z", "+00:00"))


def test_claimreview_export(filled: Desk) -> None:
    reviews = claim_reviews(filled)
    for review in reviews:
        check_claim_review(review)
    by_quote = {r["claimReviewed"]: r for r in reviews}
    assert len(reviews) == 4                        # verified, misleading, false, unverifiable
    money = by_quote["$350 million"]
    assert money["reviewRating"] == {"@type": "Rating", "alternateName": "True",
                                     "ratingValue": 5, "bestRating": 5, "worstRating": 1}
    assert money["author"] == {"@type": "Organization", "name": "Riverside Fact Desk"}
    assert money["itemReviewed"]["author"] == {"@type": "Organization", "name": "A US official"}
    status_set = filled.db.execute(
        "SELECT edited_at FROM claim_edits WHERE field = 'status' AND claim_id = ?",
        [money["@id"].removeprefix("urn:uuid:")]).fetchone()[0]
    assert money["datePublished"] == status_set
    ratings = {r["reviewRating"]["alternateName"]: r["reviewRating"] for r in reviews}
    assert ratings["Misleading"]["ratingValue"] == 2 and ratings["False"]["ratingValue"] == 1
    assert "ratingValue" not in ratings["Unproven"]
    unproven = next(r for r in reviews if r["reviewRating"]["alternateName"] == "Unproven")
    assert unproven["itemReviewed"]["author"] == {"@type": "Person",
                                                  "name": "Volodymyr Zelenskyy"}
    assert unproven["claimReviewed"].endswith("…")
    assert LONG_QUOTE.startswith(unproven["claimReviewed"][:-1])
    filled.set_setting("review_url", "https://factdesk.example/checks")
    flood_review = claim_reviews(filled)[0]
    assert flood_review["url"].startswith("https://factdesk.example/checks#claim-")
    assert set(RATINGS) == {"verified", "misleading", "false", "unverifiable"}


def test_appearance_is_the_article_url(seeded_desk: Desk) -> None:
    seeded_desk.set_setting("organisation", "Desk")
    add(seeded_desk, "Flood", "€1.2 billion", source="Ministry of Finance", status="false")
    (review,) = claim_reviews(seeded_desk)
    flood = article_titled(seeded_desk, "Flood")
    assert review["itemReviewed"]["appearance"]["url"] == flood.url
    check_claim_review(review)


@pytest.mark.parametrize("quote, expected", [
    ("249 civilians", "249 civilians"),
    ("  “The bridge carried 12,000 vehicles a day”  ",
     "The bridge carried 12,000 vehicles a day"),
    ("Officials said $350 million was pledged by donors on Friday, and a further "
     "$20 million would follow in spring", "Officials said $350 million was pledged by donors "
     "on Friday…"),
    ("x" * 120, "x" * 74 + "…"),
])
def test_claim_reviewed_is_shortened_sensibly(quote: str, expected: str) -> None:
    assert short_claim(quote) == expected
    assert len(short_claim(quote)) <= 75


@pytest.mark.parametrize("source, kind", [
    ("UN human rights office", "Organization"), ("Priya Natarajan", "Person"),
    ("Dr. Elena Marsh", "Person"), ("NATO", "Organization"), ("health board", "Organization"),
    ("Ministry of Finance", "Organization"), ("Ursula von der Leyen", "Person"),
])
def test_source_is_a_person_or_an_organization(source: str, kind: str) -> None:
    assert source_entity(source) == {"@type": kind, "name": source}


def test_cli_export_formats_and_import(filled: Desk, tmp_path: Path, capsys) -> None:
    path = filled.path
    expected_csv = csv_text(filled)
    filled.close()
    assert run(["export", str(path)]) == 0                     # csv stays the default
    assert capsys.readouterr().out == expected_csv
    out = tmp_path / "claims.json"
    assert run(["export", str(path), "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["total"] == 6
    assert run(["export", str(path), "--format", "claimreview"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 4
    assert run(["export", str(path), "--format", "json", "-o",
                str(tmp_path / "missing" / "x.json")]) == 1
    assert "Cannot write" in capsys.readouterr().err
    assert not list((tmp_path).glob("missing*"))
    assert run(["settings", str(path), "--organisation", "Night Desk"]) == 0
    assert "organisation: Night Desk" in capsys.readouterr().out
    fresh = tmp_path / "fresh.desk"
    assert run(["import", str(fresh), str(SEEDS)]) == 0
    capsys.readouterr()
    assert run(["import-annotations", str(fresh), str(out), "--editor", "ana"]) == 0
    assert "6 claims added" in capsys.readouterr().out
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps([{"id": "q", "target": {"source": "x", "selector": {
        "type": "TextQuoteSelector", "exact": "no such words anywhere"}}}]))
    assert run(["import-annotations", str(fresh), str(foreign)]) == 1
    assert "not placed: q" in capsys.readouterr().err


def test_json_export_to_a_stream(filled: Desk) -> None:
    buffer = io.StringIO()
    assert write_json(filled, buffer, "claimreview") == 4
    assert len(json.loads(buffer.getvalue())) == 4
    with pytest.raises(DeskError, match="Unknown export format"):
        write_json(filled, io.StringIO(), "xml")
