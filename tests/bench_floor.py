"""The floor of start-up: a window built of the same Qt classes and widgets as ours, no desk.

PySide6 pays for each Qt class and module a program uses (it builds a Python class and its
enums on first use) and for each widget it builds, paints and styles: a bare ``QMainWindow``
pays for none of that, so the ratio of our start-up to it cannot say what our own code costs.
:func:`describe` records, from our window at its first paint, what it is built of — the
PySide6 modules loaded, the Qt classes our modules use, every widget our code created
(its Qt class, name, font, parent, place, size, visibility and text), the menus and their
actions, and the stylesheet — and :func:`build_floor` builds that again from Qt's own classes
with no desk, no models and none of our code. Our start-up over the floor's is the cost of our
code. What the window builds after its first paint (ui/later.py) is in neither.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

def qt_base(cls: type) -> type:
    """The nearest PySide6 class of ``cls`` (itself when it is one)."""
    return next(c for c in cls.__mro__ if c.__module__.startswith("PySide6."))


def _name(cls: type) -> list[str]:
    return [cls.__module__, cls.__qualname__]


def qt_names() -> list[list[str]]:
    """Every PySide6 class made so far in this process, as ``[module, name]``. PySide6 makes
    a class (and a Python enum class for each of its enums) on first use, and keeps it in its
    module's ``__dict__``; the classes not used yet are not there."""
    found = []
    for name, module in list(sys.modules.items()):
        if name.startswith("PySide6.Qt") and module is not None:
            found.extend([name, attr] for attr, value in list(vars(module).items())
                         if isinstance(value, type))
    return sorted(found)


def describe(window: Any) -> dict[str, Any]:
    """What ``window`` is built of, as JSON-ready data (see the module's docstring)."""
    classes = qt_names()  # before this function uses any class of its own
    import shiboken6
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QApplication, QMenu, QWidget

    widgets: list[QWidget] = [window]
    for child in window.findChildren(QWidget):
        if shiboken6.createdByPython(child) and not isinstance(child, QMenu):
            widgets.append(child)
    index = {id(w): n for n, w in enumerate(widgets)}
    records = []
    for widget in widgets:
        parent = widget.parentWidget()
        while parent is not None and id(parent) not in index:
            parent = parent.parentWidget()
        at = widget.mapTo(parent, QPoint(0, 0)) if parent is not None else QPoint(0, 0)
        text = ""
        for getter in ("text", "placeholderText"):
            if hasattr(widget, getter) and not hasattr(widget, "toPlainText"):
                try:
                    text = str(getattr(widget, getter)() or "")
                except TypeError:
                    text = ""
                if text:
                    break
        own_font = widget.testAttribute(Qt.WidgetAttribute.WA_SetFont)
        records.append({"class": _name(qt_base(type(widget))),
                        "name": widget.objectName(),  # (the stylesheet's rules go by names)
                        "font": widget.font().toString() if own_font else "",
                        "parent": -1 if parent is None else index[id(parent)],
                        "geometry": [at.x(), at.y(), widget.width(), widget.height()],
                        "visible": widget.isVisibleTo(window) or widget is window,
                        "text": text, "title": widget.windowTitle() if widget is window else ""})
    menus = []
    if window.menuWidget() is not None:
        for action in window.menuBar().actions():
            menu = action.menu()
            entries = [] if menu is None else [
                None if a.isSeparator() else [a.text(), a.shortcut().toString()]
                for a in menu.actions()]
            menus.append([action.text(), entries])
    in_menus = sum(len(m[1]) for m in menus)
    return {
        "modules": sorted(m for m in sys.modules if m.startswith("PySide6.")),
        "classes": classes,
        "widgets": records,
        "menus": menus,
        "other_actions": max(0, len(window.findChildren(QAction)) - in_menus),
        "status_bar": window.statusBar().isVisible(),
        "stylesheet": QApplication.instance().styleSheet(),
    }


def build_floor(spec: dict[str, Any]) -> Any:
    """Build, from Qt's own classes, the window that ``spec`` describes; returns it unshown.
    A QApplication must exist."""
    from PySide6.QtGui import QAction, QFont, QKeySequence
    from PySide6.QtWidgets import QApplication, QWidget

    for name in spec["modules"]:
        importlib.import_module(name)
    for module, name in spec["classes"]:
        getattr(importlib.import_module(module), name)
    QApplication.instance().setStyleSheet(spec["stylesheet"])
    built: list[QWidget] = []
    for record in spec["widgets"]:
        module, name = record["class"]
        cls = getattr(importlib.import_module(module), name)
        parent = built[record["parent"]] if record["parent"] >= 0 else None
        try:
            widget = cls(parent)
        except TypeError:
            widget = cls()
            widget.setParent(parent)
        widget.setObjectName(record.get("name", ""))
        if record.get("font"):
            font = QFont()
            font.fromString(record["font"])
            widget.setFont(font)
        x, y, width, height = record["geometry"]
        if parent is None:
            widget.resize(width, height)
            widget.setWindowTitle(record["title"])
        else:
            widget.setGeometry(x, y, width, height)
            widget.setVisible(record["visible"])
        if record["text"]:
            for setter in ("setText", "setPlaceholderText"):
                if hasattr(widget, setter):
                    getattr(widget, setter)(record["text"])
                    break
        built.append(widget)
    window = built[0]
    if hasattr(window, "menuBar"):
        for title, entries in spec["menus"]:
            menu = window.menuBar().addMenu(title)
            for entry in entries:
                if entry is None:
                    menu.addSeparator()
                    continue
                action = QAction(entry[0], window)
                if entry[1]:
                    action.setShortcut(QKeySequence(entry[1]))
                menu.addAction(action)
        if spec["status_bar"]:
            window.statusBar().show()
    window._floor_actions = [QAction(window) for _ in range(spec["other_actions"])]
    window._floor_widgets = built  # keep the Python wrappers alive
    return window
