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


def test_aggregates_read_the_covering_index(seeded_desk):
    from desk.reports.aggregates import _claims

    plan = " ".join(str(row) for row in seeded_desk.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT c.source, c.status, count(*) FROM {_claims(seeded_desk.conn)} "
        "WHERE c.deleted_at IS NULL GROUP BY 1, 2"))
    assert "idx_claims_report" in plan
