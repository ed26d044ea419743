"""ClaimReview gaps (required and recommended fields) and the article URL an editor sets."""

from __future__ import annotations

import pytest

from desk.cli import commands
from desk.errors import DeskError, NotFoundError, ReadOnlyDeskError
from desk.formats.interchange import META_REVIEW_URL
from desk.reports.html_report import desk_report_html
from desk.reports.review import gap_summary, review_gaps, set_article_url
from desk.store.schema import META_ORGANISATION
from tests.desk.reports.report_data import fill


def test_gaps_name_what_each_review_lacks(seeded_desk):
    ids = fill(seeded_desk)
    gaps = {g.claim_id: g for g in review_gaps(seeded_desk)}
    assert set(gaps) == set(ids[:3])  # the verdicts only
    assert all("url" in g.required for g in gaps.values())
    assert all("author" in g.recommended for g in gaps.values())
    # The wildfire article has no URL: no appearance.
    assert all("itemReviewed.appearance" in g.recommended for g in gaps.values())
    lines = gap_summary(list(gaps.values()), 3)
    assert "3 of 3 reviews lack required url" in lines[0]

    seeded_desk.set_setting(META_REVIEW_URL, "https://news.example/fact-checks")
    seeded_desk.set_setting(META_ORGANISATION, "The Example Herald")
    article_id = seeded_desk.claim(ids[0]).article_id
    set_article_url(seeded_desk, article_id, "https://news.example/wildfire")
    assert seeded_desk.article(article_id).url == "https://news.example/wildfire"
    assert review_gaps(seeded_desk) == []
    assert gap_summary([], 3) == ["all 3 reviews have every required and recommended field"]


def test_the_report_lists_the_gaps(seeded_desk):
    fill(seeded_desk)
    html = desk_report_html(seeded_desk).html
    assert "ClaimReview: what search engines need" in html
    assert "3 of 3 reviews lack required url" in html


def test_article_url_is_checked(seeded_desk, desk_path):
    article = seeded_desk.articles()[0]
    changes = []
    seeded_desk.subscribe(changes.append)
    with pytest.raises(DeskError):
        set_article_url(seeded_desk, article.id, "not a url")
    with pytest.raises(NotFoundError):
        set_article_url(seeded_desk, "no-such-id", "https://x.example/")
    set_article_url(seeded_desk, article.id, "")
    assert seeded_desk.article(article.id).url == ""
    assert [c.kind for c in changes] == ["articles_changed"]


def test_cli_article_url_and_export_notes(seeded_desk, desk_path, capsys, tmp_path):
    fill(seeded_desk)
    article = seeded_desk.articles()[0]
    seeded_desk.close()
    assert commands.run(["article-url", str(desk_path), article.id,
                         "https://news.example/a"]) == 0
    assert commands.run(["export", str(desk_path), "--format", "claimreview", "-o",
                         str(tmp_path / "r.json")]) == 0
    err = capsys.readouterr().err
    assert "note: 3 of 3 reviews lack required url" in err
    assert "settings --review-url" in err
    assert commands.run(["article-url", str(desk_path), article.id, "ftp://x"]) == 1


def test_read_only_desk_refuses_a_url(desk_path, seeded_desk):
    article = seeded_desk.articles()[0]
    seeded_desk.close()
    from desk import Desk

    with Desk.open(desk_path, read_only=True) as desk, pytest.raises(ReadOnlyDeskError):
        set_article_url(desk, article.id, "https://x.example/")
