"""The claims table's model: one article's claims (text order) or the whole desk's.

Reads through the desk's API (no SQL here), a page at a time, and follows its
:class:`~desk.Change` events, turning one changed claim into one ``dataChanged``/
``beginInsertRows``/``beginRemoveRows`` instead of reloading everything. Sorting the whole
desk asks the desk for the ids in order on a worker thread.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal, Slot

from desk import STATUSES, Change, Claim, Desk

from . import status as status_look
from .article_model import ID_ROLE
from .workers import DeskJob

Index = QModelIndex


#: The table's columns: (title, claim field or None).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Quote", "quote"), ("Source", "source"), ("Figure", "figure"), ("Status", "status"),
    ("Tags", "tags"), ("Article", "article"),
)
EDITABLE = frozenset({"source", "figure", "status", "tags"})
QUOTE, SOURCE, FIGURE, STATUS, TAGS, ARTICLE = range(len(COLUMNS))
_FIELDS = tuple(field for _title, field in COLUMNS)

_DISPLAY, _EDIT = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.EditRole)
_TOOLTIP, _ID = int(Qt.ItemDataRole.ToolTipRole), int(ID_ROLE)
#: The roles :meth:`ClaimsTableModel.data` answers (the decoration: the status badge).
_ROLES = frozenset({_DISPLAY, _EDIT, _TOOLTIP, _ID, int(Qt.ItemDataRole.DecorationRole)})
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDIT_FLAGS = _FLAGS | Qt.ItemFlag.ItemIsEditable

Editor = Callable[[str, str, Any], bool]
#: Claims read at a time (the table fetches more as it scrolls): an article of 2,000 claims
#: or the whole desk shows at once.
PAGE_SIZE = 100


#: The desk's sort (:data:`desk.store.reads.CLAIM_SORTS`) for each column the table sorts by.
SORT_BY = {"quote": "position", "source": "source", "figure": "figure", "status": "status",
           "tags": "tags", "article": "article"}


class ClaimsTableModel(QAbstractTableModel):
    """Claims of one article (text order) or of the whole desk; edits go through ``edit``.

    ``edit(claim_id, field, value)`` makes the change (an undoable command) and returns
    whether it worked; the model itself is updated by the desk's change event.

    Rows are read a page at a time. Sorting by a column (``sort``, which the view calls when
    a header is clicked) asks the desk for the ids in that order and reads pages of those;
    for the whole desk that query runs on a worker thread (100,000 claims take a few hundred
    ms) while the table keeps its rows, and :attr:`sorting` says so.
    """

    #: True while a whole-desk sort runs on a worker thread, False when it is done.
    sorting = Signal(bool)

    def __init__(self, desk: Desk, edit: Editor | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self._edit = edit
        self.article_id: str | None = None
        self.whole_desk = False
        self._claims: list[Claim] = []
        self._titles: dict[str, str] = {}
        self._next_page: Any = None
        self._total = 0
        #: The column sort (a CLAIM_SORTS name, descending) or None for text order, and the
        #: ids in that order (pages are read from them).
        self._sort: tuple[str, bool] | None = None
        #: The sort the rows shown are in (a whole-desk sort shows when its ids are read).
        self._shown_sort: tuple[str, bool] | None = None
        self._ids: list[str] = []
        self._generation = 0  # bumped by every reload: a late sort result is dropped
        self._sort_jobs: list[DeskJob] = []  # whole-desk sorts still running
        self._flags: list[Qt.ItemFlag] | None = None  # each column's, once known

    # -- the Qt model API ----------------------------------------------------------------

    def rowCount(self, parent: Index = Index()) -> int:  # noqa: N802, B008
        """How many rows (a flat model: none under a valid parent)."""
        return 0 if parent.isValid() else len(self._claims)

    def columnCount(self, parent: Index = Index()) -> int:  # noqa: N802, B008
        """The table's columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles, and row numbers."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What a cell shows, for each role.

        The view asks every visible cell for a dozen roles each time it paints (about 200
        calls when a row is added): the roles this model never answers return at once.
        """
        if role not in _ROLES:
            return None
        row = index.row()
        if not 0 <= row < len(self._claims):
            return None
        claim = self._claims[row]
        field = _FIELDS[index.column()]
        if role == _DISPLAY or role == _EDIT:
            return self._text(claim, field, role == _EDIT)
        if role == _ID:
            return claim.id
        if role == _TOOLTIP:
            if field == "quote":
                return claim.quote
            if field == "figure" and claim.figure_value is not None:
                return figure_summary(claim.figure_value, claim.figure_unit,
                                      claim.figure_qualifier)
            return claim.note or None
        if field == "status":  # the decoration
            return status_look.badge(claim.status)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Source, figure, status and tags are editable unless the desk is read-only."""
        if not index.isValid():
            return _NO_FLAGS
        if self._flags is None:  # worked out once (Python enum arithmetic is slow)
            writable = not self.desk.read_only and self._edit is not None
            self._flags = [_EDIT_FLAGS if writable and field in EDITABLE else _FLAGS
                           for field in _FIELDS]
        return self._flags[index.column()]

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        """An edit from the view, made through the window's undoable command."""
        if (role != Qt.ItemDataRole.EditRole or not index.isValid()
                or not self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        claim = self._claims[index.row()]
        field = COLUMNS[index.column()][1]
        if field == "status" and value not in STATUSES:
            return False
        if field == "tags":
            value = [t.strip() for t in str(value).split(",") if t.strip()]
        assert self._edit is not None
        return self._edit(claim.id, field, value)

    # -- what it shows -------------------------------------------------------------------

    def _text(self, claim: Claim, field: str, editing: bool) -> str:
        if field == "quote":
            return " ".join(claim.quote.split())
        if field == "tags":
            return ", ".join(claim.tags)
        if field == "status":
            return claim.status if editing else status_look.LABELS[claim.status]
        if field == "article":
            return self._title(claim.article_id)
        return getattr(claim, field)

    def _title(self, article_id: str) -> str:
        if article_id not in self._titles:
            self._titles = self.desk.article_titles()  # one indexed read, no bodies
        return self._titles.get(article_id, "")

    def claim(self, row: int) -> Claim:
        """The claim in ``row``."""
        return self._claims[row]

    def claims(self) -> list[Claim]:
        """Every claim shown, in text order."""
        return list(self._claims)

    def row_of(self, claim_id: str) -> int:
        """The row of ``claim_id``, or -1. Pages are read on until it is found, except in the
        whole desk's text order (100,000 claims), which finds it only as far as loaded."""
        if self._shown_sort is not None and claim_id not in self._ids:
            return -1
        start = 0
        while True:
            for row in range(start, len(self._claims)):
                if self._claims[row].id == claim_id:
                    return row
            if (self.whole_desk and self._shown_sort is None) or not self.canFetchMore():
                return -1
            start = len(self._claims)
            self.fetchMore()

    # -- following the desk --------------------------------------------------------------

    def show_article(self, article_id: str | None) -> None:
        """Show the claims of one article (or none): its first page, the rest on demand."""
        self.article_id = article_id
        if not self.whole_desk:
            self.reload()

    def set_whole_desk(self, whole: bool) -> None:
        """Show every claim of the desk instead of the current article's."""
        self.whole_desk = whole
        self.reload()

    def total_count(self) -> int:
        """How many claims the table stands for (loaded or not yet fetched)."""
        return self._total

    def canFetchMore(self, parent: Index = Index()) -> bool:  # noqa: N802, B008 - Qt's API
        """Whether more pages of claims wait to be read."""
        return not parent.isValid() and self._next_page is not None

    def fetchMore(self, parent: Index = Index()) -> None:  # noqa: N802, B008 - Qt's API
        """Read the next page of claims (the view asks as it scrolls)."""
        if not self.canFetchMore(parent):
            return
        page, self._next_page = self._page(self._next_page)
        if page:
            first = len(self._claims)
            self.beginInsertRows(Index(), first, first + len(page) - 1)
            self._claims.extend(page)
            self.endInsertRows()

    def fetch_all(self) -> None:
        """Read every remaining page."""
        while self.canFetchMore():
            self.fetchMore()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column (-1: text order), as the view asks when a header is clicked."""
        field = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None
        by = SORT_BY.get(field) if field else None
        wanted = None if by is None else (by, order == Qt.SortOrder.DescendingOrder)
        if wanted == self._sort and (wanted == self._shown_sort or self._sort_jobs):
            return  # (the view asks twice for one click)
        self._sort = wanted
        self.reload()

    def reload(self) -> None:
        """Read the claims again (the first page only: the rest on demand)."""
        self._generation += 1
        if self._sort is not None and self.whole_desk:
            self._sort_off_thread()  # the rows stay until the sorted ids come
            return
        ids = ([] if self._sort is None or not self.article_id else
               self.desk.claim_ids_sorted(self._sort[0], descending=self._sort[1],
                                          article_id=self.article_id))
        self._reset(ids)

    def _reset(self, ids: list[str]) -> None:
        self.beginResetModel()
        self._claims, self._next_page, self._total, self._ids = [], None, 0, ids
        self._shown_sort = self._sort
        if self._sort is not None:
            self._next_page = 0 if ids else None
            self._total = len(ids)
            self._claims, self._next_page = self._page(self._next_page) if ids else ([], None)
        elif self.whole_desk or self.article_id:
            self._claims, self._next_page = self._page(None)
            self._total = len(self._claims)
            if self._next_page is not None:
                self._total = (self.desk.counts()[1] if self.whole_desk
                               else self.desk.claim_count(self.article_id or ""))
        self.endResetModel()

    def _sort_off_thread(self) -> None:
        assert self._sort is not None
        by, descending = self._sort
        generation = self._generation

        def work(desk: Desk, _progress: Any, _cancelled: Any) -> tuple[int, list[str]]:
            return generation, desk.claim_ids_sorted(by, descending=descending)

        job = DeskJob(self.desk.path, self.desk.editor, work, self)
        job.succeeded.connect(self._sorted)
        job.failed.connect(self._sort_failed)
        job.finished.connect(self._sort_finished)
        self._sort_jobs.append(job)
        self.sorting.emit(True)
        job.start()

    @Slot(object)
    def _sorted(self, result: tuple[int, list[str]]) -> None:
        generation, ids = result
        if generation == self._generation:  # else a later sort or reload is on its way
            self._reset(ids)
            self.sorting.emit(False)

    @Slot(str)
    def _sort_failed(self, _message: str) -> None:
        if self._sort_jobs and self.sender() is self._sort_jobs[-1]:  # the latest sort
            self._sort = None  # back to text order, which needs no sorting
            self._reset([])
            self.sorting.emit(False)

    @Slot()
    def _sort_finished(self) -> None:
        job = self.sender()
        if job in self._sort_jobs:
            self._sort_jobs.remove(job)
            job.deleteLater()

    def wait_for_sorting(self) -> None:
        """Wait for the whole-desk sorts still running on workers (before closing)."""
        for job in list(self._sort_jobs):
            job.wait()

    def _page(self, after: Any) -> tuple[list[Claim], Any]:
        if self._shown_sort is not None:  # ``after`` is a position in the sorted ids
            ids = self._ids[after:after + PAGE_SIZE]
            following = after + len(ids)
            return self.desk.claims_by_id(ids), (following if following < len(self._ids)
                                                 else None)
        if self.whole_desk:
            return self.desk.claims_page(after, PAGE_SIZE)
        return self.desk.claims_page(after, PAGE_SIZE, self.article_id)

    def _shows(self, article_id: str | None) -> bool:
        return self.whole_desk or (article_id is not None and article_id == self.article_id)

    def on_change(self, change: Change, claim: Claim | None = None) -> None:
        """Follow one desk change with the smallest model signal that describes it
        (``claim``: the changed claim as just read, if the caller has it)."""
        if change.kind == "articles_changed" or not self._shows(change.article_id):
            return
        claim_id = change.claim_id or ""
        row = self._loaded_row(claim_id)
        if claim is None or claim.id != claim_id:
            claim = None
        if change.kind == "claim_updated" and row >= 0:
            self._claims[row] = claim or self.desk.claim(claim_id)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        elif change.kind == "claim_deleted":
            self._total -= 1
            if self._shown_sort is not None and claim_id in self._ids:
                self._ids.remove(claim_id)
                if row >= 0 and self._next_page is not None:
                    self._next_page -= 1  # one fewer id before the next page
            if row >= 0:
                self.beginRemoveRows(Index(), row, row)
                del self._claims[row]
                self.endRemoveRows()
        elif change.kind in ("claim_added", "claim_restored") and row < 0:
            if self.whole_desk or self._shown_sort is not None:
                self.reload()  # its place depends on the whole order: read it again
                return
            claim = claim or self.desk.claim(claim_id)
            self._total += 1
            at = bisect_left(self._claims, _text_order(claim), key=_text_order)
            if at == len(self._claims) and self._next_page is not None:
                return  # after the loaded pages: it comes with a later one
            self.beginInsertRows(Index(), at, at)
            self._claims.insert(at, claim)
            self.endInsertRows()

    def _loaded_row(self, claim_id: str) -> int:
        return next((row for row, claim in enumerate(self._claims) if claim.id == claim_id), -1)


def _text_order(claim: Claim) -> tuple[int, int, str, str]:
    return (claim.start_char, claim.end_char, claim.created_at, claim.id)


def figure_summary(value: float | None, unit: str | None, qualifier: str | None) -> str:
    """A parsed figure in words: "value 350,000,000 · unit USD · qualifier “more than”"."""
    if value is None:
        return ""
    number = float(value)
    parts = [f"value {number:,.0f}" if number.is_integer() else f"value {number:,}"]
    if unit:
        parts.append(f"unit {unit}")
    if qualifier:
        parts.append(f"qualifier “{qualifier}”")
    return " · ".join(parts)
