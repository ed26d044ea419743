"""Finding claims worth checking: sentences, attribution, scoring, and stored suggestions.

The package's public face (``suggest``, ``Suggestion``, ``suggestions_for_article``, ``accept_suggestion``, ``dismiss_suggestion``) is loaded on first use, so that importing one module of
the package stays cheap::

    from desk.finder import suggest
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> the module that defines it.
_FACE = {
    "suggest": "desk.finder.engine",
    "Suggestion": "desk.finder.engine",
    "suggestions_for_article": "desk.finder.suggestions",
    "accept_suggestion": "desk.finder.suggestions",
    "dismiss_suggestion": "desk.finder.suggestions",
}


def __getattr__(name: str) -> Any:
    if name in _FACE:
        return getattr(importlib.import_module(_FACE[name]), name)
    raise AttributeError(f"module 'desk.finder' has no attribute {name!r}")
