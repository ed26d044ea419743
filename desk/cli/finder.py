"""Command-line face of the finder's learning: mark articles reviewed, and see or switch
what the desk's finder learns from its decisions::

    claims-desk reviewed DESK ARTICLE_ID [--clear]
    claims-desk learning DESK [--on | --off]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desk.errors import DeskError
from desk.facade import Desk


def add_commands(commands: Any) -> None:
    """Add ``reviewed`` and ``learning`` to the command line's subparsers."""
    p = commands.add_parser("reviewed", help="mark an article reviewed (its untagged "
                            "sentences teach the finder), or --clear the mark")
    p.add_argument("desk", metavar="DESK")
    p.add_argument("article", metavar="ARTICLE_ID")
    p.add_argument("--clear", action="store_true", help="remove the mark")
    p.add_argument("--editor", metavar="NAME", help="who is marking it")
    p.set_defaults(run=cmd_reviewed)

    p = commands.add_parser("learning", help="what the desk's finder learned from its "
                            "decisions; --on / --off switches learning")
    p.add_argument("desk", metavar="DESK")
    switch = p.add_mutually_exclusive_group()
    switch.add_argument("--on", dest="switch", action="store_const", const=True)
    switch.add_argument("--off", dest="switch", action="store_const", const=False)
    p.set_defaults(run=cmd_learning, switch=None)


def _existing(path: str) -> str:
    if not Path(path).is_file():
        raise DeskError(f"{path} does not exist.")
    return path


def cmd_reviewed(args: argparse.Namespace) -> int:
    """Mark (or unmark) one article reviewed."""
    with Desk.open(_existing(args.desk), editor=args.editor) as desk:
        desk.mark_reviewed(args.article, reviewed=not args.clear)
        print(f"{'unmarked' if args.clear else 'marked reviewed'}: {args.article}")
    return 0


def cmd_learning(args: argparse.Namespace) -> int:
    """Print what the finder learned from (after switching learning, if asked)."""
    from desk.finder.learning import desk_model, set_learning

    with Desk.open(_existing(args.desk), read_only=args.switch is None) as desk:
        if args.switch is not None:
            set_learning(desk, args.switch)
        print(desk_model(desk)[1].describe())
    return 0
