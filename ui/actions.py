"""The window's one action registry: every QAction, its shortcut, icon and status tip.

Shortcuts are named constants here (standard ``QKeySequence`` keys where Qt has one), so that
menus, the toolbar, the README and the tests agree. Actions are wired to slots by the window.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QWidget

from .icons import icon

Key = QKeySequence.StandardKey

NEW_DESK = Key.New
OPEN_DESK = Key.Open
IMPORT = "Ctrl+I"
NEW_FROM_CLIPBOARD = "Ctrl+Shift+V"
EXPORT_CSV = "Ctrl+E"
QUIT = "Ctrl+Q"  # Key.Quit is empty on some Linux desktops
ADD_CLAIM = "Ctrl+Return"
ADD_CLAIM_ALT = "Ctrl+Enter"  # the keypad's Enter key
DELETE_CLAIM = "Ctrl+Shift+D"
DELETE_CLAIM_ALT = Key.Delete  # in the reader and the table (text fields keep their Delete)
NEXT_CLAIM = "Alt+Down"
PREVIOUS_CLAIM = "Alt+Up"
NEXT_ARTICLE = "Ctrl+PgDown"
PREVIOUS_ARTICLE = "Ctrl+PgUp"
FIND = Key.Find
FIND_NEXT = Key.FindNext
FOCUS_FILTER = "Ctrl+L"
FOCUS_READER = "Ctrl+1"
FOCUS_TABLE = "Ctrl+2"
ZOOM_IN = Key.ZoomIn
ZOOM_OUT = Key.ZoomOut
WHOLE_DESK = "Ctrl+Shift+A"
UNDO = Key.Undo
REDO = Key.Redo


@dataclass(frozen=True)
class Spec:
    """How to build one action."""

    name: str
    text: str
    tip: str
    shortcuts: tuple[object, ...] = ()
    icon: str = ""
    edits: bool = False  # disabled on a read-only desk
    checkable: bool = False


SPECS: tuple[Spec, ...] = (
    Spec("actionNewDesk", "&New Desk…", "Create a new, empty desk file", (NEW_DESK,)),
    Spec("actionOpenDesk", "&Open Desk…", "Open another desk file", (OPEN_DESK,), "open"),
    Spec("actionImport", "&Import Articles…", "Import .txt, .md or .html files or folders",
         (IMPORT,), "import", edits=True),
    Spec("actionImportFolder", "Import &Folder…", "Import every article file in a folder",
         (), "", edits=True),
    Spec("actionNewFromClipboard", "New Article from &Clipboard",
         "Make an article of the text or web page on the clipboard", (NEW_FROM_CLIPBOARD,),
         "", edits=True),
    Spec("actionExportCsv", "&Export CSV…", "Write the desk's claims to a CSV file",
         (EXPORT_CSV,), "export"),
    Spec("actionQuit", "&Quit", "Close the window", (QUIT,)),
    Spec("actionAddClaim", "&Add Claim from Selection",
         "Tag the selected text as a claim and type its source",
         (ADD_CLAIM, ADD_CLAIM_ALT), "add-claim", edits=True),
    Spec("actionDeleteClaim", "&Delete Claim", "Delete the selected claim (undoable)",
         (DELETE_CLAIM, DELETE_CLAIM_ALT), "delete", edits=True),
    Spec("actionNextClaim", "Next Claim", "Select the next claim in the article", (NEXT_CLAIM,),
         "next"),
    Spec("actionPreviousClaim", "Previous Claim", "Select the previous claim in the article",
         (PREVIOUS_CLAIM,), "previous"),
    Spec("actionNextArticle", "Next Article", "Open the next article in the list",
         (NEXT_ARTICLE,)),
    Spec("actionPreviousArticle", "Previous Article", "Open the previous article in the list",
         (PREVIOUS_ARTICLE,)),
    Spec("actionFind", "&Find in Article…", "Search the text of the article", (FIND,), "find"),
    Spec("actionFindNext", "Find &Next", "Find the next match in the article", (FIND_NEXT,)),
    Spec("actionFocusFilter", "Filter &Articles", "Type to filter the article list",
         (FOCUS_FILTER,)),
    Spec("actionFocusReader", "Go to &Reader", "Move the keyboard focus to the article text",
         (FOCUS_READER,)),
    Spec("actionFocusTable", "Go to Claims &Table", "Move the keyboard focus to the claims table",
         (FOCUS_TABLE,)),
    Spec("actionZoomIn", "Zoom &In", "Larger reader text", (ZOOM_IN, "Ctrl+=")),
    Spec("actionZoomOut", "Zoom &Out", "Smaller reader text", (ZOOM_OUT,)),
    Spec("actionWholeDesk", "Claims of the &Whole Desk",
         "Show every claim of the desk in the table, not just this article's",
         (WHOLE_DESK,), checkable=True),
)


class Actions:
    """The built actions, by object name (``actions["actionAddClaim"]``) or attribute."""

    def __init__(self, parent: QWidget) -> None:
        self._by_name: dict[str, QAction] = {}
        for spec in SPECS:
            action = QAction(spec.text, parent)
            action.setObjectName(spec.name)
            action.setStatusTip(spec.tip)
            action.setToolTip(_tooltip(spec))
            action.setCheckable(spec.checkable)
            if spec.shortcuts:
                action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            if spec.icon:
                action.setIcon(icon(spec.icon))
            action.setProperty("edits", spec.edits)
            parent.addAction(action)
            self._by_name[spec.name] = action
            setattr(self, spec.name, action)

    def __getitem__(self, name: str) -> QAction:
        return self._by_name[name]

    def add(self, action: QAction) -> None:
        """Register an action made elsewhere (the undo stack's Undo and Redo)."""
        self._by_name[action.objectName()] = action
        setattr(self, action.objectName(), action)

    def all(self) -> list[QAction]:
        """Every registered action."""
        return list(self._by_name.values())

    def set_read_only(self, read_only: bool) -> None:
        """Disable every action that would change the desk."""
        for action in self._by_name.values():
            if action.property("edits"):
                action.setEnabled(not read_only)


def add_undo_actions(registry: Actions, stack: QUndoStack, parent: QWidget) -> None:
    """Undo and Redo, made by the undo stack (their text names the command), registered."""
    for action, name, keys, icon_name in (
        (stack.createUndoAction(parent, "&Undo"), "actionUndo", UNDO, "undo"),
        (stack.createRedoAction(parent, "&Redo"), "actionRedo", REDO, "redo"),
    ):
        action.setObjectName(name)
        action.setShortcuts(keys)
        action.setIcon(icon(icon_name))
        action.setProperty("edits", True)
        parent.addAction(action)
        registry.add(action)


def _tooltip(spec: Spec) -> str:
    text = spec.text.replace("&", "").rstrip("…")
    if spec.shortcuts:
        keys = QKeySequence(spec.shortcuts[0]).toString(QKeySequence.SequenceFormat.NativeText)
        return f"{text} ({keys})"
    return text
