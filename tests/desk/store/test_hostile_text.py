"""Article text that other code paths never see from files: NUL characters, given through the
API (an import from another tool, a script). SQLite's text functions stop at a NUL, which made
the desk's quote guard refuse every claim after one."""

from __future__ import annotations

from desk import Desk
from desk.model import ArticleDraft


def test_claims_after_a_nul_in_the_body_can_be_added(desk: Desk) -> None:
    draft = ArticleDraft(title="T\x00itle", body="Hello\x00world: 5 million people said so.",
                         source_file="api\x00.txt")
    article_id = desk.add_article(draft).article_id
    article = desk.article(article_id)
    assert "\x00" not in article.body + article.title + article.source_file
    start = article.body.index("5 million")
    claim = desk.add_claim(article_id, start, start + len("5 million"), figure="5 million")
    assert claim.quote == "5 million"
    assert desk.add_claim(article_id, 0, 10).quote == "Helloworld"


def test_the_same_text_with_a_nul_is_the_same_article(desk: Desk) -> None:
    first = desk.add_article(ArticleDraft(title="t", body="A body.", source_file="a.txt"))
    second = desk.add_article(ArticleDraft(title="t", body="A\x00 body.", source_file="a.txt"))
    assert second.status == "skipped" and second.article_id == first.article_id


def test_an_update_with_a_nul_keeps_claims_placeable(desk: Desk) -> None:
    article_id = desk.add_article(ArticleDraft(title="t", body="Old text, 3 percent.",
                                               source_file="a.txt")).article_id
    result = desk.update_article(ArticleDraft(title="t", body="New\x00 text, 4 percent.",
                                              source_file="a.txt"))
    assert result.status == "updated", result
    body = desk.article(article_id).body
    start = body.index("4 percent")
    assert desk.add_claim(article_id, start, start + 9).quote == "4 percent"
