"""The CSV export writes each line as ``csv.writer`` does, the figure_conflict cell put in
by hand (desk/formats/csv_export.py ``_conflict_cell``): byte for byte what the writer
would have written for every cell, hostile ones included, and for a whole desk."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from desk import ArticleDraft, Desk, across
from desk.across.disagreement import conflicts_by_claim
from desk.formats.csv_export import CSV_HEADER, _conflict_cell, _neutral, csv_cells, csv_text
from tests.desk.across.across_data import fill


def written(fields: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(fields)
    return buffer.getvalue()


def test_a_conflict_cell_is_what_csv_writer_writes() -> None:
    alphabet = ["a", " ", ",", '"', "\n", "\r", ";", "=", "-", "+", "@", "\t", "\x00", "é",
                "'", "(", "1"]
    pick = random.Random(14)
    cells = ["".join(pick.choice(alphabet) for _ in range(pick.randint(1, 9)))
             for _ in range(5000)]
    cells += ["1,400 ships (a.example); =2+2 (b)", '"300" (x)', "=cmd|' /C calc'!A0"]
    for cell in cells:
        assert "x," + _conflict_cell(cell) + "\r\n" == written(["x", _neutral(cell)]), cell


def expected_csv(desk: Desk, conflicts: dict[str, str]) -> str:
    """The export as csv.writer writes it whole (the way it was written before)."""
    lines = [written(list(CSV_HEADER))]
    lines += [written(csv_cells(row) + [_neutral(conflicts.get(row[0]))])
              for row in desk.export_rows()]
    return "".join(lines)


def test_the_export_is_the_writers_csv_of_the_same_cells(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "across.desk", editor="tester") as desk:
        fill(desk)
        # two reports of one statement whose figures disagree, their entries holding a
        # comma, quotes and a line break (a formula's first character: the first test)
        for n, figure in enumerate(('1,200 "held"\nmen', '4,500 "held"')):
            body = (f"Unrest {n}\n\nThe interior ministry said {figure} were held after "
                    "the protests in the capital on Monday.")
            article = desk.add_article(ArticleDraft(f"Unrest {n}", body, f"u{n}.txt",
                                                    url=f"https://o{n}.example/u"))
            start = body.index(figure)
            desk.add_claim(article.article_id, start, len(body) - 1,
                           source="the interior ministry", figure=figure)
        across.refresh_groups(desk)
        text = csv_text(desk)
        assert text == expected_csv(desk, conflicts_by_claim(desk))
        cells = {row["figure_conflict"] for row in csv.DictReader(io.StringIO(text))}
        assert '1,200 "held"\nmen (o0.example)' in cells  # read back whole
