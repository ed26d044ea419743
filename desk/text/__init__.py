"""Reading article files: encodings, HTML extraction, importers, and the figures in a text.

The package's public face (``read_article``, ``parse_figure``, ``find_figures``) is loaded on first use, so that importing one module of
the package stays cheap::

    from desk.text import read_article
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> the module that defines it.
_FACE = {
    "read_article": "desk.text.importers",
    "parse_figure": "desk.text.figures",
    "find_figures": "desk.text.figures",
}


def __getattr__(name: str) -> Any:
    if name in _FACE:
        return getattr(importlib.import_module(_FACE[name]), name)
    raise AttributeError(f"module 'desk.text' has no attribute {name!r}")
