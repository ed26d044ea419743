"""The across-the-desk figures at 1,000,000 claims (a long run, for the README; not in CI).

    python scripts/bench_million.py [--claims 1000000] [--keep PATH] [--desk PATH]

Builds the benchmark's synthetic desk (``tests/benchdata.py``: news-style sentences, ten
claims an article) in batches of 10,000 articles, so that building it holds one batch in
memory, then runs the full rebuild in a fresh process (``scripts/across_rebuild.py``: time,
peak memory), one incremental edit, the first rows of both views and the CSV export (beside
csv.writer over the same rows), and prints the figures. ``--build-only --desk PATH`` builds
a desk to keep; ``--desk PATH`` then measures a copy of it.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desk import Desk, across  # noqa: E402
from desk.formats.csv_export import EXPORT_SQL  # noqa: E402
from desk.across.rebuild import refresh  # noqa: E402
from desk.clock import now_iso  # noqa: E402
from tests.benchdata import _claims_for, article_row  # noqa: E402

BATCH_ARTICLES = 10_000


def build(path: Path, claims: int, seed: int = 42) -> None:
    """A desk of ``claims`` claims on ``claims // 10`` articles, written batch by batch."""
    rng = random.Random(seed)
    now = now_iso()
    articles_total = max(1, claims // 10)
    with Desk.open(path, editor="bench") as desk:
        db = desk.db
        done = 0
        for first in range(0, articles_total, BATCH_ARTICLES):
            articles = []
            for index in range(first, min(articles_total, first + BATCH_ARTICLES)):
                size = int(min(60_000, max(800, rng.lognormvariate(8.7, 0.5))))
                articles.append(article_row(rng, index, size, now))
            rows = []
            for article in articles:
                count = min(10, claims - done - len(rows))
                rows.extend(_claims_for(rng, article, max(0, count), now))
            with db.atomic():
                db["articles"].insert_all(articles, batch_size=200)
                db["claims"].insert_all(rows, batch_size=1000)
            done += len(rows)
            print(f"  {done:,} claims", file=sys.stderr, flush=True)


def _views(path: Path, tmp: Path) -> dict[str, float]:
    """The first 100 rows of both views (ms, median of 5) and the CSV export against
    csv.writer over a raw cursor of the same rows (s)."""
    with Desk.open(path, read_only=True) as desk:
        firsts = {}
        for name, read in (("first_groups_ms", lambda: across.groups_page(desk, 0, 100)),
                           ("first_disagreements_ms",
                            lambda: across.disagreements_page(desk, 0, 100))):
            runs = []
            for _ in range(5):
                begin = time.perf_counter()
                read()
                runs.append((time.perf_counter() - begin) * 1000)
            firsts[name] = statistics.median(runs)
        begin = time.perf_counter()
        desk.export_csv(tmp / "claims.csv")
        firsts["export_s"] = time.perf_counter() - begin
    begin = time.perf_counter()
    with sqlite3.connect(path) as raw, open(tmp / "raw.csv", "w", encoding="utf-8",
                                            newline="") as handle:
        csv.writer(handle).writerows(raw.execute(EXPORT_SQL))
    firsts["raw_csv_s"] = time.perf_counter() - begin
    return firsts


def main(argv: list[str] | None = None) -> int:
    """Build, rebuild, edit once; print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="keep the desk here")
    parser.add_argument("--desk", type=Path, default=None,
                        help="a copy of this desk (as built before, with --keep) instead of "
                             "building one; with --build-only, build it there")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args(argv)
    if args.build_only:
        start = time.perf_counter()
        build(args.desk, args.claims)
        print(json.dumps({"claims": args.claims, "built_s": time.perf_counter() - start}))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="claims-million-"))
    try:
        path = tmp / "million.desk"
        start = time.perf_counter()
        if args.desk:
            shutil.copy(args.desk, path)
        else:
            build(path, args.claims)
        built = time.perf_counter() - start
        print(f"built in {built:.0f} s; rebuilding", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "across_rebuild.py"),
                               str(path), "--json", "--live"], stdout=subprocess.PIPE,
                              text=True, check=True)  # (its phases go to our stderr)
        rebuilt = json.loads(done.stdout.strip().splitlines()[-1])
        times = []
        with Desk.open(path, editor="bench") as desk:
            ids = [row[0] for row in desk.conn.execute(
                "SELECT id FROM claims WHERE figure_value IS NOT NULL AND source != '' "
                "ORDER BY id LIMIT 7")]
            for index, claim_id in enumerate(ids):
                desk.update_claim(claim_id, figure=f"nearly {300 + index} civilians")
                begin = time.perf_counter()
                refresh(desk)
                times.append((time.perf_counter() - begin) * 1000)
        views = _views(path, tmp)
        print(json.dumps({"claims": args.claims, "built_s": built, "rebuild": rebuilt,
                          "edit_ms": statistics.median(times), **views}, indent=2))
        if args.keep:
            shutil.copy(path, args.keep)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
