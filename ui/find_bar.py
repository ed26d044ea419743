"""Find in article: a slim bar under the reader (Ctrl+F; Enter next, Shift+Enter previous)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget


class FindEdit(QLineEdit):
    """The search box: Enter finds forwards, Shift+Enter backwards, Escape closes."""

    find = Signal(bool)  # backwards?
    closed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Enter, Shift+Enter and Escape."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.find.emit(bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
        elif event.key() == Qt.Key.Key_Escape:
            self.closed.emit()
        else:
            super().keyPressEvent(event)


class FindBar(QWidget):
    """Searches a :class:`QPlainTextEdit`, wrapping around at either end."""

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.editor = editor
        self.edit = FindEdit(objectName="findEdit", placeholderText="Find in article")
        self.edit.setClearButtonEnabled(True)
        self.result = QLabel(objectName="findResult")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.result)
        self.edit.find.connect(self.find)
        self.edit.textChanged.connect(lambda _: self.find(False, from_start=True))
        self.edit.closed.connect(self.close_bar)
        self.hide()

    def open_bar(self) -> None:
        """Show the bar with the reader's selected text, focused."""
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.edit.setText(selected)
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        """Hide the bar and give the focus back to the reader."""
        self.hide()
        self.editor.setFocus()

    def find(self, backwards: bool = False, from_start: bool = False) -> bool:
        """Select the next (or previous) match, wrapping; False when there is none."""
        text = self.edit.text()
        if not text:
            self.result.setText("")
            return False
        flags = QTextDocument.FindFlag.FindBackward if backwards else QTextDocument.FindFlag(0)
        if from_start:
            cursor = self.editor.textCursor()
            cursor.setPosition(cursor.selectionStart())
            self.editor.setTextCursor(cursor)
        found = self.editor.find(text, flags)
        if not found:
            cursor = self.editor.textCursor()
            cursor.movePosition(cursor.MoveOperation.End if backwards
                                else cursor.MoveOperation.Start)
            self.editor.setTextCursor(cursor)
            found = self.editor.find(text, flags)
        self.result.setText("" if found else "Not found")
        return found
