"""Render the README's disagreement view: ``python -m ui.across_screenshot OUTPUT.png``.

Builds a throw-away desk from the across-the-desk fixture (``tests/fixtures/across``: 22
short news items and the claims tagged in them, as ``desk.json`` says), opens the window and
the Across the Desk dialog on its Disagreements tab, and saves the dialog's ``grab()``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "across"


def fill(desk, folder: Path) -> None:  # noqa: ANN001 - a desk.Desk
    """Import the fixture's articles with their outlets and dates, and tag their claims."""
    from desk.text.importers import read_article

    spec = json.loads((folder / "desk.json").read_text("utf-8"))["articles"]
    for name, meta in spec.items():
        draft = dataclasses.replace(read_article(folder / name), url=meta["url"],
                                    published_at=meta["published_at"], byline=meta["byline"])
        result = desk.add_article(draft)
        body = desk.article(result.article_id).body
        for quote, source, figure in meta["claims"]:
            start = body.index(quote)
            desk.add_claim(result.article_id, start, start + len(quote), source=source,
                           figure=figure)


def main(argv: list[str] | None = None) -> int:
    """Save the screenshot; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path)
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    parser.add_argument("--size", default="1180x660", help="dialog size, WIDTHxHEIGHT")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QSettings

    from desk import Desk

    from .app import application, create_window
    from .screenshot import save_grab

    home = Path(tempfile.mkdtemp(prefix="claims-desk-shot-"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(home))
    app = application()
    path = home / "across.desk"
    with Desk.open(path, editor="screenshot") as desk:
        fill(desk, args.fixture)
    window = create_window(path)
    window.resize(1400, 900)
    window.show()
    window.registry["actionDisagreements"].trigger()
    view = window.across.view
    while view.job is not None and not view.job.isFinished():
        app.processEvents()
    for _ in range(20):
        app.processEvents()
    width, height = (int(n) for n in args.size.split("x"))
    view.resize(width, height)
    tree = view.disagreements_view
    tree.setCurrentIndex(tree.model().index(0, 0))
    return save_grab(view, window, args.output)


if __name__ == "__main__":
    sys.exit(main())
