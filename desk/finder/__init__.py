"""Finding claims worth checking: sentences, attribution, scoring, and stored suggestions.

The package's public face (``suggest``, ``Suggestion``, ``suggestions_for_article``, ``accept_suggestion``, ``dismiss_suggestion``) is loaded on first use, so that importing one module of
the package stays cheap::

    from desk.finder import suggest
"""

from __future__ import annotations

from desk.lazy import lazy_face

#: Public name -> the module that defines it.
_FACE = {
    "suggest": "desk.finder.engine",
    "Suggestion": "desk.finder.engine",
    "suggestions_for_article": "desk.finder.suggestions",
    "accept_suggestion": "desk.finder.suggestions",
    "dismiss_suggestion": "desk.finder.suggestions",
}


__getattr__ = lazy_face(__name__, _FACE)
