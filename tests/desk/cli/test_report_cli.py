"""``claims-desk report``: HTML from the core, PDF through the app's Qt (pdftotext reads it)."""

from __future__ import annotations

import shutil
import unicodedata
import subprocess
import sys
from pathlib import Path

import pytest

from desk import Desk
from desk.cli import commands
from desk.reports.palette import LABELS
from tests.conftest import ROOT, SEEDS
from tests.desk.reports.report_data import fill


@pytest.fixture
def filled_desk(desk_path: Path) -> Path:
    with Desk.open(desk_path, editor="Ana") as desk:
        desk.import_path(SEEDS)
        fill(desk)
    return desk_path


def test_report_html_with_filters(filled_desk, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert commands.run(["report", str(filled_desk), "-o", str(out), "--tag", "health"]) == 0
    assert "3 claims" in capsys.readouterr().err
    html = out.read_text("utf-8")
    assert "tag “health”" in html and "<script" not in html


def test_report_errors_are_one_line(filled_desk, tmp_path, capsys):
    assert commands.run(["report", str(filled_desk), "-o", str(tmp_path / "r.doc")]) == 1
    assert commands.run(["report", str(filled_desk), "-o", str(tmp_path / "r.html"),
                         "--from", "last week"]) == 1
    assert commands.run(["report", str(tmp_path / "none.desk"), "-o",
                         str(tmp_path / "r.html")]) == 1
    # The core alone cannot draw PDF (Qt does, through main.py).
    assert commands.run(["report", str(filled_desk), "-o", str(tmp_path / "r.pdf")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "PDF" in err


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (.ci/run)")
@pytest.mark.parametrize("page", ["a4", "letter"])
def test_pdf_holds_every_claim_and_verdict(filled_desk, tmp_path, page):
    out = tmp_path / "r.pdf"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "report", str(filled_desk),
                           "-o", str(out), "--page", page], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(unicodedata.normalize("NFKC", text).split())
    with Desk.open(filled_desk, read_only=True) as desk:
        claims = desk.claims()
    for claim in claims:
        assert " ".join(claim.quote.split()) in flat, claim.quote
        assert LABELS[claim.status] in flat
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    size = "595 x 842" if page == "a4" else "612 x 792"
    assert size in info, info
    if shutil.which("pdftoppm"):  # every page renders
        subprocess.run(["pdftoppm", "-r", "20", "-png", str(out), str(tmp_path / "p")],
                       check=True, timeout=120)
        pages = int(next(line.split()[-1] for line in info.splitlines()
                         if line.startswith("Pages:")))
        assert len(list(tmp_path.glob("p-*.png"))) == pages


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (.ci/run)")
def test_article_pdf(filled_desk, tmp_path):
    with Desk.open(filled_desk, read_only=True) as desk:
        claim = next(c for c in desk.claims() if c.status == "verified")
    out = tmp_path / "a.pdf"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "report", str(filled_desk),
                           "-o", str(out), "--article", claim.article_id],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "[1]" in text and "[4]" in text and "Checked by" in text and "Ana" in text
