"""Desks from laptops: merging desk files field by field, and the conflicts a merge overruled.

The package's public face (``merge_desks``, ``MergeSummary``, ``MergeCancelled``, ``list_conflicts``, ``resolve_conflict``) is loaded on first use, so that importing one module of
the package stays cheap::

    from desk.fieldwork import merge_desks
"""

from __future__ import annotations

from desk.lazy import lazy_face

#: Public name -> the module that defines it.
_FACE = {
    "merge_desks": "desk.fieldwork.merge",
    "MergeSummary": "desk.fieldwork.merge",
    "MergeCancelled": "desk.fieldwork.merge",
    "list_conflicts": "desk.fieldwork.conflicts",
    "resolve_conflict": "desk.fieldwork.conflicts",
}


__getattr__ = lazy_face(__name__, _FACE)
