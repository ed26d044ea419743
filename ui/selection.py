"""What the window is showing: the current article and the selected claim.

Controllers read :attr:`Selection.article_id` and :attr:`Selection.claim_id`, and ask for
another article or claim with :meth:`Selection.show_article` / :meth:`Selection.show_claim`.
Those emit :attr:`articleRequested` / :attr:`claimRequested`, which the window (the one place
that wires signals) connects to its panes; when the panes have followed, the window records the
new state with :meth:`Selection.set_article` / :meth:`Selection.set_claim`, which emit
:attr:`articleChanged` / :attr:`claimChanged`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Selection(QObject):
    """The current article and claim (ids), and requests to change them."""

    articleRequested = Signal(object)  # noqa: N815 - Qt's naming: an article id or None
    claimRequested = Signal(object, bool)  # noqa: N815 - a claim id or None; scroll to it
    articleChanged = Signal(object)  # noqa: N815
    claimChanged = Signal(object)  # noqa: N815

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.article_id: str | None = None
        self.claim_id: str | None = None

    def show_article(self, article_id: str | None) -> None:
        """Ask the window to open an article in the reader."""
        self.articleRequested.emit(article_id)

    def show_claim(self, claim_id: str | None, scroll: bool = True) -> None:
        """Ask the window to select a claim everywhere (opening its article if need be;
        ``scroll`` brings it into the reader's view)."""
        self.claimRequested.emit(claim_id, scroll)

    def set_article(self, article_id: str | None) -> None:
        """Record the article the reader now shows."""
        if article_id != self.article_id:
            self.article_id = article_id
            self.articleChanged.emit(article_id)

    def set_claim(self, claim_id: str | None) -> None:
        """Record the claim now selected."""
        if claim_id != self.claim_id:
            self.claim_id = claim_id
            self.claimChanged.emit(claim_id)
