"""HTML reports: self-contained (no script, no remote asset), every claim with its verdict."""

from __future__ import annotations

import random
import time
from html.parser import HTMLParser

import pytest

from desk.errors import DeskError
from desk.reports.aggregates import Filters
from desk.reports.article_report import article_report_html, highlighted_text
from desk.reports.files import write_report
from desk.reports.palette import LABELS
from tests.desk.reports.report_data import fill


class _Collector(HTMLParser):
    """Tags, the URLs the page would fetch, and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.fetched: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "data") and value:
                self.fetched.append(value)
            if name == "style" and "url(" in (value or "") and "url(#" not in value:
                self.fetched.append(value)

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def assert_self_contained(html: str) -> _Collector:
    page = parse(html)
    assert "script" not in page.tags
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert all(not url.startswith(("http:", "https:", "//")) for url in page.fetched), page.fetched
    assert "@import" not in html
    return page


def test_desk_report(seeded_desk, tmp_path):
    fill(seeded_desk)
    report = write_report(seeded_desk, tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    page = assert_self_contained(html)
    assert page.tags.count("svg") == 4
    text = " ".join(page.text)
    for claim in seeded_desk.claims():
        assert claim.quote in text
        assert LABELS[claim.status] in text
    assert report.claims == 5 and "5 claims in 2 articles" in " ".join(text.split())


def test_filtered_report_and_images(seeded_desk):
    from desk.reports.html_report import desk_report_html

    fill(seeded_desk)
    report = desk_report_html(seeded_desk, Filters(tag="health"), images=True)
    assert report.claims == 3 and "<svg" not in report.html
    assert set(report.charts) == {"weeks", "sources", "outlets", "editors"}
    assert 'src="chart:weeks"' in report.html
    assert "burned about 48,000 hectares" not in report.html


def test_article_report_numbers_and_highlights(seeded_desk, tmp_path):
    ids = fill(seeded_desk)
    claim = seeded_desk.claim(ids[0])
    report = write_report(seeded_desk, tmp_path / "a.html", article_id=claim.article_id)
    html = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert_self_contained(html)
    assert report.claims == 4
    assert '<span class="num">[1]</span>&#8201;<span class="claim"' in html
    assert "Checked by" in html and "tester" in html
    for number in range(1, 5):
        assert f"[{number}]" in html


def test_highlight_overlapping_claims(seeded_desk):
    article = next(a for a in seeded_desk.articles() if "Wildfire" in a.title)
    start = article.body.index("hospital admissions")
    a = seeded_desk.add_claim(article.id, start, start + 30)
    b = seeded_desk.add_claim(article.id, start + 9, start + 19)
    html = highlighted_text(article.body, seeded_desk.claims(article.id))
    assert html.count('class="num"') == 2
    page = parse(html)
    shown = "".join(page.text).replace("[1]", "").replace("[2]", "")
    assert shown.split() == article.body.split()
    assert a.id != b.id


def test_report_wants_html(seeded_desk, tmp_path):
    with pytest.raises(DeskError):
        write_report(seeded_desk, tmp_path / "r.docx")


def test_report_of_2000_claims_in_5_seconds(seeded_desk, tmp_path):
    rng = random.Random(7)
    statuses = list(LABELS)
    for article in seeded_desk.articles():
        body = article.body
        for i in range(400):
            start = rng.randrange(0, len(body) - 20)
            seeded_desk.add_claim(article.id, start, start + rng.randint(5, 19),
                                  source=f"source {i % 30}", figure=str(i),
                                  status=rng.choice(statuses))
    assert seeded_desk.counts()[1] >= 2000
    began = time.perf_counter()
    report = write_report(seeded_desk, tmp_path / "big.html")
    elapsed = time.perf_counter() - began
    assert report.claims >= 2000
    assert elapsed <= 5.0, f"{elapsed:.1f} s"
    assert_self_contained((tmp_path / "big.html").read_text(encoding="utf-8"))
