"""A claim's own review URL (format 5): set through Desk.update_claim, used by ClaimReview
(the desk's review URL as the fallback), exported in the CSV, carried by merges (also from
a desk of an older format) and refused when a merged file holds one no desk writes."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from desk import Desk
from desk.errors import DeskError
from desk.fieldwork.merge import merge_desks
from desk.formats.csv_export import csv_text
from desk.formats.interchange import META_REVIEW_URL, write_json
from desk.reports.review import review_gaps
from tests.desk.reports.report_data import fill

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "desks"
WRITE_UP = "https://news.example/fact-checks/wildfire-admissions"


def reviews(desk: Desk) -> dict[str, dict]:
    buffer = io.StringIO()
    write_json(desk, buffer, "claimreview")
    return {r["@id"].removeprefix("urn:uuid:"): r for r in json.loads(buffer.getvalue())}


def test_a_claims_review_url_is_its_claimreview_url(seeded_desk):
    ids = fill(seeded_desk)
    assert "url" not in reviews(seeded_desk)[ids[0]]
    claim = seeded_desk.update_claim(ids[0], review_url=f"  {WRITE_UP} ")
    assert claim.review_url == WRITE_UP  # trimmed
    assert seeded_desk.db.execute("SELECT editor FROM claim_edits WHERE claim_id = ? AND "
                                  "field = 'review_url'", [ids[0]]).fetchone() == ("tester",)
    assert reviews(seeded_desk)[ids[0]]["url"] == WRITE_UP
    gaps = {g.claim_id: g for g in review_gaps(seeded_desk)}
    assert "url" not in gaps[ids[0]].required and "url" in gaps[ids[1]].required
    # The desk's review URL is the fallback, for the others only.
    seeded_desk.set_setting(META_REVIEW_URL, "https://news.example/checks")
    found = reviews(seeded_desk)
    assert found[ids[0]]["url"] == WRITE_UP
    assert found[ids[1]]["url"] == f"https://news.example/checks#claim-{ids[1]}"
    rows = list(csv.DictReader(io.StringIO(csv_text(seeded_desk), newline="")))
    assert {r["claim_id"]: r["review_url"] for r in rows}[ids[0]] == WRITE_UP
    # Cleared: back to the desk's.
    seeded_desk.update_claim(ids[0], review_url="")
    assert reviews(seeded_desk)[ids[0]]["url"].endswith(f"#claim-{ids[0]}")


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "news.example/x", "ftp://x.example/",
                                 "https://x.example/a b"])
def test_only_a_web_address_is_a_review_url(seeded_desk, bad):
    ids = fill(seeded_desk)
    with pytest.raises(DeskError, match="not a web address"):
        seeded_desk.update_claim(ids[0], review_url=bad)
    assert seeded_desk.claim(ids[0]).review_url == ""


def _copy(desk: Desk, target: Path) -> Path:
    desk.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(desk.path, target)
    return target


def test_a_review_url_travels_with_a_merge(seeded_desk, tmp_path):
    ids = fill(seeded_desk)
    laptop = _copy(seeded_desk, tmp_path / "laptop.desk")
    with Desk.open(laptop, editor="ana") as other:
        other.update_claim(ids[1], review_url=WRITE_UP)
    merge_desks(seeded_desk, [laptop], backup=False)
    assert seeded_desk.claim(ids[1]).review_url == WRITE_UP
    # A later edit here wins over the laptop's older one when it is merged again.
    seeded_desk.update_claim(ids[1], review_url="https://news.example/newer")
    merge_desks(seeded_desk, [laptop], backup=False)
    assert seeded_desk.claim(ids[1]).review_url == "https://news.example/newer"


def test_a_desk_of_format_4_merges_in(seeded_desk, tmp_path):
    """An older desk has no review_url column: its claims come with none."""
    older = shutil.copyfile(FIXTURES / "v4.desk", tmp_path / "v4.desk")
    merge_desks(seeded_desk, [older], backup=False)
    merged = [c for c in seeded_desk.claims(include_deleted=True) if "v4" in c.tags]
    assert merged and all(c.review_url == "" for c in merged)
    assert sqlite3.connect(older).execute("PRAGMA user_version").fetchone()[0] == 4


def test_a_merged_file_with_a_script_for_a_review_url_is_refused(seeded_desk, tmp_path):
    ids = fill(seeded_desk)
    crafted = _copy(seeded_desk, tmp_path / "crafted.desk")
    conn = sqlite3.connect(crafted)
    conn.execute("UPDATE claims SET review_url = 'javascript:alert(1)', "
                 "updated_at = '2999-01-01T00:00:00.000Z' WHERE id = ?", [ids[0]])
    conn.commit()
    conn.close()
    with pytest.raises(DeskError, match="review URL"):
        merge_desks(seeded_desk, [crafted], backup=False)
    assert seeded_desk.claim(ids[0]).review_url == ""
