"""Claims Desk's window: Qt widgets and models over the desk core (no SQL here).

``ui.create_window(desk_path)`` returns the main window for a desk (a QApplication must
exist); ``ui.app.run(path)`` shows it and runs the event loop.
"""

from __future__ import annotations

# The desk core is imported before PySide6: PySide's import hook reads the source of every
# module imported after it (looking for "from __feature__ import"), ~0.2 ms a module.
import desk  # noqa: F401,I001
import desk.facade  # noqa: F401

from .app import create_window

__all__ = ["create_window"]
