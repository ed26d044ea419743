"""The scale benchmark runs in its quick form, so that it never rots (the figures themselves
are reported by ``python tests/bench.py``, not asserted: timings on shared machines drift)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def test_quick_benchmark_measures_every_figure() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "bench.py"), "--quick", "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["machine"]
    figures = {f["name"]: f for f in report["figures"]}
    assert len(figures) == 18 + 6 + 2  # + the across-the-desk figures, the crowded desk
    for figure in report["figures"]:
        assert set(figure) >= {"name", "ours", "baseline", "ratio", "target", "pass"}
        if figure["name"] != "import real news pages":  # needs the benchmark data's path
            assert figure["ours"] and figure["ours"] > 0, figure
    whole = next(f for n, f in figures.items() if n.startswith("whole desk"))
    assert "(100 rows loaded)" in whole["name"]  # the lazy model read one page, not 3,000 rows
    crowded = [f for n, f in figures.items() if "crowded desk" in n]
    assert all(f["baseline"] and f["baseline"] > 0 for f in crowded)  # alone, same run
    assert " 0 lost, 0 errors" in crowded[0]["note"], crowded[0]["note"]
