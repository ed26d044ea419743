"""Models of the Across the Desk views: claim groups, disagreements and stealth-edit changes.

Groups and disagreements are two-level trees: a top row (a group's "seen in N articles…", a
disagreement's message) over the claims it is made of. :data:`CLAIM_ID` gives a row's claim
(the first claim for a disagreement's top row), :data:`GROUP_ID` a group row's id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QObject,
    Qt,
)
from PySide6.QtGui import QFont

from desk import Claim

if TYPE_CHECKING:
    from desk.across.summary import GroupSummary
    from desk.across.views import Appearance, ClaimChange, ClaimGroup, Disagreement

Index = QModelIndex

def core() -> ModuleType:
    """desk.across, loaded on first use so that the window starts quickly."""
    from desk import across

    return across

CLAIM_ID = Qt.ItemDataRole.UserRole + 1
GROUP_ID = Qt.ItemDataRole.UserRole + 2
_TOP = 0xFFFFFFFF  # internalId of a top-level row


class _TwoLevelModel(QAbstractItemModel):
    """Top rows with child rows; subclasses fill :attr:`_tops` and :attr:`_children`."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._children: list[list[Claim]] = []
        self._outlets: list[list[str]] = []
        self.total = 0  # top rows there are, loaded or not
        self._open = False  # how many is not known yet: read pages until one is empty
        self._fetching = False
        self._fetch: Callable[[int], list[Any]] | None = None

    def canFetchMore(self, parent: Index = Index()) -> bool:  # noqa: N802, B008 - Qt's API
        """More top rows to read (the view asks as it scrolls near the end)."""
        return not parent.isValid() and self._fetch is not None \
            and len(self._children) < self.total

    def fetchMore(self, parent: Index = Index()) -> None:  # noqa: N802, B008 - Qt's API
        """Read the next page of top rows."""
        if not self.canFetchMore(parent) or self._fetch is None or self._fetching:
            return  # (not again from a slot while the rows are being inserted)
        self._fetching = True
        try:
            self._fetch_page()
        finally:
            self._fetching = False

    def _fetch_page(self) -> None:
        assert self._fetch is not None
        items = self._fetch(len(self._children))
        if not items:
            self.total, self._open = len(self._children), False
            return
        first = len(self._children)
        self.beginInsertRows(Index(), first, first + len(items) - 1)
        self._append(items)
        self.endInsertRows()
        if self._open:
            self.total = len(self._children) + 1

    def set_total(self, total: int) -> None:
        """How many top rows there are, learnt after the first page was shown."""
        self.total, self._open = max(total, len(self._children)), False

    def _reset(self, items: list[Any], total: int | None,
               fetch: Callable[[int], list[Any]] | None) -> None:
        """Show these first items of ``total`` (all of them when None, or -1: not known yet,
        see :meth:`set_total`); ``fetch(n)`` reads the page after the first ``n``."""
        self.beginResetModel()
        self._children, self._outlets = [], []
        self._clear()
        self._append(items)
        self._open = total == -1 and fetch is not None and bool(items)
        self.total = len(items) + self._open if total is None or total == -1 \
            else max(total, len(items))
        self._fetch = fetch
        self.endResetModel()

    def _clear(self) -> None:
        raise NotImplementedError

    def _append(self, items: list[Any]) -> None:
        raise NotImplementedError

    def index(self, row: int, column: int, parent: Index = Index()) -> Index:  # noqa: B008
        """Top rows carry the sentinel id; children carry their parent's row."""
        if not self.hasIndex(row, column, parent):
            return Index()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP)
        return self.createIndex(row, column, parent.row())

    def parent(self, index: Index = Index()) -> Index:  # type: ignore[override]  # noqa: B008
        """A child's top row; nothing above a top row."""
        if not index.isValid() or index.internalId() == _TOP:
            return Index()
        return self.createIndex(index.internalId(), 0, _TOP)

    def rowCount(self, parent: Index = Index()) -> int:  # noqa: N802, B008 - Qt's API
        """Top rows, or a top row's claims."""
        if not parent.isValid():
            return len(self._children)
        if parent.internalId() == _TOP and parent.column() == 0:
            return len(self._claims_of(parent.row()))
        return 0

    def hasChildren(self, parent: Index = Index()) -> bool:  # noqa: N802, B008 - Qt's API
        """Top rows have claims (without reading them: a group's are read when opened)."""
        if not parent.isValid():
            return bool(self._children)
        return parent.internalId() == _TOP and parent.column() == 0

    def _claims_of(self, row: int) -> list[Claim]:
        """A top row's claims (read now if they were not)."""
        return self._children[row]

    def columnCount(self, parent: Index = Index()) -> int:  # noqa: N802, B008
        """The columns of :attr:`HEADERS`."""
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def claim_at(self, index: Index) -> Claim | None:
        """The claim of a child row (None for a top row)."""
        if not index.isValid() or index.internalId() == _TOP:
            return None
        return self._claims_of(index.internalId())[index.row()]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, tooltips and ids of the rows."""
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            if role == Qt.ItemDataRole.FontRole:
                return self.top_font()
            return self._top_data(index.row(), index.column(), role)
        claim = self._claims_of(index.internalId())[index.row()]
        outlet = self._outlets[index.internalId()][index.row()]
        if role == CLAIM_ID:
            return claim.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (f"{outlet}: “{claim.quote}”", claim.figure, claim.source)[index.column()] \
                if role == Qt.ItemDataRole.DisplayRole else claim.quote
        return None

    def _top_data(self, row: int, column: int, role: int) -> Any:
        raise NotImplementedError

    def top_font(self) -> QFont:
        """Top rows are bold."""
        font = QFont()
        font.setBold(True)
        return font


class LazyGroup:
    """A group's top row from its stored summary (:class:`desk.across.summary.GroupSummary`);
    its claims are read (``load(group_id)``) when first asked for, as the row is opened."""

    def __init__(self, summary: GroupSummary, load: Callable[[str], ClaimGroup | None],
                 group: ClaimGroup | None = None) -> None:
        self.row, self._load, self._group = summary, load, group

    @property
    def id(self) -> str:
        """The group's id."""
        return self.row.id

    @property
    def article_count(self) -> int:
        """How many articles its claims are in."""
        return self.row.article_count

    @property
    def confirmed(self) -> bool:
        """Whether an editor confirmed it."""
        return self.row.confirmed

    @property
    def how(self) -> str:
        """How it was grouped."""
        return self.row.how

    @property
    def is_loaded(self) -> bool:
        """Whether its claims were read."""
        return self._group is not None

    @property
    def group(self) -> ClaimGroup:
        """The whole group (read on first use; an empty one if it is gone meanwhile)."""
        if self._group is None:
            self._group = self._load(self.row.id) or core().ClaimGroup(
                self.row.id, (), (), self.row.confirmed, self.row.how)
        return self._group

    @property
    def claims(self) -> tuple[Claim, ...]:
        """Its claims, in the order of their appearances."""
        return self.group.claims

    @property
    def appearances(self) -> tuple[Appearance, ...]:
        """Its appearances, earliest first."""
        return self.group.appearances

    def summary(self) -> str:
        """"seen in N articles, first on DATE by OUTLET"."""
        return self.row.summary()


class GroupsModel(_TwoLevelModel):
    """Claim groups: "seen in N articles, first on DATE by OUTLET", then each claim.

    Given :class:`ClaimGroup` items, it shows their claims; given group summaries, it reads a
    group's claims only when its row is opened (``load``), so that the first page of a big
    desk's groups shows at once."""

    HEADERS = ("Group / claim", "Figure", "Source")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.groups: list[ClaimGroup | LazyGroup] = []
        self._load: Callable[[str], ClaimGroup | None] = lambda _gid: None
        self._loaded: dict[str, ClaimGroup] = {}

    def set_groups(self, groups: list[Any], total: int | None = None,
                   fetch: Callable[[int], list[Any]] | None = None,
                   load: Callable[[str], ClaimGroup | None] | None = None,
                   loaded: Iterable[ClaimGroup] = ()) -> None:
        """Show these groups (:class:`ClaimGroup` or summaries), the first of ``total``
        (resets the model); ``fetch(n)`` reads the page of groups after the first ``n`` as
        the view scrolls, ``load(group_id)`` a summarised group's claims when it is opened
        (``loaded``: groups whose claims were read already)."""
        if load is not None:
            self._load = load
        self._loaded = {item.id: item for item in loaded}
        self._reset(groups, total, fetch)

    def _clear(self) -> None:
        self.groups = []

    def _append(self, items: list[Any]) -> None:
        for item in items:
            if not isinstance(item, core().ClaimGroup):
                item = LazyGroup(item, self._load, self._loaded.pop(item.id, None))
            self.groups.append(item)
            self._children.append(None)  # type: ignore[arg-type]  # read when asked for
            self._outlets.append([])
            if not isinstance(item, LazyGroup) or item.is_loaded:
                self._claims_of(len(self.groups) - 1)

    def _claims_of(self, row: int) -> list[Claim]:
        if self._children[row] is None:
            item = self.groups[row]
            outlets = {a.article_id: f"{a.outlet} ({a.date})" if a.date else a.outlet
                       for a in item.appearances}
            self._children[row] = list(item.claims)
            self._outlets[row] = [outlets.get(c.article_id, "") for c in item.claims]
        return self._children[row]

    def is_loaded(self, row: int) -> bool:
        """Whether a top row's claims were read."""
        return self._children[row] is not None

    def group_at(self, index: Index) -> ClaimGroup | LazyGroup | None:
        """The group of a row (a claim row's parent group too)."""
        if not index.isValid():
            return None
        row = index.row() if index.internalId() == _TOP else index.internalId()
        return self.groups[row]

    def row_of(self, group_id: str) -> int:
        """The top row of a group, -1 if not shown."""
        return next((i for i, g in enumerate(self.groups) if g.id == group_id), -1)

    def _top_data(self, row: int, column: int, role: int) -> Any:
        item = self.groups[row]
        if role == GROUP_ID:
            return item.id
        if role == CLAIM_ID:
            return item.row.first_claim_id if isinstance(item, LazyGroup) \
                else item.first.claim_id
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                mark = "✓ " if item.confirmed else ""
                return f"{mark}{item.summary().capitalize()}"
            if isinstance(item, LazyGroup):
                return item.row.figures if column == 1 else item.row.sources
            if column == 1:
                return " / ".join(dict.fromkeys(c.figure for c in item.claims if c.figure))
            return " / ".join(dict.fromkeys(c.source for c in item.claims if c.source))
        if role == Qt.ItemDataRole.ToolTipRole:
            how = {"editor": "grouped by an editor", "quote": "near-identical quotes",
                   "figure": "same source, figure of the same kind"}.get(item.how, item.how)
            return f"{item.summary()} ({how}{', confirmed' if item.confirmed else ''})"
        return None


class DisagreementsModel(_TwoLevelModel):
    """Figures that disagree: the message, then the two claims."""

    HEADERS = ("Disagreement / claim", "Figure", "Source")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: list[Disagreement] = []

    def set_disagreements(self, items: list[Disagreement], total: int | None = None,
                          fetch: Callable[[int], list[Disagreement]] | None = None) -> None:
        """Show these disagreements, the first of ``total`` (resets the model; -1: not known
        yet); ``fetch(n)`` reads the page after the first ``n`` as the view scrolls."""
        self._reset(items, total, fetch)

    def _clear(self) -> None:
        self.items = []

    def _append(self, items: list[Disagreement]) -> None:
        self.items.extend(items)
        self._children.extend([d.claim_a, d.claim_b] for d in items)
        self._outlets.extend([d.outlet_a, d.outlet_b] for d in items)

    def _top_data(self, row: int, column: int, role: int) -> Any:
        item = self.items[row]
        if role == CLAIM_ID:
            return item.claim_a.id
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"“{item.claim_a.figure}” vs “{item.claim_b.figure}”"
            if column == 1:
                return f"{item.interval_a.describe()} ≠ {item.interval_b.describe()}"
            return "same claim (grouped)" if item.why == "group" else "same source and unit"
        if role == Qt.ItemDataRole.ToolTipRole:
            why = "the same claim (grouped)" if item.why == "group" else \
                "the same source and unit"
            return f"{item.message()}\nCompared as {why}."
        return None


class ChangesModel(QAbstractListModel):
    """What an article update changed under its claims ("the figure … was 2,000, is now …")."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.changes: list[ClaimChange] = []

    def set_changes(self, changes: list[ClaimChange]) -> None:
        """Show these changes (resets the model)."""
        self.beginResetModel()
        self.changes = list(changes)
        self.endResetModel()

    def rowCount(self, parent: Index = Index()) -> int:  # noqa: N802, B008
        """One row per change."""
        return 0 if parent.isValid() else len(self.changes)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The change's message; its claim's id."""
        if not index.isValid():
            return None
        change = self.changes[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return change.message
        if role == CLAIM_ID:
            return change.claim_id
        return None
