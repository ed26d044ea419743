"""Across the desk: the same claim in many articles, figures that disagree, stealth edits and
revisions.

Its public face is :mod:`desk.across.views` (``from desk import across; across.groups(desk)``),
loaded on first use so that importing one module of the package stays cheap.
"""

from __future__ import annotations

from desk.lazy import lazy_face

__getattr__ = lazy_face(__name__, {}, everything_else="desk.across.views")
