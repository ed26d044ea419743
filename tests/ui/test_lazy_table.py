"""The claims table reads its claims a page at a time, for one article or the whole desk
(issue 6: big desks)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desk import Desk
from ui import article_model, claims_model
from ui.claims_table import ClaimsTablePane
from ui.models import FIGURE, ArticleListModel, ClaimsTableModel


@pytest.fixture
def busy_desk(seeded_desk: Desk) -> Desk:
    """Thirty claims spread over the seed articles, each with a figure."""
    for number, article in enumerate(seeded_desk.articles()):
        for step in range(6):
            start = 60 + step * 40
            seeded_desk.add_claim(article.id, start, start + 25, figure=str(100 - number * 6 - step))
    return seeded_desk


def test_whole_desk_is_fetched_page_by_page(qtmodeltester, monkeypatch, busy_desk: Desk) -> None:
    monkeypatch.setattr(claims_model, "PAGE_SIZE", 7)
    model = ClaimsTableModel(busy_desk)
    model.set_whole_desk(True)
    assert model.rowCount() == 7 and model.total_count() == 30
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 14
    qtmodeltester.check(model)
    model.fetch_all()
    assert [model.claim(r).id for r in range(model.rowCount())] == [
        c.id for c in busy_desk.claims()]
    assert not model.canFetchMore()


def test_sorting_the_whole_desk_sorts_in_the_desk_off_the_ui_thread(qtbot, monkeypatch,
                                                                    busy_desk: Desk) -> None:
    """A header click sorts all 30 claims (not just the loaded page) on a worker thread,
    then reads pages in that order; edits follow."""
    monkeypatch.setattr(claims_model, "PAGE_SIZE", 5)
    model = ClaimsTableModel(busy_desk)
    pane = ClaimsTablePane(model)
    qtbot.addWidget(pane)
    # the view fetches another page whenever its last row shows, when the event loop gets to
    # it (sooner or later on a busy machine): a table two rows high never shows the fifth
    # row, so every page read here is the model's doing
    table = pane.table
    table.resize(700, table.horizontalHeader().sizeHint().height()
                 + 2 * table.verticalHeader().defaultSectionSize())
    pane.set_whole_desk(True)
    assert pane.heading.text() == "30 claims on the whole desk"
    finished: list[bool] = []
    model.sorting.connect(lambda running: finished.append(not running))
    pane.table.sortByColumn(FIGURE, Qt.SortOrder.AscendingOrder)
    assert pane.heading.text() == "Sorting 30 claims…" and finished == [False]
    qtbot.waitUntil(lambda: finished[-1], timeout=60000)  # a worker, on a busy machine
    assert finished == [False, True]
    assert pane.heading.text() != "Sorting 30 claims…"
    assert model.rowCount() == 5 and model.total_count() == 30
    model.fetch_all()
    values = [model.claim(r).figure_value for r in range(model.rowCount())]
    assert values == sorted(c.figure_value for c in busy_desk.claims())
    # a deleted claim leaves the order and the pages consistent
    busy_desk.subscribe(model.on_change)
    gone = model.claim(2)
    busy_desk.delete_claim(gone.id)
    assert model.total_count() == 29 and gone.id not in [c.id for c in model.claims()]
    # back to text order
    pane.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    model.fetch_all()
    assert [c.id for c in model.claims()] == [c.id for c in busy_desk.claims()]


def test_every_column_sorts_in_the_desk_as_it_reads(busy_desk: Desk) -> None:
    """The desk's sort for each column orders the claims as the table shows them."""
    from desk.store.reads import CLAIM_SORTS

    claims = busy_desk.claims()
    article = busy_desk.articles()[0]
    busy_desk.update_claim(claims[0].id, source="zeta agency", tags=["b", "a"])
    busy_desk.update_claim(claims[1].id, source="Alpha office", status="false")
    claims = {c.id: c for c in busy_desk.claims()}
    for by in CLAIM_SORTS:
        for descending in (False, True):
            ids = busy_desk.claim_ids_sorted(by, descending=descending)
            assert sorted(ids) == sorted(claims)
            keys = [_key(by, claims[i], busy_desk) for i in ids]
            assert keys == sorted(keys, reverse=descending), (by, descending)
    mine = busy_desk.claim_ids_sorted("figure", article_id=article.id)
    assert {claims[i].article_id for i in mine} == {article.id}


def _key(by: str, claim, desk: Desk):
    """What the table shows for a sort, as Python compares it."""
    from desk import STATUSES

    title = desk.article(claim.article_id).title.casefold()
    return {
        "position": (title, claim.start_char, claim.end_char),
        "source": claim.source.casefold(),
        "figure": claim.figure_value if claim.figure_value is not None else float("-inf"),
        "status": STATUSES.index(claim.status),
        "tags": ", ".join(claim.tags).casefold(),
        "article": title,
    }[by]


def test_article_filter_shows_the_matching_articles(seeded_desk: Desk) -> None:
    model = ArticleListModel(seeded_desk)
    model.set_query("insurers")
    assert [model.summary(r).title for r in range(model.rowCount())] == [
        a.title for a in seeded_desk.articles() if "insurers" in a.body]
    flood_id = model.summary(0).id
    model.set_query("")
    assert model.rowCount() == 5 and model.row_of(flood_id) >= 0


def test_one_article_is_fetched_page_by_page_and_follows_edits_beyond_the_loaded_rows(
        qtmodeltester, monkeypatch, busy_desk: Desk) -> None:
    monkeypatch.setattr(claims_model, "PAGE_SIZE", 4)
    article = busy_desk.articles()[0]
    model = ClaimsTableModel(busy_desk)
    model.show_article(article.id)
    busy_desk.subscribe(model.on_change)  # as the window forwards the desk's changes
    assert model.rowCount() == 4 and model.total_count() == 6 and model.canFetchMore()
    # a claim after the loaded rows is not inserted (its page brings it) but counted
    tail = len(article.body) - 10
    late = busy_desk.add_claim(article.id, tail, tail + 5)
    assert model.rowCount() == 4 and model.total_count() == 7
    # ...and one before them is inserted in text order
    early = busy_desk.add_claim(article.id, 0, 5)
    assert model.claim(0).id == early.id and model.total_count() == 8
    # deleting a claim not loaded yet still counts
    busy_desk.delete_claim(late.id)
    assert model.total_count() == 7
    # finding a claim reads on until its row is loaded
    last = busy_desk.claims(article.id)[-1]
    assert model.row_of(last.id) == 6 and not model.canFetchMore()
    assert [model.claim(r).id for r in range(model.rowCount())] == [
        c.id for c in busy_desk.claims(article.id)]
    qtmodeltester.check(model)


def test_article_pages_read_the_same_claims_in_the_same_order(busy_desk: Desk) -> None:
    for article in busy_desk.articles():
        pages, key = [], None
        while True:
            page, key = busy_desk.claims_page(key, 4, article.id)
            pages.extend(page)
            if key is None:
                break
        assert pages == busy_desk.claims(article.id)
        assert [(m.id, m.start_char, m.end_char) for m in busy_desk.claim_marks(article.id)] == [
            (c.id, c.start_char, c.end_char) for c in busy_desk.claims(article.id)]


def test_the_article_list_reads_a_page_at_a_time_and_finds_any_article(
        qtmodeltester, monkeypatch, seeded_desk: Desk) -> None:
    from desk import ArticleDraft

    for number in range(12):
        seeded_desk.add_article(ArticleDraft(f"Brief {number}", f"Brief {number}\n\nText.",
                                             f"brief{number}.txt"))
    monkeypatch.setattr(article_model, "PAGE_SIZE", 5)
    model = ArticleListModel(seeded_desk)
    everything = seeded_desk.article_summaries()
    assert len(everything) == 17 and model.rowCount() == 5 and model.canFetchMore()
    oldest = everything[-1]
    assert model.row_of(oldest.id) == -1  # not read yet
    assert model.row_of(oldest.id, fetch=True) == 16 and not model.canFetchMore()
    assert [model.summary(r) for r in range(model.rowCount())] == everything
    model.set_query("brief")
    assert model.rowCount() == 5 and model.canFetchMore()
    qtmodeltester.check(model)
    assert [model.summary(r).title for r in range(model.rowCount())] == [
        s.title for s in seeded_desk.article_summaries("brief")]


def test_stepping_past_the_loaded_articles_reads_the_next_page(qtbot, monkeypatch,
                                                               seeded_desk: Desk) -> None:
    from ui.article_list import ArticleListPane

    monkeypatch.setattr(article_model, "PAGE_SIZE", 2)
    pane = ArticleListPane(ArticleListModel(seeded_desk))
    qtbot.addWidget(pane)
    chosen: list[str] = []
    pane.articleChosen.connect(chosen.append)
    for _ in range(4):
        pane.step(1)
    everything = seeded_desk.article_summaries()
    assert chosen == [s.id for s in everything[:4]]
