"""The command line: the same desk core as the window, for scripts.

``python main.py import|export|list DESK …``. Exit 0 on success, 1 on a user error (a
one-line message on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from desk.errors import DeskError
from desk.facade import Desk
from desk.model import ImportResult
from desk.store.connection import read_failure_message
from desk.version import __version__

PROG = "claims-desk"
#: Exit status of a mistyped command (argparse's usage-error status).
UNKNOWN_COMMAND = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 1."""

    def error(self, message: str) -> NoReturn:
        self.exit(1, f"{self.prog}: {message} (see --help)\n")


#: Modules that add their own subcommands: each has ``add_commands(commands)``, which adds
#: parsers to argparse's subparsers (with ``set_defaults(run=...)``). Keep their imports of
#: optional extras inside the command functions, so that parsing stays quick.
COMMAND_MODULES: tuple[str, ...] = ("desk.cli.reports", "desk.cli.team", "desk.cli.finder")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand."""
    parser = _Parser(
        prog=PROG,
        description="Claims Desk: tag the claims in news articles. With no command, or "
        "with a desk file, opens the window.",
        epilog="Run 'claims-desk [DESK] [--read-only]' to open the window.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = commands.add_parser("import", help="import article files or folders into a desk")
    p.add_argument("desk", metavar="DESK", help="the desk file (created if missing)")
    p.add_argument("paths", metavar="PATH", nargs="+", help=".txt, .md, .html files or folders")
    p.add_argument("--update", action="store_true",
                   help="replace the text of the article with the same URL or file name and "
                   "re-anchor its claims (the desk is backed up first)")
    _editor_option(p)
    p.set_defaults(run=cmd_import)

    p = commands.add_parser("export", help="export a desk's claims (CSV, W3C JSON, ClaimReview)")
    p.add_argument("desk", metavar="DESK")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument("--format", choices=("csv", "json", "claimreview"), default="csv",
                   help="csv (default), json (W3C Web Annotations) or claimreview "
                   "(schema.org ClaimReview for claims with a verdict)")
    p.add_argument("--excel", action="store_true",
                   help="start the file with a byte-order mark for spreadsheets")
    p.set_defaults(run=cmd_export)

    p = commands.add_parser("list", help="list a desk's articles with their claim counts")
    p.add_argument("desk", metavar="DESK")
    p.set_defaults(run=cmd_list)

    p = commands.add_parser("check", help="check a desk's integrity and invariants (read only)")
    p.add_argument("desk", metavar="DESK")
    p.set_defaults(run=cmd_check)

    p = commands.add_parser("restore", help="replace a desk's content with one of its backups")
    p.add_argument("desk", metavar="DESK")
    p.add_argument("backup", metavar="BACKUP", help="a backup file (see the 'backups' command)")
    p.set_defaults(run=cmd_restore)

    p = commands.add_parser("backups", help="list a desk's backups, newest first")
    p.add_argument("desk", metavar="DESK")
    p.set_defaults(run=cmd_backups)

    p = commands.add_parser("merge", help="merge other desks (e.g. laptops' copies) into a desk")
    p.add_argument("desk", metavar="DESK", help="the desk that receives the work")
    p.add_argument("others", metavar="OTHER", nargs="+", help="desk files to merge in")
    _editor_option(p)
    p.set_defaults(run=cmd_merge)

    p = commands.add_parser("import-annotations",
                            help="add claims from W3C Web Annotation JSON (ours or another tool's)")
    p.add_argument("desk", metavar="DESK")
    p.add_argument("file", metavar="FILE.json")
    _editor_option(p)
    p.set_defaults(run=cmd_import_annotations)

    p = commands.add_parser("settings", help="show or change a desk's settings")
    p.add_argument("desk", metavar="DESK")
    p.add_argument("--organisation", metavar="NAME",
                   help="the newsroom named as author of ClaimReview exports")
    p.add_argument("--review-url", metavar="URL",
                   help="the page where the newsroom publishes its fact checks (ClaimReview url)")
    p.add_argument("--default-editor", metavar="NAME", help="the editor name used by default")
    p.set_defaults(run=cmd_settings)

    p = commands.add_parser("groups", help="claims seen in several articles, and figures that "
                            "disagree (regroups first unless the desk is read-only)")
    p.add_argument("desk", metavar="DESK")
    p.add_argument("--format", choices=("text", "csv", "json"), default="text",
                   help="text (default), csv (one row per grouped claim) or json")
    p.add_argument("--no-refresh", action="store_true",
                   help="show the stored groups without regrouping")
    p.set_defaults(run=cmd_groups)

    p = commands.add_parser("suggest", help="suggest check-worthy claims (with source and "
                            "figure) that are not yet tagged or dismissed")
    p.add_argument("desk", metavar="DESK")
    p.add_argument("--article", metavar="ID", help="only this article (default: all)")
    p.add_argument("--format", choices=("csv", "json"), default="csv",
                   help="csv (default) or json")
    p.add_argument("--min-score", type=float, default=None, metavar="S",
                   help="leave out suggestions scoring below S (0-1; default 0.5)")
    p.set_defaults(run=cmd_suggest)
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(commands)
    return parser


def _editor_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--editor", metavar="NAME",
                        help="who is making the change (default: the desk's default editor, "
                        "else your login name)")


def command_names() -> set[str]:
    """Names of the subcommands (main.py sends everything else to the window)."""
    parser = build_parser()
    for action in parser._actions:  # noqa: SLF001 - argparse keeps subparsers here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return set(action.choices)
    return set()


def opens_window(first: str) -> bool:
    """Whether a first argument that is not a command means the window: an option
    (``--read-only``, Qt's own), an existing file, or a desk to create (``*.desk``)."""
    return first.startswith("-") or first.lower().endswith(".desk") or Path(first).exists()


def unknown_command(word: str, names: set[str] | None = None) -> str:
    """The one-line message for a first argument that is neither a command nor a desk."""
    names = command_names() if names is None else names
    close = difflib.get_close_matches(word, sorted(names), n=1, cutoff=0.6)
    hint = (f"did you mean '{close[0]}'?" if close else
            f"commands: {', '.join(sorted(names))}; a desk file ends in .desk")
    return f"{PROG}: unknown command '{word}' ({hint})"


def run(argv: Sequence[str]) -> int:
    """Run one subcommand; returns the exit status.

    A bug (anything but a user error) is written with its traceback to the crash log, and
    one line says where.
    """
    try:
        return _run(argv)
    except Exception as exc:  # noqa: BLE001 - the last resort: log it, say where
        from desk.paths import crash_log_path, write_crash_log

        log = write_crash_log(type(exc), exc, exc.__traceback__, where="command line")
        print(f"{PROG}: unexpected error: {exc or type(exc).__name__} (details in "
              f"{log or crash_log_path()}; the desk keeps what was saved before)",
              file=sys.stderr)
        return 1


def _run(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    if not getattr(args, "run", None):
        build_parser().print_help()
        return 0
    try:
        return args.run(args)
    except DeskError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:  # e.g. a damaged page, found when it is read
        print(f"{PROG}: {read_failure_message(getattr(args, 'desk', '') or 'the desk', exc)}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 1


def _open(args: argparse.Namespace, **kwargs: object) -> Desk:
    return Desk.open(args.desk, editor=getattr(args, "editor", None), **kwargs)  # type: ignore[arg-type]


def cmd_import(args: argparse.Namespace) -> int:
    """Import files and folders, one line per file, then a summary."""
    with _open(args) as desk:
        results = desk.import_paths(args.paths, update=args.update)
        stealth = _stealth_lines(desk, results)
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
        if result.status == "imported":
            print(f"imported: {result.path} — {result.title}"
                  + (f" ({result.message})" if result.message else ""))
        elif result.status == "updated":
            print(f"updated: {result.path} — {result.title}: {result.message}")
            for line in stealth.get(result.article_id or "", []):
                print(f"  changed: {line}")
        elif result.status == "skipped":
            print(f"skipped: {result.path}: {result.message}")
        elif result.status == "failed":
            print(f"failed: {result.message}", file=sys.stderr)
    shown = ("imported", "updated", "skipped", "failed") if args.update else (
        "imported", "skipped", "failed")
    summary = ", ".join(f"{counts.get(status, 0)} {status}" for status in shown)
    if counts.get("passed over"):
        summary += f", {counts['passed over']} other files passed over"
    print(summary)
    return 1 if counts.get("failed") else 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export the claims (CSV, W3C JSON or ClaimReview) to a file or stdout."""
    if args.format != "csv":
        return cmd_export_json(args)
    with _open(args, read_only=True) as desk:
        if args.output:
            count = desk.export_csv(args.output, excel=args.excel)
            print(f"exported {count} claims to {args.output}", file=sys.stderr)
        else:
            sys.stdout.reconfigure(newline="")  # type: ignore[union-attr]
            desk.export_csv(sys.stdout, excel=args.excel)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """Print the desk's articles, newest first, with their claim counts."""
    with _open(args, read_only=True) as desk:
        summaries = desk.article_summaries()
        for item in summaries:
            date = item.published_at or item.imported_at[:10]
            print(f"{item.claim_count:5d} claims  {date:10.10}  {item.title}  [{item.id}]")
        articles, claims = desk.counts()
        print(f"{articles} articles, {claims} claims")
    return 0


Command = Callable[[argparse.Namespace], int]


def cmd_check(args: argparse.Namespace) -> int:
    """Check a desk without writing to it; exit 0 only when it is sound."""
    from desk.trust.check import check_desk

    report = check_desk(args.desk)
    for line in report.lines():
        print(line)
    return 0 if report.sound else 1


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace a desk's content with a backup (the desk itself is backed up first)."""
    from pathlib import Path


    safety = Desk.restore_file(Path(args.desk), Path(args.backup))
    print(f"restored {args.desk} from {args.backup}")
    if safety:
        print(f"the desk as it was before is in {safety}")
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    """List a desk's backups, newest first."""
    from desk.trust.backup import list_backups

    backups = list_backups(args.desk)
    for info in backups:
        print(f"{info.created_at}  {info.reason:8}  {info.size:>10,} bytes  {info.path}")
    print(f"{len(backups)} backups")
    return 0


def cmd_export_json(args: argparse.Namespace) -> int:
    """Export W3C Web Annotations or schema.org ClaimReview JSON."""
    from desk.formats.interchange import write_json

    with _open(args, read_only=True) as desk:
        count = write_json(desk, args.output or sys.stdout, args.format)
        if args.format == "claimreview":
            from desk.reports.review import gap_summary, review_gaps

            for line in gap_summary(review_gaps(desk), count):
                print(f"note: {line}", file=sys.stderr)
    if args.output:
        print(f"exported {count} claims to {args.output}", file=sys.stderr)
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    """Merge other desks into a desk and print what changed."""
    from desk.fieldwork.merge import merge_desks

    with _open(args) as desk:
        summary = merge_desks(desk, args.others)
    for line in summary.lines():
        print(line)
    if summary.backup:
        print(f"the desk as it was before is in {summary.backup}")
    return 0


def cmd_import_annotations(args: argparse.Namespace) -> int:
    """Add claims from annotations; exit 1 when some could not be placed."""
    from desk.formats.annotation_import import import_annotations

    with _open(args) as desk:
        result = import_annotations(desk, args.file)
    for line in result.lines():
        print(line, file=sys.stderr if line.startswith("not placed") else sys.stdout)
    return 1 if result.unplaced else 0


def cmd_settings(args: argparse.Namespace) -> int:
    """Change the settings given, then print them all."""
    from desk.formats.interchange import META_REVIEW_URL
    from desk.store.schema import META_DEFAULT_EDITOR, META_ORGANISATION

    keys = {"organisation": META_ORGANISATION, "review_url": META_REVIEW_URL,
            "default_editor": META_DEFAULT_EDITOR}
    changes = {key: getattr(args, name) for name, key in keys.items()
               if getattr(args, name) is not None}
    with _open(args, read_only=not changes) as desk:
        for key, value in changes.items():
            desk.set_setting(key, value.strip())
        print(f"desk_id: {desk.desk_id}")
        for key in keys.values():
            print(f"{key}: {desk.setting(key)}")
    return 0


def _stealth_lines(desk: Desk, results: list[ImportResult]) -> dict[str, list[str]]:
    """What each updated article changed under its claims (desk.stealth), by article id."""
    from desk.across.stealth import latest_changes

    return {r.article_id: [c.message + f" [claim {c.claim_id}]"
                           for c in latest_changes(desk, r.article_id)]
            for r in results if r.status == "updated" and r.article_id}


def cmd_groups(args: argparse.Namespace) -> int:
    """Print the groups of claims seen in several articles, with their disagreements."""
    from pathlib import Path

    from desk.across.views import report_chunks

    if not Path(args.desk).is_file():
        raise DeskError(f"{args.desk} does not exist.")
    with _open(args, read_only=args.no_refresh) as desk:
        sys.stdout.reconfigure(newline="")  # type: ignore[union-attr]
        for chunk in report_chunks(desk, args.format, refresh=not args.no_refresh):
            sys.stdout.write(chunk)  # a page of groups at a time
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    """Print the claim finder's suggestions for the desk's articles (CSV or JSON)."""
    from pathlib import Path

    from desk.finder.suggestions import suggestions_report

    if not Path(args.desk).is_file():
        raise DeskError(f"{args.desk} does not exist.")
    with _open(args, read_only=True) as desk:
        sys.stdout.reconfigure(newline="")  # type: ignore[union-attr]
        sys.stdout.write(suggestions_report(desk, args.article, args.format, args.min_score))
    return 0
