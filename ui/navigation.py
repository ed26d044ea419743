"""Moving about the window by keyboard: articles, find, focus, zoom, the whole desk's claims.

:class:`Navigation` connects the actions that only move between panes or change what they show
(nothing here changes the desk); it is handed the registry and the panes, not the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from .actions import Actions
    from .article_list import ArticleListPane
    from .claims_table import ClaimsTablePane
    from .find_bar import FindBar
    from .reader import Reader


class Navigation:
    """The Go and View menus' moves, and Find."""

    def __init__(self, registry: Actions, article_pane: ArticleListPane, reader: Reader,
                 find_bar: FindBar, claims_pane: ClaimsTablePane) -> None:
        self.article_pane = article_pane
        a = registry
        a.actionNextArticle.triggered.connect(lambda: article_pane.step(1))
        a.actionPreviousArticle.triggered.connect(lambda: article_pane.step(-1))
        a.actionFind.triggered.connect(find_bar.open_bar)
        a.actionFindNext.triggered.connect(lambda: find_bar.find(False))
        a.actionFocusFilter.triggered.connect(self.focus_filter)
        a.actionFocusReader.triggered.connect(reader.setFocus)
        a.actionFocusTable.triggered.connect(claims_pane.table.setFocus)
        a.actionZoomIn.triggered.connect(lambda: reader.zoom_by(1))
        a.actionZoomOut.triggered.connect(lambda: reader.zoom_by(-1))
        a.actionWholeDesk.toggled.connect(claims_pane.set_whole_desk)
        claims_pane.wholeDesk.toggled.connect(a.actionWholeDesk.setChecked)

    def focus_filter(self) -> None:
        """Put the cursor in the article filter, its text selected (typing replaces it)."""
        self.article_pane.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.article_pane.filter.selectAll()
