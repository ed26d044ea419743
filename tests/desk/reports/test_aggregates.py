"""The desk in numbers: totals, bars, backlog and filters read from SQL aggregates."""

from __future__ import annotations

from desk.reports.aggregates import Filters, claim_ids_for, desk_figures
from tests.desk.reports.report_data import fill


def test_totals_and_bars(seeded_desk):
    ids = fill(seeded_desk)
    figures = desk_figures(seeded_desk)
    assert figures.total == 5 and figures.waiting == 2 and figures.articles == 2
    assert figures.totals["verified"] == 1 and figures.totals["false"] == 1
    sources = {bar.label: bar.counts for bar in figures.sources}
    assert sources["regional health authority"] == {"verified": 1, "false": 1}
    assert sources["fire service"] == {"misleading": 1, "unchecked": 1}
    assert sum(bar.total for bar in figures.weeks) == 5
    assert sum(bar.total for bar in figures.outlets) == 5
    # Throughput counts verdicts only, by who set the status.
    assert [(b.label, b.total) for b in figures.editors] == [("tester", 3)]
    assert [item.claim_id for item in figures.backlog] == [ids[3], ids[4]]  # oldest first
    assert figures.tags == ["health"]


def test_deleted_claims_are_left_out(seeded_desk):
    ids = fill(seeded_desk)
    seeded_desk.delete_claim(ids[0])
    figures = desk_figures(seeded_desk)
    assert figures.total == 4 and figures.totals["verified"] == 0


def test_filters(seeded_desk):
    ids = fill(seeded_desk)
    assert desk_figures(seeded_desk, Filters(tag="health")).total == 3
    outlet = desk_figures(seeded_desk).outlets[0].label
    by_outlet = desk_figures(seeded_desk, Filters(outlet=outlet))
    assert by_outlet.total == desk_figures(seeded_desk).outlets[0].total
    assert desk_figures(seeded_desk, Filters(date_from="2999-01-01")).total == 0
    assert desk_figures(seeded_desk, Filters(date_to="2000-01-01")).total == 0
    today = seeded_desk.claim(ids[0]).created_at[:10]
    assert desk_figures(seeded_desk, Filters(date_from=today, date_to=today)).total == 5
    assert "tag “health”" in Filters(tag="health").describe()


def test_claim_ids_behind_a_bar(seeded_desk):
    ids = fill(seeded_desk)
    none = Filters()
    assert claim_ids_for(seeded_desk, none, chart="sources", label="fire service") == ids[2:4]
    assert claim_ids_for(seeded_desk, none, chart="sources", label="fire service",
                         status="misleading") == [ids[2]]
    assert claim_ids_for(seeded_desk, none, chart="backlog") == ids[3:]
    assert claim_ids_for(seeded_desk, none, chart="editors", label="tester") == ids[:3]
    week = desk_figures(seeded_desk).weeks[0].label
    assert claim_ids_for(seeded_desk, none, chart="weeks", label=week) == ids
    outlet = desk_figures(seeded_desk).outlets[0]
    assert len(claim_ids_for(seeded_desk, none, chart="outlets", label=outlet.label)) == \
        outlet.total


def test_each_part_counts_as_it_reads_its_index(seeded_desk):
    """Every aggregate reads the index led by its groups, without a sort (SQLite groups by
    sorting otherwise: 3× slower on 100,000 claims), and only the waiting claims' index
    for the backlog; with a date filter too."""
    from desk.reports.aggregates import PARTS

    fill(seeded_desk)
    statements: list[str] = []
    seeded_desk.conn.set_trace_callback(statements.append)
    try:
        for filters in (Filters(), Filters(date_from="2020-01-01", date_to="2999-12-31")):
            for part in PARTS.values():
                part(seeded_desk.conn, filters)
    finally:
        seeded_desk.conn.set_trace_callback(None)
    grouped = [sql for sql in statements if "GROUP BY" in sql or "ORDER BY c.created_at" in sql]
    assert len(grouped) == 8
    used = set()
    for sql in grouped:
        plan = " ".join(row[3] for row in seeded_desk.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "TEMP B-TREE" not in plan, (sql, plan)
        used.update(word for word in plan.split() if word.startswith("idx_claims_"))
    assert used == {"idx_claims_by_day", "idx_claims_live_source", "idx_claims_live",
                    "idx_claims_waiting"}


def test_packed_counts_fall_back_when_a_count_does_not_fit(seeded_desk, monkeypatch):
    """The outlet counts come packed, three statuses to an integer; a count too big for its
    field is read again unpacked (checked with fields of one bit, where 2 is too big)."""
    from desk.reports import aggregates

    fill(seeded_desk)
    expected = aggregates.by_outlet(seeded_desk.conn, Filters())
    assert [b.counts for b in expected["outlets"]] and expected["articles"] == 2
    monkeypatch.setattr(aggregates, "_BITS", 1)
    assert aggregates.by_outlet(seeded_desk.conn, Filters()) == expected


def test_each_status_has_a_pattern_and_a_label_of_its_own():
    """Status is never told by colour alone: one status plain, every other its own pattern,
    each drawn by the SVG charts and the window's."""
    from desk.model import STATUSES
    from desk.reports.palette import COLOURS, LABELS, PATTERNS
    from desk.reports.svg import _PATTERN_SHAPES

    assert set(PATTERNS) == set(LABELS) == set(COLOURS) == set(STATUSES)
    assert len(set(PATTERNS.values())) == len(STATUSES)
    assert {p for p in PATTERNS.values() if p} <= set(_PATTERN_SHAPES)
    assert len(set(LABELS.values())) == len(set(COLOURS.values())) == len(STATUSES)


def test_outlets_are_the_hosts_of_the_urls_else_the_grouping_rule(desk):
    """A plain URL's host is its outlet (lower case, without www.); anything else goes to
    outlet_of (byline, else file name)."""
    from desk import ArticleDraft
    from desk.across.grouping import outlet_of
    from desk.reports.aggregates import outlets

    urls = ["https://www.News.Example/a/b", "http://dailyledger.example", "https://x.example:8080/",
            "https://bücher.example/", "ftp//nothing", "", "https://www./x", "https://-/x",
            "https://a_b.example/"]
    ids = {}
    for n, url in enumerate(urls):
        result = desk.add_article(ArticleDraft(f"T{n}", f"Text {n}.", f"f{n}.txt", url=url,
                                               byline="The Ledger" if n == 5 else ""))
        ids[result.article_id] = url
    found = outlets(desk.conn)
    assert found[next(a for a, u in ids.items() if u == urls[0])] == "news.example"
    assert found[next(a for a, u in ids.items() if u == urls[1])] == "dailyledger.example"
    for article_id, url in ids.items():
        if url not in urls[:2]:
            article = desk.article(article_id)
            assert found[article_id] == outlet_of(url, article.byline, article.source_file), url
