"""What the layering tests share: where a ``from … import`` points, relative imports resolved."""

from __future__ import annotations

import ast


def from_base(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module a ``from X import …`` in ``module`` reads (``from . import a`` in
    ``desk.store.reads`` → ``desk.store``); ``is_package`` when ``module`` is an ``__init__``."""
    base = node.module or ""
    if node.level:
        anchor = module.split(".")
        anchor = anchor if is_package else anchor[:-1]
        anchor = anchor[:len(anchor) - (node.level - 1)]
        base = ".".join(anchor + ([base] if base else []))
    return base
