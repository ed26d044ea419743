"""The desk file and its claims API, on real SQLite files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desk import Desk, DeskError, NotADeskError, SpanError
from desk.store.schema import APPLICATION_ID, SCHEMA_VERSION
from tests.conftest import article_titled


def test_new_desk_is_marked_versioned_and_in_wal(desk_path: Path) -> None:
    Desk.open(desk_path).close()
    conn = sqlite3.connect(desk_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "claims", "tags", "claims_tags", "claim_edits", "desk_meta",
            "articles_fts"} <= tables
    conn.close()


def test_open_accepts_str_and_path_and_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.desk"
    empty.write_bytes(b"")
    with Desk.open(str(empty)) as desk:
        assert desk.counts() == (0, 0)
    with Desk.open(empty) as desk:
        assert desk.counts() == (0, 0)


def test_foreign_sqlite_database_is_refused_and_untouched(tmp_path: Path) -> None:
    other = tmp_path / "browser-history.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE visits (url TEXT)")
    conn.execute("INSERT INTO visits VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(NotADeskError, match="another application"):
        Desk.open(other)
    assert other.read_bytes() == before
    assert not Path(str(other) + "-wal").exists()


def test_empty_sqlite_file_is_not_a_desk(tmp_path: Path) -> None:
    path = tmp_path / "blank.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    with pytest.raises(NotADeskError):
        Desk.open(path)


def test_random_bytes_are_not_a_desk(tmp_path: Path) -> None:
    path = tmp_path / "notes.desk"
    path.write_bytes(b"Just some notes, not a database.\n" * 10)
    with pytest.raises(DeskError, match="not an SQLite database"):
        Desk.open(path)
    assert path.read_bytes() == b"Just some notes, not a database.\n" * 10


def test_missing_folder_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DeskError, match="does not exist"):
        Desk.open(tmp_path / "nowhere" / "x.desk")


def test_add_update_delete_claim(seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "Ukraine")
    start = article.body.index("249 civilians")
    claim = seeded_desk.add_claim(article.id, start, start + len("249 civilians"),
                                  source="UN human rights office", figure="249",
                                  tags=["casualties", " civilians ", "casualties"])
    assert claim.quote == "249 civilians"
    assert article.body[claim.start_char:claim.end_char] == claim.quote
    assert claim.prefix == article.body[start - 32:start]
    assert claim.suffix == article.body[claim.end_char:claim.end_char + 32]
    assert claim.figure_value == 249 and claim.status == "unchecked"
    assert claim.tags == ["casualties", "civilians"]
    assert claim.editor == "tester"

    updated = seeded_desk.update_claim(claim.id, status="verified", note="Checked with OHCHR",
                                       figure="more than 1 million", tags=["casualties"])
    assert (updated.status, updated.note, updated.tags) == ("verified", "Checked with OHCHR",
                                                            ["casualties"])
    assert (updated.figure_value, updated.figure_qualifier) == (1_000_000, "more than")
    assert updated.updated_at >= claim.updated_at

    seeded_desk.delete_claim(claim.id)
    assert seeded_desk.claims(article.id) == []
    tombstone = seeded_desk.claim(claim.id)
    assert tombstone.deleted_at is not None
    seeded_desk.restore_claim(claim.id)
    assert [c.id for c in seeded_desk.claims(article.id)] == [claim.id]


def test_changes_are_committed_before_the_call_returns(seeded_desk: Desk,
                                                       desk_path: Path) -> None:
    article = article_titled(seeded_desk, "Ukraine")
    claim = seeded_desk.add_claim(article.id, 0, 6)
    seeded_desk.update_claim(claim.id, source="Reuters")
    other = sqlite3.connect(desk_path)  # another connection sees it at once
    assert other.execute("SELECT source FROM claims WHERE id = ?", [claim.id]).fetchone() == (
        "Reuters",)
    other.close()


def test_claims_come_in_text_order_and_overlaps_are_allowed(seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "Ukraine")
    body = article.body
    late = body.index("nearly 500")
    early = body.index("249 civilians")
    outer = seeded_desk.add_claim(article.id, late, late + 30)
    inner = seeded_desk.add_claim(article.id, late + 7, late + 10)
    first = seeded_desk.add_claim(article.id, early, early + 3)
    assert [c.id for c in seeded_desk.claims(article.id)] == [first.id, outer.id, inner.id]


@pytest.mark.parametrize(("start", "end"), [(5, 5), (10, 3), (-1, 4), (0, 10**9)])
def test_bad_spans_are_refused(seeded_desk: Desk, start: int, end: int) -> None:
    article = seeded_desk.articles()[0]
    with pytest.raises(SpanError):
        seeded_desk.add_claim(article.id, start, end)
    assert seeded_desk.claims(article.id) == []


def test_quote_must_match_the_body(seeded_desk: Desk) -> None:
    article = seeded_desk.articles()[0]
    with pytest.raises(SpanError, match="does not match"):
        seeded_desk.add_claim(article.id, 0, 4, quote="nope")


def test_unknown_status_is_refused(seeded_desk: Desk) -> None:
    article = seeded_desk.articles()[0]
    with pytest.raises(DeskError, match="status"):
        seeded_desk.add_claim(article.id, 0, 4, status="maybe")


def test_rows_from_other_tools_get_defaults_and_are_guarded(seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "Ukraine")
    db = seeded_desk.db
    db.execute("INSERT INTO claims (id, article_id, start_char, end_char, quote) "
               "VALUES ('ext-1', ?, 0, 6, 'Russia')", [article.id])
    db.conn.commit()
    claim = seeded_desk.claim("ext-1")
    assert (claim.status, claim.source, claim.anchor_status) == ("unchecked", "", "anchored")
    assert claim.created_at.endswith("Z")
    with pytest.raises(sqlite3.IntegrityError, match="does not match"):
        db.execute("INSERT INTO claims (id, article_id, start_char, end_char, quote) "
                   "VALUES ('ext-2', ?, 0, 6, 'Ukrain')", [article.id])
    with pytest.raises(sqlite3.IntegrityError, match="status"):
        db.execute("UPDATE claims SET status = 'true' WHERE id = 'ext-1'")


def test_listeners_hear_about_changes(seeded_desk: Desk) -> None:
    heard = []
    unsubscribe = seeded_desk.subscribe(heard.append)
    article = seeded_desk.articles()[0]
    claim = seeded_desk.add_claim(article.id, 0, 5)
    seeded_desk.update_claim(claim.id, note="x")
    seeded_desk.delete_claim(claim.id)
    unsubscribe()
    seeded_desk.restore_claim(claim.id)
    assert [c.kind for c in heard] == ["claim_added", "claim_updated", "claim_deleted"]
    assert all(c.claim_id == claim.id and c.article_id == article.id for c in heard)


def test_read_only_desk_refuses_changes(seeded_desk: Desk, desk_path: Path) -> None:
    article_id = seeded_desk.articles()[0].id
    seeded_desk.close()
    with Desk.open(desk_path, read_only=True) as desk:
        assert desk.read_only
        assert desk.counts()[0] == 5
        with pytest.raises(DeskError, match="read-only"):
            desk.add_claim(article_id, 0, 4)


def test_completion_lists(seeded_desk: Desk) -> None:
    article = seeded_desk.articles()[0]
    seeded_desk.add_claim(article.id, 0, 4, source="Reuters", tags=["b", "a"])
    seeded_desk.add_claim(article.id, 5, 9, source="AP")
    seeded_desk.add_claim(article.id, 10, 14, source="Reuters")
    assert seeded_desk.sources() == ["Reuters", "AP"]
    assert seeded_desk.tag_names() == ["a", "b"]


def test_article_filter_uses_full_text_search(seeded_desk: Desk) -> None:
    titles = [s.title for s in seeded_desk.article_summaries("measles")]
    assert titles == ["Vaccination rates fall for a fifth year, health agency says 💉"]
    assert [s.title for s in seeded_desk.article_summaries("Zelensk")] == [
        "Russia invasion of Ukraine latest news and live updates"]
    assert len(seeded_desk.article_summaries("")) == 5
    assert seeded_desk.article_summaries('"; DROP TABLE articles; --') == []


def test_article_ids_matching_is_the_filter_set(seeded_desk: Desk) -> None:
    flood = article_titled(seeded_desk, "Flood")
    assert seeded_desk.article_ids_matching("insurers warned") == {flood.id}
    assert seeded_desk.article_ids_matching("  ") is None
    assert seeded_desk.article_ids_matching("zzzzqqq") == set()


def test_claims_page_walks_the_whole_desk_in_order(seeded_desk: Desk) -> None:
    for article in seeded_desk.articles():
        for start in range(0, 400, 37):  # overlapping spans, several per article
            seeded_desk.add_claim(article.id, start + 60, start + 90)
    victim = seeded_desk.claims()[7]
    seeded_desk.delete_claim(victim.id)
    pages, key = [], None
    while True:
        page, key = seeded_desk.claims_page(key, 4)
        pages.append(page)
        if key is None:
            break
    walked = [c.id for page in pages for c in page]
    assert walked == [c.id for c in seeded_desk.claims()]
    assert victim.id not in walked
    assert all(len(page) == 4 for page in pages[:-1])


def test_article_titles(seeded_desk: Desk) -> None:
    titles = seeded_desk.article_titles()
    assert len(titles) == 5
    assert {a.id: a.title for a in seeded_desk.articles()} == titles


def test_the_article_list_pages_in_its_order_through_its_index(desk: Desk) -> None:
    """Pages of the list, filtered or not, add up to the whole list, newest first (by
    publication date, else import date), and SQLite seeks in idx_articles_order."""
    from desk import ArticleDraft

    for number in range(23):
        published = f"2026-0{number % 9 + 1}-1{number % 7}" if number % 4 else ""
        word = "harbour" if number % 3 == 0 else "valley"
        desk.add_article(ArticleDraft(f"Report {number}", f"Report {number}\n\nA {word} story.",
                                      f"r{number}.txt", published_at=published))
    for query in ("", "harbour", "valley story", "nothing-matches"):
        whole = desk.article_summaries(query)
        pages, key = [], None
        while True:
            page, key = desk.article_page(query, key, 4)
            pages.extend(page)
            if key is None:
                break
        assert pages == whole, query
    listed = desk.article_summaries()
    assert len(listed) == 23
    dates = [s.published_at or s.imported_at for s in listed]
    assert dates == sorted(dates, reverse=True)
    statements: list[str] = []  # the page query as run, its values bound
    desk.conn.set_trace_callback(statements.append)
    _first, key = desk.article_page("", None, 4)
    desk.article_page("", key, 4)
    desk.conn.set_trace_callback(None)
    for sql in statements:
        plan = " ".join(str(row) for row in desk.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "COVERING INDEX idx_articles_order" in plan, plan
