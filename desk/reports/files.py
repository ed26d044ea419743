"""Reports written to files: HTML here (the PDF is Qt's, drawn by the window and ``main.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desk.errors import DeskError
from desk.formats.csv_export import write_text_atomically
from desk.reports.aggregates import Filters
from desk.reports.article_report import article_report_html
from desk.reports.html_report import Report, desk_report_html

if TYPE_CHECKING:
    from desk.facade import Desk


def build_report(desk: Desk, filters: Filters | None = None, *, article_id: str | None = None,
                 images: bool = False) -> Report:
    """The desk report, or one article's when ``article_id`` is given."""
    if article_id:
        return article_report_html(desk, article_id)
    return desk_report_html(desk, filters, images=images)


def write_report(desk: Desk, path: str | Path, filters: Filters | None = None, *,
                 article_id: str | None = None) -> Report:
    """Write the desk report (or one article's) as a self-contained HTML file."""
    target = Path(path)
    if target.suffix.lower() not in (".html", ".htm"):
        raise DeskError(f"{target.name}: a report is written as .html here "
                        "(.pdf needs the app's Qt: run claims-desk report).")
    report = build_report(desk, filters, article_id=article_id)
    write_text_atomically(target, lambda handle: handle.write(report.html))
    return report
