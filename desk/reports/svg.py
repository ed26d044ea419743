"""Charts as self-contained, accessible SVG: stacked bars by review status.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says in words
what it shows, a legend, the count at the end of every bar, and a pattern on top of each
verdict's colour (:mod:`desk.reports.palette`), so that it reads in grey print and with any
colour vision. No script, no remote reference: the HTML report inlines them as they are,
and the PDF draws them from the same text.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from desk.model import STATUSES
from desk.reports.aggregates import Bar
from desk.reports.palette import COLOURS, LABELS, PATTERNS

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
_PATTERN_SHAPES = {
    "dots": '<circle cx="3" cy="3" r="1.2" fill="#000" fill-opacity="0.55"/>',
    "diagonal": '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#000" '
                'stroke-opacity="0.5" stroke-width="1"/>',
    "cross": '<path d="M0,0 L6,6 M6,0 L0,6" stroke="#000" stroke-opacity="0.55" '
             'stroke-width="1"/>',
    "horizontal": '<path d="M0,3 L6,3" stroke="#000" stroke-opacity="0.5" stroke-width="1.2"/>',
    "vertical": '<path d="M3,0 L3,6" stroke="#000" stroke-opacity="0.4" stroke-width="1"/>',
}


def _defs(prefix: str) -> str:
    patterns = "".join(
        f'<pattern id="{prefix}-{name}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'{shape}</pattern>' for name, shape in _PATTERN_SHAPES.items())
    return f"<defs>{patterns}</defs>"


def _segment(prefix: str, status: str, x: float, y: float, w: float, h: float,
             tooltip: str) -> str:
    rect = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'fill="{COLOURS[status]}"><title>{escape(tooltip)}</title></rect>')
    pattern = PATTERNS[status]
    if pattern:
        rect += (f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                 f'fill="url(#{prefix}-{pattern})" aria-hidden="true"/>')
    return rect


def _legend(prefix: str, statuses: Sequence[str], y: float, width: float) -> str:
    """A row of swatches with each status's name, wrapping to the width."""
    parts, x, row = [], 0.0, 0
    for status in statuses:
        label = LABELS[status]
        step = 24 + 7.2 * len(label)
        if x + step > width and x:
            x, row = 0.0, row + 1
        top = y + row * 18
        parts.append(_segment(prefix, status, x, top, 14, 12, label))
        parts.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="14" height="12" fill="none" '
                     f'stroke="#333" stroke-width="0.6"/>')
        parts.append(f'<text x="{x + 19:.1f}" y="{top + 10:.1f}">{escape(label)}</text>')
        x += step
    return "".join(parts)


def _used(bars: Sequence[Bar]) -> list[str]:
    return [s for s in STATUSES if any(b.counts.get(s) for b in bars)]


def describe_bars(title: str, bars: Sequence[Bar]) -> str:
    if not bars:
        return f"{title}: no claims."
    listed = "; ".join(
        f"{b.label}: {b.total} ("
        + ", ".join(f"{b.counts[s]} {LABELS[s].lower()}" for s in STATUSES if b.counts.get(s))
        + ")" for b in bars[:15])
    return f"{title}. {listed}."


def _open(prefix: str, title: str, bars: Sequence[Bar], width: float, height: float) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'aria-labelledby="{prefix}-t {prefix}-d" font-family="{FONT}" font-size="11">'
            f'<title id="{prefix}-t">{escape(title)}</title>'
            f'<desc id="{prefix}-d">{escape(describe_bars(title, bars))}</desc>'
            + _defs(prefix)
            + f'<rect width="{width:.0f}" height="{height:.0f}" fill="#fff"/>'
            f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>')


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def horizontal_bars(prefix: str, title: str, bars: Sequence[Bar], *,
                    width: float = 560) -> str:
    """One labelled bar per row, segments by status, the total at the bar's end."""
    label_w, row_h, top = 190.0, 20.0, 26.0
    if not bars:
        return _empty(prefix, title, width)
    statuses = _used(bars)
    legend_rows = 1 + int(sum(24 + 7.2 * len(LABELS[s]) for s in statuses) // width)
    height = top + row_h * len(bars) + 10 + 18 * legend_rows
    biggest = max(b.total for b in bars) or 1
    room = width - label_w - 50
    parts = [_open(prefix, title, bars, width, height)]
    for i, bar in enumerate(bars):
        y = top + i * row_h
        parts.append(f'<text x="{label_w - 8:.0f}" y="{y + 13:.1f}" text-anchor="end">'
                     f'<title>{escape(bar.label)}</title>{escape(_short(bar.label, 30))}</text>')
        x = label_w
        for status in STATUSES:
            n = bar.counts.get(status, 0)
            if n:
                w = room * n / biggest
                parts.append(_segment(prefix, status, x, y + 2, w, row_h - 5,
                                      f"{bar.label}: {n} {LABELS[status].lower()}"))
                x += w
        parts.append(f'<text x="{x + 5:.1f}" y="{y + 13:.1f}">{bar.total:,}</text>')
    parts.append(_legend(prefix, statuses, top + row_h * len(bars) + 6, width))
    parts.append("</svg>")
    return "".join(parts)


def column_bars(prefix: str, title: str, bars: Sequence[Bar], *, width: float = 560,
                height: float = 240) -> str:
    """Stacked columns left to right (weeks), a y axis of claim counts, dates below."""
    if not bars:
        return _empty(prefix, title, width)
    statuses = _used(bars)
    left, top, bottom = 44.0, 28.0, 40.0
    legend_rows = 1 + int(sum(24 + 7.2 * len(LABELS[s]) for s in statuses) // width)
    plot_h = height - top - bottom
    total_h = height + 18 * legend_rows
    biggest = max(b.total for b in bars) or 1
    step = (width - left - 8) / len(bars)
    bar_w = max(2.0, min(36.0, step * 0.75))
    parts = [_open(prefix, title, bars, width, total_h)]
    for tick in ticks(biggest):
        y = top + plot_h * (1 - tick / biggest)
        parts.append(f'<line x1="{left:.0f}" x2="{width:.0f}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd" stroke-width="0.6"/><text x="{left - 5:.0f}" '
                     f'y="{y + 4:.1f}" text-anchor="end">{tick:,}</text>')
    every = max(1, int(len(bars) // ((width - left) / 70)) + 1)
    for i, bar in enumerate(bars):
        x = left + i * step + (step - bar_w) / 2
        y = top + plot_h
        for status in STATUSES:
            n = bar.counts.get(status, 0)
            if n:
                h = plot_h * n / biggest
                y -= h
                parts.append(_segment(prefix, status, x, y, bar_w, h,
                                      f"week of {bar.label}: {n} {LABELS[status].lower()}"))
        if i % every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14:.1f}" '
                         f'text-anchor="middle">{escape(week_label(bar.label))}</text>')
    parts.append(f'<line x1="{left:.0f}" x2="{width:.0f}" y1="{top + plot_h:.1f}" '
                 f'y2="{top + plot_h:.1f}" stroke="#333" stroke-width="0.8"/>')
    parts.append(f'<text x="{left:.0f}" y="{top + plot_h + 30:.1f}" fill="#444">'
                 f'week beginning</text>')
    parts.append(_legend(prefix, statuses, height - 2, width))
    parts.append("</svg>")
    return "".join(parts)


def week_label(iso: str) -> str:
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    try:
        return f"{int(iso[8:10])} {months[int(iso[5:7]) - 1]}"
    except (ValueError, IndexError):
        return iso


def ticks(biggest: int) -> list[int]:
    """Three or four round values from 0 to ``biggest`` for the y axis."""
    step = 1
    while biggest / step > 4:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if biggest / step <= 4:
                break
    return list(range(0, biggest + 1, step))


def _empty(prefix: str, title: str, width: float) -> str:
    return (_open(prefix, title, [], width, 50)
            + '<text x="0" y="38" fill="#555">No claims yet.</text></svg>')
