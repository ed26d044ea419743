"""The desk core must never load Qt: every desk module is imported in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_desk_modules_do_not_import_qt() -> None:
    code = (
        "import importlib, pkgutil, sys, desk\n"
        "for info in pkgutil.walk_packages(desk.__path__, 'desk.'):\n"
        "    importlib.import_module(info.name)\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(len(list(pkgutil.walk_packages(desk.__path__))), loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert int(done.stdout.split()[0]) >= 10  # really walked the package
