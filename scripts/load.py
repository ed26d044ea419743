"""A crowded desk for S seconds: the window adds claims through its Add Claim action (and
undoes some) while three command-line users import, export and import annotations, a merge
runs again and again, and a process edits through the API, all on one desk.

    python scripts/load.py --seconds 60 [--baseline 15] [--trace FOLDER] [--json]

Ends with ``edits: E, lost: L, errors: X, add-claim p50 A ms p99 B ms``; also prints the
window's add-claim on the same desk with nothing else running (the baseline, same run: half
of it before the crowd, half after). An add-claim is timed from the action to its return:
the claim is committed (durable) and the window updated. ``--trace`` times every write
transaction of every process (:mod:`tests.load.trace`); ``--json`` prints the figures as
JSON instead (``tests/bench.py`` reads them).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """The median and the 99th percentile of these times, in milliseconds."""
    times = sorted(seconds) or [0.0]
    return (statistics.median(times) * 1000,
            times[min(len(times) - 1, round(0.99 * (len(times) - 1)))] * 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline", type=float, default=10,
                        help="seconds of the window alone, half before and half after (0: none)")
    parser.add_argument("--trace", metavar="FOLDER",
                        help="time every write transaction of every process into FOLDER")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--min-adds", type=int, default=0,
                        help="go on under load (up to 5× the seconds) until this many adds")
    args = parser.parse_args()
    if args.trace:
        os.environ["CROWD_TRACE"] = str(Path(args.trace).resolve())
        from tests.load.trace import install

        install(Path(args.trace), "window")

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from tests.load.crowd import WindowLog, drive_window, prepare, start, stop, verify
    from ui import create_window

    say = (lambda *a, **k: print(*a, file=sys.stderr, **k)) if args.json else print
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, str(work / "settings"))
        desk_path = prepare(work)
        window = create_window(desk_path)
        window.show()
        app.processEvents()
        alone = [drive_window(window, args.baseline / 2, seed=99)] if args.baseline else []
        most = args.seconds * 5 if args.min_adds else args.seconds
        processes = start(desk_path, work, most)
        try:
            log = drive_window(window, args.seconds, min_adds=args.min_adds, most_seconds=most)
        finally:
            stop(work, processes, timeout=most + 300)
        if args.baseline:
            alone.append(drive_window(window, args.baseline / 2, seed=98))
        window.close()
        app.processEvents()
        alone_times = [t for part in alone for t in part.add_seconds]
        everything = WindowLog(add_seconds=log.add_seconds + alone_times,  # all acknowledged
                               live=set().union(log.live, *(p.live for p in alone)),
                               deleted=set().union(log.deleted, *(p.deleted for p in alone)),
                               errors=log.errors + [e for p in alone for e in p.errors])
        verdict = verify(desk_path, work, everything)
        verdict.p50_ms, verdict.p99_ms = percentiles(log.add_seconds)  # under load only
        alone_p50, alone_p99 = percentiles(alone_times)
        alone_core = percentiles([t for part in alone for t in part.core_seconds])
        core = percentiles(log.core_seconds)
        alone_floor = percentiles([t for part in alone for t in part.floor_seconds])
        floor = percentiles(log.floor_seconds)
        if alone_times:
            say(f"alone: {len(alone_times)} adds, add-claim p50 {alone_p50:.0f} ms "
                f"p99 {alone_p99:.0f} ms (in Desk.add_claim: p50 {alone_core[0]:.0f} ms "
                f"p99 {alone_core[1]:.0f} ms; a raw durable insert: p50 {alone_floor[0]:.1f} "
                f"ms p99 {alone_floor[1]:.1f} ms)")
        say(f"under load: {len(log.add_seconds)} adds; in Desk.add_claim (lock, write, "
            f"commit): p50 {core[0]:.0f} ms p99 {core[1]:.0f} ms; a raw durable insert in a "
            f"file no one else writes: p50 {floor[0]:.1f} ms p99 {floor[1]:.1f} ms")
        say("calls: " + ", ".join(f"{k} {n}" for k, n in sorted(verdict.calls.items())))
        for error in verdict.errors[:10]:
            say(f"  error: {error}")
        say(f"check: {'sound' if verdict.sound else 'NOT sound'}")
        if args.trace:
            from tests.load.trace import summary

            say("\n".join(summary(Path(args.trace))))
        say(verdict.line())
        if args.json:
            print(json.dumps({
                "edits": verdict.edits, "lost": verdict.lost, "errors": len(verdict.errors),
                "sound": verdict.sound, "calls": verdict.calls,
                "adds": len(log.add_seconds),
                "p50_ms": verdict.p50_ms, "p99_ms": verdict.p99_ms,
                "alone_adds": len(alone_times), "alone_p50_ms": alone_p50,
                "alone_p99_ms": alone_p99, "core_p50_ms": core[0], "core_p99_ms": core[1],
                "alone_core_p50_ms": alone_core[0], "alone_core_p99_ms": alone_core[1],
                "floor_p50_ms": floor[0], "floor_p99_ms": floor[1],
                "alone_floor_p50_ms": alone_floor[0], "alone_floor_p99_ms": alone_floor[1]}))
        return 0 if not verdict.errors and not verdict.lost and verdict.sound else 1


if __name__ == "__main__":
    sys.exit(main())
