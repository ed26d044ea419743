"""The across-the-desk figures at 1,000,000 claims (a long run, for the README; not in CI).

    python scripts/bench_million.py [--claims 1000000] [--keep PATH]

Builds the benchmark's synthetic desk (``tests/benchdata.py``: news-style sentences, ten
claims an article) in batches of 10,000 articles, so that building it holds one batch in
memory, then runs the full rebuild in a fresh process (``scripts/across_rebuild.py``: time,
peak memory) and one incremental edit, and prints the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desk import Desk  # noqa: E402
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


def main(argv: list[str] | None = None) -> int:
    """Build, rebuild, edit once; print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="keep the desk here")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="claims-million-"))
    try:
        path = tmp / "million.desk"
        start = time.perf_counter()
        build(path, args.claims)
        built = time.perf_counter() - start
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "across_rebuild.py"),
                               str(path), "--json"], capture_output=True, text=True, check=True)
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
        print(json.dumps({"claims": args.claims, "built_s": built, "rebuild": rebuilt,
                          "edit_ms": statistics.median(times)}, indent=2))
        if args.keep:
            shutil.copy(path, args.keep)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
