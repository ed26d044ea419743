"""Fixtures shared by every test: real desk files in a temporary folder, filled from seeds/."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desk import Desk  # noqa: E402

SEEDS = ROOT / "seeds"
UKRAINE_SEED = SEEDS / "ukraine-invasion-latest.txt"


@pytest.fixture
def seeds_dir() -> Path:
    """The folder of sample articles shipped with the app."""
    return SEEDS


@pytest.fixture
def desk_path(tmp_path: Path) -> Path:
    """Where a fresh desk file may be created."""
    return tmp_path / "newsroom.desk"


@pytest.fixture
def desk(desk_path: Path) -> Iterator[Desk]:
    """An empty desk, closed after the test."""
    with Desk.open(desk_path, editor="tester") as opened:
        yield opened


@pytest.fixture
def seeded_desk(desk_path: Path) -> Iterator[Desk]:
    """A desk holding every seed article."""
    with Desk.open(desk_path, editor="tester") as opened:
        results = opened.import_path(SEEDS)
        assert all(r.status == "imported" for r in results), results
        yield opened


def article_titled(desk: Desk, word: str):
    """The one article whose title contains ``word``."""
    matches = [a for a in desk.articles() if word in a.title]
    assert len(matches) == 1, [a.title for a in desk.articles()]
    return matches[0]


def damage_page(path: Path, name: str) -> None:
    """Overwrite the root page of one table or index of a closed desk file: the file and
    its schema still open, reading that page fails."""
    import sqlite3

    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                        [name]).fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size:root * page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))
