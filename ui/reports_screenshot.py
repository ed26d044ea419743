"""Render the README's dashboard and report pictures from the real window and the real PDF.

    python -m ui.reports_screenshot FOLDER

Makes a first-run desk (the seeds and the sample claims), opens the window and View ▸
Dashboard, lists the backlog, and saves the dialog's ``grab()`` as ``dashboard.png``; then
writes the desk's report and one article's report as PDF through the window's File ▸ Export
Report (``ReportsController.export_report``) and renders pages of them with ``pdftoppm``
(poppler-utils) as ``report-page.png`` and ``article-report-page.png``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def pdf_page(pdf: Path, page: int, output: Path, dpi: int = 80) -> None:
    """One page of a PDF as a PNG (pdftoppm)."""
    stem = output.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page),
                    "-l", str(page), str(pdf), str(stem)], check=True)


def main(argv: list[str] | None = None) -> int:
    """Save the pictures; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--size", default="1180x860", help="dashboard size, WIDTHxHEIGHT")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not shutil.which("pdftoppm"):
        print("pdftoppm is missing: apt-get install poppler-utils", file=sys.stderr)
        return 1

    from PySide6.QtCore import QSettings

    from .app import application, create_window

    home = Path(tempfile.mkdtemp(prefix="claims-desk-shot-"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(home))
    app = application()
    window = create_window(home / "newsroom.desk", seed=True)
    window.resize(1400, 900)
    window.show()
    window.reports.actionDashboard.trigger()  # (built just after the first paint)
    view = window.reports.dashboard
    while view.figures is None or view.jobs:
        app.processEvents()
    width, height = (int(n) for n in args.size.split("x"))
    view.resize(width, height)
    view.charts["weeks"].setFocus()
    view.backlog_button.click()
    for _ in range(20):
        app.processEvents()
    args.folder.mkdir(parents=True, exist_ok=True)
    view.grab().save(str(args.folder / "dashboard.png"))

    controller = window.reports
    desk_pdf = controller.export_report(home / "desk-report.pdf", whole_desk=True)
    pdf_page(desk_pdf, 1, args.folder / "report-page.png")
    pdf_page(desk_pdf, 2, args.folder / "report-page-2.png")
    article = next(a for a in window.desk.articles() if a.title.startswith("Wildfire"))
    window.show_article(article.id)
    article_pdf = controller.export_report(home / "article-report.pdf")
    pdf_page(article_pdf, 1, args.folder / "article-report-page.png")
    window.close()
    shutil.rmtree(home, ignore_errors=True)
    print(f"saved dashboard.png, report-page.png, article-report-page.png in {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
