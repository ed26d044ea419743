"""What the desk found, at a glance: aggregates, charts (SVG), reports (HTML) and publishing (Datasette).

The package's public face is loaded on first use::

    from desk.reports import desk_figures, Filters, write_report
"""

from __future__ import annotations

from desk.lazy import lazy_face

#: Public name -> the module that defines it.
_FACE = {
    "Filters": "desk.reports.aggregates",
    "DeskFigures": "desk.reports.aggregates",
    "desk_figures": "desk.reports.aggregates",
    "write_report": "desk.reports.files",
    "build_report": "desk.reports.files",
    "desk_report_html": "desk.reports.html_report",
    "article_report_html": "desk.reports.article_report",
    "datasette_metadata": "desk.reports.publish",
    "snapshot": "desk.reports.publish",
}


__getattr__ = lazy_face(__name__, _FACE)
