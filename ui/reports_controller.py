"""Reports in the window: View ▸ Dashboard, File ▸ Export Report… and File ▸ Print….

A controller in the house's shape: it is handed the desk, a parent for its dialogs and a few
callables (the article shown, show a claim, tell the editor something), owns its actions,
and never reaches into the window. Export writes the report of the article shown, or of the
desk when none is, as PDF (Qt) or self-contained HTML; Print sends the same document to a
printer through Qt's print dialog. Everything but the actions loads when first used (the
window's first paint does not wait for the report modules, QtSvg or QtPrintSupport).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QMenuBar, QWidget

from desk import Desk, DeskError

DASHBOARD = "Ctrl+Shift+B"
EXPORT_REPORT = "Ctrl+Shift+E"
PRINT = QKeySequence.StandardKey.Print


class ReportsController(QObject):
    """Owns the dashboard and the report actions."""

    def __init__(self, desk: Desk, parent: QWidget, *, current_article: Callable[[], str | None],
                 show_claim: Callable[[str], Any], report: Callable[[str], Any]) -> None:
        super().__init__(parent)
        self.desk = desk
        self.parent_widget = parent
        self.current_article = current_article
        self.show_claim = show_claim
        self.report = report
        self.dashboard: Any = None
        #: Asks where to save (tests replace it: no modal dialog in a test).
        self.ask_path: Callable[[str], str] = self._ask_path
        #: Asks for an article's URL given the current one; None when cancelled.
        self.ask_url: Callable[[str], str | None] = self._ask_url
        self.actionDashboard = self._action(
            "actionDashboard", "&Dashboard", DASHBOARD,
            "Charts of what the desk found: by week, source, outlet, editor; the backlog",
            self.open_dashboard)
        self.actionExportReport = self._action(
            "actionExportReport", "Export Article &Report…", EXPORT_REPORT,
            "The article shown with its claims numbered, then each claim (PDF or HTML)",
            self.export_report)
        self.actionExportDeskReport = self._action(
            "actionExportDeskReport", "Export &Desk Report…", "",
            "The desk's counts, charts, disagreements, backlog and claims (PDF or HTML)",
            lambda: self.export_report(whole_desk=True))
        self.actionArticleUrl = self._action(
            "actionArticleUrl", "Set Article &URL…", "",
            "Where the article shown was published (ClaimReview names it)", self.set_article_url)
        self.actionPrint = self._action(
            "actionPrintReport", "&Print Article Report…", PRINT,
            "Print the fact-check report of the article shown (of the desk when none is)",
            self.print_report)

    @classmethod
    def from_context(cls, context: Any) -> ReportsController:
        """The controller of a window (a :class:`ui.controller.WindowContext`), its actions in
        the window's File, Edit and View menus and its registry."""
        controller = cls(context.desk, context.parent,
                         current_article=lambda: context.selection.article_id,
                         show_claim=context.selection.show_claim, report=context.report)
        controller.add_to_menus(context.parent.menuBar())
        for action in controller.actions():
            context.add_action(action)
        article_list = context.parent.findChild(QAbstractItemView, "articleList")
        if article_list is not None:
            controller.add_to_article_menu(article_list)
        return controller

    def add_to_article_menu(self, view: QWidget) -> None:
        """Set Article URL… in the article list's context menu (a right click picks the
        article first, as the list does for any click)."""
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.addAction(self.actionArticleUrl)

    def _action(self, name: str, text: str, keys: Any, tip: str,
                slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self.parent_widget)
        action.setObjectName(name)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def actions(self) -> list[QAction]:
        """Every action of the controller (the window adds them to its menus)."""
        return [self.actionDashboard, self.actionExportReport, self.actionExportDeskReport,
                self.actionPrint, self.actionArticleUrl]

    def add_to_menus(self, bar: QMenuBar) -> None:
        """Export Report and Print into File (before Quit), Dashboard into View."""
        menus = {action.text().replace("&", ""): action.menu() for action in bar.actions()}
        file_menu, view_menu = menus.get("File"), menus.get("View")
        if menus.get("Edit") is not None:
            menus["Edit"].addSeparator()
            menus["Edit"].addAction(self.actionArticleUrl)
        if file_menu is not None:
            quit_action = next((a for a in file_menu.actions()
                                if a.objectName() == "actionQuit"), None)
            file_menu.insertActions(quit_action, [self.actionExportReport,
                                                  self.actionExportDeskReport, self.actionPrint])
            file_menu.insertSeparator(quit_action)
        if view_menu is not None:
            view_menu.addSeparator()
            view_menu.addAction(self.actionDashboard)

    # -- the dashboard -------------------------------------------------------------------

    def open_dashboard(self) -> Any:
        """Show the dashboard (made on first use) and count."""
        from .dashboard import Dashboard

        if self.dashboard is None:
            self.dashboard = Dashboard(self.desk, self.parent_widget)
            self.dashboard.claimChosen.connect(self.show_claim)
            self.dashboard.exportAsked.connect(
                lambda: self.export_report(whole_desk=True, filters=self.dashboard.filters()))
        self.dashboard.open_view()
        return self.dashboard

    def shutdown(self) -> None:
        """Before the desk closes: stop the dashboard's workers."""
        if self.dashboard is not None:
            self.dashboard.shutdown()
            self.dashboard.close()

    # -- ClaimReview: the article's URL ----------------------------------------------------

    def _ask_url(self, current: str) -> str | None:
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(self.parent_widget, "Article URL",
                                        "Where was this article published?", text=current)
        return text if ok else None

    def set_article_url(self) -> bool:
        """Ask for the URL of the article shown and set it; whether it was set."""
        from desk.reports.review import set_article_url

        article_id = self.current_article()
        if not article_id:
            self.report("Open an article first.")
            return False
        url = self.ask_url(self.desk.article(article_id).url)
        if url is None:
            return False
        try:
            set_article_url(self.desk, article_id, url)
        except DeskError as exc:
            self.report(str(exc))
            return False
        return True

    # -- reports -------------------------------------------------------------------------

    def _ask_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self.parent_widget, "Export Report", suggested,
            "PDF (*.pdf);;Web page, self-contained (*.html)")
        return path

    def export_report(self, path: str | Path | None = None, *, whole_desk: bool = False,
                      filters: Any = None) -> Path | None:
        """Write the report of the article shown (the desk's with ``whole_desk``, or when no
        article is shown, with ``filters``) to ``path``, asking for it when not given;
        returns the path written, or None."""
        from desk.reports.aggregates import Filters
        from desk.reports.files import build_report, write_report

        from .report_pdf import write_pdf

        article_id = None if whole_desk else self.current_article()
        filters = filters or Filters()
        if path is None:
            stem = "article-report" if article_id else "desk-report"
            path = self.ask_path(str(Path.home() / f"{stem}.pdf"))
            if not path:
                return None
        target = Path(path)
        if target.suffix.lower() not in (".pdf", ".html", ".htm"):
            target = target.with_suffix(".pdf")
        try:
            if target.suffix.lower() == ".pdf":
                write_pdf(build_report(self.desk, filters, article_id=article_id,
                                       images=True), target)
            else:
                write_report(self.desk, target, filters, article_id=article_id)
        except (DeskError, OSError) as exc:
            self.report(f"The report could not be written: {exc}")
            return None
        return target

    def document(self) -> Any:
        """The report of the article shown (or the desk's) as a Qt document."""
        from desk.reports.aggregates import Filters
        from desk.reports.files import build_report

        from .report_pdf import report_document

        return report_document(build_report(self.desk, Filters(),
                                            article_id=self.current_article(), images=True))

    def print_report(self, printer: Any = None) -> bool:
        """Print the report; with no printer given, ask through Qt's print dialog."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from .report_pdf import print_document

        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            dialog = QPrintDialog(printer, self.parent_widget)
            if dialog.exec() != QPrintDialog.DialogCode.Accepted:
                return False
        print_document(self.document(), printer,
                       "letter" if printer.pageLayout().pageSize().id() ==
                       printer.pageLayout().pageSize().PageSizeId.Letter else "a4")
        return True
