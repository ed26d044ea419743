"""Reading article files: encodings, HTML extraction, importers, and the figures in a text.

The package's public face (``read_article``, ``parse_figure``, ``find_figures``) is loaded on first use, so that importing one module of
the package stays cheap::

    from desk.text import read_article
"""

from __future__ import annotations

from desk.lazy import lazy_face

#: Public name -> the module that defines it.
_FACE = {
    "read_article": "desk.text.importers",
    "parse_figure": "desk.text.figures",
    "find_figures": "desk.text.figures",
}


__getattr__ = lazy_face(__name__, _FACE)
