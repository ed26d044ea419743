"""Fact-check reports as one self-contained HTML page: for the desk, or for one article.

The page has no script and no remote reference: the charts are inline SVG
(:mod:`desk.reports.svg`), the style is in the page, and it prints on A4 and Letter alike
(``@page`` margins, tables that break between rows). With ``images=True`` each chart is an
``<img src="chart:NAME">`` instead and the SVG comes back beside the page, for the PDF writer
(Qt's rich text draws images, not inline SVG).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from desk.clock import now_iso
from desk.model import STATUSES, Claim
from desk.reports.aggregates import DeskFigures, Filters, claim_ids_for, desk_figures
from desk.reports.palette import COLOURS, LABELS, VERDICTS
from desk.reports.svg import column_bars, horizontal_bars
from desk.store.schema import META_ORGANISATION

if TYPE_CHECKING:
    from desk.facade import Desk

#: The page's style: plain, printable, the same on screen and paper.
STYLE = """
@page { size: auto; margin: 18mm 16mm; }
body { font-family: "DejaVu Serif", Georgia, serif; font-size: 11pt; color: #111;
       max-width: 46em; margin: 2em auto; line-height: 1.45; }
h1 { font-family: "DejaVu Sans", Helvetica, sans-serif; font-size: 20pt; margin: 0 0 .2em;
     line-height: 1.15; }
h2 { font-family: "DejaVu Sans", Helvetica, sans-serif; font-size: 14pt; margin: 1.6em 0 .4em;
     border-bottom: 1px solid #999; page-break-after: avoid; }
p.meta { color: #444; font-size: 9.5pt; margin: 0 0 1em; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
th, td { border-bottom: 1px solid #ccc; padding: 3px 5px; text-align: left; vertical-align: top; }
th { font-family: "DejaVu Sans", Helvetica, sans-serif; background: #eee; }
tr { page-break-inside: avoid; }
td.n { text-align: right; }
.status { font-family: "DejaVu Sans", Helvetica, sans-serif; font-size: 8.5pt; padding: 0 4px;
          border: 1px solid #555; white-space: nowrap; }
.claim { background-color: #fff1a8; }
.num { font-family: "DejaVu Sans", Helvetica, sans-serif; font-size: 8.5pt; font-weight: bold;
       color: #8a3c00; }
figure { margin: 1em 0; page-break-inside: avoid; }
blockquote { margin: .3em 0 .3em 1em; font-style: italic; }
p.item { margin: .5em 0; page-break-inside: avoid; }
.facts { font-family: "DejaVu Sans", Helvetica, sans-serif; font-size: 8.5pt; color: #333; }
"""


@dataclass
class Report:
    """A rendered report: its HTML and, when asked for images, the SVG of each chart."""

    title: str
    html: str
    charts: dict[str, str] = field(default_factory=dict)
    claims: int = 0


def status_badge(status: str) -> str:
    """The status as a word on its colour (never colour alone)."""
    return (f'<span class="status" style="background-color:{COLOURS.get(status, "#fff")}">'
            f'{escape(LABELS.get(status, status))}</span>')


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
            f"<body>{body}</body></html>\n")


class _Charts:
    """Puts charts inline (SVG) or as named images, as the report is asked."""

    def __init__(self, images: bool) -> None:
        self.images = images
        self.svgs: dict[str, str] = {}

    def add(self, name: str, svg: str, alt: str) -> str:
        if not self.images:
            return f"<figure>{svg}</figure>"
        self.svgs[name] = svg
        return f'<p><img src="chart:{name}" alt="{escape(alt)}"></p>'


def checked_by(desk: Desk, claim_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """claim id -> (editor, when) of the last change of each claim's status."""
    found: dict[str, tuple[str, str]] = {}
    ids = list(claim_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ", ".join("?" * len(chunk))
        for claim_id, editor, when in desk.conn.execute(
                f"SELECT claim_id, editor, edited_at FROM claim_edits WHERE field = 'status' "
                f"AND claim_id IN ({marks})", chunk):
            found[claim_id] = (editor, when)
    return found


def _who(claim: Claim, checks: dict[str, tuple[str, str]]) -> str:
    if claim.status not in VERDICTS:
        return ""
    editor, when = checks.get(claim.id, (claim.editor, claim.updated_at))
    return f"{escape(editor or '(no name)')}, {escape(when[:10])}"


def desk_report_html(desk: Desk, filters: Filters | None = None, *,
                     images: bool = False) -> Report:
    """The desk report: summary counts, the charts, the figures that disagree, the backlog
    and every claim by verdict."""
    filters = filters or Filters()
    figures = desk_figures(desk, filters)
    organisation = desk.setting(META_ORGANISATION)
    title = f"Fact-check report{' — ' + organisation if organisation else ''}"
    charts = _Charts(images)
    ids = claim_ids_for(desk, filters)
    claims = desk.claims_by_id(ids)
    titles = desk.article_titles()
    parts = [f"<h1>{escape(title)}</h1>",
             f'<p class="meta">{escape(Path(str(desk.path)).name)} · {escape(filters.describe())}'
             f" · made {escape(now_iso()[:16].replace('T', ' '))} UTC</p>",
             _summary(figures)]
    parts.append("<h2>The desk in charts</h2>")
    for name, title, alt in (("sources", "Claims by source (top 15)", "claims by source"),
                             ("outlets", "Claims by outlet (top 15)", "claims by outlet"),
                             ("editors", "Verdicts given by each editor", "verdicts by editor")):
        parts.append(charts.add(name, horizontal_bars(name, title, getattr(figures, name)),
                                alt))
    parts.append(charts.add("weeks", column_bars(
        "weeks", "Claims tagged each week, by status", figures.weeks), "claims by week"))
    parts.append(_disagreements(desk, set(ids)))
    parts.append(_backlog(figures, titles))
    parts.append(_by_verdict(desk, claims, titles))
    parts.append(_review_gaps(desk, set(ids)))
    return Report(title, _page(title, "\n".join(parts)), charts.svgs, len(claims))


def _summary(figures: DeskFigures) -> str:
    cells = "".join(f"<tr><td>{status_badge(s)}</td><td class=\"n\">{figures.totals[s]:,}</td>"
                    "</tr>" for s in STATUSES)
    return (f"<p><b>{figures.total:,}</b> claims in <b>{figures.articles:,}</b> articles; "
            f"<b>{figures.total - figures.waiting:,}</b> with a verdict, "
            f"<b>{figures.waiting:,}</b> waiting.</p>"
            f"<table style=\"width:auto\"><tr><th>status</th><th>claims</th></tr>{cells}</table>")


def _disagreements(desk: Desk, ids: set[str]) -> str:
    from desk.across.views import disagreements

    found = [d for d in disagreements(desk) if d.claim_a.id in ids or d.claim_b.id in ids]
    if not found:
        return "<h2>Figures that disagree</h2><p>None found.</p>"
    rows = "".join(
        f"<tr><td>{escape(d.claim_a.source or '—')}</td>"
        f"<td>“{escape(d.claim_a.figure)}” ({escape(d.outlet_a)})</td>"
        f"<td>“{escape(d.claim_b.figure)}” ({escape(d.outlet_b)})</td>"
        f"<td>{escape(d.message())}</td></tr>" for d in found[:200])
    more = f"<p>… and {len(found) - 200:,} more.</p>" if len(found) > 200 else ""
    return (f"<h2>Figures that disagree ({len(found):,})</h2><table><tr><th>source</th>"
            f"<th>one figure</th><th>the other</th><th>why</th></tr>{rows}</table>{more}")


def _item(quote: str, status: str, facts: list[tuple[str, str]], note: str = "") -> str:
    """One claim as a paragraph: its verdict and quote, then what is known of it."""
    known = " · ".join(f"{name}: {value}" for name, value in facts if value)
    return (f'<p class="item">{status_badge(status)} “{escape(quote)}”'
            f'<br><span class="facts">{known}</span>'
            + (f"<br><span class=\"facts\">Note: {escape(note)}</span>" if note else "")
            + "</p>")


def _review_gaps(desk: Desk, ids: set[str]) -> str:
    """The ClaimReviews of these claims that a search engine would refuse or rank lower."""
    from desk.formats.interchange import claim_reviews
    from desk.reports.review import gap_summary, review_gaps

    reviews = [r for r in claim_reviews(desk) if str(r.get("@id", ""))[9:] in ids]
    gaps = review_gaps(desk, reviews)
    heading = "<h2>ClaimReview: what search engines need</h2>"
    if not reviews:
        return heading + "<p>No claim has a verdict yet.</p>"
    lines = "".join(f"<li>{escape(line)}</li>" for line in gap_summary(gaps, len(reviews)))
    items = "".join(f"<li>{escape(gap.message())}</li>" for gap in gaps[:100])
    more = f"<p>… and {len(gaps) - 100:,} more.</p>" if len(gaps) > 100 else ""
    return f"{heading}<ul>{lines}</ul>" + (f"<p>Reviews that lack a field:</p><ul>{items}</ul>"
                                          f"{more}" if gaps else "")


def _backlog(figures: DeskFigures, titles: dict[str, str]) -> str:
    if not figures.backlog:
        return "<h2>Waiting to be checked</h2><p>Nothing is waiting.</p>"
    items = "".join(_item(item.quote, item.status, [
        ("tagged", escape(item.created_at[:10])), ("source", escape(item.source)),
        ("article", escape(titles.get(item.article_id, "")))]) for item in figures.backlog)
    return f"<h2>Waiting to be checked ({figures.waiting:,}, oldest first)</h2>{items}"


def _by_verdict(desk: Desk, claims: list[Claim], titles: dict[str, str]) -> str:
    checks = checked_by(desk, (c.id for c in claims if c.status in VERDICTS))
    parts = ["<h2>Claims by verdict</h2>"]
    for status in VERDICTS + ("checking", "unchecked"):
        chosen = [c for c in claims if c.status == status]
        if not chosen:
            continue
        parts.append(f"<h3>{escape(LABELS[status])} ({len(chosen):,})</h3>")
        parts.extend(_item(c.quote, c.status, [
            ("source", escape(c.source)), ("figure", escape(c.figure)),
            ("article", escape(titles.get(c.article_id, ""))),
            ("checked", _who(c, checks))], c.note) for c in chosen)
    return "".join(parts)
