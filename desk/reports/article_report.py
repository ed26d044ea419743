"""The fact-check report of one article: its text with the claims highlighted and numbered,
then each claim with its quote, source, figure, verdict, note, and who checked it and when."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from desk.model import Claim
from desk.reports.palette import VERDICTS
from desk.reports.html_report import Report, _page, _who, checked_by, status_badge
from desk.store.schema import META_ORGANISATION

if TYPE_CHECKING:
    from desk.facade import Desk


def highlighted_text(body: str, claims: list[Claim]) -> str:
    """The article as paragraphs of HTML, each claim's words marked and numbered (``[n]``
    before its first word; overlapping claims share the marked words)."""
    numbers = {c.id: i for i, c in enumerate(claims, 1)}
    placed = [c for c in claims if c.anchor_status != "orphaned"]
    out: list[str] = []
    offset = 0
    for paragraph in body.split("\n\n"):
        start, end = offset, offset + len(paragraph)
        offset = end + 2
        if not paragraph.strip():
            continue
        inside = [c for c in placed if c.start_char < end and c.end_char > start]
        cuts = sorted({start, end} | {max(start, min(end, p)) for c in inside
                                       for p in (c.start_char, c.end_char)})
        html = []
        for a, b in zip(cuts, cuts[1:]):
            starting = [c for c in inside if c.start_char == a]
            html.extend(f'<span class="num">[{numbers[c.id]}]</span>&#8201;' for c in starting)
            text = escape(body[a:b]).replace("\n", "<br>")
            if any(c.start_char <= a and c.end_char >= b for c in inside):
                html.append(f'<span class="claim" style="background-color:#fff1a8">{text}</span>')
            else:
                html.append(text)
        out.append(f"<p>{''.join(html)}</p>")
    return "\n".join(out)


def article_report_html(desk: Desk, article_id: str) -> Report:
    """One article's fact-check report (see the module docstring)."""
    article = desk.article(article_id)
    claims = desk.claims(article_id)
    organisation = desk.setting(META_ORGANISATION)
    title = f"Fact check: {article.title}"
    meta = " · ".join(escape(x) for x in (article.byline, article.published_at[:10],
                                           article.url, organisation) if x)
    checks = checked_by(desk, (c.id for c in claims))
    items = []
    for number, claim in enumerate(claims, 1):
        rows = [("Source", escape(claim.source) or "—"), ("Figure", escape(claim.figure) or "—"),
                ("Verdict", status_badge(claim.status)), ("Note", escape(claim.note) or "—")]
        who = _who(claim, checks)
        if who:
            rows.append(("Checked by", who))
        if claim.tags:
            rows.append(("Tags", escape(", ".join(claim.tags))))
        if claim.anchor_status != "anchored":
            rows.append(("Anchor", escape(claim.anchor_status)))
        table = "".join(f"<tr><th style=\"width:7em\">{k}</th><td>{v}</td></tr>" for k, v in rows)
        items.append(f"<h3>[{number}]</h3><blockquote>“{escape(claim.quote)}”</blockquote>"
                     f"<table>{table}</table>")
    body = (f"<h1>{escape(title)}</h1><p class=\"meta\">{meta}</p>"
            f"<p>{len(claims)} claims tagged in this article, "
            f"{sum(c.status in VERDICTS for c in claims)} with a verdict.</p>"
            f"<h2>The article</h2>{highlighted_text(article.body, claims)}"
            f"<h2>The claims</h2>{''.join(items) or '<p>No claims were tagged.</p>'}")
    return Report(title, _page(title, body), {}, len(claims))
