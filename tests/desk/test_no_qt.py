"""The desk core must never load Qt: every desk module is imported in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _fresh_python(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter from the repository; it must succeed."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_desk_modules_do_not_import_qt() -> None:
    code = (
        "import importlib, pkgutil, sys, desk\n"
        "for info in pkgutil.walk_packages(desk.__path__, 'desk.'):\n"
        "    importlib.import_module(info.name)\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(len(list(pkgutil.walk_packages(desk.__path__))), loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    done = _fresh_python(code)
    assert int(done.stdout.split()[0]) >= 10  # really walked the package


def test_reading_a_desk_does_not_load_sqlite_utils(seeded_desk) -> None:
    """Reads go straight to the connection, so a window can paint before sqlite-utils (and
    click, dateutil, pluggy… that it imports) has loaded; the connection is set up as
    sqlite-utils would set it, before and after it loads."""
    seeded_desk.close()
    code = (
        "import sys\n"
        "from desk import Desk\n"
        f"desk = Desk.open({str(seeded_desk.path)!r})\n"
        "article = desk.article_summaries()[0]\n"
        "desk.article(article.id), desk.claim_marks(article.id), desk.counts()\n"
        "desk.claims_page(None, 10), desk.article_ids_matching('flood')\n"
        "print('sqlite_utils' in sys.modules,\n"
        "      desk.conn.execute('PRAGMA recursive_triggers').fetchone()[0])\n"
        "desk.db['desk_meta'].count  # the table API loads it\n"
        "print('sqlite_utils' in sys.modules,\n"
        "      desk.conn.execute('PRAGMA recursive_triggers').fetchone()[0])\n"
    )
    done = _fresh_python(code)
    assert done.stdout.split() == ["False", "1", "True", "1"]
