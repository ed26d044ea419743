"""Claims Desk's entry point and composition root.

``python main.py`` opens the window on the default desk (filled from ``seeds/`` on first
run); ``python main.py DESK [--read-only]`` opens that desk; ``python main.py COMMAND …``
runs a command-line subcommand (see ``python main.py --help``); ``--version`` prints the
version. A first word that is neither a command nor a desk (an existing file, or a name
ending in ``.desk``) is a mistyped command: exit 2 with a suggestion, not a new desk.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

STARTED = time.perf_counter()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the window or a subcommand and return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from desk.cli import commands as cli

    if argv and argv[0] in {"-h", "--help", "--version"}:
        return cli.run(argv)
    if not argv or (argv[0] not in (names := cli.command_names())
                    and cli.opens_window(argv[0])):
        return run_window(argv)
    if argv[0] not in names:
        print(cli.unknown_command(argv[0], names), file=sys.stderr)
        return cli.UNKNOWN_COMMAND
    if argv[0] == "report":
        from desk.cli import reports

        reports.pdf_writer = write_pdf_report
    return cli.run(argv)


def write_pdf_report(report: object, path: object, page: str) -> object:
    """Draw a report as PDF with Qt (no window: the offscreen platform when none is set)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from ui.report_pdf import write_pdf

    app = QGuiApplication.instance() or QGuiApplication(["claims-desk"])  # noqa: F841
    return write_pdf(report, path, page)  # type: ignore[arg-type]


def run_window(argv: list[str]) -> int:
    """Open the main window on a desk: the default one, or the one named."""
    parser = argparse.ArgumentParser(prog="claims-desk", add_help=False)
    parser.add_argument("desk", nargs="?")
    parser.add_argument("--read-only", action="store_true")
    parser.add_argument("--quit-after-paint", action="store_true")  # smoke tests, timing
    args, qt_args = parser.parse_known_args(argv)

    from desk.paths import default_desk_path
    from ui.app import run

    return run(args.desk or default_desk_path(), read_only=args.read_only,
               seed=args.desk is None, qt_args=qt_args,
               quit_after_paint=STARTED if args.quit_after_paint else None)


if __name__ == "__main__":
    sys.exit(main())
