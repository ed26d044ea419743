"""Measure what ``synchronous=FULL`` costs per edit, against ``NORMAL``, on this machine.

Usage: ``python scripts/measure_sync_cost.py [FOLDER] [EDITS]`` — FOLDER is where the
temporary desks go (default: a temporary folder; pass one on the disk you care about).
Each edit is a real ``Desk.add_claim`` or ``Desk.update_claim`` (one transaction each).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk import ArticleDraft, Desk  # noqa: E402


def measure(folder: Path, mode: str, edits: int) -> list[float]:
    """Milliseconds per edit with ``PRAGMA synchronous = mode``."""
    path = folder / f"sync-{mode.lower()}.desk"
    body = "Sync test\n\n" + " ".join(f"Officials said {n} people were counted." for n in range(400))
    with Desk.open(path, editor="bench") as desk:
        desk.db.execute(f"PRAGMA synchronous = {mode}")
        article = desk.add_article(ArticleDraft("Sync test", body, "sync.txt")).article_id
        times = []
        claim_id = None
        for n in range(edits):
            started = time.perf_counter()
            if n % 2 == 0 or claim_id is None:
                claim_id = desk.add_claim(article, n, n + 20, note=str(n)).id
            else:
                desk.update_claim(claim_id, status="checking", note=f"edited {n}")
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    """Print median and 95th-percentile milliseconds per edit for FULL and NORMAL."""
    edits = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    with tempfile.TemporaryDirectory(dir=sys.argv[1] if len(sys.argv) > 1 else None) as tmp:
        for _ in range(2):  # the second round is the one reported (warm caches)
            results = {mode: measure(Path(tmp), mode, edits) for mode in ("FULL", "NORMAL")}
        for mode, times in results.items():
            times.sort()
            print(f"synchronous={mode:6} median {statistics.median(times):6.2f} ms  "
                  f"p95 {times[int(len(times) * 0.95)]:6.2f} ms  per edit ({edits} edits)")


if __name__ == "__main__":
    main()
