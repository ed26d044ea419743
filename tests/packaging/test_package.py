"""The app works once installed as an editor gets it (issue 16): ``scripts/smoke-package`` on the
.deb that ``scripts/build-linux`` made, and on the wheel in a fresh venv.

The build takes minutes, so CI (``.ci/run``) builds once before the tests and this test uses
what it built; in CI a missing or stale package fails the test. Elsewhere it is skipped, with
the reason, until ``scripts/build-linux`` has been run after the last change to the code.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from desk.version import __version__
from tests.conftest import ROOT

DEB = ROOT / "dist" / f"claims-desk_{__version__}_amd64.deb"
CODE = [ROOT / "main.py", ROOT / "pyproject.toml", ROOT / "packaging" / "claims-desk.spec",
        *sorted((ROOT / "desk").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py"))]


def _missing_or_stale() -> str:
    """Why the built .deb cannot stand for the code being tested ('' when it can)."""
    if not DEB.is_file():
        return f"no {DEB.relative_to(ROOT)}: run scripts/build-linux first"
    newer = [p for p in CODE if p.stat().st_mtime > DEB.stat().st_mtime]
    if newer:
        return (f"{DEB.relative_to(ROOT)} is older than {newer[0].relative_to(ROOT)}: "
                "run scripts/build-linux again")
    return ""


@pytest.mark.package
@pytest.mark.timeout(1800)
def test_the_installed_package_works() -> None:
    reason = _missing_or_stale()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (.ci/run builds the package before the tests)")
        pytest.skip(f"{reason} (CI builds it and runs this test)")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "smoke-package"),
                           "--deb", str(DEB)], capture_output=True, text=True, timeout=1700)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-6000:]
    assert done.stdout.rstrip().endswith("smoke-package: all checks passed")
    assert "== claims_desk-" in done.stdout  # the wheel was checked too
    print(done.stdout)  # what was run, how long each took (pytest -s, or in the report)
