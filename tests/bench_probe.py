"""Window-side measurements for tests/bench.py, each run in a fresh process.

    python tests/bench_probe.py startup DESK          # our window, to first paint
    python tests/bench_probe.py startup-bare          # an empty QMainWindow, to first paint
    python tests/bench_probe.py startup-spec DESK OUT # what our window is built of, to OUT
    python tests/bench_probe.py startup-floor SPEC    # those Qt classes and widgets, no desk
    python tests/bench_probe.py window DESK BIG_ID RUNS
    python tests/bench_probe.py dashboard DESK RUNS

``startup*`` print one line ``painted`` when the window has painted once (the parent times
it from before it started the process). ``window`` prints one JSON line of medians in ms.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _exit_on_first_paint(widget) -> None:
    from PySide6.QtCore import QEvent, QObject

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint:
                print("painted", flush=True)
                os._exit(0)
            return False

    widget._first_paint = FirstPaint()  # keep it alive
    from PySide6.QtWidgets import QWidget

    for child in [widget, *widget.findChildren(QWidget)]:
        child.installEventFilter(widget._first_paint)


def startup(desk_path: str) -> None:
    """What ``python main.py DESK`` does, up to the window's first paint."""
    from ui.app import application, create_window

    app = application()
    window = create_window(desk_path)
    _exit_on_first_paint(window)
    window.show()
    app.exec()


def startup_bare() -> None:
    """The baseline: a bare PySide6 script showing an empty QMainWindow."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.resize(1400, 900)
    _exit_on_first_paint(window)
    window.show()
    app.exec()


def startup_spec(desk_path: str, out: str) -> None:
    """Our start-up up to its first paint, then what the window is built of, written to
    ``out`` for :func:`startup_floor` (tests/bench_floor.py)."""
    from PySide6.QtCore import QEvent, QObject

    from tests.bench_floor import describe
    from ui.app import application, create_window

    app = application()
    window = create_window(desk_path)

    class AtFirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint:
                Path(out).write_text(json.dumps(describe(window)), encoding="utf-8")
                print("painted", flush=True)
                os._exit(0)
            return False

    window._spec_filter = AtFirstPaint()
    window.installEventFilter(window._spec_filter)
    window.show()
    app.exec()


def startup_floor(spec_path: str) -> None:
    """The floor: the same Qt classes and widgets as our window, no desk, to first paint."""
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    from PySide6.QtWidgets import QApplication

    from tests.bench_floor import build_floor

    app = QApplication([])
    window = build_floor(spec)
    _exit_on_first_paint(window)
    window.show()
    app.exec()


def peak_memory_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec, whereas
    ``ru_maxrss`` keeps the peak of the parent that forked us (the benchmark, holding the
    whole synthetic desk)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def wait_for_open_backup(app, window) -> None:
    """Let the backup the window makes on opening (a worker copying the whole desk, 250 MB
    here) finish first: the figures are of a window at work, not of its first seconds, when
    the copy competes for this machine's two cores and its disk."""
    while window.operations.backup_job is None:
        app.processEvents()
    window.operations.backup_job.wait(120_000)
    app.processEvents()


def window_figures(desk_path: str, big_id: str, runs: int) -> dict[str, float]:
    """Article switch, add claim, filter, whole-desk table and memory, each with baselines."""
    from tests.bench import median_time
    from ui.app import application, create_window

    app = application()
    window = create_window(desk_path)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    wait_for_open_backup(app, window)
    desk = window.desk
    other_id = next(s.id for s in desk.article_summaries() if s.id != big_id)
    big = desk.article(big_id)

    def paint() -> None:
        # Deliver the pending update requests: Qt paints exactly what changed, as it would
        # on screen (a full window.repaint() would also repaint what did not change).
        app.processEvents()

    # 1. switch to the 1 MB article with its claims highlighted, until painted.
    def switch() -> None:
        window.show_article(other_id)
        paint()
        start = time.perf_counter()
        window.show_article(big_id)
        paint()
        switch.times.append((time.perf_counter() - start) * 1000)

    switch.times = []
    for _ in range(runs):
        switch()
    figures = {"switch": statistics.median(switch.times), "big_claims": len(desk.claims(big_id))}

    # 2. add one claim through the window's action: durable, table + highlights painted.
    window.show_article(big_id)
    paint()
    body = big.body
    add_times = []
    for run in range(runs):
        start_char = body.index(". ", 5000 + run * 997) + 2
        window.reader.select_text(start_char, start_char + 40)
        paint()  # the editor's selection is on screen before the shortcut is pressed
        start = time.perf_counter()
        window.registry.actionAddClaim.trigger()
        paint()
        add_times.append((time.perf_counter() - start) * 1000)
    figures["add_claim"] = statistics.median(add_times)
    window.undo_stack.clear()

    raw = sqlite3.connect(desk_path, isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("PRAGMA foreign_keys = ON")

    def raw_insert() -> None:
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO claims (id, article_id, start_char, end_char, quote) "
                    "VALUES (?, ?, 0, 10, ?)", [str(uuid.uuid4()), big_id, body[:10]])
        raw.execute("COMMIT")

    figures["add_claim_baseline"] = median_time(raw_insert, runs)

    # 2b. the same add in the core alone (durable, nothing painted), on its own connection as
    # the raw insert has: what the desk adds to one INSERT in one transaction.
    from desk import Desk

    with Desk.open(desk_path, editor="bench") as core:
        core_times = []
        for run in range(runs):
            start_char = body.index(". ", len(body) // 2 + run * 997) + 2  # mid-text
            start = time.perf_counter()
            core.add_claim(big_id, start_char, start_char + 40)
            core_times.append((time.perf_counter() - start) * 1000)
    figures["add_claim_core"] = statistics.median(core_times)

    # 3. filter the article list by a word, until the list has painted its new rows: a list
    # view lays out its rows in a zero-delay timer after its model is reset and paints them
    # in a later pass of the event loop, so one processEvents() would time the filter box alone.
    pane = window.article_pane
    listed = PaintSpy(pane.list.viewport())

    def ui_filter(word: str) -> None:
        listed.painted = False
        pane.filter.setText(word)
        pane.apply_filter()
        listed.wait(app)

    from tests.benchdata import DISTRICTS

    words = DISTRICTS[3:8]  # each in about 0.25 % of the articles, as real filter words are
    plain = PlainFilter(raw, pane.list.viewport().size())
    filter_times, plain_times = [], []
    for run in range(runs):  # interleaved with the baseline, which sees the machine as it is
        ui_filter("")
        start = time.perf_counter()
        ui_filter(words[run % len(words)])
        filter_times.append((time.perf_counter() - start) * 1000)
        plain.show(app, "")
        start = time.perf_counter()
        plain.show(app, words[run % len(words)])
        plain_times.append((time.perf_counter() - start) * 1000)
    figures["filter"] = statistics.median(filter_times)
    figures["filter_baseline"] = statistics.median(plain_times)
    plain.close()
    ui_filter("")

    # 4. the whole desk's claims in the table, first paint.
    table_times = []
    for _ in range(runs):
        window.registry.actionWholeDesk.setChecked(False)
        paint()
        start = time.perf_counter()
        window.registry.actionWholeDesk.setChecked(True)
        paint()
        table_times.append((time.perf_counter() - start) * 1000)
    figures["whole_desk_table"] = statistics.median(table_times)
    figures["whole_desk_rows"] = window.claims_model.rowCount()

    figures["peak_rss_mb"] = peak_memory_mb()
    raw.close()
    return figures


class PaintSpy:
    """Notes when a widget paints (``painted``); :meth:`wait` runs the event loop until it has."""

    def __init__(self, widget) -> None:
        from PySide6.QtCore import QEvent, QObject

        spy = self

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
                if event.type() == QEvent.Type.Paint:
                    spy.painted = True
                return False

        self.painted = False
        self._filter = Filter()
        widget.installEventFilter(self._filter)

    def wait(self, app, passes: int = 100) -> None:
        """Process events until the widget has painted since ``painted`` was cleared."""
        app.processEvents()
        for _ in range(passes):
            if self.painted:
                return
            app.processEvents()
        raise RuntimeError("the widget never painted")


class PlainFilter:
    """The filter's baseline: the same rows (title, date, claim count: what the list shows)
    read by one raw SQL query over the full-text index, shown in a plain ``QListView`` over a
    ``QStringListModel`` of the article list's size, until painted."""

    SQL = ("SELECT a.title, coalesce(a.published_at, a.imported_at), "
           "(SELECT count(*) FROM claims c WHERE c.article_id = a.id AND c.deleted_at IS NULL) "
           "FROM articles a WHERE a.rowid IN (SELECT rowid FROM articles_fts "
           "WHERE articles_fts MATCH ?) ORDER BY a.rowid DESC LIMIT ?")
    ALL_SQL = ("SELECT a.title, coalesce(a.published_at, a.imported_at), "
               "(SELECT count(*) FROM claims c WHERE c.article_id = a.id AND c.deleted_at IS NULL) "
               "FROM articles a ORDER BY a.rowid DESC LIMIT ?")

    def __init__(self, raw: sqlite3.Connection, size) -> None:
        from PySide6.QtCore import QStringListModel
        from PySide6.QtWidgets import QListView

        from desk.store.reads import fts_query
        from ui.article_model import PAGE_SIZE

        self.raw, self.fts_query, self.limit = raw, fts_query, PAGE_SIZE
        self.model = QStringListModel()
        self.view = QListView()
        self.view.setUniformItemSizes(True)
        self.view.setModel(self.model)
        self.view.resize(size)
        self.view.show()
        self.spy = PaintSpy(self.view.viewport())

    def show(self, app, word: str) -> None:
        """Filter by ``word`` ("": every article) and wait for the paint."""
        self.spy.painted = False
        match = self.fts_query(word)
        rows = (self.raw.execute(self.SQL, [match, self.limit]) if match
                else self.raw.execute(self.ALL_SQL, [self.limit]))
        self.model.setStringList([f"{title}\n{date[:10]} · {count} claims"
                                  for title, date, count in rows])
        self.spy.wait(app)

    def close(self) -> None:
        """Hide the baseline's list."""
        self.view.close()


def plain_switch(desk_path: str, big_id: str, runs: int) -> float:
    """The baseline of the switch: ``setPlainText`` of the same text, no highlights, painted.

    In a process of its own, so that its memory does not count against the window's.
    """
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    from desk import Desk

    app = QApplication([])
    with Desk.open(desk_path, read_only=True) as desk:
        body = desk.article(big_id).body
    plain = QPlainTextEdit()
    plain.setReadOnly(True)
    from ui.reader import READER_FONT

    plain.setFont(READER_FONT)  # the reader's font and about its size in a 1400×900 window
    plain.resize(740, 580)
    plain.show()
    times = []
    for _ in range(runs):
        plain.setPlainText("")
        app.processEvents()
        start = time.perf_counter()
        plain.setPlainText(body)
        app.processEvents()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def dashboard_figures(desk_path: str, runs: int) -> dict[str, float]:
    """The dashboard as View ▸ Dashboard opens it: from building the dialog to its first
    paint with every chart drawn with the numbers (the workers' connections and SQL
    aggregates included; a new dialog each run), beside the plainest count of the desk's
    claims by status (one GROUP BY reading every claim, on a fresh connection) measured in the
    same process."""
    from PySide6.QtTest import QSignalSpy
    from PySide6.QtWidgets import QApplication

    from desk import Desk
    from ui.dashboard import Dashboard

    app = QApplication.instance() or QApplication([])
    desk = Desk.open(desk_path, read_only=True)
    times, total = [], 0
    for _ in range(runs + 1):  # the first run warms the file cache
        start = time.perf_counter()
        view = Dashboard(desk, disagreements=False)  # those come later, on their own worker
        spy = QSignalSpy(view.painted)
        view.open_view()
        while spy.count() == 0:
            app.processEvents()
            time.sleep(0.001)
        times.append((time.perf_counter() - start) * 1000)
        total = view.figures.total if view.figures else 0
        while view.jobs:
            app.processEvents()
            time.sleep(0.01)
        view.shutdown()
        view.close()
        view.deleteLater()
        app.processEvents()
    plain = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        conn = sqlite3.connect(desk_path)
        # Every claim read once: NOT INDEXED, since format 5's idx_claims_live (article,
        # status, …) covers this count and would make the baseline another of our indexes.
        conn.execute("SELECT status, count(*) FROM claims NOT INDEXED WHERE deleted_at IS NULL "
                     "GROUP BY status").fetchall()
        conn.close()
        plain.append((time.perf_counter() - start) * 1000)
    desk.close()
    return {"dashboard": statistics.median(times[1:]),
            "dashboard_baseline": statistics.median(plain[1:]),
            "dashboard_claims": float(total)}


def main() -> None:
    """Dispatch on the first argument."""
    what = sys.argv[1]
    if what == "startup":
        startup(sys.argv[2])
    elif what == "startup-bare":
        startup_bare()
    elif what == "startup-spec":
        startup_spec(sys.argv[2], sys.argv[3])
    elif what == "startup-floor":
        startup_floor(sys.argv[2])
    elif what == "plain":
        print(json.dumps({"switch_baseline": plain_switch(sys.argv[2], sys.argv[3],
                                                          int(sys.argv[4]))}), flush=True)
        os._exit(0)
    elif what == "dashboard":
        print(json.dumps(dashboard_figures(sys.argv[2], int(sys.argv[3]))), flush=True)
        os._exit(0)
    elif what == "window":
        print(json.dumps(window_figures(sys.argv[2], sys.argv[3], int(sys.argv[4]))), flush=True)
        os._exit(0)
    else:
        raise SystemExit(f"unknown probe {what}")


if __name__ == "__main__":
    main()
