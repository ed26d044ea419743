"""Simulate power cuts during real desk edits and open every resulting disk image.

Records the writes and syncs of a run of edits under strace (tests/crash/powercut.py says
how), then builds N images a power cut could leave (seeded: the cut point, which unsynced
writes reached the disk, torn sectors) and checks that each opens, passes `check` and holds
every acknowledged edit. Needs strace.

    python scripts/powercut.py --images 500 --seed 1 [--edits 24] [--runs 2] [--prompt]

Ends with ``images: N, losses: L, unopenable: U``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.crash.powercut import Outcome, record, run_images  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=24, help="edits per traced run")
    parser.add_argument("--runs", type=int, default=2,
                        help="traced runs (each with its own seed); images are shared out")
    parser.add_argument("--prompt", action="store_true",
                        help="write as the window does (checkpoints on a background thread)")
    args = parser.parse_args()
    total = Outcome()
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            recording = record(Path(folder), args.seed + run, args.edits, prompt=args.prompt)
            images = args.images // args.runs + (run < args.images % args.runs)
            outcome = run_images(recording, images, args.seed + run, Path(folder))
            syncs = sum(1 for e in recording.events if e[0] == "sync")
            print(f"run {run + 1}: {recording.acks} edits, {len(recording.events)} events "
                  f"({syncs} syncs); {outcome.line()}, unsound: {outcome.unsound}; "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
            for note in outcome.notes[:10]:
                print(f"  {note}")
            for name in ("images", "losses", "unopenable", "unsound"):
                setattr(total, name, getattr(total, name) + getattr(outcome, name))
    print(f"unsound (check failed): {total.unsound}")
    print(total.line())
    return 1 if total.losses or total.unopenable or total.unsound else 0


if __name__ == "__main__":
    sys.exit(main())
