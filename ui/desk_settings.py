"""Who is editing, and the desk's own settings: the "Settings…" dialog and the first-run ask.

The editor's name is kept on this computer (QSettings, :data:`ui.settings.EDITOR_NAME`) and
stored on every claim and field the editor touches, so that merged work shows who did what.
The organisation (the ``author`` of ClaimReview exports) and the default editor belong to
the desk file (``desk.setting``) and travel with it.
"""

from __future__ import annotations

import getpass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desk import META_DEFAULT_EDITOR, META_ORGANISATION, Desk, DeskError

from . import settings


def editor_name() -> str:
    """The editor's name kept on this computer ('' when never asked)."""
    return str(settings.value(settings.EDITOR_NAME) or "").strip()


def ask_editor_name(parent: QWidget | None = None) -> str:
    """Ask for the editor's name once (first run) and keep it.

    Declining keeps the login name (changeable under File ▸ Settings…), so nobody is asked
    at every start; '' only when there is no login name either.
    """
    name = editor_name()
    if name:
        return name
    try:
        suggestion = getpass.getuser()
    except (KeyError, OSError):
        suggestion = ""
    text, ok = QInputDialog.getText(
        parent, "Your Name",
        "Your name is stored on every claim you add or change, so that merged desks show "
        "who did what.\n\nYour name:", QLineEdit.EchoMode.Normal, suggestion)
    name = (text.strip() if ok else "") or suggestion.strip()
    if name:
        settings.set_value(settings.EDITOR_NAME, name)
    return name


class SettingsDialog(QDialog):
    """Your name (this computer) and the desk's organisation and default editor."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.desk = desk
        self.nameEdit = QLineEdit(editor_name() or desk.editor, objectName="editorNameEdit")
        self.nameEdit.setPlaceholderText("Your name, as colleagues know it")
        self.organisationEdit = QLineEdit(desk.setting(META_ORGANISATION),
                                          objectName="organisationEdit")
        self.organisationEdit.setPlaceholderText("e.g. Newsroom Fact Check")
        self.defaultEditorEdit = QLineEdit(desk.setting(META_DEFAULT_EDITOR),
                                           objectName="defaultEditorEdit")
        self.defaultEditorEdit.setPlaceholderText("Used when no name is given")

        mine = QGroupBox("On this computer")
        form = QFormLayout(mine)
        form.addRow("Your &name:", self.nameEdit)
        theirs = QGroupBox(f"This desk ({desk.path.name})")
        form = QFormLayout(theirs)
        form.addRow("&Organisation:", self.organisationEdit)
        form.addRow("&Default editor:", self.defaultEditorEdit)
        hint = QLabel("The organisation is the author of ClaimReview exports.")
        hint.setWordWrap(True)
        hint.setObjectName("hintLabel")
        form.addRow(hint)
        if desk.read_only:
            theirs.setEnabled(False)
            theirs.setTitle(f"This desk ({desk.path.name}, read-only)")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(mine)
        layout.addWidget(theirs)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def save(self) -> str:
        """Store what was typed; '' when all went well, else a message for people."""
        name = self.nameEdit.text().strip()
        if name:
            settings.set_value(settings.EDITOR_NAME, name)
            self.desk.editor = name
        if self.desk.read_only:
            return ""
        try:
            for key, edit in ((META_ORGANISATION, self.organisationEdit),
                              (META_DEFAULT_EDITOR, self.defaultEditorEdit)):
                if edit.text().strip() != self.desk.setting(key):
                    self.desk.set_setting(key, edit.text().strip())
        except DeskError as exc:
            return str(exc)
        return ""
