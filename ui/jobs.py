"""The window's long jobs: desk work on worker threads behind a progress dialog.

:class:`Jobs` starts work with :func:`ui.workers.start_job` (its own desk connection), keeps
the running jobs so that closing the window can cancel and wait for them, and hands the result
to the caller on the UI thread unless the window has closed meanwhile. A failure re-reads the
lists (the work may have changed part of the desk) and is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from desk import Desk

from .workers import DeskJob, Work, start_job


class Jobs:
    """Runs and tracks the window's worker jobs."""

    def __init__(self, parent: QWidget, desk: Desk, closed: Callable[[], bool],
                 report: Callable[..., Any], refresh: Callable[[], None]) -> None:
        self.parent, self.desk = parent, desk
        self.closed, self.report, self.refresh = closed, report, refresh
        self.jobs: list[DeskJob] = []

    def run(self, title: str, work: Work, on_success: Callable[[Any], None]) -> DeskJob:
        """Start ``work(desk, progress, cancelled)``; ``on_success(result)`` when it is done."""

        def succeeded(result: object) -> None:
            """Forget the job; hand the result over unless the window closed."""
            self._forget(job)
            if not self.closed():
                on_success(result)

        def failed(message: str) -> None:
            """Forget the job; re-read the lists and report, unless the window closed."""
            self._forget(job)
            if not self.closed():
                self.refresh()
                self.report(message, title.rstrip("…"))

        job = start_job(self.parent, title, self.desk.path, self.desk.editor, work, succeeded,
                        failed)
        self.jobs.append(job)
        return job

    def _forget(self, job: DeskJob) -> None:
        if job in self.jobs:
            self.jobs.remove(job)

    def stop(self) -> None:
        """Cancel running jobs and wait for them (the window is closing)."""
        for job in list(self.jobs):
            job.cancel()
            job.wait(10000)
