"""Commands of reports and publishing: ``report`` (HTML, or PDF through the app's Qt) and
``serve`` (the desk, read-only, in Datasette)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desk.errors import DeskError

#: Writes a report as PDF: ``pdf_writer(report, path, page)``. The composition root
#: (``main.py``) sets it, since PDF is drawn by Qt and the core never imports Qt.
pdf_writer: Callable[[Any, Path, str], Path] | None = None


def add_commands(commands: Any) -> None:
    """Add ``report`` and ``serve`` to the command line."""
    p = commands.add_parser("report", help="write a fact-check report of the desk or of one "
                            "article (HTML, or PDF)")
    p.add_argument("desk", metavar="DESK")
    p.add_argument("-o", "--out", "--output", dest="output", metavar="FILE", required=True,
                   help="FILE.html (self-contained) or FILE.pdf")
    p.add_argument("--article", metavar="ID", help="report on this article only")
    p.add_argument("--from", dest="date_from", metavar="DATE", default="",
                   help="only claims tagged on or after DATE (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", metavar="DATE", default="",
                   help="only claims tagged on or before DATE (YYYY-MM-DD)")
    p.add_argument("--tag", default="", help="only claims with this tag")
    p.add_argument("--outlet", default="", help="only claims in this outlet's articles")
    p.add_argument("--page", choices=("a4", "letter"), default="a4",
                   help="page size of a PDF (default a4)")
    p.set_defaults(run=cmd_report)

    p = commands.add_parser("article-url", help="set the published URL of an article "
                            "(ClaimReview names it as where the claim appeared)")
    p.add_argument("desk", metavar="DESK")
    p.add_argument("article", metavar="ID", help="the article's id (see 'claims-desk list')")
    p.add_argument("url", metavar="URL", help="http(s) address; empty to clear it")
    p.set_defaults(run=cmd_article_url)

    p = commands.add_parser("serve", help="publish a read-only snapshot of the desk with "
                            "Datasette (pip install -e '.[serve]')")
    p.add_argument("desk", metavar="DESK")
    p.add_argument("--port", type=int, default=8001, help="port (default 8001; 0: any free)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1, this machine only)")
    p.set_defaults(run=cmd_serve)


def _check_date(text: str) -> str:
    import datetime

    if text:
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            raise DeskError(f"{text!r} is not a date (YYYY-MM-DD).") from None
    return text


def cmd_report(args: argparse.Namespace) -> int:
    """Write the desk's or one article's report to FILE.html or FILE.pdf."""
    from desk.facade import Desk
    from desk.reports.aggregates import Filters
    from desk.reports.files import build_report, write_report

    target = Path(args.output)
    kind = target.suffix.lower()
    if kind not in (".html", ".htm", ".pdf"):
        raise DeskError(f"{target.name}: name the report FILE.html or FILE.pdf.")
    if not Path(args.desk).is_file():
        raise DeskError(f"{args.desk} does not exist.")
    filters = Filters(_check_date(args.date_from), _check_date(args.date_to), args.tag,
                      args.outlet)
    with Desk.open(args.desk, read_only=True) as desk:
        if kind == ".pdf":
            if pdf_writer is None:
                raise DeskError("PDF reports are drawn by the app's Qt: run 'claims-desk "
                                "report' (or write .html).")
            report = build_report(desk, filters, article_id=args.article, images=True)
            pdf_writer(report, target, args.page)
        else:
            report = write_report(desk, target, filters, article_id=args.article)
    print(f"wrote {target} ({report.claims} claims)", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve a read-only snapshot of the desk with Datasette until interrupted."""
    import tempfile

    from desk.facade import Desk
    from desk.reports.publish import prepare, run_datasette

    if not Path(args.desk).is_file():
        raise DeskError(f"{args.desk} does not exist.")
    with tempfile.TemporaryDirectory(prefix="claims-desk-serve-") as folder:
        with Desk.open(args.desk, read_only=True) as desk:
            db_path, meta_path = prepare(desk, folder)
        print(f"serving a read-only snapshot of {args.desk} on http://{args.host}:{args.port}/"
              " (Ctrl+C stops)", file=sys.stderr, flush=True)
        return run_datasette(db_path, meta_path, host=args.host, port=args.port)


def cmd_article_url(args: argparse.Namespace) -> int:
    """Set an article's URL."""
    from desk.facade import Desk
    from desk.reports.review import set_article_url

    if not Path(args.desk).is_file():
        raise DeskError(f"{args.desk} does not exist.")
    with Desk.open(args.desk) as desk:
        set_article_url(desk, args.article, args.url)
        print(f"{desk.article(args.article).title}: {args.url or '(no URL)'}")
    return 0
