"""The whole-desk claims table reads its claims a page at a time (issue 6: big desks)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desk import Desk
from ui import models
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
    monkeypatch.setattr(models, "PAGE_SIZE", 7)
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


def test_sorting_the_whole_desk_reads_every_page_first(qtbot, monkeypatch,
                                                       busy_desk: Desk) -> None:
    monkeypatch.setattr(models, "PAGE_SIZE", 5)
    model = ClaimsTableModel(busy_desk)
    pane = ClaimsTablePane(model)
    qtbot.addWidget(pane)
    pane.set_whole_desk(True)
    assert pane.heading.text() == "30 claims on the whole desk"
    pane.table.sortByColumn(FIGURE, Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 30
    top = pane.proxy.index(0, FIGURE).data()
    assert top == str(min(c.figure_value for c in busy_desk.claims()).__int__())


def test_article_filter_shows_a_subset_of_the_loaded_list(seeded_desk: Desk) -> None:
    model = ArticleListModel(seeded_desk)
    model.set_query("insurers")
    assert [model.summary(r).title for r in range(model.rowCount())] == [
        a.title for a in seeded_desk.articles() if "insurers" in a.body]
    flood_id = model.summary(0).id
    model.set_query("")
    assert model.rowCount() == 5 and model.row_of(flood_id) >= 0
