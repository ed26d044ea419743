"""The main window: composes the panes and the controllers, and wires them in one place.

Panes live in their own modules (article list, reader, claim panel, claims table). The work is
done by controllers, each handed a :class:`~ui.controller.WindowContext` (the desk, the undo
stack, ``report``, the selection, …) and the panes it needs, never the window: editing claims
(:mod:`ui.editing`), desk files (:mod:`ui.files`), backups, updates and merges
(:mod:`ui.operations`), suggestions (:mod:`ui.suggest`), across the desk
(:mod:`ui.across_view`), revisions (:mod:`ui.revisions_view`), worker jobs (:mod:`ui.jobs`),
messages (:mod:`ui.messages`). This module builds them, connects their signals, shows the
selected article and claim everywhere, and follows the desk's changes. What the first frame
does not show is built just after the window has painted (:mod:`ui.later`, :meth:`later`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QPaintEvent,
    QUndoStack,
)
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget

from desk import Change, Claim, Desk, DeskError

from .actions import Actions, add_undo_actions
from .article_list import ArticleListPane
from .article_model import ArticleListModel
from .claim_panel import ClaimPanel
from .claims_model import ClaimsTableModel
from .claims_table import ClaimsTablePane
from .controller import WindowContext
from .editing import Editing
from .find_bar import FindBar
from .icons import app_icon
from .jobs import Jobs
from .layout_state import LayoutState
from .menus import build_menus, build_toolbar
from .messages import Messages
from .later import LaterControllers, build_later
from .navigation import Navigation
from .reader import Reader
from .selection import Selection
from .status_bar import StatusLabels
from .suggest import Suggester

#: Windows that are open (a window opened on another desk must outlive its opener).
OPEN_WINDOWS: list[MainWindow] = []


class MainWindow(QMainWindow):
    """One desk's window: articles on the left, the reader, the claim panel, the table."""

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.desk_closed = False
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.setWindowTitle(f"{desk.path.name} — Claims Desk"
                            + ("  (read-only)" if desk.read_only else ""))
        self.setAcceptDrops(not desk.read_only)

        self.undo_stack = QUndoStack(self)
        self.registry = Actions(self)
        add_undo_actions(self.registry, self.undo_stack, self)
        self.selection = Selection(self)
        self.messages = Messages(self)
        self.report = self.messages.report
        self.jobs = Jobs(self, desk, self._closed, self.report, self.desk_changed_elsewhere)
        self.context = WindowContext(
            desk=desk, undo_stack=self.undo_stack, registry=self.registry,
            selection=self.selection, report=self.report, inform=self.messages.inform,
            run_job=self.jobs.run, parent=self, closed=self._closed,
            commit_pending=lambda: self.claim_panel.commit_pending(),
            refresh=self.desk_changed_elsewhere, reload_all=self.reload_all,
            keep_dialog=self.messages.keep_dialog)

        self.reader = Reader()
        self.find_bar = FindBar(self.reader)
        self.claim_panel = ClaimPanel()
        self.editing = Editing(self.context, self.reader, self.claim_panel)
        self.suggester = Suggester(self.context, self.reader)
        self.articles_model = ArticleListModel(desk, self)
        self.claims_model = ClaimsTableModel(desk, self.editing.edit_claim, self)
        self.article_pane = ArticleListPane(self.articles_model)
        self.claims_pane = ClaimsTablePane(self.claims_model)
        self._compose()
        self.recent_menu = build_menus(self.menuBar(), self.registry)
        self.review_menu = self.suggester.add_to_menu(self.menuBar())
        self.help_menu = self.menuBar().addMenu("&Help")  # About goes in with the rest
        self.addToolBar(build_toolbar(self.registry))
        self.status_labels = StatusLabels(self.statusBar(), desk)
        self.counts_label = self.status_labels.counts_label
        self.path_label = self.status_labels.path_label
        self.read_only_label = self.status_labels.read_only_label
        self.navigation = Navigation(self.registry, self.article_pane, self.reader,
                                     self.find_bar, self.claims_pane)
        self._connect_signals()
        self._unsubscribe = desk.subscribe(self._on_change)

        self.registry.set_read_only(desk.read_only)
        self.claim_panel.set_read_only(desk.read_only)
        self._painted = False  # see paintEvent: some work waits for the first paint
        self._later: LaterControllers | None = None  # see later(): built after the first paint
        self.layout_state = LayoutState(self, self.main_splitter, self.centre_splitter,
                                        self.reader, self.registry.actionWholeDesk)
        self.layout_state.restore()
        if self.articles_model.rowCount():
            self.article_pane.choose(self.articles_model.summary(0).id)
        self.editing.update_actions()
        OPEN_WINDOWS.append(self)

    # -- built after the first paint -------------------------------------------------------

    def later(self) -> LaterControllers:
        """The controllers the first sight of the window does not need (files, backups and
        updates, across the desk, revisions, reviewed marks, reports, sync, About): built
        just after the first paint, or now if something asks for one sooner."""
        if self._later is None:
            self._later = build_later(self.context, self.reader, self.article_pane,
                                      self.recent_menu, self.review_menu, self.help_menu,
                                      self.articles_model.set_reviewed)
        return self._later

    @property
    def complete(self) -> bool:
        """Whether the controllers built after the first paint are there (menus filled)."""
        return self._later is not None

    files = property(lambda self: self.later().files)
    across = property(lambda self: self.later().across)
    revisions = property(lambda self: self.later().revisions)
    review_marks = property(lambda self: self.later().review_marks)
    reports = property(lambda self: self.later().reports)
    team_sync = property(lambda self: self.later().team_sync)
    operations = property(lambda self: self.later().operations)
    about = property(lambda self: self.later().about)

    # -- what the controllers and the tests read -------------------------------------------

    @property
    def article_id(self) -> str | None:
        """The article the reader shows."""
        return self.selection.article_id

    @property
    def claim_id(self) -> str | None:
        """The selected claim."""
        return self.selection.claim_id

    @property
    def last_message(self) -> QMessageBox | None:
        """The last message box shown."""
        return self.messages.last_message

    @property
    def last_dialog(self) -> QWidget | None:
        """The last dialog opened (backups, settings)."""
        return self.messages.last_dialog

    def _closed(self) -> bool:
        return self.desk_closed

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
        self.later()  # the menus' entries, their shortcuts, the docks
        if self.status_labels.counts is None:
            self.status_labels.refresh_counts()  # counting 100,000 claims takes a few milliseconds
        self._refresh_completions()  # completion lists scan the sources and tags in use
        self.review_marks.load()  # the reviewed ticks and the learning switch
        self.operations.start_open_backup()  # a worker copies the desk
        self.team_sync.start()  # a desk of a team desk syncs once the window is up
        self.desk.db  # noqa: B018 - load sqlite-utils now, not on the first edit

    # -- composition ---------------------------------------------------------------------

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

    def _connect_signals(self) -> None:
        selection, editing = self.selection, self.editing
        selection.articleRequested.connect(self.show_article)
        selection.claimRequested.connect(self.select_claim)
        selection.articleChanged.connect(self.suggester.article_shown)
        selection.claimChanged.connect(editing.update_actions)
        self.article_pane.articleChosen.connect(self.show_article)
        self.reader.claimClicked.connect(lambda cid: self.select_claim(cid, scroll=False))
        self.reader.selectionChanged.connect(editing.update_actions)
        self.claims_pane.claimChosen.connect(self.select_claim)
        self.claim_panel.edited.connect(editing.edit_claim)
        self.claim_panel.finished.connect(self.reader.setFocus)
        self.undo_stack.cleanChanged.connect(editing.update_actions)
        self.registry.actionQuit.triggered.connect(self.close)

    # -- showing -------------------------------------------------------------------------

    def show_article(self, article_id: str | None) -> None:
        """Open an article in the reader with its claims highlighted."""
        if article_id == self.article_id:
            return
        self.claim_panel.commit_pending()
        try:
            article = self.desk.article(article_id) if article_id else None
        except DeskError as exc:
            self.report(str(exc))
            return
        self.reader.show_article(article, self.desk.claim_marks(article_id) if article_id else [])
        self.selection.set_article(article_id)  # the suggestions follow
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
        claim_id = claim.id if claim else None
        self.reader.select_claim(claim_id, scroll=scroll)
        if self.claims_pane.current_id() != claim_id:
            self.claims_pane.select_claim(claim_id)
        self.claim_panel.show_claim(claim)
        self.selection.set_claim(claim_id)  # the actions follow

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
        self.status_labels.on_change(change)
        if claim is not None:
            self.claim_panel.add_completions([claim.source] if claim.source else [], claim.tags)
        elif change.kind in ("articles_changed", "desk_restored"):
            self._refresh_completions()

    def reload_all(self) -> None:
        """Re-read everything (after a restore, an update or a merge) and show the same
        article again; the undo stack is cleared (its commands describe the desk as it was)."""
        self.undo_stack.clear()
        current = self.article_id
        self.selection.set_article(None)
        self.desk_changed_elsewhere()
        listed = self.articles_model.rowCount() > 0
        if current and self.articles_model.row_of(current, fetch=True) >= 0:
            self.show_article(current)
        elif self.article_id is None and listed:
            self.article_pane.choose(self.articles_model.summary(0).id)
        else:
            self.show_article(None)

    def desk_changed_elsewhere(self) -> None:
        """Re-read everything after a worker changed the desk through its own connection."""
        self.articles_model.reload()
        self.claims_model.reload()
        self.status_labels.refresh_counts()
        if self.article_id is None and self.articles_model.rowCount():
            self.article_pane.choose(self.articles_model.summary(0).id)

    def _refresh_completions(self) -> None:
        if self.desk_closed:  # a deferred call after the window closed its desk
            return
        self.claim_panel.set_completions(self.desk.sources(), self.desk.tag_names())

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

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Save what is being typed, the layout, then close the desk."""
        if self.desk_closed:
            super().closeEvent(event)
            return
        self.claim_panel.commit_pending()
        self.jobs.stop()
        later = self._later  # (None when the window closes before its first paint)
        if later is not None:
            later.operations.stop()
        self.claims_model.wait_for_sorting()
        if later is not None:
            later.reports.shutdown()
            later.team_sync.close()
        self.layout_state.save()
        self._unsubscribe()
        if later is not None:
            later.review_marks.close()
        self.desk.close()
        self.desk_closed = True
        if self in OPEN_WINDOWS:
            OPEN_WINDOWS.remove(self)
        super().closeEvent(event)

