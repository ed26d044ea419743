"""Claims Desk's window: Qt widgets and models over the desk core (no SQL here).

``ui.create_window(desk_path)`` returns the main window for a desk (a QApplication must
exist); ``ui.app.run(path)`` shows it and runs the event loop.
"""

from __future__ import annotations

from .app import create_window

__all__ = ["create_window"]
