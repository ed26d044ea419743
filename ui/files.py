"""Desk-file work for the window: new/open/recent desks, imports, clipboard, CSV export.

Imports and exports run on a worker thread (:mod:`ui.workers`) with their own desk
connection; the window re-reads the desk when they finish.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QFileDialog

from desk import Desk, DeskError, ImportResult, NotADeskError
from desk.text.importers import parse_html, parse_text

from . import settings
from .workers import DeskJob, start_job

if TYPE_CHECKING:
    from .window import MainWindow

DESK_FILTER = "Claims desks (*.desk);;All files (*)"
ARTICLE_FILTER = "Articles (*.txt *.text *.md *.markdown *.html *.htm);;All files (*)"
CSV_FILTER = "CSV (*.csv)"
EXCEL_FILTER = "CSV for Excel, with a byte-order mark (*.csv)"


class DeskFiles:
    """The window's file menu, as a plain controller handed its window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.jobs: list[DeskJob] = []

    # -- desks ---------------------------------------------------------------------------

    def new_desk(self) -> None:
        """Ask for a new desk file's name and open a window on it."""
        name, _ = QFileDialog.getSaveFileName(self.window, "New Desk", str(self._folder()
                                              / "newsroom.desk"), DESK_FILTER)
        if name:
            if not name.endswith(".desk"):
                name += ".desk"
            self.switch_to(Path(name))

    def open_desk(self) -> None:
        """Ask for a desk file and open a window on it."""
        name, _ = QFileDialog.getOpenFileName(self.window, "Open Desk", str(self._folder()),
                                              DESK_FILTER)
        if name:
            self.switch_to(Path(name))

    def fill_recent_menu(self) -> None:
        """List the recent desks in the File ▸ Open Recent menu."""
        menu = self.window.recent_menu
        menu.clear()
        current = str(self.window.desk.path.resolve())
        recent = [p for p in settings.recent_desks() if p != current]
        for number, path in enumerate(recent, start=1):
            action = menu.addAction(f"&{number} {Path(path).name}  —  {Path(path).parent}")
            action.triggered.connect(lambda _=False, p=path: self.switch_to(Path(p)))
        if not recent:
            menu.addAction("No other recent desks").setEnabled(False)

    def switch_to(self, path: Path) -> MainWindow | None:
        """Open a window on another desk and close this one (a message if it cannot open)."""
        from .app import build_window

        def attempt() -> MainWindow:
            return build_window(Desk.open(path, editor=self.window.desk.editor))

        try:
            other = attempt()
        except NotADeskError as exc:  # a damaged desk: offer to restore one of its backups
            from .backups_dialog import offer_restore

            try:
                if not offer_restore(self.window, path, str(exc)):
                    raise
                other = attempt()
            except DeskError as still:
                self.window.report(str(still), "Cannot open desk")
                return None
        except DeskError as exc:
            self.window.report(str(exc), "Cannot open desk")
            return None
        settings.remember_desk(path)
        other.show()
        self.window.close()
        return other

    def _folder(self) -> Path:
        return self.window.desk.path.parent

    # -- importing -----------------------------------------------------------------------

    def import_files(self) -> None:
        """Ask for article files and import them."""
        names, _ = QFileDialog.getOpenFileNames(self.window, "Import Articles",
                                                str(self._folder()), ARTICLE_FILTER)
        if names:
            self.import_paths(names)

    def import_folder(self) -> None:
        """Ask for a folder and import every article file in it."""
        name = QFileDialog.getExistingDirectory(self.window, "Import Folder", str(self._folder()))
        if name:
            self.import_paths([name])

    def import_paths(self, paths: list[str]) -> DeskJob | None:
        """Import files and folders on a worker thread; report what happened."""
        if self.window.desk.read_only:
            self.window.report("This desk is open read-only: nothing can be imported.")
            return None
        return self._start("Importing articles…",
                           lambda desk, progress, cancelled:
                           desk.import_paths(paths, progress, cancelled),
                           self._imported)

    def _imported(self, results: list[ImportResult]) -> None:
        window = self.window
        window.desk_changed_elsewhere()
        imported = [r for r in results if r.status == "imported"]
        skipped = [r for r in results if r.status == "skipped"]
        failed = [r for r in results if r.status == "failed"]
        summary = (f"Imported {len(imported)} article{'' if len(imported) == 1 else 's'}"
                   f", {len(skipped)} already on the desk, {len(failed)} failed.")
        window.statusBar().showMessage(summary, 8000)
        if imported and imported[0].article_id:
            window.article_pane.choose(imported[0].article_id)
        if failed:
            details = "\n".join(f"• {r.message or Path(r.path).name}" for r in failed[:20])
            window.report(f"{summary}\n\n{details}", "Some files were not imported")

    def new_from_clipboard(self) -> None:
        """Make an article of the clipboard's web page (HTML) or text."""
        window = self.window
        mime = QApplication.clipboard().mimeData()
        try:
            if mime is not None and mime.hasHtml() and mime.html().strip():
                draft = parse_html(mime.html(), "clipboard")
            elif mime is not None and mime.hasText() and mime.text().strip():
                draft = parse_text(mime.text(), "clipboard")
            else:
                window.report("The clipboard holds no text. Copy an article first.")
                return
            result = window.desk.add_article(draft)
        except DeskError as exc:
            window.report(str(exc), "Cannot make an article")
            return
        if result.status == "skipped":
            window.statusBar().showMessage(f"That article is {result.message}.", 8000)
        if result.article_id:
            window.article_pane.filter.clear()
            window.article_pane.apply_filter()
            window.article_pane.choose(result.article_id)

    # -- exporting -----------------------------------------------------------------------

    def export_csv(self) -> None:
        """Ask where to write the claims CSV, then write it on a worker thread."""
        default = self._folder() / f"{self.window.desk.path.stem}-claims.csv"
        name, chosen = QFileDialog.getSaveFileName(
            self.window, "Export Claims as CSV", str(default), f"{CSV_FILTER};;{EXCEL_FILTER}")
        if name:
            self.export_to(Path(name), excel=chosen == EXCEL_FILTER)

    def export_to(self, path: Path, excel: bool = False) -> DeskJob:
        """Write the claims CSV to ``path`` on a worker thread."""
        return self._start(
            "Exporting claims…",
            lambda desk, progress, cancelled:
            desk.export_csv(path, excel=excel, progress=progress, cancelled=cancelled),
            lambda count: self.window.statusBar().showMessage(
                f"Exported {count} claim{'' if count == 1 else 's'} to {path}", 10000))

    # -- jobs ----------------------------------------------------------------------------

    def _start(self, title: str, work, on_success) -> DeskJob:  # type: ignore[no-untyped-def]
        window = self.window
        def succeeded(result: object) -> None:
            """Forget the job; hand the result over unless the window closed."""
            self._forget(job)
            if not window.desk_closed:
                on_success(result)

        def failed(message: str) -> None:
            """Forget the job; report the message unless the window closed."""
            self._forget(job)
            if not window.desk_closed:
                self._failed(title, message)

        job = start_job(window, title, window.desk.path, window.desk.editor, work, succeeded,
                        failed)
        self.jobs.append(job)
        return job

    def _forget(self, job: DeskJob) -> None:
        if job in self.jobs:
            self.jobs.remove(job)

    def _failed(self, title: str, message: str) -> None:
        self.window.desk_changed_elsewhere()
        self.window.report(message, title.rstrip("…"))

    def stop_jobs(self) -> None:
        """Cancel running jobs and wait for them (the window is closing)."""
        for job in list(self.jobs):
            job.cancel()
            job.wait(10000)
