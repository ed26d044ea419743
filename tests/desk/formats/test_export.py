"""The CSV export: header, order, numbers, quoting, formula neutralisation, atomic writes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from desk import Desk, ExportError
from desk.formats.csv_export import CSV_HEADER, csv_text
from tests.conftest import article_titled

HEADER = ("claim_id,article_id,article_title,article_url,quote,source,figure,figure_value,"
          "figure_unit,figure_qualifier,status,tags,note,editor,start_char,end_char,"
          "created_at,updated_at,review_url,figure_conflict")


def _claim_at(desk: Desk, title_word: str, phrase: str, **fields):
    article = article_titled(desk, title_word)
    start = article.body.index(phrase)
    return desk.add_claim(article.id, start, start + len(phrase), **fields)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_header_order_and_values(seeded_desk: Desk) -> None:
    flood = _claim_at(seeded_desk, "Flood", "€1.2 billion in emergency aid",
                      source="Thomas Berger", figure="€1.2 billion", tags=["money", "aid"])
    late = _claim_at(seeded_desk, "Ukraine", "nearly 500 of its troops", source="Russia",
                     figure="nearly 500", status="checking")
    early = _claim_at(seeded_desk, "Ukraine", "$350 million package", source="US official",
                      figure="$350 million")
    text = csv_text(seeded_desk)
    assert text.split("\r\n")[0] == HEADER
    assert ",".join(CSV_HEADER) == HEADER
    rows = _rows(text)
    # Articles in import order (council, flood, ukraine, …), then position in the text.
    assert [r["claim_id"] for r in rows] == [flood.id, early.id, late.id]
    assert rows[0]["tags"] == "aid; money"
    assert rows[0]["figure_value"] == "1200000000" and rows[0]["figure_unit"] == "EUR"
    assert rows[1]["figure_value"] == "350000000" and rows[1]["figure_unit"] == "USD"
    assert rows[2]["figure_qualifier"] == "nearly" and rows[2]["status"] == "checking"
    assert rows[0]["article_url"].startswith("https://www.riverside-herald.example/")
    assert int(rows[1]["start_char"]) == early.start_char
    assert rows[1]["quote"] == "$350 million package"


def test_deleted_claims_are_not_exported(seeded_desk: Desk) -> None:
    claim = _claim_at(seeded_desk, "Ukraine", "249 civilians")
    seeded_desk.delete_claim(claim.id)
    assert _rows(csv_text(seeded_desk)) == []


def test_quotes_commas_and_newlines_round_trip(seeded_desk: Desk) -> None:
    claim = _claim_at(seeded_desk, "Ukraine", "“They wanted to destroy us so many times.")
    note = 'He said "no", then, later:\nyes, 100%'
    seeded_desk.update_claim(claim.id, note=note, source='Agency "X", Kyiv')
    [row] = _rows(csv_text(seeded_desk))
    assert row["note"] == note
    assert row["source"] == 'Agency "X", Kyiv'
    assert row["quote"] == "“They wanted to destroy us so many times."


@pytest.mark.parametrize("payload", [
    '=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
    "-2+3", "\tleading tab", "\rleading CR",
])
def test_formula_injection_is_neutralised(seeded_desk: Desk, payload: str) -> None:
    claim = _claim_at(seeded_desk, "Ukraine", "249 civilians", figure="249")
    seeded_desk.update_claim(claim.id, source=payload, note=payload, tags=[payload])
    [row] = _rows(csv_text(seeded_desk))
    stripped = payload.strip()
    assert row["note"] == "'" + payload
    assert row["source"] in ("'" + payload, "'" + stripped, stripped)
    assert not row["source"].startswith(("=", "+", "-", "@", "\t", "\r"))
    assert not row["tags"].startswith(("=", "+", "-", "@", "\t", "\r"))
    assert row["figure_value"] == "249"  # numbers stay numbers


def test_excel_flag_adds_a_bom(seeded_desk: Desk, tmp_path: Path) -> None:
    _claim_at(seeded_desk, "café", "£2.4 million a year", figure="£2.4 million")
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    assert seeded_desk.export_csv(plain) == 1
    seeded_desk.export_csv(excel, excel=True)
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert excel.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes()
    assert "£2.4 million a year" in plain.read_text("utf-8")


def test_failed_export_leaves_no_partial_file(seeded_desk: Desk, tmp_path: Path) -> None:
    _claim_at(seeded_desk, "Ukraine", "249 civilians")
    target = tmp_path / "out.csv"
    target.write_text("previous export", "utf-8")
    with pytest.raises(ExportError, match="cancelled"):
        for _ in range(1100):  # enough rows for the cancel check to run
            _claim_at(seeded_desk, "Ukraine", "249 civilians")
        seeded_desk.export_csv(target, progress=lambda *a: None, cancelled=lambda: True)
    assert target.read_text("utf-8") == "previous export"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_export_into_missing_folder_is_a_clear_error(seeded_desk: Desk, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="Cannot write"):
        seeded_desk.export_csv(tmp_path / "no-such-folder" / "x.csv")
