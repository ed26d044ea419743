"""Across the Desk: claim groups ("seen in N articles, first on … by …") and disagreements.

A non-modal dialog with two tabs. Opening it regroups the desk's claims on a worker thread
(:func:`desk.across.refresh_groups` on its own desk connection, progress and Cancel), then
reads the groups and the disagreements on the UI thread. The editor confirms, splits and
merges groups; choosing a claim row (or a disagreement) shows that claim in the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desk import Change, DeskError

from .across_controller import (  # noqa: F401 (AcrossController was defined here)
    ACROSS,
    DISAGREEMENTS,
    AcrossController,
    CloseWith,
)
from .across_models import CLAIM_ID, DisagreementsModel, GroupsModel
from .across_models import core as _across
from .commands import push
from .group_commands import MergeGroupsCommand, SplitGroupCommand
from .workers import DeskJob, start_job

if TYPE_CHECKING:
    from .controller import WindowContext


def _tree(model: Any, name: str) -> QTreeView:
    view = QTreeView(objectName=name)
    view.setModel(model)
    view.setUniformRowHeights(True)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setStyleSheet("QTreeView::item { padding: 3px 4px; }")
    header = view.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
    header.resizeSection(1, 320)
    header.resizeSection(2, 175)
    return view


class AcrossView(QDialog):
    """Groups and disagreements of the window's desk; rows jump to their claims."""

    def __init__(self, context: WindowContext, reader: QWidget) -> None:
        super().__init__(context.parent)
        self.context, self.reader = context, reader
        self.desk = context.desk
        self.job: Any = None  # the regrouping or reading running on a worker thread
        self.counting: list[Any] = []  # counting the disagreements after the first rows show
        self._reload_pending = False  # a change came while reading: read again after
        self.setObjectName("acrossView")
        self.setWindowTitle("Across the Desk — Claims Desk")
        self.resize(980, 560)
        self.groups_model = GroupsModel(self)
        self.disagreements_model = DisagreementsModel(self)
        self.groups_view = _tree(self.groups_model, "groupsView")
        self.groups_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.groups_view.setAccessibleName("Claim groups")
        self.disagreements_view = _tree(self.disagreements_model, "disagreementsView")
        self.disagreements_view.setAccessibleName("Figures that disagree")
        self.status = QLabel(objectName="acrossStatus")
        self.tabs = QTabWidget(objectName="acrossTabs")
        self.tabs.addTab(self._groups_tab(), "&Groups")
        self.tabs.addTab(self._disagreements_tab(), "&Disagreements")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 8)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        for view in (self.groups_view, self.disagreements_view):
            view.selectionModel().currentChanged.connect(self._jump)
            view.activated.connect(self._open_in_window)
        self._reload_soon = QTimer(self, singleShot=True, interval=250)  # edits come in bursts
        self._reload_soon.timeout.connect(self._reload_if_idle)
        self._unsubscribe = self.desk.subscribe(self._on_change)
        for name in ("actionUndo", "actionRedo"):  # Ctrl+Z works here too
            self.addAction(context.registry[name])
        self._closer = CloseWith(context.parent, self._window_closing, self)

    def _window_closing(self) -> None:
        """The window is closing: stop regrouping, stop following the desk, close."""
        self._reload_soon.stop()
        if self._busy():
            self.job.cancel()
            self.job.wait(10000)
        for job in self.counting:
            job.wait(10000)
        self._unsubscribe()
        self.close()

    @staticmethod
    def _tab(hint: str, view: QWidget) -> tuple[QWidget, QVBoxLayout]:
        """A tab page: a line of help above its view."""
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.setContentsMargins(6, 8, 6, 6)
        box.addWidget(QLabel(hint))
        box.addWidget(view, 1)
        return tab, box

    def _groups_tab(self) -> QWidget:
        tab, box = self._tab("The same claim in several articles. Choose a claim to read it; "
                             "select claims to split them off, or groups to merge them.",
                             self.groups_view)
        row = QHBoxLayout()
        for name, text, slot in (("regroupButton", "&Regroup", self.refresh),
                                 ("confirmButton", "&Confirm Group", self.confirm),
                                 ("splitButton", "&Split Off Selected Claims", self.split),
                                 ("mergeButton", "&Merge Selected Groups", self.merge)):
            button = QPushButton(text, objectName=name)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            row.addWidget(button)
            setattr(self, name, button)
        row.addStretch(1)
        box.addLayout(row)
        self.regroupButton.setEnabled(not self.desk.read_only)
        for button in (self.confirmButton, self.splitButton, self.mergeButton):
            button.setEnabled(not self.desk.read_only)
        return tab

    def _disagreements_tab(self) -> QWidget:
        return self._tab("Figures that cannot both be true, beyond their qualifiers. "
                         "Choose one to read its claims.", self.disagreements_view)[0]

    # -- loading --------------------------------------------------------------------------

    def open_view(self, tab: int = 0) -> None:
        """Show the dialog on a tab, regroup (writable desk) or read the stored groups."""
        self.tabs.setCurrentIndex(tab)
        self.show()
        self.raise_()
        self.activateWindow()
        (self.groups_view if tab == 0 else self.disagreements_view).setFocus()
        self.refresh()

    def refresh(self) -> None:
        """Regroup the claims on a worker thread, then reload (read-only desk: reload)."""
        if self.desk.read_only:
            self.reload()
            return
        if self.job is not None and self.job.isRunning():
            return
        self.status.setText("Grouping claims across the desk…")
        self.job = start_job(self, "Grouping claims across the desk", self.desk.path,
                             self.desk.editor, _regroup, self._regrouped, self._not_regrouped)
        self.job.finished.connect(self._after_job)

    def _regrouped(self, result: Any) -> None:
        self._show(result)

    def _not_regrouped(self, message: str) -> None:
        if self.context.closed():
            return
        self.reload()
        if self.job is not None and self.job.cancelled:
            self.status.setText("Grouping cancelled: showing the groups found before.")
        else:
            self.context.report(message)

    def reload(self) -> None:
        """Read the stored groups and the disagreements again, on a worker thread (working
        out the disagreements of 100,000 claims takes seconds)."""
        if self.context.closed():
            return
        if self._busy():
            self._reload_pending = True
            return
        self._reload_pending = False
        self.status.setText("Reading the groups and the figures that disagree…")
        self.job = DeskJob(self.desk.path, self.desk.editor, _read, self)
        self.job.succeeded.connect(self._read_done)
        self.job.failed.connect(self._read_failed)
        self.job.finished.connect(self._after_job)
        self.job.start()

    @Slot()
    def _after_job(self) -> None:
        """A worker is done: read again if a change came meanwhile."""
        if self._reload_pending and not self.context.closed():
            self.reload()

    @Slot(object)
    def _read_done(self, result: Any) -> None:
        self._show(result)

    @Slot(str)
    def _read_failed(self, message: str) -> None:
        if not self.context.closed():
            self.status.setText("")
            self.context.report(message)

    def _show(self, result: tuple[Any, ...]) -> None:
        """Show the first page of groups and of disagreements read on a worker; the views
        read further pages as they scroll, and a group's claims when it is opened."""
        if self.context.closed():
            return
        found, group_count, opened, conflicts = result
        desk = self.desk

        def more_groups(loaded: int) -> list[Any]:
            return _across().group_summaries(desk, loaded, PAGE)

        def load(group_id: str) -> Any:
            return next(iter(_across().groups_by_id(desk, [group_id])), None)

        def more_conflicts(loaded: int) -> list[Any]:
            return _across().disagreements_page(desk, loaded, PAGE)

        self.groups_model.set_groups(found, group_count, more_groups, load, opened)
        self.disagreements_model.set_disagreements(conflicts, -1, more_conflicts)
        for item in opened:  # the first groups open (their claims were read)
            self.groups_view.expand(self.groups_model.index(self.groups_model.row_of(item.id), 0))
        self.disagreements_view.expandAll()
        self.tabs.setTabText(0, f"&Groups ({group_count:,})")
        self.status.setText(f"{group_count:,} groups of claims seen in several articles")
        self._count_disagreements(group_count)

    def _count_disagreements(self, group_count: int) -> None:
        """Count the disagreements on a worker (a whole table's count: 0.1 s at 100,000
        claims), after their first rows are shown."""
        self.counting = [job for job in self.counting if job.isRunning()]  # (never waited on)
        job = DeskJob(self.desk.path, self.desk.editor, _count, self)
        self.counting.append(job)

        def counted(count: int) -> None:
            if self.context.closed() or job is not self.counting[-1]:
                return  # (a later count is on its way)
            self.disagreements_model.set_total(count)
            self.tabs.setTabText(1, f"&Disagreements ({count:,})")
            self.status.setText(f"{group_count:,} groups of claims seen in several articles · "
                                f"{count:,} disagreements")

        job.succeeded.connect(counted)
        job.start()

    def _on_change(self, change: Change) -> None:
        if self.isVisible() and change.kind != "articles_changed":
            self._reload_soon.start()

    def _reload_if_idle(self) -> None:
        if self.isVisible() and not self._busy():
            self.reload()

    def _busy(self) -> bool:
        return self.job is not None and self.job.isRunning()

    # -- choosing -------------------------------------------------------------------------

    def _open_in_window(self, index: QModelIndex) -> None:
        """Enter (or a double-click) on a row: its claim, in the window, the reader focused."""
        self._jump(index, QModelIndex())
        self.context.parent.raise_()
        self.context.parent.activateWindow()
        self.reader.setFocus()

    def _jump(self, current: QModelIndex, _previous: QModelIndex) -> None:
        claim_id = current.data(CLAIM_ID) if current.isValid() else None
        if claim_id:
            self.context.selection.show_claim(claim_id)

    def _selected_claims(self) -> list[tuple[str, str]]:
        """(group id, claim id) of the selected claim rows."""
        found = []
        for index in self.groups_view.selectionModel().selectedRows():
            claim = self.groups_model.claim_at(index)
            group = self.groups_model.group_at(index)
            if claim is not None and group is not None:
                found.append((group.id, claim.id))
        return found

    def confirm(self) -> None:
        """Confirm the current group: it is kept as it is when the desk is regrouped."""
        group = self.groups_model.group_at(self.groups_view.currentIndex())
        if group is None:
            self.status.setText("Choose a group to confirm.")
            return
        self._edit(lambda: _across().confirm_group(self.desk, group.id), group.id)

    def split(self) -> None:
        """Move the selected claims of one group into a group of their own."""
        chosen = self._selected_claims()
        groups = {gid for gid, _ in chosen}
        if len(groups) != 1:
            self.status.setText("Select claims of one group to split them off.")
            return
        gid = groups.pop()
        self._edit(lambda: push(self.context.undo_stack, SplitGroupCommand(
            self.desk, gid, [cid for _, cid in chosen], self.context.report)), gid)

    def merge(self) -> None:
        """Join the selected groups into one."""
        ids = list(dict.fromkeys(
            g.id for g in (self.groups_model.group_at(i)
                           for i in self.groups_view.selectionModel().selectedRows()) if g))
        if len(ids) < 2:
            self.status.setText("Select two or more groups to merge them.")
            return
        self._edit(lambda: push(self.context.undo_stack, MergeGroupsCommand(
            self.desk, ids, self.context.report)), ids[0])

    def _edit(self, change: Any, group_id: str) -> None:
        try:
            change()
        except DeskError as exc:
            self.context.report(str(exc))
            return
        self.reload()
        row = self.groups_model.row_of(group_id)
        if row >= 0:
            self.groups_view.setCurrentIndex(self.groups_model.index(row, 0))


#: Groups or disagreements read at a time (the first page on a worker, then as the view scrolls).
PAGE = 200
#: The first groups are shown open while their claims number no more than this in all.
OPEN_CLAIMS = 400


def _regroup(desk: Any, progress: Any, cancelled: Any) -> tuple[Any, ...]:
    """Worker-thread work: regroup on the worker's own desk connection, then read."""
    _across().refresh(desk, progress, cancelled)
    return _read(desk, progress, cancelled)


def _read(desk: Any, _progress: Any, _cancelled: Any) -> tuple[Any, ...]:
    """Worker-thread work: the changed claims brought up to date (a few: quick), then the
    first page of groups (their stored summaries) with the claims of the first few, how many
    groups there are and the first page of disagreements (counted afterwards)."""
    across = _across()
    if not desk.read_only:
        across.refresh_changed(desk)
    found = across.group_summaries(desk, 0, PAGE)
    shown, claims = [], 0
    for item in found:
        claims += item.claim_count
        if claims > OPEN_CLAIMS:
            break
        shown.append(item.id)
    return (found, across.group_count(desk), across.groups_by_id(desk, shown),
            across.disagreements_page(desk, 0, PAGE))


def _count(desk: Any, _progress: Any, _cancelled: Any) -> int:
    """Worker-thread work: how many disagreements there are."""
    return _across().disagreement_count(desk)
