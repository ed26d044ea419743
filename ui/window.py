"""The main window: composes the panes, wires them in one place, follows the desk.

Panes live in their own modules (article list, reader, claim panel, claims table); desk-file
work (open, import, export, clipboard) lives in :mod:`ui.files`. This module only composes,
connects, and turns the user's intentions into undoable commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QPaintEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk import Change, Claim, Desk, DeskError
from desk.anchors.anchoring import trim_span
from desk.text.figures import find_figure

from . import settings
from .across_view import install as install_across
from .reports_controller import ReportsController
from .actions import Actions
from .article_list import ArticleListPane
from .claim_panel import ClaimPanel
from .claims_table import ClaimsTablePane
from .commands import (
    AddClaimCommand,
    DeleteClaimCommand,
    DeskCommand,
    EditClaimCommand,
    push,
)
from .files import DeskFiles
from .find_bar import FindBar
from .icons import app_icon, icon
from .menus import build_menus, build_toolbar
from .models import ArticleListModel, ClaimsTableModel
from .operations import DeskOperations
from .reader import Reader
from .revisions_view import install as install_revisions
from .suggest import Suggester

#: How a desk change moves the live-claim count (other changes re-read the counts).
_COUNT_STEP = {"claim_added": 1, "claim_restored": 1, "claim_deleted": -1,
               "claim_updated": 0}

#: Windows that are open (a window opened on another desk must outlive its opener).
OPEN_WINDOWS: list[MainWindow] = []


class MainWindow(QMainWindow):
    """One desk's window: articles on the left, the reader, the claim panel, the table."""

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.article_id: str | None = None
        self.claim_id: str | None = None
        self.last_message: QMessageBox | None = None
        self.desk_closed = False
        self._counts: tuple[int, int] | None = None  # articles, live claims
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.setWindowTitle(f"{desk.path.name} — Claims Desk"
                            + ("  (read-only)" if desk.read_only else ""))
        self.setAcceptDrops(not desk.read_only)

        self.undo_stack = QUndoStack(self)
        self.registry = Actions(self)
        self._add_undo_actions()
        self.files = DeskFiles(self)
        self.suggester = Suggester(self)

        self.articles_model = ArticleListModel(desk, self)
        self.claims_model = ClaimsTableModel(desk, self.edit_claim, self)
        self.article_pane = ArticleListPane(self.articles_model)
        self.reader = Reader()
        self.find_bar = FindBar(self.reader)
        self.claim_panel = ClaimPanel()
        self.claims_pane = ClaimsTablePane(self.claims_model)
        self._compose()
        self._build_menus()
        self._build_status_bar()
        self._connect_signals()
        self._unsubscribe = desk.subscribe(self._on_change)

        self.registry.set_read_only(desk.read_only)
        self.claim_panel.set_read_only(desk.read_only)
        self._painted = False  # see paintEvent: some work waits for the first paint
        self._restore_settings()
        if self.articles_model.rowCount():
            self.article_pane.choose(self.articles_model.summary(0).id)
        self._update_actions()
        self.operations = DeskOperations(self)  # backups, updates, merges, attention list
        OPEN_WINDOWS.append(self)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """Paint; after the first paint, start what the first sight of the window does not
        need (so that it shows as soon as it can)."""
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        if self.desk_closed:
            return
        if self._counts is None:
            self._refresh_counts()  # counting 100,000 claims takes a few milliseconds
        self._refresh_completions()  # completion lists scan the sources and tags in use
        self.operations.start_open_backup()  # a worker copies the desk
        self.desk.db  # noqa: B018 - load sqlite-utils now, not on the first edit

    # -- composition ---------------------------------------------------------------------

    def _add_undo_actions(self) -> None:
        for action, name, keys, icon_name in (
            (self.undo_stack.createUndoAction(self, "&Undo"), "actionUndo",
             QKeySequence.StandardKey.Undo, "undo"),
            (self.undo_stack.createRedoAction(self, "&Redo"), "actionRedo",
             QKeySequence.StandardKey.Redo, "redo"),
        ):
            action.setObjectName(name)
            action.setShortcuts(keys)
            action.setIcon(icon(icon_name))
            action.setProperty("edits", True)
            self.addAction(action)
            self.registry.add(action)

    def _compose(self) -> None:
        reader_box = QWidget(objectName="readerPane")
        box = QVBoxLayout(reader_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.reader, 1)
        box.addWidget(self.find_bar)
        box.addWidget(self.suggester.bar)

        self.centre_splitter = QSplitter(Qt.Orientation.Vertical, objectName="centreSplitter")
        self.centre_splitter.addWidget(reader_box)
        self.centre_splitter.addWidget(self.claims_pane)
        self.centre_splitter.setStretchFactor(0, 3)
        self.centre_splitter.setStretchFactor(1, 1)
        self.centre_splitter.setChildrenCollapsible(False)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        self.main_splitter.addWidget(self.article_pane)
        self.main_splitter.addWidget(self.centre_splitter)
        self.main_splitter.addWidget(self.claim_panel)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setChildrenCollapsible(False)
        self.main_splitter.setSizes([290, 760, 340])
        self.centre_splitter.setSizes([600, 230])
        self.setCentralWidget(self.main_splitter)

    def _build_menus(self) -> None:
        self.recent_menu = build_menus(self.menuBar(), self.registry)
        self.review_menu = self.suggester.add_to_menu(self.menuBar())
        install_across(self, self.review_menu)
        install_revisions(self, self.review_menu)
        self.reports = ReportsController(self.desk, self, current_article=lambda: self.article_id,
                                         show_claim=self.select_claim, report=self.report)
        self.reports.add_to_menus(self.menuBar())
        for action in self.reports.actions():
            self.addAction(action)
            self.registry.add(action)
        self.addToolBar(build_toolbar(self.registry))

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.path_label = QLabel(_display_path(self.desk.path), objectName="deskPathLabel")
        self.path_label.setToolTip(str(self.desk.path.resolve()))
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts_label = QLabel(objectName="countsLabel")
        self.read_only_label = QLabel("Read-only: nothing can be changed",
                                      objectName="readOnlyLabel")
        self.read_only_label.setVisible(self.desk.read_only)
        bar.addPermanentWidget(self.read_only_label)
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.path_label)

    def _connect_signals(self) -> None:
        a = self.registry
        self.article_pane.articleChosen.connect(self.show_article)
        self.reader.claimClicked.connect(lambda cid: self.select_claim(cid, scroll=False))
        self.reader.selectionChanged.connect(self._update_actions)
        self.claims_pane.claimChosen.connect(self.select_claim)
        self.claims_pane.wholeDesk.toggled.connect(a.actionWholeDesk.setChecked)
        self.claim_panel.edited.connect(self.edit_claim)
        self.claim_panel.finished.connect(self.reader.setFocus)
        self.undo_stack.cleanChanged.connect(self._update_actions)

        a.actionAddClaim.triggered.connect(self.add_claim_from_selection)
        a.actionDeleteClaim.triggered.connect(self.delete_claim)
        a.actionNextClaim.triggered.connect(lambda: self.step_claim(1))
        a.actionPreviousClaim.triggered.connect(lambda: self.step_claim(-1))
        a.actionNextArticle.triggered.connect(lambda: self.article_pane.step(1))
        a.actionPreviousArticle.triggered.connect(lambda: self.article_pane.step(-1))
        a.actionFind.triggered.connect(self.find_bar.open_bar)
        a.actionFindNext.triggered.connect(lambda: self.find_bar.find(False))
        a.actionFocusFilter.triggered.connect(self._focus_filter)
        a.actionFocusReader.triggered.connect(self.reader.setFocus)
        a.actionFocusTable.triggered.connect(self.claims_pane.table.setFocus)
        a.actionZoomIn.triggered.connect(lambda: self.reader.zoom_by(1))
        a.actionZoomOut.triggered.connect(lambda: self.reader.zoom_by(-1))
        a.actionWholeDesk.toggled.connect(self.claims_pane.set_whole_desk)
        a.actionQuit.triggered.connect(self.close)
        a.actionNewDesk.triggered.connect(self.files.new_desk)
        a.actionOpenDesk.triggered.connect(self.files.open_desk)
        a.actionImport.triggered.connect(self.files.import_files)
        a.actionImportFolder.triggered.connect(self.files.import_folder)
        a.actionNewFromClipboard.triggered.connect(self.files.new_from_clipboard)
        a.actionExportCsv.triggered.connect(self.files.export_csv)
        self.recent_menu.aboutToShow.connect(self.files.fill_recent_menu)

    # -- showing -------------------------------------------------------------------------

    def show_article(self, article_id: str | None) -> None:
        """Open an article in the reader with its claims highlighted."""
        if article_id == self.article_id:
            return
        self.claim_panel.commit_pending()
        self.article_id = article_id
        try:
            article = self.desk.article(article_id) if article_id else None
        except DeskError as exc:
            self.report(str(exc))
            return
        self.reader.show_article(article, self.desk.claim_marks(article_id) if article_id else [])
        self.suggester.article_shown(article_id)
        self.claims_model.show_article(article_id)
        if article_id and self.article_pane.current_id() != article_id:
            self.article_pane.choose(article_id)
        self.select_claim(None)

    def select_claim(self, claim_id: str | None, scroll: bool = True, *,
                     claim: Claim | None = None) -> None:
        """Make one claim the selected one everywhere: reader, table and panel (``claim``,
        when the caller has just read it, saves reading it again)."""
        if claim is not None and claim.id != claim_id:
            claim = None
        if claim_id and claim is None:
            try:
                claim = self.desk.claim(claim_id)
            except DeskError:
                claim = None
        if claim is not None and claim.deleted_at is not None:
            claim = None
        if claim is not None and claim.article_id != self.article_id:
            self.show_article(claim.article_id)
        self.claim_id = claim.id if claim else None
        self.reader.select_claim(self.claim_id, scroll=scroll)
        if self.claims_pane.current_id() != self.claim_id:
            self.claims_pane.select_claim(self.claim_id)
        self.claim_panel.show_claim(claim)
        self._update_actions()

    def step_claim(self, delta: int) -> None:
        """Select the next (1) or previous (-1) claim of the article, in text order."""
        if not self.article_id:
            return
        ids = self.desk.claim_ids_sorted("position", article_id=self.article_id)
        if not ids:
            return
        if self.claim_id in ids:
            at = (ids.index(self.claim_id) + delta) % len(ids)
        else:
            at = 0 if delta > 0 else len(ids) - 1
        self.select_claim(ids[at])

    # -- editing -------------------------------------------------------------------------

    def add_claim_from_selection(self) -> Claim | None:
        """Tag the reader's selection as a claim (unchecked, figure pre-filled); focus source."""
        span = self.reader.selected_span()
        article = self.reader.article
        if span is None or article is None or self.desk.read_only:
            self.statusBar().showMessage("Select some text in the article first.", 4000)
            return None
        start, end = trim_span(article.body, *span)
        if start >= end:
            self.statusBar().showMessage("Select some words, not just spaces.", 4000)
            return None
        match = find_figure(article.body[start:end])
        command = AddClaimCommand(self.desk, article.id, start, end, self.report,
                                  figure=match.text if match else "", status="unchecked")
        if not self._push(command) or command.claim is None:
            return None
        self.select_claim(command.claim.id, scroll=False)
        self.claim_panel.sourceEdit.setFocus(Qt.FocusReason.OtherFocusReason)
        return command.claim

    def edit_claim(self, claim_id: str, field: str, value: Any) -> bool:
        """Change one field of a claim (undoable); False when the desk refused."""
        if self.desk_closed:  # an editor losing focus while the window closes
            return False
        try:
            old = getattr(self.desk.claim(claim_id), field)
        except DeskError as exc:
            self.report(str(exc))
            return False
        return self._push(EditClaimCommand(self.desk, claim_id, field, old, value, self.report))

    def delete_claim(self) -> None:
        """Delete the selected claim (undoable) and select its neighbour."""
        if not self.claim_id:
            return
        ids = (self.desk.claim_ids_sorted("position", article_id=self.article_id)
               if self.article_id else [])
        at = ids.index(self.claim_id) if self.claim_id in ids else -1
        if self._push(DeleteClaimCommand(self.desk, self.claim_id, self.report)):
            rest = [cid for cid in ids if cid != self.claim_id]
            self.select_claim(rest[min(at, len(rest) - 1)] if rest and at >= 0 else None)

    def _push(self, command: DeskCommand) -> bool:
        try:
            push(self.undo_stack, command)
        except DeskError as exc:
            self.report(str(exc))
            return False
        return True

    def report(self, message: str, title: str = "Claims Desk") -> QMessageBox:
        """Tell the user about a problem in a window-modal message box (never a traceback)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("problemMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message = box
        return box

    # -- following the desk --------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        # the changed claim, read once for every pane that shows it
        claim = (self.desk.claim(change.claim_id)
                 if change.claim_id and change.kind != "claim_deleted" else None)
        self.articles_model.on_change(change)
        self.claims_model.on_change(change, claim)
        if change.claim_id and change.article_id == self.article_id:
            if claim is None:
                self.reader.remove_claim(change.claim_id)
            else:
                self.reader.put_claim(claim)
        if change.claim_id and change.claim_id == self.claim_id:
            if claim is None:
                self.select_claim(None)
            else:
                self.claim_panel.show_claim(claim)
        elif change.kind in ("claim_added", "claim_restored") and claim is not None:
            self.select_claim(change.claim_id, scroll=True, claim=claim)
        step = _COUNT_STEP.get(change.kind)
        self._refresh_counts(None if step is None else (0, step))
        if claim is not None:
            self.claim_panel.add_completions([claim.source] if claim.source else [], claim.tags)
        elif change.kind in ("articles_changed", "desk_restored"):
            self._refresh_completions()

    def desk_changed_elsewhere(self) -> None:
        """Re-read everything after a worker changed the desk through its own connection."""
        self.articles_model.reload()
        self.claims_model.reload()
        self._refresh_counts()
        if self.article_id is None and self.articles_model.rowCount():
            self.article_pane.choose(self.articles_model.summary(0).id)

    def _refresh_counts(self, step: tuple[int, int] | None = None) -> None:
        """Show the desk's counts: read them, or (after one claim's change) step them."""
        if step is None or self._counts is None:
            self._counts = self.desk.counts()
        else:
            self._counts = (self._counts[0] + step[0], self._counts[1] + step[1])
        articles, claims = self._counts
        self.counts_label.setText(f"{articles} article{'' if articles == 1 else 's'} · "
                                  f"{claims} claim{'' if claims == 1 else 's'}")

    def _refresh_completions(self) -> None:
        if self.desk_closed:  # a deferred call after the window closed its desk
            return
        self.claim_panel.set_completions(self.desk.sources(), self.desk.tag_names())

    def _update_actions(self) -> None:
        writable = not self.desk.read_only
        self.registry.actionAddClaim.setEnabled(
            writable and self.reader.textCursor().hasSelection())
        self.registry.actionDeleteClaim.setEnabled(writable and self.claim_id is not None)

    def _focus_filter(self) -> None:
        self.article_pane.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.article_pane.filter.selectAll()

    # -- drag and drop, settings, closing ------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        """Accept files and folders dropped from a file manager."""
        urls = event.mimeData().urls()
        if not self.desk.read_only and urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Import what was dropped."""
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files.import_paths(paths)

    def _restore_settings(self) -> None:
        for setting, restore in (
            (settings.WINDOW_GEOMETRY, self.restoreGeometry),
            (settings.WINDOW_STATE, self.restoreState),
            (settings.MAIN_SPLITTER, self.main_splitter.restoreState),
            (settings.CENTRE_SPLITTER, self.centre_splitter.restoreState),
        ):
            saved = settings.value(setting)
            if isinstance(saved, QByteArray) and not saved.isEmpty():
                restore(saved)
        self.reader.zoom_by(settings.value(settings.READER_ZOOM))
        if settings.value(settings.WHOLE_DESK_CLAIMS):
            self.registry.actionWholeDesk.setChecked(True)

    def _save_settings(self) -> None:
        settings.set_value(settings.WINDOW_GEOMETRY, self.saveGeometry())
        settings.set_value(settings.WINDOW_STATE, self.saveState())
        settings.set_value(settings.MAIN_SPLITTER, self.main_splitter.saveState())
        settings.set_value(settings.CENTRE_SPLITTER, self.centre_splitter.saveState())
        settings.set_value(settings.READER_ZOOM, self.reader.zoom)
        settings.set_value(settings.WHOLE_DESK_CLAIMS, self.registry.actionWholeDesk.isChecked())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Save what is being typed, the layout, then close the desk."""
        if self.desk_closed:
            super().closeEvent(event)
            return
        self.claim_panel.commit_pending()
        self.files.stop_jobs()
        self.operations.stop()
        self.claims_model.wait_for_sorting()
        self.reports.shutdown()
        self._save_settings()
        self._unsubscribe()
        self.desk.close()
        self.desk_closed = True
        if self in OPEN_WINDOWS:
            OPEN_WINDOWS.remove(self)
        super().closeEvent(event)


def _display_path(path: Path) -> str:
    """A desk's path as people read it: ``~/…`` inside the home folder."""
    path = path.resolve()
    try:
        return str(Path("~") / path.relative_to(Path.home().resolve()))
    except ValueError:
        return str(path)
