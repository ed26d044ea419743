"""Rebuild a desk's across-the-desk index, groups and disagreements; print time and peak memory.

    python scripts/across_rebuild.py DESK [--json] [--live]

The desk is changed (its index is rebuilt, as after an upgrade). Peak memory is this
process's maximum resident set size; CPU time is the process's (every thread's).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desk import Desk  # noqa: E402
from desk.across.rebuild import rebuild  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Rebuild, then print what it took."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("desk", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--live", action="store_true",
                        help="print each phase to stderr as it starts (time, CPU, peak memory)")
    args = parser.parse_args(argv)
    phases: list[tuple[str, float, float]] = []
    start, cpu = time.perf_counter(), time.process_time()

    def progress(done: int, total: int, label: str) -> None:
        if not phases or phases[-1][0] != label:
            phases.append((label, time.perf_counter() - start, time.process_time() - cpu))
            if args.live:  # (so that a run stopped half-way says how far it got)
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                print(f"  {phases[-1][1]:8.1f} s {phases[-1][2]:8.1f} s CPU {rss:6.0f} MB  "
                      f"{label}", file=sys.stderr, flush=True)

    with Desk.open(args.desk, editor="rebuild") as desk:
        rebuild(desk, progress)
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu
        claims = desk.conn.execute("SELECT count(*) FROM claim_keys").fetchone()[0]
        groups = desk.conn.execute(
            "SELECT count(DISTINCT group_id) FROM claim_groups").fetchone()[0]
        pairs = desk.conn.execute("SELECT count(*) FROM figure_disagreements").fetchone()[0]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"claims": claims, "seconds": seconds, "cpu_seconds": cpu_seconds,
              "load": os.getloadavg()[0], "peak_mb": peak_mb, "groups": groups,
              "disagreements": pairs, "phases": phases}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{claims:,} claims rebuilt in {seconds:.1f} s ({cpu_seconds:.1f} s CPU, load "
              f"{result['load']:.1f}), peak memory {peak_mb:.0f} MB; "
              f"{groups:,} groups, {pairs:,} disagreements")
        for label, at, used in phases:
            print(f"  {at:7.1f} s  {used:7.1f} s CPU  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
