"""What the window does before its first paint (issue 6: start-up), checked in a fresh
process: a desk of more articles than a page shows its first page, and the slow-to-import or
slow-to-read parts wait until the window is on screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desk import ArticleDraft, Desk
from tests.conftest import ROOT

PROBE = """
import json, os, sys
from PySide6.QtCore import QEvent, QObject
from ui.app import application, create_window
from PySide6.QtWidgets import QToolBar
from ui.article_model import PAGE_SIZE

LATER = ("ui.about", "ui.files", "ui.operations", "ui.attention", "ui.reports_controller",
         "ui.sync", "desk.team.units")

app = application()
window = create_window(sys.argv[1])
seen = {}

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not seen:
            seen.update(
                sqlite_utils="sqlite_utils" in sys.modules,
                dialogs=sorted(m for m in ("ui.backups_dialog", "ui.conflicts_dialog",
                                           "ui.desk_settings") if m in sys.modules),
                listed=window.articles_model.rowCount(), page=PAGE_SIZE,
                counts=window.counts_label.text(), complete=window.complete,
                later=sorted(m for m in LATER if m in sys.modules),
                menus=[a.text() for a in window.menuBar().actions()],
                entries=sum(len(a.menu().actions()) for a in window.menuBar().actions()),
                toolbar=len(window.findChild(QToolBar, "mainToolbar").actions()),
                central=[w.isVisible() for w in (window.reader, window.article_pane,
                                                 window.claims_pane, window.claim_panel)],
                reader=window.reader.toPlainText()[:10])
        return False

watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
while not seen:
    app.processEvents()
for _ in range(20):
    app.processEvents()
seen["counts_after"] = window.counts_label.text()
seen["complete_after"] = window.complete
seen["backup_after"] = window.operations.backup_job is not None
seen["menus_after"] = [a.text() for a in window.menuBar().actions()]
seen["entries_after"] = sum(len(a.menu().actions()) for a in window.menuBar().actions())
print(json.dumps(seen), flush=True)
os._exit(0)
"""


def test_the_first_paint_comes_before_the_slow_parts(tmp_path: Path) -> None:
    path = tmp_path / "big.desk"
    with Desk.open(path) as desk:
        for number in range(130):
            desk.add_article(ArticleDraft(f"Report {number}", f"Report {number}\n\nText.",
                                          f"r{number}.txt"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", PROBE, str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["sqlite_utils"] is False  # reads go straight to sqlite3
    assert seen["dialogs"] == []  # dialogs load when first opened
    assert seen["listed"] == seen["page"] < 130  # one page of the article list
    assert seen["counts"] == "" and seen["backup_after"]  # counted and backed up just after
    assert seen["counts_after"] == "130 articles · 0 claims"
    # The first frame: the article list, the reader on the first article, the table and the
    # panel, the toolbar and every menu's title; the other controllers (their menu entries,
    # shortcuts, docks) come just after it, and their modules are not loaded before.
    assert seen["central"] == [True] * 4 and seen["reader"] == "Report 129"
    assert seen["toolbar"] == 12 and seen["menus"] == seen["menus_after"]
    assert seen["menus"] == ["&File", "&Edit", "&View", "&Go", "&Review", "&Help"]
    assert not seen["complete"] and seen["later"] == []
    assert seen["complete_after"] and seen["entries_after"] > seen["entries"]
