"""The CSV export for reporting: one row per live claim, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import itertools
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from desk.errors import ExportError
from desk.store.reads import TAG_SEP

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.model import Cancelled, Progress

CSV_HEADER: tuple[str, ...] = (
    "claim_id", "article_id", "article_title", "article_url", "quote", "source", "figure",
    "figure_value", "figure_unit", "figure_qualifier", "status", "tags", "note", "editor",
    "start_char", "end_char", "created_at", "updated_at", "review_url", "figure_conflict",
)
#: Columns written as numbers, never neutralised.
NUMERIC_COLUMNS = frozenset({"figure_value", "start_char", "end_char"})
#: Leading characters that make a spreadsheet run a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Defuse a text cell a spreadsheet would run as a formula by prefixing ``'``."""
    if cell and cell.startswith(FORMULA_TRIGGERS):
        return "'" + cell
    return cell


def csv_cells(row: tuple[Any, ...]) -> list[Any]:
    """One export row as CSV cells: numbers as numbers, text neutralised, tags joined."""
    (claim_id, article_id, title, url, quote, source, figure, value, unit, qualifier, status,
     tags, note, editor, start, end, created, updated, review_url) = row
    n = _neutral
    return [
        n(claim_id), n(article_id), n(title), n(url), n(quote), n(source), n(figure),
        "" if value is None else (int(value) if float(value).is_integer() else value),
        n(unit), n(qualifier), n(status),
        n("; ".join(sorted(tags.split("\x1f")))) if tags else "",
        n(note), n(editor), start, end, n(created), n(updated), n(review_url),
    ]


def _neutral(cell: str | None) -> str:
    if not cell:
        return ""
    return "'" + cell if cell[0] in _TRIGGER_CHARS else cell


_TRIGGER_CHARS = frozenset("".join(FORMULA_TRIGGERS))


def write_csv(desk: Desk, target: str | Path | IO[str], *, excel: bool = False,
              progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
    """Write the claims CSV; a path is written through a temporary file and a rename.

    Returns the number of claim rows. Raises :class:`ExportError` when the file cannot be
    written (nothing partial is left) or when ``cancelled()`` turns true.
    """
    if not isinstance(target, (str, Path)):
        if excel:
            target.write("\ufeff")
        return _write_rows(desk, target, progress, cancelled)
    return write_text_atomically(
        target, lambda out: _write_rows(desk, out, progress, cancelled),
        encoding="utf-8-sig" if excel else "utf-8")


def write_text_atomically(path: str | Path, write: Callable[[IO[str]], int], *,
                          encoding: str = "utf-8") -> int:
    """Write a text file through a temporary file and a rename; returns what ``write`` does.

    ``write(handle)`` fills the file. Raises :class:`ExportError` when the file cannot be
    written; on any error (or a cancel raised by ``write``) no partial file is left.
    """
    path = Path(path)
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                            dir=path.parent if str(path.parent) else ".")
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    try:
        with open(handle, "w", encoding=encoding, newline="") as out:
            result = write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, path)
    except OSError as exc:
        _remove(tmp_name)
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    except BaseException:
        _remove(tmp_name)
        raise
    return result


def _write_rows(desk: Desk, out: IO[str], progress: Progress | None,
                cancelled: Cancelled | None) -> int:
    # csv.writer formats each line (and hands it back: see _Lines); the figure_conflict
    # cell, most of the file's bytes on a big desk, is put in the line by _conflict_cell
    line = csv.writer(_Lines(), lineterminator="\r\n").writerow
    out.write(line(CSV_HEADER))
    total = desk.counts()[1] if progress else 0
    count = 0
    conflicts = _figure_conflicts(desk, cancelled)
    if cancelled and cancelled():
        raise ExportError("The export was cancelled.")
    cell_of = conflicts.get
    rows = desk.export_rows()
    while True:
        batch = list(itertools.islice(rows, 2000))
        if not batch:
            return count
        lines = []
        for row in batch:
            text = line(csv_cells(row))
            cell = cell_of(row[0])
            lines.append(text[:-2] + "," + _conflict_cell(cell) + "\r\n" if cell
                         else text[:-2] + ",\r\n")
        out.write("".join(lines))
        count += len(batch)
        if cancelled and cancelled():
            raise ExportError("The export was cancelled.")
        if progress:
            progress(count, total, "")


class _Lines:
    """A file for ``csv.writer`` whose ``write`` returns the line it is given (as
    ``writerow`` returns what ``write`` returns): the writer's formatting, one line at a time."""

    @staticmethod
    def write(text: str) -> str:
        return text


_CELL = csv.writer(_Lines(), lineterminator="\r\n").writerow


def _conflict_cell(cell: str) -> str:
    """A figure_conflict cell as ``csv.writer`` writes it (neutralised; quoted when it holds
    a comma, quote or line break), without the writer reading the whole text through: a
    cell runs to thousands of characters on a big desk (every figure it disagrees with)."""
    cell = _neutral(cell)
    if '"' in cell or "\x00" in cell:
        return _CELL([cell])[:-2]  # the writer's own quoting
    if "," in cell or "\n" in cell or "\r" in cell:
        return f'"{cell}"'
    return cell


def _figure_conflicts(desk: Desk, cancelled: Cancelled | None = None) -> dict[str, str]:
    """The ``figure_conflict`` cells: figures each claim disagrees with, as stored by the
    across-the-desk index (:func:`desk.across.rebuild.current_conflicts`)."""
    from desk.across.rebuild import current_conflicts

    return current_conflicts(desk, cancelled=cancelled)


def csv_text(desk: Desk) -> str:
    """The whole export as a string (handy for tests and the clipboard)."""
    buffer = io.StringIO()
    write_csv(desk, buffer)
    return buffer.getvalue()


def _remove(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


#: The rows of the CSV export, in :data:`CSV_HEADER` order without ``figure_conflict`` (tags
#: joined by \x1f).
EXPORT_SQL = f"""
    SELECT c.id, c.article_id, a.title, a.url, c.quote, c.source, c.figure,
           c.figure_value, c.figure_unit, c.figure_qualifier, c.status,
           (SELECT group_concat(t.name, '{TAG_SEP}') FROM claims_tags ct
            JOIN tags t ON t.id = ct.tags_id
            WHERE ct.claims_id = c.id AND ct.deleted_at IS NULL),
           c.note, c.editor, c.start_char, c.end_char, c.created_at, c.updated_at,
           c.review_url
    FROM claims c JOIN articles a ON a.id = c.article_id
    WHERE c.deleted_at IS NULL
    ORDER BY a.imported_at, a.rowid, c.start_char, c.end_char, c.created_at
"""

