"""The claim finder: its suggestions on the sample articles, its sources, the desk-level
accept / dismiss, the ``suggest`` command, and the hand-labelled regression set."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from desk import Desk, ReadOnlyDeskError, SpanError
from desk.finder.engine import Suggestion, suggest
from desk.finder.suggestions import (
    accept_suggestion,
    dismiss_suggestion,
    suggestions_for_article,
    suggestions_for_desk,
    undismiss_suggestion,
)
from desk.text.figures import parse_figure
from desk.text.importers import read_article
from tests.conftest import ROOT, UKRAINE_SEED, article_titled

LABELS = ROOT / "tests" / "data" / "finder_labels.jsonl"
EXTRA_ARTICLES = ROOT / "tests" / "data" / "finder_articles"


def body_of(path: Path) -> str:
    """An article's body exactly as the desk stores it."""
    return read_article(path).body


def containing(found: list[Suggestion], words: str) -> Suggestion:
    """The one suggestion whose quote contains ``words``."""
    matches = [s for s in found if words in s.quote]
    assert len(matches) == 1, [s.quote for s in found]
    return matches[0]


# -- the sample article ----------------------------------------------------------------

@pytest.fixture(scope="module")
def ukraine() -> tuple[str, list[Suggestion]]:
    body = body_of(UKRAINE_SEED)
    return body, suggest(body)


def test_civilian_toll_is_the_un_human_rights_office(ukraine) -> None:
    body, found = ukraine
    item = containing(found, "249 civilians")
    assert item.source == "UN human rights office"
    assert item.figure == "249 civilians"
    assert item.figure_value == 249
    assert body[item.start:item.end] == item.quote
    assert item.quote.startswith("The UN human rights office said")


def test_russian_losses_two_clauses_two_sources(ukraine) -> None:
    _, found = ukraine
    russia = containing(found, "nearly 500")
    ukraine_count = containing(found, "more than 9,000")
    assert russia is not ukraine_count, "one claim per candidate: the sentence is split"
    assert russia.source == "Russia"
    assert (russia.figure, russia.figure_value, russia.figure_qualifier) == (
        "nearly 500", 500, "nearly")
    assert "Zelenskyy" in ukraine_count.source
    assert ukraine_count.quote == "Zelenskyy says Putin’s forces lost more than 9,000."
    assert (ukraine_count.figure_value, ukraine_count.figure_qualifier) == (9000, "more than")


def test_weapons_package_is_the_us_official_via_cbs(ukraine) -> None:
    _, found = ukraine
    package = containing(found, "$350 million")
    assert "US official" in package.source and "CBS News" in package.source
    assert (package.figure, package.figure_value, package.figure_unit) == (
        "$350 million", 350_000_000, "USD")
    stingers = containing(found, "200 Stinger")
    assert stingers.figure == "200 Stinger anti-aircraft missiles"
    assert "US official" in stingers.source


def test_other_tolls_and_the_refugees(ukraine) -> None:
    _, found = ukraine
    toll = containing(found, "over 2,000")
    assert toll.source == "Ukrainian officials"
    assert (toll.figure_value, toll.figure_qualifier) == (2000, "over")
    fled = containing(found, "1 million people")
    assert fled.source == "", "the text names no source for the refugee count"
    assert fled.figure_value == 1_000_000


def test_every_sentence_with_a_figure_is_suggested(ukraine) -> None:
    body, found = ukraine
    for paragraph in body.split("\n"):
        if any(ch.isdigit() for ch in paragraph):
            start = body.index(paragraph)
            end = start + len(paragraph)
            for number in ("249", "553", "2,000", "21", "500", "9,000", "200", "350", "1 m"):
                at = body.find(number, start, end)
                if at >= 0:
                    assert any(s.start <= at < s.end for s in found), number


def test_rhetoric_and_the_headline_are_not_suggested(ukraine) -> None:
    _, found = ukraine
    quotes = " | ".join(s.quote for s in found)
    assert "They wanted to destroy us" not in quotes
    assert "nothing to lose" not in quotes
    assert "latest news and live updates" not in quotes


# -- spans -----------------------------------------------------------------------------

def all_bodies() -> list[str]:
    paths = sorted((ROOT / "seeds").iterdir()) + sorted(EXTRA_ARTICLES.iterdir())
    return [body_of(p) for p in paths]


def test_spans_are_exact_and_never_a_paragraph() -> None:
    for body in all_bodies():
        for item in suggest(body):
            assert body[item.start:item.end] == item.quote
            assert "\n" not in item.quote
            assert item.quote == item.quote.strip()
            assert 0.5 <= item.score <= 1
            assert item.reasons


def test_offsets_are_code_points_after_emoji() -> None:
    text = "🔥😷 Fire 🔥. The agency said 1,200 homes burned. 🏥 Nurses said 12% quit."
    found = suggest(text)
    assert [text[s.start:s.end] for s in found] == [s.quote for s in found]
    homes = containing(found, "1,200 homes")
    assert homes.start == text.index("The agency")
    assert homes.figure == "1,200 homes"


def test_questions_small_talk_and_opinions_are_not_suggested() -> None:
    for text in ("Is a universal offer good value?", "Thank you.", "Well, I think so.",
                 "I believe we can do better together.", "Good evening, everyone."):
        assert suggest(text) == [], text


def test_unattributed_claims_without_figures_can_still_be_suggested() -> None:
    found = suggest("Unemployment fell in every region last year, the fastest drop since "
                    "records began in 1971.")
    assert len(found) == 1
    assert found[0].figure == ""
    assert found[0].source == ""


def test_min_score_filters() -> None:
    text = body_of(UKRAINE_SEED)
    loose, strict = suggest(text, min_score=0.0), suggest(text, min_score=0.95)
    assert len(loose) > len(suggest(text)) > len(strict) > 0
    assert all(s.score >= 0.95 for s in strict)


# -- sources named earlier ------------------------------------------------------------

def test_pronouns_and_titles_resolve_to_the_source_named_before() -> None:
    flood = suggest(body_of(ROOT / "seeds" / "flood-relief-funding.html"))
    assert containing(flood, "€5,000").source == "Thomas Berger"  # "He said"
    assert containing(flood, "46%").source == "German Insurance Association"  # "the association"
    vaccine = suggest(body_of(ROOT / "seeds" / "vaccine-uptake-report.md"))
    assert containing(vaccine, "650,000").source == "National Health Agency"  # "The agency"
    assert containing(vaccine, "£32,000").source == "National Health Agency"  # "the report"
    fire = suggest(body_of(ROOT / "seeds" / "wildfire-smoke-admissions.txt"))
    assert containing(fire, "1,200 firefighters").source.endswith("Lucía Fernández")  # "she"
    assert containing(fire, "1,870").source == "regional health authority"  # "authority's data"


def test_names_before_a_title_and_generic_titles() -> None:
    found = suggest("Amnesty International said 106 protesters had been killed. The "
                    "organization believes that as many as 200 people died. “Games sold 4 "
                    "million copies,” Jack Buser, director for games at Google, told Reuters.")
    assert [s.source for s in found] == [
        "Amnesty International", "Amnesty International", "Jack Buser (via Reuters)"]
    assert found[1].figure == "as many as 200 people"
    assert suggest("At least 106 protesters died, Amnesty said.")[0].figure == (
        "At least 106 protesters")


def test_an_unclear_pronoun_names_nobody() -> None:
    found = suggest("He said 4,000 jobs had been lost.")
    assert found and found[0].source == ""


def test_between_ranges_are_one_figure() -> None:
    found = suggest("Insurers estimated losses at between €3 billion and €4.5 billion.")
    assert found[0].figure == "between €3 billion and €4.5 billion"
    assert (found[0].figure_value, found[0].figure_unit, found[0].figure_qualifier) == (
        3e9, "EUR", "between")
    assert parse_figure("between 3 and 4.5 billion euros").value == 3e9


# -- the hand-labelled set ------------------------------------------------------------

def test_labelled_set_precision_recall_and_sources() -> None:
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 100
    tp = fp = fn = right = 0
    bodies: dict[str, tuple[str, list[Suggestion]]] = {}
    for row in rows:
        if row["file"] not in bodies:
            body = body_of(ROOT / row["file"])
            bodies[row["file"]] = (body, suggest(body))
        body, found = bodies[row["file"]]
        start = body.index(row["sentence"])
        end = start + len(row["sentence"])
        hits = [s for s in found if s.start < end and s.end > start]
        tp += bool(hits) and row["checkworthy"]
        fp += bool(hits) and not row["checkworthy"]
        fn += not hits and row["checkworthy"]
        if hits and row["checkworthy"]:
            expected = [e.casefold() for e in row["sources"]]
            right += (any(e in h.source.casefold() for h in hits for e in expected)
                      if expected else not any(h.source for h in hits))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    # The trained model (debates, where any factual statement is worth checking) finds more
    # of these news claims than the hand-weighted cues did (recall 0.99 vs 0.96) and flags
    # a few more plain news statements (precision 0.88 vs 0.94; see the README's finder
    # section): a desk's own decisions adjust that (desk.finder.learning).
    assert precision >= 0.85 and recall >= 0.95, (precision, recall)
    assert right / tp >= 0.9, right / tp


# -- on a desk -------------------------------------------------------------------------

def test_accept_makes_a_claim_and_hides_the_suggestion(seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "Ukraine")
    items = suggestions_for_article(seeded_desk, article.id)
    assert all(i.article_id == article.id for i in items)
    toll = containing(items, "249 civilians")
    claim = accept_suggestion(seeded_desk, toll, tags=["casualties"])
    assert (claim.quote, claim.source, claim.figure) == (
        toll.quote, "UN human rights office", "249 civilians")
    assert claim.figure_value == 249 and claim.tags == ["casualties"]
    assert article.body[claim.start_char:claim.end_char] == claim.quote
    after = suggestions_for_article(seeded_desk, article.id)
    assert not any("249 civilians" in i.quote for i in after)
    assert len(after) == len(items) - 1
    seeded_desk.delete_claim(claim.id)  # the window's undo of an accept
    assert len(suggestions_for_article(seeded_desk, article.id)) == len(items)


def test_suggestions_computed_off_the_desk_are_filtered_the_same(seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "Ukraine")
    first = suggestions_for_article(seeded_desk, article.id)
    dismiss_suggestion(seeded_desk, first[0])
    computed = suggest(article.body)  # as a worker thread would, without the desk
    assert suggestions_for_article(seeded_desk, article.id, found=computed) == first[1:]


def test_a_claim_tagged_by_hand_hides_overlapping_suggestions(seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "Ukraine")
    start = article.body.index("249 civilians")
    seeded_desk.add_claim(article.id, start, start + len("249 civilians"))
    quotes = [i.quote for i in suggestions_for_article(seeded_desk, article.id)]
    assert not any("249 civilians" in q for q in quotes)
    assert any("9,000" in q for q in quotes)


def test_dismissed_is_not_suggested_again_even_after_reopening(desk_path: Path,
                                                               seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "Ukraine")
    items = suggestions_for_article(seeded_desk, article.id)
    fled = containing(items, "1 million people")
    dismiss_suggestion(seeded_desk, fled)
    dismiss_suggestion(seeded_desk, fled)  # twice is harmless
    seeded_desk.close()
    with Desk.open(desk_path, editor="other") as again:
        left = suggestions_for_article(again, article.id)
        assert fled.quote not in [i.quote for i in left]
        assert len(left) == len(items) - 1
        row = again.db.execute("SELECT editor, start_char FROM dismissed_suggestions").fetchone()
        assert row == ("tester", fled.start)
        undismiss_suggestion(again, fled)
        assert len(suggestions_for_article(again, article.id)) == len(items)


def test_read_only_desk_cannot_dismiss(desk_path: Path, seeded_desk: Desk) -> None:
    item = suggestions_for_desk(seeded_desk)[0]
    seeded_desk.close()
    with Desk.open(desk_path, read_only=True) as desk:
        assert suggestions_for_desk(desk)  # reading is fine
        with pytest.raises(ReadOnlyDeskError):
            dismiss_suggestion(desk, item)


def test_a_stale_suggestion_is_refused(seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "Ukraine")
    item = suggestions_for_article(seeded_desk, article.id)[0]
    stale = Suggestion(item.start + 1, item.end + 1, item.quote, "", None, None, None, "",
                       0.9, (), article.id)
    with pytest.raises(SpanError):
        accept_suggestion(seeded_desk, stale)
    with pytest.raises(SpanError):
        accept_suggestion(seeded_desk, suggest(article.body)[0])  # no article id
    assert seeded_desk.claims(article.id) == []


# -- the command line ------------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_suggest_command_json_and_csv(desk_path: Path, seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "Ukraine")
    expected = suggestions_for_article(seeded_desk, article.id)
    seeded_desk.close()
    done = run("suggest", str(desk_path), "--article", article.id, "--format", "json")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    assert [i["quote"] for i in items] == [e.quote for e in expected]
    toll = next(i for i in items if "249 civilians" in i["quote"])
    assert toll["source"] == "UN human rights office" and toll["figure_value"] == 249
    assert {"article_id", "start_char", "end_char", "quote", "source", "figure",
            "figure_value", "score", "reasons"} <= set(toll)
    assert article.body[toll["start_char"]:toll["end_char"]] == toll["quote"]

    every = run("suggest", str(desk_path))
    assert every.returncode == 0, every.stderr
    rows = list(csv.DictReader(io.StringIO(every.stdout)))
    assert len(rows) > len(items)
    assert any(r["figure_value"] == "350000000" for r in rows)


def test_suggest_command_user_errors(tmp_path: Path, desk_path: Path, seeded_desk: Desk) -> None:
    seeded_desk.close()
    for args in (("suggest", str(tmp_path / "missing.desk")),
                 ("suggest", str(desk_path), "--article", "no-such-id"),
                 ("suggest", str(desk_path), "--min-score", "7")):
        done = run(*args)
        assert done.returncode == 1
        assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1


@pytest.mark.parametrize("sentence, source, figure", [
    # "States" inside a name is not the reporting verb "states"
    ("Two United States service members were killed in a crash, the US military said.",
     "US military", "Two United States service members"),
    ("A man, 55, threatened a United States official, the U.S. Attorney's Office said.",
     "U.S. Attorney's Office", "55"),
    ("According to WHO, there were 3,248 cases reported worldwide.", "WHO", "3,248 cases"),
    ("Acme Stores (ticker: ACM) reported $2.53 in per-share earnings.", "Acme Stores", "$2.53"),
    ("Jeff Sanborn, president of Chapter & Verse, a Spokane design agency, said the "
     "budget was $449,000.", "Jeff Sanborn", "$449,000"),
    ("Lena Ortiz, another deportee, said she had paid Rs 25 lakh to an agent.",
     "Lena Ortiz", "25 lakh"),  # (the rupees are not kept yet)
    # the figure a sentence is about: "11 of the 12", not "12 cities"
    ("Officials said 11 of the 12 cities had run out of water.", "Officials",
     "11 of the 12 cities"),
])
def test_sources_and_figures_on_news_sentences(sentence: str, source: str, figure: str) -> None:
    found = suggest(sentence, min_score=0.0)
    assert found, sentence
    assert found[0].source == source
    assert found[0].figure == figure
