"""The window's layering: controllers are handed a context, never the window; no SQL in ui/.

Read from the source with :mod:`ast` (imports inside functions and under ``TYPE_CHECKING``
count here: a type hint naming the window is a controller taking the window):

- only ``ui.app`` (which builds the window) imports ``ui.window``;
- no parameter outside ``ui.window`` and ``ui.app`` is annotated ``MainWindow``, and nothing
  reaches into a window's private members (``window._push``);
- ``ui`` never imports ``sqlite3``, ``sqlite_utils`` or ``desk.store`` (it speaks to the
  ``Desk`` facade);
- ``ui/window.py`` stays under 400 lines and no ui module passes 500.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.ast_imports import from_base
from tests.conftest import ROOT

UI = ROOT / "ui"
MAY_IMPORT_WINDOW = {"ui.app", "ui.window"}
NO_SQL = ("sqlite3", "sqlite_utils", "desk.store")
WINDOW_LINES = 400
MODULE_LINES = 500


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(UI.rglob("*.py"))}


def _tree(module: str) -> ast.Module:
    path = MODULES[module]
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def imports(tree: ast.AST, module: str, is_package: bool = False) -> list[tuple[str, int]]:
    """(module imported, line) for every import in ``tree``, relative ones made absolute;
    ``from a import b`` gives ``a.b`` (b may be a module)."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = from_base(node, module, is_package)
            found.append((base, node.lineno))
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


def window_imports(tree: ast.AST, module: str, is_package: bool = False) -> list[str]:
    return [f"{module}:{line}" for target, line in imports(tree, module, is_package)
            if target == "ui.window" and module not in MAY_IMPORT_WINDOW]


def sql_imports(tree: ast.AST, module: str, is_package: bool = False) -> list[str]:
    return [f"{module}:{line} imports {target}"
            for target, line in imports(tree, module, is_package)
            if any(target == name or target.startswith(f"{name}.") for name in NO_SQL)]


def takes_the_window(tree: ast.AST, module: str) -> list[str]:
    """Parameters annotated with the window's class, and reaches into ``window._private``."""
    if module in MAY_IMPORT_WINDOW:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None \
                and re.search(r"\bMainWindow\b", ast.unparse(node.annotation)):
            found.append(f"{module}:{node.lineno} parameter {node.arg} takes the MainWindow")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__"):
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else (
                owner.attr if isinstance(owner, ast.Attribute) else "")
            if name in {"window", "window_", "main_window"}:
                found.append(f"{module}:{node.lineno} calls {ast.unparse(node)}")
    return found


def _everywhere(check) -> list[str]:  # noqa: ANN001 - one of the checks above
    found: list[str] = []
    for module, path in MODULES.items():
        tree = _tree(module)
        if check is takes_the_window:
            found += check(tree, module)
        else:
            found += check(tree, module, path.name == "__init__.py")
    return found


def test_only_the_app_imports_the_window() -> None:
    assert not (found := _everywhere(window_imports)), found


def test_no_controller_takes_the_window() -> None:
    assert not (found := _everywhere(takes_the_window)), found


def test_no_sql_in_the_window() -> None:
    assert not (found := _everywhere(sql_imports)), found


def test_the_window_stays_small() -> None:
    lines = {module: len(path.read_text(encoding="utf-8").splitlines())
             for module, path in MODULES.items()}
    assert lines["ui.window"] < WINDOW_LINES, lines["ui.window"]
    assert not (long := {m: n for m, n in lines.items() if n > MODULE_LINES}), long


def test_the_checks_can_fail() -> None:
    """Made-up modules with each fault are caught."""
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
              "    from .window import MainWindow\n"
              "import sqlite3\nfrom desk.store.reads import CLAIM_SORTS\n"
              "class Helper:\n"
              "    def __init__(self, window: MainWindow, parent: QMainWindow) -> None:\n"
              "        self.window = window\n        self.window._push(None)\n")
    tree = ast.parse(source)
    assert window_imports(tree, "ui.helper") == ["ui.helper:3"]
    assert [line.split(" ")[0] for line in sql_imports(tree, "ui.helper")] == [
        "ui.helper:4", "ui.helper:5", "ui.helper:5"]
    assert [line.split(" ", 1)[1] for line in takes_the_window(tree, "ui.helper")] == [
        "parameter window takes the MainWindow", "calls self.window._push"]
    assert window_imports(tree, "ui.app") == []
