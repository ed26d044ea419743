"""Commands of the team desk: ``server init``, ``server grant`` and ``sync``.

    claims-desk server init postgresql://admin@db.newsroom/claims --team Newsroom
    claims-desk server grant postgresql://admin@db.newsroom/claims ana [--read-only]
    claims-desk sync ana.desk [postgresql://ana@db.newsroom/claims]

psycopg (the ``team`` extra) is imported when a command runs, never while parsing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from desk.errors import DeskError
from desk.facade import Desk


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``server`` (``init``, ``grant``) and ``sync`` to the command line."""
    server = commands.add_parser("server", help="set up the team desk on a PostgreSQL server")
    actions = server.add_subparsers(dest="server_command", metavar="ACTION",
                                    parser_class=type(server))
    p = actions.add_parser("init", help="create the team schema and a team desk; prints its id")
    p.add_argument("url", metavar="URL", help="a libpq URL: postgresql://user@host:port/dbname")
    p.add_argument("--team", metavar="NAME", required=True, help="the team desk's name")
    p.set_defaults(run=cmd_server_init)
    p = actions.add_parser("grant", help="let a PostgreSQL role sync (created if missing)")
    p.add_argument("url", metavar="URL")
    p.add_argument("role", metavar="ROLE", help="the editor's PostgreSQL role")
    p.add_argument("--read-only", action="store_true", help="the role may pull but not push")
    p.set_defaults(run=cmd_server_grant)
    server.set_defaults(run=lambda args: _usage(server))

    p = commands.add_parser("sync", help="pull then push a desk's changes through its team "
                            "desk (a new DESK joins and pulls it all)")
    p.add_argument("desk", metavar="DESK")
    p.add_argument("url", metavar="URL", nargs="?",
                   help="the team server (remembered after the first sync; never a password: "
                   "PGPASSWORD, ~/.pgpass or a service file supply it)")
    p.add_argument("--team", metavar="NAME", help="the team desk to join, when the server "
                   "holds several")
    p.add_argument("--editor", metavar="NAME", help="who is syncing (edits pushed carry the "
                   "server role's name)")
    p.set_defaults(run=cmd_sync)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 1


def cmd_server_init(args: argparse.Namespace) -> int:
    """Create the team schema (idempotent) and print the team desk's id."""
    from desk.team.server import init_server

    print(init_server(args.url, args.team))
    return 0


def cmd_server_grant(args: argparse.Namespace) -> int:
    """Give a role the rights to sync."""
    from desk.team.server import grant

    print(grant(args.url, args.role, read_only=args.read_only))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """Sync a desk and print: pulled N, pushed M, conflicts K."""
    from desk.team.sync import sync_desk

    path = Path(args.desk).expanduser()
    new = not path.exists()
    if new and not args.url:
        raise DeskError(f"{path} does not exist: give the team server's URL to make it and "
                        "pull the team desk.")
    try:
        with Desk.open(path, editor=args.editor) as desk:
            summary = sync_desk(desk, args.url, team=args.team)
    except BaseException:
        if new:  # a desk that could not join is not left behind
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    print(summary.line())
    return 0
