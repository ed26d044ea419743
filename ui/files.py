"""Desk-file work for the window: new/open/recent desks, imports, clipboard, CSV export.

:class:`DeskFiles` is a controller: it is handed the window's context (not the window) and the
article list it chooses imported articles in, and it connects the File menu's actions. Imports
and exports run on a worker thread (:mod:`ui.workers`) with their own desk connection; the
lists are re-read when they finish.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QMenu

from desk import Desk, DeskError, ImportResult, NotADeskError

from . import settings
from .workers import DeskJob

if TYPE_CHECKING:
    from .article_list import ArticleListPane
    from .controller import WindowContext

DESK_FILTER = "Claims desks (*.desk);;All files (*)"
ARTICLE_FILTER = "Articles (*.txt *.text *.md *.markdown *.html *.htm);;All files (*)"
CSV_FILTER = "CSV (*.csv)"
EXCEL_FILTER = "CSV for Excel, with a byte-order mark (*.csv)"


class DeskFiles:
    """The File menu's desks, imports and CSV export, as a plain controller."""

    def __init__(self, context: WindowContext, article_pane: ArticleListPane,
                 recent_menu: QMenu) -> None:
        self.context, self.desk = context, context.desk
        self.article_pane, self.recent_menu = article_pane, recent_menu
        self.parent = context.parent
        a = context.registry
        a.actionNewDesk.triggered.connect(self.new_desk)
        a.actionOpenDesk.triggered.connect(self.open_desk)
        a.actionImport.triggered.connect(self.import_files)
        a.actionImportFolder.triggered.connect(self.import_folder)
        a.actionNewFromClipboard.triggered.connect(self.new_from_clipboard)
        a.actionExportCsv.triggered.connect(self.export_csv)
        recent_menu.aboutToShow.connect(self.fill_recent_menu)

    # -- desks ---------------------------------------------------------------------------

    def new_desk(self) -> None:
        """Ask for a new desk file's name and open a window on it."""
        name, _ = QFileDialog.getSaveFileName(self.parent, "New Desk", str(self._folder()
                                              / "newsroom.desk"), DESK_FILTER)
        if name:
            if not name.endswith(".desk"):
                name += ".desk"
            self.switch_to(Path(name))

    def open_desk(self) -> None:
        """Ask for a desk file and open a window on it."""
        name, _ = QFileDialog.getOpenFileName(self.parent, "Open Desk", str(self._folder()),
                                              DESK_FILTER)
        if name:
            self.switch_to(Path(name))

    def fill_recent_menu(self) -> None:
        """List the recent desks in the File ▸ Open Recent menu."""
        menu = self.recent_menu
        menu.clear()
        current = str(self.desk.path.resolve())
        recent = [p for p in settings.recent_desks() if p != current]
        for number, path in enumerate(recent, start=1):
            action = menu.addAction(f"&{number} {Path(path).name}  —  {Path(path).parent}")
            action.triggered.connect(lambda _=False, p=path: self.switch_to(Path(p)))
        if not recent:
            menu.addAction("No other recent desks").setEnabled(False)

    def switch_to(self, path: Path) -> QMainWindow | None:
        """Open a window on another desk and close this one (a message if it cannot open)."""
        from .app import build_window

        def attempt() -> QMainWindow:
            return build_window(Desk.open(path, editor=self.desk.editor))

        try:
            other = attempt()
        except NotADeskError as exc:  # a damaged desk: offer to restore one of its backups
            from .backups_dialog import offer_restore

            try:
                if not offer_restore(self.parent, path, str(exc)):
                    raise
                other = attempt()
            except DeskError as still:
                self.context.report(str(still), "Cannot open desk")
                return None
        except DeskError as exc:
            self.context.report(str(exc), "Cannot open desk")
            return None
        settings.remember_desk(path)
        other.show()
        self.parent.close()
        return other

    def _folder(self) -> Path:
        return self.desk.path.parent

    # -- importing -----------------------------------------------------------------------

    def import_files(self) -> None:
        """Ask for article files and import them."""
        names, _ = QFileDialog.getOpenFileNames(self.parent, "Import Articles",
                                                str(self._folder()), ARTICLE_FILTER)
        if names:
            self.import_paths(names)

    def import_folder(self) -> None:
        """Ask for a folder and import every article file in it."""
        name = QFileDialog.getExistingDirectory(self.parent, "Import Folder", str(self._folder()))
        if name:
            self.import_paths([name])

    def import_paths(self, paths: list[str]) -> DeskJob | None:
        """Import files and folders on a worker thread; report what happened."""
        if self.desk.read_only:
            self.context.report("This desk is open read-only: nothing can be imported.")
            return None
        return self.context.run_job("Importing articles…",
                                    lambda desk, progress, cancelled:
                                    desk.import_paths(paths, progress, cancelled),
                                    self._imported)

    def _imported(self, results: list[ImportResult]) -> None:
        self.context.refresh()
        imported = [r for r in results if r.status == "imported"]
        skipped = [r for r in results if r.status == "skipped"]
        failed = [r for r in results if r.status == "failed"]
        summary = (f"Imported {len(imported)} article{'' if len(imported) == 1 else 's'}"
                   f", {len(skipped)} already on the desk, {len(failed)} failed.")
        self.context.status(summary, 8000)
        if imported and imported[0].article_id:
            self.article_pane.choose(imported[0].article_id)
        if failed:
            details = "\n".join(f"• {r.message or Path(r.path).name}" for r in failed[:20])
            self.context.report(f"{summary}\n\n{details}", "Some files were not imported")

    def new_from_clipboard(self) -> None:
        """Make an article of the clipboard's web page (HTML) or text."""
        mime = QApplication.clipboard().mimeData()
        try:
            if mime is not None and mime.hasHtml() and mime.html().strip():
                from desk.text.importers import parse_html  # pasting only

                draft = parse_html(mime.html(), "clipboard")
            elif mime is not None and mime.hasText() and mime.text().strip():
                from desk.text.importers import parse_text

                draft = parse_text(mime.text(), "clipboard")
            else:
                self.context.report("The clipboard holds no text. Copy an article first.")
                return
            result = self.desk.add_article(draft)
        except DeskError as exc:
            self.context.report(str(exc), "Cannot make an article")
            return
        if result.status == "skipped":
            self.context.status(f"That article is {result.message}.", 8000)
        if result.article_id:
            self.article_pane.filter.clear()
            self.article_pane.apply_filter()
            self.article_pane.choose(result.article_id)

    # -- exporting -----------------------------------------------------------------------

    def export_csv(self) -> None:
        """Ask where to write the claims CSV, then write it on a worker thread."""
        default = self._folder() / f"{self.desk.path.stem}-claims.csv"
        name, chosen = QFileDialog.getSaveFileName(
            self.parent, "Export Claims as CSV", str(default), f"{CSV_FILTER};;{EXCEL_FILTER}")
        if name:
            self.export_to(Path(name), excel=chosen == EXCEL_FILTER)

    def export_to(self, path: Path, excel: bool = False) -> DeskJob:
        """Write the claims CSV to ``path`` on a worker thread."""
        return self.context.run_job(
            "Exporting claims…",
            lambda desk, progress, cancelled:
            desk.export_csv(path, excel=excel, progress=progress, cancelled=cancelled),
            lambda count: self.context.status(
                f"Exported {count} claim{'' if count == 1 else 's'} to {path}", 10000))
