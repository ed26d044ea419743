"""The desk core's layers point one way and its modules import each other without cycles.

Read from the source with :mod:`ast`, counting imports inside functions (they run too) and
leaving out those under ``if TYPE_CHECKING:`` (type hints only):

    0  desk.errors, desk.clock, desk.model,         what every layer speaks
       desk.lazy
    1  desk.store.*                                 the SQLite file
    2  desk.<capability>.*                          text, anchors, trust, fieldwork, formats,
                                                    finder, across, … (any other subpackage)
    3  desk (its __init__), desk.facade, desk.paths the Desk facade on top
    4  desk.cli.*                                   the command line, a face of the facade

A module may import its own layer or lower ones, never a higher one; capability packages
import each other freely as long as no cycle forms. The sizes the house keeps are checked
here too: no module over 500 lines, no package of more than 12 modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.ast_imports import from_base
from tests.conftest import ROOT

DESK = ROOT / "desk"
BOTTOM = {"desk.errors", "desk.clock", "desk.model", "desk.lazy"}
TOP = {"desk", "desk.facade", "desk.paths"}
LAYER_NAMES = {0: "bottom", 1: "store", 2: "capability", 3: "facade", 4: "cli"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(DESK.rglob("*.py"))}


def layer(module: str) -> int:
    """The layer of a desk module (see the module docstring)."""
    if module in BOTTOM:
        return 0
    if module in TOP:
        return 3
    package = module.split(".")[1]
    return {"store": 1, "cli": 4}.get(package, 2)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(node: ast.AST, module: str, is_package: bool) -> list[tuple[str, int]]:
    """(imported desk module, line) for every import under ``node`` that runs."""
    found: list[tuple[str, int]] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for sub in child.orelse:
                found += _imports(sub, module, is_package)
            continue
        if isinstance(child, ast.Import):
            found += [(alias.name, child.lineno) for alias in child.names]
        elif isinstance(child, ast.ImportFrom):
            base = from_base(child, module, is_package)
            for alias in child.names:
                candidate = f"{base}.{alias.name}"
                found.append((candidate if candidate in MODULES else base, child.lineno))
        found += _imports(child, module, is_package)
    return [(name, line) for name, line in found if name == "desk" or name.startswith("desk.")]


def import_graph() -> dict[str, list[tuple[str, int]]]:
    """Each desk module's imports of other desk modules, with their lines."""
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        graph[name] = [(target, line) for target, line in
                       _imports(tree, name, path.name == "__init__.py") if target != name]
    return graph


def cycles(graph: dict[str, list[tuple[str, int]]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target, _ in graph.get(node, []):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_import_names_a_real_desk_module() -> None:
    unknown = [f"{module}:{line} imports {target}" for module, targets in import_graph().items()
               for target, line in targets if target not in MODULES]
    assert not unknown, unknown


def test_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_layers_point_down() -> None:
    upward = [
        f"{module}:{line} ({LAYER_NAMES[layer(module)]}) imports {target} "
        f"({LAYER_NAMES[layer(target)]})"
        for module, targets in import_graph().items()
        for target, line in targets
        if target in MODULES and layer(target) > layer(module)
    ]
    assert not upward, "\n".join(upward)


def test_the_checker_sees_cycles_and_upward_imports() -> None:
    """The checks above can fail: a made-up graph with both faults is caught."""
    graph = {"desk.text.a": [("desk.text.b", 1)], "desk.text.b": [("desk.text.a", 2)]}
    assert cycles(graph) == [["desk.text.a", "desk.text.b"]]
    assert layer("desk.store.reads") < layer("desk.trust.backup") < layer("desk.facade")
    assert layer("desk.facade") < layer("desk.cli.commands")
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                     "    from desk.facade import Desk\n"
                     "def f():\n    from desk.facade import Desk\n")
    assert _imports(tree, "desk.text.a", False) == [("desk.facade", 5)]


def test_modules_and_packages_stay_small() -> None:
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500}
    assert not long, long
    crowded = {package.name: count for package in DESK.iterdir() if package.is_dir()
               and (count := len([p for p in package.glob("*.py")
                                  if p.name != "__init__.py"])) > 12}
    assert not crowded, crowded
    assert len([p for p in DESK.glob("*.py") if p.name != "__init__.py"]) <= 12


def test_every_package_says_what_it_owns() -> None:
    for package in DESK.iterdir():
        if (package / "__init__.py").exists():
            assert ast.get_docstring(ast.parse((package / "__init__.py").read_text())), package


def test_every_public_face_resolves() -> None:
    """A package's lazily loaded public face names only what its modules define."""
    import importlib

    for package in sorted(p.name for p in DESK.iterdir() if (p / "__init__.py").exists()):
        module = importlib.import_module(f"desk.{package}")
        loader = getattr(module, "__getattr__", None)
        face = dict(getattr(loader, "names", {}))
        if getattr(loader, "everything_else", ""):
            face.update(dict.fromkeys(importlib.import_module(loader.everything_else).__all__))
        assert face or package in {"store", "anchors", "cli"}, package
        for name in face:
            assert getattr(module, name) is not None, f"desk.{package}.{name}"
