"""The menu bar and the toolbar, laid out from the action registry."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMenuBar, QToolBar

from .actions import Actions


def build_menus(bar: QMenuBar, a: Actions) -> QMenu:
    """File, Edit, View and Go menus; returns the (empty) File ▸ Open Recent menu."""
    menu = bar.addMenu("&File")
    menu.addActions([a.actionNewDesk, a.actionOpenDesk])
    recent = menu.addMenu("Open &Recent")
    recent.setObjectName("recentMenu")
    menu.addSeparator()
    menu.addActions([a.actionImport, a.actionImportFolder, a.actionNewFromClipboard])
    menu.addSeparator()
    menu.addAction(a.actionExportCsv)
    menu.addSeparator()
    menu.addAction(a.actionQuit)
    menu = bar.addMenu("&Edit")
    menu.addActions([a.actionUndo, a.actionRedo])
    menu.addSeparator()
    menu.addActions([a.actionAddClaim, a.actionDeleteClaim])
    menu.addSeparator()
    menu.addActions([a.actionFind, a.actionFindNext, a.actionFocusFilter])
    menu = bar.addMenu("&View")
    menu.addActions([a.actionZoomIn, a.actionZoomOut])
    menu.addSeparator()
    menu.addActions([a.actionWholeDesk, a.actionFocusReader, a.actionFocusTable])
    menu = bar.addMenu("&Go")
    menu.addActions([a.actionNextClaim, a.actionPreviousClaim])
    menu.addSeparator()
    menu.addActions([a.actionNextArticle, a.actionPreviousArticle])
    return recent


def build_toolbar(a: Actions) -> QToolBar:
    """The main toolbar: the everyday actions, labelled, then icon-only navigation."""
    toolbar = QToolBar("Main", objectName="mainToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    items: list[tuple[QAction, str] | None] = [
        (a.actionImport, "Import"), (a.actionExportCsv, "Export CSV"), None,
        (a.actionAddClaim, "Add Claim"), (a.actionDeleteClaim, "Delete"), None,
        (a.actionUndo, "Undo"), (a.actionRedo, "Redo"), None,
        (a.actionPreviousClaim, ""), (a.actionNextClaim, ""), (a.actionFind, ""),
    ]
    for item in items:
        if item is None:
            toolbar.addSeparator()
            continue
        action, text = item
        toolbar.addAction(action)
        button = toolbar.widgetForAction(action)
        if not text and button is not None:
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        elif text:
            action.setIconText(text)
    return toolbar
