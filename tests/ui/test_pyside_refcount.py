"""Regression guard for PySide6 6.12.0 on Python < 3.12, which drops a reference to ``None``
on every call of a method that returns nothing and aborts the process after a few thousand
calls (``Fatal Python error: none_dealloc``). pyproject.toml pins ``<6.12`` there."""

from __future__ import annotations

import sys

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit


def test_void_calls_keep_none_alive(qtbot) -> None:
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.setPlainText("Officials said 249 civilians had been killed. " * 20)
    cursor = QTextCursor(editor.document())
    before = sys.getrefcount(None)
    for i in range(10_000):
        editor.setReadOnly(i % 2 == 0)
        cursor.setPosition(i % 500)
    after = sys.getrefcount(None)
    # Other code may take references meanwhile; the bug loses two per iteration.
    assert after >= before - 100, (before, after)
