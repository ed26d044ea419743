"""Adding a claim reads only the span and its context, writes two statements, and the span
guards read the text once: the same claims, the same refusals and the same messages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desk import ArticleDraft, Desk, SpanError
from desk.anchors.anchoring import anchor_span

BODY = "Ünïcode headline\n\n" + " ".join(f"Sentence {n} says {n * 7} people came." for n in range(400))


@pytest.fixture
def desk(tmp_path: Path):
    with Desk.open(tmp_path / "add.desk", editor="ed") as desk:
        yield desk


def test_claims_added_by_their_window_are_those_of_the_whole_text(desk: Desk) -> None:
    article = desk.add_article(ArticleDraft("Ünïcode headline", BODY, "a.txt")).article_id
    spans = [(0, 7), (3, 40), (100, 140), (len(BODY) - 30, len(BODY) - 1),
             (len(BODY) - 5, len(BODY)), (len(BODY) // 2, len(BODY) // 2 + 200)]
    for start, end in spans:
        claim = desk.add_claim(article, start, end, tags=["b", "a"], figure="about 12")
        whole = anchor_span(BODY, start, end)
        assert (claim.start_char, claim.end_char, claim.quote, claim.prefix, claim.suffix) == (
            whole.start, whole.end, whole.quote, whole.prefix, whole.suffix)
        assert claim == desk.claim(claim.id)  # what it returns is what was written
    edits = desk.db.execute("SELECT field FROM claim_edits WHERE claim_id = ? ORDER BY field",
                            [claim.id]).fetchall()
    assert [e[0] for e in edits] == ["figure", "note", "source", "status", "tags"]


def test_refusals_name_the_whole_text(desk: Desk) -> None:
    article = desk.add_article(ArticleDraft("Ünïcode headline", BODY, "a.txt")).article_id
    with pytest.raises(SpanError, match=f"it has {len(BODY)} characters"):
        desk.add_claim(article, len(BODY) - 3, len(BODY) + 2)
    with pytest.raises(SpanError, match="empty"):
        desk.add_claim(article, 16, 18)  # the blank line after the headline
    with pytest.raises(SpanError, match=r"does not match the article text at 100–110"):
        desk.add_claim(article, 100, 110, quote="not there!")
    with pytest.raises(SpanError, match="whole numbers"):
        desk.add_claim(article, "1", 5)  # type: ignore[arg-type]
    assert desk.counts()[1] == 0


def test_the_span_guards_refuse_what_they_refused(desk: Desk) -> None:
    """Rows other tools write: a span past the end whose quote is the text's tail, a quote
    that is not at its offsets, a move past the end; a sound row passes."""
    article = desk.add_article(ArticleDraft("Ünïcode headline", BODY, "a.txt")).article_id
    conn: sqlite3.Connection = desk.conn
    insert = ("INSERT INTO claims (id, article_id, start_char, end_char, quote) "
              "VALUES (?, ?, ?, ?, ?)")
    n = len(BODY)
    for number, (start, end, quote) in enumerate([(n - 4, n + 3, BODY[n - 4:]),
                                                  (0, 7, "Unicode"), (-1, 3, "Ün")]):
        with pytest.raises(sqlite3.IntegrityError, match="does not match"):
            conn.execute(insert, [f"bad-{number}", article, start, end, quote])
    conn.execute(insert, ["good", article, n - 4, n, BODY[n - 4:]])
    with pytest.raises(sqlite3.IntegrityError, match="does not match"):
        conn.execute("UPDATE claims SET end_char = end_char + 2 WHERE id = 'good'")
    conn.commit()
    triggers = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                 "AND name LIKE 'claims_span_%'"))
    assert len(triggers) == 2
    assert all("length(body)" not in sql for sql in triggers.values())
