"""Render the README screenshot: the sample desk with several claims, at 1400×900.

``python -m ui.screenshot resources/screenshot.png [--dark]`` builds a throw-away desk from
``seeds/`` in a temporary folder (settings too), tags a few claims and saves ``grab()``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

#: (phrase in the vaccine article, fields) — the claims shown in the screenshot.
CLAIMS: tuple[tuple[str, dict[str, object]], ...] = (
    ("Only 84.5% of children had received both doses of the MMR vaccine by their fifth "
     "birthday", {"source": "National Health Agency", "figure": "84.5%", "status": "verified",
                  "tags": ["health"]}),
    ("1,342 confirmed measles cases", {"source": "National Health Agency",
                                       "figure": "1,342 confirmed measles cases",
                                       "status": "checking", "tags": ["measles"]}),
    ("measles cases in the first nine months", {"source": "National Health Agency"}),
    ("spend £45 million on a catch-up campaign",
     {"source": "Rebecca Oyelaran, health minister", "figure": "£45 million",
      "status": "misleading", "tags": ["budget"],
      "note": "The £45m includes money already announced in March."}),
    ("less than half of what had been cut", {"source": "the opposition", "status": "false"}),
    ("7 in 10 parents", {"source": "researchers' survey", "figure": "7 in 10",
                         "status": "unverifiable"}),
)
SELECTED = 3


def main(argv: list[str] | None = None) -> int:
    """Save the screenshot; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path)
    parser.add_argument("--dark", action="store_true", help="use a dark Fusion palette")
    parser.add_argument("--size", default="1400x900", help="window size, WIDTHxHEIGHT")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QColor, QPalette

    from .app import application, create_window

    home = Path(tempfile.mkdtemp(prefix="claims-desk-shot-"))
    os.environ["HOME"] = str(home)  # the status bar shows the usual ~/.local/share/… path
    folder = home / ".local" / "share" / "claims-desk"
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(folder))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    app = application()
    if args.dark:
        app.setStyle("Fusion")
        palette = QPalette()
        for role, colour in ((QPalette.ColorRole.Window, "#2b2d30"),
                             (QPalette.ColorRole.WindowText, "#dfe1e5"),
                             (QPalette.ColorRole.Base, "#1e1f22"),
                             (QPalette.ColorRole.AlternateBase, "#26282b"),
                             (QPalette.ColorRole.Text, "#dfe1e5"),
                             (QPalette.ColorRole.Button, "#2b2d30"),
                             (QPalette.ColorRole.ButtonText, "#dfe1e5"),
                             (QPalette.ColorRole.Highlight, "#2f65ca"),
                             (QPalette.ColorRole.HighlightedText, "#ffffff"),
                             (QPalette.ColorRole.PlaceholderText, "#8c8f94"),
                             (QPalette.ColorRole.Mid, "#45484d"),
                             (QPalette.ColorRole.Midlight, "#393b40")):
            palette.setColor(role, QColor(colour))
        app.setPalette(palette)
    window = create_window(folder / "newsroom.desk", seed=True)
    desk = window.desk
    desk.editor = "Ana Lima"  # a reporter's name, not the build machine's login
    article = next(a for a in desk.articles() if "Vaccination" in a.title)
    ids = []
    for phrase, fields in CLAIMS:
        start = article.body.index(phrase)
        ids.append(desk.add_claim(article.id, start, start + len(phrase), **fields).id)
    width, height = (int(n) for n in args.size.split("x"))
    window.resize(width, height)
    window.show()
    window.article_pane.choose(article.id)
    window.select_claim(ids[SELECTED], scroll=False)
    window.reader.verticalScrollBar().setValue(0)
    return save_grab(window, window, args.output)


def save_grab(widget: Any, window: Any, output: Path) -> int:
    """Let Qt finish painting, save ``widget.grab()`` to ``output``, close ``window``;
    the exit status."""
    from PySide6.QtWidgets import QApplication

    for _ in range(10):
        QApplication.processEvents()
    ok = widget.grab().save(str(output))
    window.close()
    print(f"saved {output}" if ok else f"could not write {output}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
