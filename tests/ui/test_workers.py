"""Long work runs on a worker thread with its own desk connection, progress and Cancel."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import QPushButton

from desk import Desk
from ui.workers import DeskJob, start_job


def test_job_uses_its_own_connection_on_another_thread(qtbot, desk: Desk) -> None:
    seen = {}

    def work(worker_desk: Desk, progress, cancelled):
        seen["thread"] = threading.current_thread() is not threading.main_thread()
        seen["other_connection"] = worker_desk is not desk and worker_desk.db.conn is not desk.db.conn
        progress(1, 2, "half")
        return worker_desk.counts()

    job = DeskJob(desk.path, "tester", work)
    progressed, results = [], []
    job.progressed.connect(lambda *args: progressed.append(args))
    job.succeeded.connect(results.append)
    with qtbot.waitSignal(job.finished, timeout=10000):
        job.start()
    qtbot.waitUntil(lambda: bool(results))
    assert seen == {"thread": True, "other_connection": True}
    assert progressed == [(1, 2, "half")]
    assert results == [(0, 0)]


def test_cancel_from_the_progress_dialog_stops_an_import(qtbot, open_window, desk_path: Path,
                                                         tmp_path: Path) -> None:
    window = open_window(desk_path)
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(40):
        (folder / f"story-{n:02}.txt").write_text(f"Story {n}\n\nIt says {n} things.\n")
    started = threading.Event()
    release = threading.Event()

    def work(worker_desk: Desk, progress, cancelled):
        def slow_progress(done, total, name):
            progress(done, total, name)
            started.set()
            release.wait(5)  # hold the worker until the test pressed Cancel
        return worker_desk.import_paths([folder], slow_progress, cancelled)

    results = []
    job = start_job(window, "Importing…", desk_path, "tester", work, results.append,
                    lambda message: results.append(message))
    assert started.wait(5)
    job.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    assert job.cancelled
    release.set()
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    imported = [r for r in results[0] if r.status == "imported"]
    assert 0 < len(imported) < 40
    window.desk_changed_elsewhere()
    assert window.articles_model.rowCount() == len(imported)


def test_a_failing_job_reports_a_message(qtbot, tmp_path: Path) -> None:
    bad = tmp_path / "bad.desk"
    bad.write_bytes(b"not a desk" * 50)
    job = DeskJob(bad, "tester", lambda d, p, c: None)
    with qtbot.waitSignal(job.failed, timeout=10000) as failed:
        job.start()
    job.wait()
    assert "bad.desk" in failed.args[0]


def test_callbacks_run_on_the_ui_thread(qtbot, open_window, desk_path: Path) -> None:
    window = open_window(desk_path)
    threads = []
    start_job(window, "Counting…", desk_path, "tester", lambda d, p, c: d.counts(),
              lambda result: threads.append(threading.current_thread()), threads.append)
    qtbot.waitUntil(lambda: bool(threads), timeout=10000)
    assert threads == [threading.main_thread()]
