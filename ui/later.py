"""The controllers a window builds just after its first paint.

The first frame shows the article list, the reader with the first article, the claims table,
the claim panel, the toolbar and the menu bar's titles. What no one sees in that frame — the
File, Edit, View, Review and Help menus' other entries and their shortcuts, the Needs
Attention dock, the recent desks, the sync and other-window labels — is built here, in the
same order as before, as soon as the window has painted (:meth:`ui.window.MainWindow.later`),
or at once when something asks for one of them sooner. Their modules are imported here too,
so that start-up does not load them either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu, QWidget

    from .controller import WindowContext


@dataclass
class LaterControllers:
    """The controllers built after the first paint (their types: see :func:`build_later`)."""

    files: Any
    across: Any
    revisions: Any
    review_marks: Any
    reports: Any
    team_sync: Any
    operations: Any
    about: Any


def build_later(context: WindowContext, reader: QWidget, article_pane: QWidget,
                recent_menu: QMenu, review_menu: QMenu, help_menu: QMenu,
                set_reviewed: Callable[[set[str]], None]) -> LaterControllers:
    """Build the controllers, their actions (in the window's menus and registry) and docks."""
    from .about import AboutController
    from .across_controller import AcrossController
    from .files import DeskFiles
    from .operations import DeskOperations
    from .reports_controller import ReportsController
    from .review_marks import ReviewMarksController
    from .revisions_controller import RevisionsController
    from .sync import SyncController

    registry, read_only = context.registry, context.desk.read_only
    known = set(registry.all())
    files = DeskFiles(context, article_pane, recent_menu)  # type: ignore[arg-type]
    across = AcrossController(context, reader, review_menu)
    revisions = RevisionsController(context, review_menu)
    review_marks = ReviewMarksController(context, review_menu, set_reviewed)
    reports = ReportsController.from_context(context)
    bar = context.parent.statusBar()
    team_sync = SyncController.from_context(context)  # File ▸ Sync (desk.team)
    # Its label sits first among the status bar's permanent labels, as it always has.
    visible = not team_sync.label.isHidden()
    bar.removeWidget(team_sync.label)
    bar.insertPermanentWidget(0, team_sync.label)
    team_sync.label.setVisible(visible)
    # The window disabled its editing actions on a read-only desk before these existed.
    for action in registry.all():
        if action not in known and action.property("edits"):
            action.setEnabled(not read_only)
    # backups, updates, merges, the attention list (its menu entries go in after the rest)
    operations = DeskOperations(context, reader)  # type: ignore[arg-type]
    about = AboutController(context)  # Help ▸ About: the version, where things are
    help_menu.addAction(about.actionAbout)
    return LaterControllers(files, across, revisions, review_marks, reports, team_sync,
                            operations, about)
