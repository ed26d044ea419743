"""Public faces of the capability packages, loaded on first use.

A package's ``__init__`` names what it offers and where it lives; the module is imported the
first time one of its names is asked for, so that importing one module of a package (the
window does, before its first paint) does not load all the others::

    __getattr__ = lazy_face(__name__, {"merge_desks": "desk.fieldwork.merge"})
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_face(package: str, names: Mapping[str, str], *,
              everything_else: str = "") -> Callable[[str], Any]:
    """A module ``__getattr__`` that loads ``names[name]`` (a module path) on first use, and
    any other public name from ``everything_else`` (a module whose ``__all__`` is the face)."""

    def __getattr__(name: str) -> Any:
        module = names.get(name) or (everything_else if not name.startswith("_") else "")
        if module:
            value = getattr(importlib.import_module(module), name, _MISSING)
            if value is not _MISSING and (name in names or name in _public(module)):
                return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    __getattr__.names = dict(names)  # type: ignore[attr-defined]
    __getattr__.everything_else = everything_else  # type: ignore[attr-defined]
    return __getattr__


_MISSING = object()


def _public(module: str) -> list[str]:
    return list(getattr(importlib.import_module(module), "__all__", ()))
