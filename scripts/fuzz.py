"""Fuzz every parser of outside input with many inputs, and feed the classic hostile inputs at
full size (a 100 MB JSON line, a million nested tags, an entity bomb, …).

Each input must give a result or a DeskError (never a traceback) within 2 s + 2 s per MB.
The suite runs the same targets (tests/fuzz/) with a few hundred inputs each.

    python scripts/fuzz.py --inputs 2000 --seed 1 [--only "annotation json"] [--no-classics]

Ends with ``inputs: N, tracebacks: T, over-time: O``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from tests.fuzz.targets import TARGETS, Target, classics, run_one  # noqa: E402


def allowed_seconds(value: object) -> float:
    """2 s per MB of input, and 2 s for any input."""
    size = len(value) if isinstance(value, (bytes, str)) else len(repr(value))
    return 2 + 2 * size / 1048576


class Tally:
    """What the runs found."""

    def __init__(self) -> None:
        self.inputs = self.tracebacks = self.over_time = 0
        self.slowest = 0.0

    def feed(self, target: Target, value: object, folder: Path) -> None:
        self.inputs += 1
        started = time.perf_counter()
        try:
            run_one(target, value, folder)
        except Exception:  # noqa: BLE001 - counting them is the point
            self.tracebacks += 1
            if self.tracebacks <= 5:
                print(f"  traceback on {target.name} with {value!r:.300}")
                traceback.print_exc(limit=4)
        took = time.perf_counter() - started
        self.slowest = max(self.slowest, took)
        if took > allowed_seconds(value):
            self.over_time += 1
            print(f"  over time on {target.name}: {took:.1f} s for {value!r:.120}")


def fuzz(target: Target, inputs: int, run_seed: int, tally: Tally) -> None:
    with tempfile.TemporaryDirectory() as folder:
        @seed(run_seed)
        @settings(max_examples=inputs, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(target.inputs())
        def feed(value: object) -> None:
            tally.feed(target, value, Path(folder))

        feed()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=2000, help="inputs per parser")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="one target by name")
    parser.add_argument("--no-classics", action="store_true")
    args = parser.parse_args()
    total = Tally()
    for target in TARGETS:
        if args.only and target.name != args.only:
            continue
        tally = Tally()
        started = time.perf_counter()
        fuzz(target, args.inputs, args.seed, tally)
        print(f"{target.name}: {tally.inputs} inputs, {tally.tracebacks} tracebacks, "
              f"{tally.over_time} over time, slowest {tally.slowest:.2f} s, "
              f"{time.perf_counter() - started:.0f} s", flush=True)
        for name in ("inputs", "tracebacks", "over_time"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
    if not args.no_classics and not args.only:
        for name, feed, data in classics(1.0):
            with tempfile.TemporaryDirectory() as folder:
                tally = Tally()
                tally.feed(Target(name, lambda: None, feed), data, Path(folder))  # type: ignore[arg-type]
                print(f"classic: {name} ({len(data) / 1048576:.1f} MB): "
                      f"{'traceback' if tally.tracebacks else 'answered'} in "
                      f"{tally.slowest:.2f} s", flush=True)
                for key in ("inputs", "tracebacks", "over_time"):
                    setattr(total, key, getattr(total, key) + getattr(tally, key))
    print(f"inputs: {total.inputs}, tracebacks: {total.tracebacks}, over-time: {total.over_time}")
    return 1 if total.tracebacks or total.over_time else 0


if __name__ == "__main__":
    sys.exit(main())
