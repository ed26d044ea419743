"""A crowded desk for S seconds: the window adds claims through its Add Claim action (and
undoes some) while three command-line users import, export and import annotations, a merge
runs again and again, and a process edits through the API, all on one desk.

    python scripts/load.py --seconds 60

Ends with ``edits: E, lost: L, errors: X, add-claim p50 A ms p99 B ms``; also prints the
window's add-claim on the same desk with nothing else running (the baseline, same run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline", type=float, default=10,
                        help="seconds of the window alone first (0: none)")
    parser.add_argument("--trace", metavar="FOLDER",
                        help="time every write transaction of every process into FOLDER")
    args = parser.parse_args()
    if args.trace:
        os.environ["CROWD_TRACE"] = str(Path(args.trace).resolve())
        from tests.load.trace import install

        install(Path(args.trace), "window")

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from tests.load.crowd import drive_window, prepare, start, verify
    from ui import create_window

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, str(work / "settings"))
        desk_path = prepare(work)
        window = create_window(desk_path)
        window.show()
        app.processEvents()
        if args.baseline:
            alone = drive_window(window, args.baseline, seed=99)
            times = sorted(alone.add_seconds)
            print(f"alone: {len(times)} adds, add-claim p50 {statistics.median(times) * 1000:.0f}"
                  f" ms p99 {times[round(0.99 * (len(times) - 1))] * 1000:.0f} ms", flush=True)
        processes = start(desk_path, work, args.seconds)
        try:
            log = drive_window(window, args.seconds)
        finally:
            for process in processes:
                process.wait(timeout=args.seconds + 300)
            window.close()
            app.processEvents()
        if args.baseline:  # the baseline's claims are acknowledged edits too
            log.live |= alone.live
            log.deleted |= alone.deleted
        verdict = verify(desk_path, work, log)
        print("calls: " + ", ".join(f"{k} {n}" for k, n in sorted(verdict.calls.items())))
        for error in verdict.errors[:10]:
            print(f"  error: {error}")
        print(f"check: {'sound' if verdict.sound else 'NOT sound'}")
        if args.trace:
            from tests.load.trace import summary

            print("\n".join(summary(Path(args.trace))))
        print(verdict.line())
        return 0 if not verdict.errors and not verdict.lost and verdict.sound else 1


if __name__ == "__main__":
    sys.exit(main())
