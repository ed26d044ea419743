"""Importing article files and folders into a real desk."""

from __future__ import annotations

import codecs
from pathlib import Path

from desk import Desk
from desk.text.textio import MAX_IMPORT_BYTES
from tests.conftest import article_titled


def test_seeds_import_in_every_format(seeded_desk: Desk) -> None:
    by_file = {a.source_file: a for a in seeded_desk.articles()}
    assert set(by_file) == {
        "ukraine-invasion-latest.txt", "flood-relief-funding.html",
        "council-cafe-subsidy-cp1252.txt", "vaccine-uptake-report.md",
        "wildfire-smoke-admissions.txt",
    }
    for article in by_file.values():
        assert article.body.startswith(article.title + "\n\n")  # the headline leads the body
        assert "\r" not in article.body
        assert len(article.body_sha256) == 64


def test_plain_text_drops_web_boilerplate(seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "Ukraine")
    assert article.title == "Russia invasion of Ukraine latest news and live updates"
    assert "249 civilians had been killed" in article.body
    assert "Source link" not in article.body
    assert "Leave a Comment" not in article.body
    assert article.body.endswith("Ukraine has not disclosed its own military casualty figures.")


def test_html_extracts_article_and_metadata(seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "Flood relief")
    assert article.url == "https://www.riverside-herald.example/news/2026/11/flood-relief-pledge"
    assert article.byline == "Maria Keller"
    assert article.published_at == "2026-11-18"
    assert "214 millimetres of rain" in article.body
    for junk in ("Subscribe", "cookies", "Accept all", "Leave a Comment", "All rights reserved",
                 "dataLayer", "Volunteers fill 50,000 sandbags"):
        assert junk not in article.body


def test_windows_1252_file_decodes(seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "café")
    assert "neighbourhood cafés – worth £2.4 million a year –" in article.body
    assert "“more than 120 small businesses”" in article.body


def test_markdown_is_reduced_to_text(seeded_desk: Desk) -> None:
    article = article_titled(seeded_desk, "Vaccination")
    assert article.title == "Vaccination rates fall for a fifth year, health agency says 💉"
    assert "**" not in article.body and "](http" not in article.body and "## " not in article.body
    assert "the 95% the World Health Organization recommends" in article.body


def test_same_text_twice_is_stored_once(seeded_desk: Desk, seeds_dir: Path,
                                        tmp_path: Path) -> None:
    copy = tmp_path / "copy-of-ukraine.txt"
    copy.write_bytes((seeds_dir / "ukraine-invasion-latest.txt").read_bytes())
    results = seeded_desk.import_path(copy)
    assert [r.status for r in results] == ["skipped"]
    assert "already in the desk" in results[0].message
    assert seeded_desk.counts()[0] == 5


def test_folder_import_reports_each_file(desk: Desk, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text("Headline one\n\nThe council spent £3 million.", "utf-8")
    (folder / "sub" / "good2.md").write_text("# Headline two\n\nNearly 500 died.", "utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(100))
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / ".hidden.txt").write_text("Hidden\n\nnot imported", "utf-8")
    results = desk.import_path(folder)
    status = {Path(r.path).name: r.status for r in results}
    assert status == {
        "good.txt": "imported", "good2.md": "imported", "empty.txt": "failed",
        "picture.txt": "failed", "photo.jpg": "passed over", "notes.docx": "passed over",
    }
    messages = {Path(r.path).name: r.message for r in results}
    assert "empty.txt" in messages["empty.txt"] and "empty" in messages["empty.txt"]
    assert "PNG" in messages["picture.txt"]
    assert sorted(a.title for a in desk.articles()) == ["Headline one", "Headline two"]


def test_other_file_type_named_directly_is_an_error(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    [result] = desk.import_path(path)
    assert result.status == "failed" and "report.pdf" in result.message
    assert desk.counts() == (0, 0)


def test_too_large_file_is_refused_without_reading_it(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:  # sparse: no need to write the bytes
        handle.truncate(MAX_IMPORT_BYTES + 1)
    [result] = desk.import_path(path)
    assert result.status == "failed"
    assert "too large" in result.message and "huge.txt" in result.message
    assert desk.counts() == (0, 0)


def test_utf16_file_with_emoji_keeps_exact_offsets(desk: Desk, tmp_path: Path) -> None:
    text = "Flags 🇺🇦 and faces 😀\r\n\r\nOfficials said 249 civilians died.\r\n"
    path = tmp_path / "utf16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    [result] = desk.import_path(path)
    assert result.status == "imported"
    article = desk.article(result.article_id)
    start = article.body.index("249")
    claim = desk.add_claim(article.id, start, start + 13)
    assert claim.quote == "249 civilians"
    assert desk.db.execute("SELECT substr(body, ?, 13) FROM articles", [start + 1]).fetchone()[
        0] == "249 civilians"


def test_progress_and_cancel(desk: Desk, seeds_dir: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    results = desk.import_path(seeds_dir, progress=lambda d, t, n: seen.append((d, t, n)),
                               cancelled=lambda: len(seen) >= 2)
    assert [r.status for r in results] == ["imported", "imported"]
    assert desk.counts()[0] == 2
    assert seen[0] == (0, 5, "council-cafe-subsidy-cp1252.txt")
