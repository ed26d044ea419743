"""Re-anchoring claims when an article's text changes (``import --update``): each rule,
repeats, small edits, and the article-matching rules of an update."""

from __future__ import annotations

from pathlib import Path

import pytest

from desk import ArticleDraft, Desk, DeskError
from desk.anchors.reanchor import FUZZY_THRESHOLD, Reanchorer
from desk.cli import run
from desk.trust.check import check_desk

INTRO = "Flood relief\n\n"
BODY = (INTRO + "The UN human rights office said 249 civilians were killed in the region. "
        "Officials said $350 million was pledged by donors on Friday. "
        "The ministry said nearly 500 homes were damaged by the water.")


def _claim(desk: Desk, article_id: str, needle: str, nth: int = 0):
    body = desk.article(article_id).body
    start = -1
    for _ in range(nth + 1):
        start = body.index(needle, start + 1)
    return desk.add_claim(article_id, start, start + len(needle), source="UN")


def _update(desk: Desk, body: str, name: str = "flood.txt"):
    return desk.update_article(ArticleDraft(title=body.split("\n")[0], body=body,
                                            source_file=name))


@pytest.fixture
def flood(desk: Desk):
    """A desk with one article (flood.txt) and three claims in it."""
    result = desk.add_article(ArticleDraft(title="Flood relief", body=BODY,
                                           source_file="flood.txt"))
    article_id = result.article_id
    claims = [_claim(desk, article_id, q) for q in
              ("249 civilians were killed", "$350 million", "nearly 500 homes")]
    return desk, article_id, claims


def _placed_exactly(desk: Desk, claim_id: str) -> None:
    claim = desk.claim(claim_id)
    body = desk.article(claim.article_id).body
    assert body[claim.start_char:claim.end_char] == claim.quote
    assert body[:claim.start_char].endswith(claim.prefix)
    assert body[claim.end_char:].startswith(claim.suffix)


# -- rules, one by one ----------------------------------------------------------------------

def test_stored_offsets_are_kept_when_the_quote_is_still_there(flood):
    desk, article_id, claims = flood
    result = _update(desk, BODY + "\n\nA paragraph added at the end.")
    assert result.status == "updated" and "3 anchored, 0 fuzzy, 0 orphaned" in result.message
    for old in claims:
        new = desk.claim(old.id)
        assert (new.start_char, new.end_char, new.anchor_status) == (
            old.start_char, old.end_char, "anchored")


def test_an_exact_occurrence_is_found_after_text_is_inserted_before(flood):
    desk, article_id, claims = flood
    new_body = BODY.replace(INTRO, INTRO + "An editor's note, added later.\n\n")
    _update(desk, new_body)
    shift = len("An editor's note, added later.\n\n")
    for old in claims:
        new = desk.claim(old.id)
        assert new.anchor_status == "anchored" and new.quote == old.quote
        assert new.start_char == old.start_char + shift
        _placed_exactly(desk, old.id)
    assert desk.needs_attention() == []
    assert check_desk(desk.path).sound


def test_of_several_occurrences_the_best_context_wins():
    old = "Alpha said 12 died. Beta said 12 died. Gamma said 12 died."
    target = old.index("Beta said 12") + len("Beta said ")
    new = "Gamma said 12 died. Alpha said 12 died. Intro. Beta said 12 died."
    placer = Reanchorer(old, new)
    placed = placer.place(target, target + 2, "12", old[:target][-32:], old[target + 2:][:32])
    assert placed.how == "exact" and placed.start == new.index("Beta said 12") + 10


def test_ties_in_context_are_broken_by_distance_from_the_old_position():
    old = "cat " * 10
    new = "dog " + "cat " * 10
    placer = Reanchorer(old, new)
    # no context to tell the occurrences apart: the one nearest the carried position wins
    placed = placer.place(20, 23, "cat", "", "")
    assert (placed.how, placed.start) == ("offsets", 20)  # stored offsets come first
    placed = Reanchorer("cat and cat", "a cat and the cat").place(8, 11, "cat", "", "")
    assert placed.how == "exact" and placed.start == 14


def test_a_small_edit_inside_the_quote_is_a_fuzzy_match(flood):
    desk, article_id, claims = flood
    result = _update(desk, BODY.replace("249 civilians", "251 civilians"))
    assert "2 anchored, 1 fuzzy, 0 orphaned" in result.message
    fuzzy = desk.claim(claims[0].id)
    assert fuzzy.anchor_status == "fuzzy"
    assert fuzzy.quote == "251 civilians were killed"
    assert fuzzy.previous_quote == "249 civilians were killed"
    _placed_exactly(desk, fuzzy.id)
    assert [c.id for c in desk.needs_attention()] == [fuzzy.id]
    assert check_desk(desk.path).sound


def test_a_long_quote_with_edits_at_both_ends_is_found_by_head_and_tail():
    quote = "The ministry said nearly 500 homes were damaged by the water on Tuesday night"
    old = "Intro. " + quote + " More text follows here."
    edited = quote.replace("The ministry", "A ministry").replace("Tuesday", "Wednesday")
    new = "A new first line.\n\nIntro. " + edited + " More text follows here."
    start = old.index(quote)
    placed = Reanchorer(old, new).place(start, start + len(quote), quote, "Intro. ",
                                        " More text")
    assert placed.how == "fuzzy" and placed.quote == edited
    assert placed.previous_quote == quote


def test_a_rewritten_passage_below_the_threshold_is_orphaned_never_dropped(flood):
    desk, article_id, claims = flood
    new_body = BODY.replace("The ministry said nearly 500 homes were damaged by the water.",
                            "Rain is expected again tomorrow.")
    result = _update(desk, new_body)
    assert "1 orphaned" in result.message
    orphan = desk.claim(claims[2].id)
    assert orphan.anchor_status == "orphaned" and orphan.deleted_at is None
    assert (orphan.quote, orphan.prefix, orphan.suffix) == (
        claims[2].quote, claims[2].prefix, claims[2].suffix)
    assert 0 <= orphan.start_char <= orphan.end_char <= len(new_body)
    assert orphan.id in [c.id for c in desk.claims(article_id)]
    assert orphan.id in [c.id for c in desk.needs_attention(article_id)]
    assert check_desk(desk.path).sound


def test_the_threshold_decides_between_fuzzy_and_orphaned():
    quote = "abcdefghijklmnopqrst"  # 20 characters
    old = "xx " + quote + " yy"
    for changed, expected in ((4, "fuzzy"), (6, "orphaned")):
        new_quote = "0123456789"[:changed] + quote[changed:]
        placed = Reanchorer(old, "xx " + new_quote + " yy").place(3, 23, quote, "xx ", " yy")
        assert placed.status == expected, (changed, placed)
    assert 1 - 4 / 20 >= FUZZY_THRESHOLD > 1 - 6 / 20


def test_a_deleted_sentence_is_orphaned_not_moved_onto_a_similar_neighbour(desk: Desk):
    sentences = [f"Officials in district {n} said {n * 7} people were counted on day {n}."
                 for n in range(1, 40)]
    body = "Census\n\n" + " ".join(sentences)
    article_id = desk.add_article(ArticleDraft("Census", body, "census.txt")).article_id
    gone = _claim(desk, article_id, sentences[20])
    edited = _claim(desk, article_id, sentences[30])
    new = sentences[:]
    new[20] = "This sentence was withdrawn."
    new[30] = new[30].replace("people", "residents")
    _update(desk, "Census\n\n" + " ".join(new), "census.txt")
    assert desk.claim(gone.id).anchor_status == "orphaned"
    moved = desk.claim(edited.id)
    assert moved.anchor_status == "fuzzy" and moved.quote == new[30]


# -- repeats, follow-ups and re-attaching ---------------------------------------------------

def test_repeated_updates_keep_the_first_quote_and_an_orphan_can_come_back(flood):
    desk, article_id, claims = flood
    _update(desk, BODY.replace("249 civilians", "251 civilians").replace(
        "nearly 500 homes", "many houses"))
    _update(desk, BODY.replace("249 civilians", "252 civilians").replace(
        "nearly 500 homes", "many houses").replace("Friday", "Saturday"))
    fuzzy = desk.claim(claims[0].id)
    assert fuzzy.anchor_status == "fuzzy" and fuzzy.quote == "252 civilians were killed"
    assert fuzzy.previous_quote == "249 civilians were killed"
    assert desk.claim(claims[2].id).anchor_status == "orphaned"
    # the original text comes back: the orphan is found again exactly
    result = _update(desk, BODY.replace("249 civilians", "252 civilians"))
    assert desk.claim(claims[2].id).anchor_status == "anchored"
    _placed_exactly(desk, claims[2].id)
    assert desk.claim(claims[0].id).anchor_status == "fuzzy"  # still waits for a look
    assert result.status == "updated"
    assert _update(desk, BODY.replace("249 civilians", "252 civilians")).status == "skipped"
    revisions = desk.db.execute("SELECT count(*) FROM article_revisions WHERE article_id = ?",
                                [article_id]).fetchone()[0]
    assert revisions == 3


def test_reattach_and_accept_clear_the_attention_flag(flood):
    desk, article_id, claims = flood
    new_body = BODY.replace("249 civilians", "251 civilians").replace(
        "nearly 500 homes were damaged", "the damage was widespread")
    _update(desk, new_body)
    assert len(desk.needs_attention()) == 2
    accepted = desk.accept_anchor(claims[0].id)
    assert accepted.anchor_status == "anchored"
    assert accepted.previous_quote == "249 civilians were killed"
    start = new_body.index("the damage was widespread")
    reattached = desk.reattach_claim(claims[2].id, start, start + 25)
    assert reattached.anchor_status == "anchored" and reattached.quote == new_body[start:start + 25]
    assert reattached.previous_quote == "nearly 500 homes"
    assert desk.needs_attention() == []
    with pytest.raises(DeskError):
        desk.accept_anchor(claims[1].id)
    with pytest.raises(DeskError):
        desk.reattach_claim(claims[1].id, 5, 5)


def test_deleted_claims_are_re_anchored_too_so_undo_still_works(flood):
    desk, article_id, claims = flood
    desk.delete_claim(claims[1].id)
    _update(desk, BODY.replace(INTRO, INTRO + "Inserted.\n\n"))
    desk.restore_claim(claims[1].id)
    _placed_exactly(desk, claims[1].id)


def test_offsets_stay_exact_with_emoji_and_combining_marks(desk: Desk):
    body = "Title\n\nCafe\u0301 owners 👩‍👩‍👧 said 🇺🇦 aid reached 1,200 families."
    body = desk.add_article(ArticleDraft("Title", body, "emoji.txt"))
    article_id = body.article_id
    claim = _claim(desk, article_id, "1,200 families")
    new_body = "Title\n\n🎉🎉 Update 🇫🇷.\n\n" + desk.article(article_id).body[7:]
    _update(desk, new_body, "emoji.txt")
    moved = desk.claim(claim.id)
    assert moved.anchor_status == "anchored"
    assert new_body[moved.start_char:moved.end_char] == "1,200 families"


# -- which article an update goes to --------------------------------------------------------

def test_no_match_imports_as_new_and_several_matches_are_refused(flood):
    desk, article_id, _ = flood
    result = _update(desk, "Another story\n\nSomething else.", "other.txt")
    assert result.status == "imported" and "imported as new" in result.message
    desk.add_article(ArticleDraft("Second flood", "Second flood\n\nText.", "flood.txt"))
    before = desk.article(article_id).body
    refused = _update(desk, BODY + " More.")
    assert refused.status == "failed"
    assert "Flood relief" in refused.message and "Second flood" in refused.message
    assert desk.article(article_id).body == before


def test_an_update_by_url_matches_an_article_imported_from_another_file(desk: Desk):
    desk.add_article(ArticleDraft("Page", "Page\n\nOld text, 12 dead.", "page.html",
                                  url="https://example.org/a"))
    result = desk.update_article(ArticleDraft("Page", "Page\n\nNew text, 12 dead.",
                                              "page-v2.html", url="https://example.org/a"))
    assert result.status == "updated"
    [article] = desk.articles()
    assert article.source_file == "page-v2.html" and "New text" in article.body


def test_cli_import_update_reports_each_file(tmp_path: Path, desk_path: Path, capsys):
    article = tmp_path / "flood.txt"
    article.write_text(BODY, encoding="utf-8")
    assert run(["import", str(desk_path), str(article)]) == 0
    with Desk.open(desk_path) as desk:
        [a] = desk.articles()
        _claim(desk, a.id, "$350 million")
    article.write_text(BODY.replace("$350 million", "$360 million"), encoding="utf-8")
    capsys.readouterr()
    assert run(["import", "--update", str(desk_path), str(article)]) == 0
    out = capsys.readouterr().out
    assert "updated: " in out and "1 fuzzy" in out and "1 updated" in out
    assert run(["import", "--update", str(desk_path), str(article)]) == 0
    assert "unchanged" in capsys.readouterr().out
    with Desk.open(desk_path) as desk:
        assert [b.reason for b in desk.backups()] == ["update", "update"]
