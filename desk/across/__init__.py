"""Across the desk: the same claim in many articles, figures that disagree, stealth edits and
revisions.

Its public face is :mod:`desk.across.views` (``from desk import across; across.groups(desk)``),
loaded on first use so that importing one module of the package stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    views = importlib.import_module("desk.across.views")
    try:
        return getattr(views, name)
    except AttributeError:
        raise AttributeError(f"module 'desk.across' has no attribute {name!r}") from None
