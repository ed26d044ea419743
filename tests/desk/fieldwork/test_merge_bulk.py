"""The merge's bulk path: claims new to a desk copied whole (with edit records and tags),
new articles written and indexed in bulk. It must give exactly what the field-by-field path
gives, keep the desk's guards, and refuse what the field-by-field path refuses."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desk import ArticleDraft, Desk, DeskError
from desk.fieldwork import merge as merge_module
from desk.fieldwork import merge_file
from desk.fieldwork.merge import merge_desks
from desk.trust.check import check_desk
from tests.desk.fieldwork.test_merge import (  # noqa: F401 - office is a fixture
    claim_on,
    copy_desk,
    dump,
    field_work,
    office,
    tick,
)

STORM = ("Storm closes the port\n\n"
         "The harbour master said 37 ships were held at anchor on Sunday. "
         "About 1,400 containers are waiting, the shipping agency said. "
         "Ferries to the islands resume on Tuesday, according to the operator.")
FIRE = ("Forest fire contained\n\n"
        "Firefighters contained a blaze that burned 2,300 hectares, the fire service said. "
        "Some 600 residents were evacuated overnight.")
FROZEN = "2026-11-25T12:00:00.000Z"


def newsroom(path: Path) -> dict:
    """An unrelated desk: new articles and claims, a tombstone, a removed tag, an orphaned
    claim and an editor's group of claims."""
    with Desk.open(path, editor="dee") as desk:
        storm = desk.add_article(ArticleDraft("Storm closes the port", STORM, "storm.txt",
                                              url="https://news.example/storm")).article_id
        fire = desk.add_article(ArticleDraft("Forest fire contained", FIRE, "fire.txt")).article_id
        ships = claim_on(desk, storm, "37 ships", source="The harbour master", figure="37",
                         tags=["shipping", "priority"]).id
        boxes = claim_on(desk, storm, "1,400 containers", source="the shipping agency",
                         figure="about 1,400").id
        ferries = claim_on(desk, storm, "Ferries to the islands", note="which islands?").id
        hectares = claim_on(desk, fire, "2,300 hectares", source="the fire service",
                            figure="2,300", tags=["fire"]).id
        residents = claim_on(desk, fire, "600 residents", figure="some 600").id
        tick()
        desk.update_claim(ships, status="verified", tags=["shipping"])   # "priority" removed
        desk.delete_claim(ferries)
        desk.db.execute("UPDATE claims SET anchor_status = 'orphaned', previous_quote = quote "
                        "WHERE id = ?", [residents])
        with desk.db.atomic():  # an editor's group of two claims (as desk.group_edits writes)
            desk.db["claim_groups"].insert_all(
                {"claim_id": c, "group_id": "group-port", "how": "editor", "editor": "dee",
                 "confirmed_at": FROZEN, "updated_at": FROZEN} for c in (ships, boxes))
    return {"path": path, "storm": storm, "fire": fire, "ships": ships, "boxes": boxes,
            "ferries": ferries, "hectares": hectares, "residents": residents}


def everything(path: Path) -> dict[str, list]:
    """Every table a merge writes, whole (rows sorted), for exact comparisons."""
    tables = dump(path)
    conn = sqlite3.connect(path)
    try:
        for table in ("claim_groups", "desk_meta"):
            tables[table] = sorted(map(repr, conn.execute(f"SELECT * FROM {table}")))
    finally:
        conn.close()
    return tables


def fts_sound(path: Path) -> None:
    """The full-text index matches the articles' text exactly (FTS5's own check)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        conn.close()


@pytest.fixture
def frozen_clock(monkeypatch) -> None:
    """The merge's own timestamps fixed, so that two merges can be compared row for row."""
    monkeypatch.setattr(merge_module, "now_iso", lambda: FROZEN)
    monkeypatch.setattr(merge_file, "now_iso", lambda: FROZEN)


def scenario(name: str, office: dict, tmp_path: Path) -> tuple[list[Path], list[int]]:
    """The files to merge into the office desk, and how many claims each brings that are
    new to the desk and copied as they are."""
    news = newsroom(tmp_path / "newsroom.desk")
    if name == "unrelated":
        return [news["path"]], [5]
    if name == "stale quote":
        # Written behind the app's back: one claim's offsets no longer hold its quote.
        conn = sqlite3.connect(news["path"])
        conn.execute("DROP TRIGGER claims_span_update")
        conn.execute("UPDATE claims SET start_char = start_char + 4, end_char = end_char + 4 "
                     "WHERE id = ?", [news["boxes"]])
        conn.commit()
        conn.close()
        return [news["path"]], [4]
    work = field_work(office, tmp_path)
    edited = copy_desk(news["path"], tmp_path / "newsroom-edited.desk")
    tick()
    with Desk.open(edited, editor="eve") as desk:
        desk.update_claim(news["boxes"], status="checking", tags=["shipping"])
        desk.update_claim(news["ships"], tags=[])                        # removes "shipping"
        desk.restore_claim(news["ferries"])
        desk.delete_claim(news["hectares"])
    return [work["ana"], news["path"], work["ben"], edited, work["cat"]], [2, 5, 1, 0, 1]


@pytest.mark.parametrize("case", ["unrelated", "stale quote", "laptops and newsrooms"])
def test_bulk_and_field_by_field_merges_give_the_same_desk(office: dict, tmp_path: Path,
                                                            monkeypatch, frozen_clock,
                                                            case: str) -> None:
    """An unrelated desk; one with a claim whose quote is not at its offsets; laptops'
    copies (shared claims edited on several sides, deletes, tag removals, an article
    imported twice, an updated article whose claims are re-anchored) with an unrelated desk
    and an edited copy of it, merged at once: the bulk path changes nothing."""
    inputs, expected = scenario(case, office, tmp_path)
    copied: list[int] = []
    real_split = merge_file.FileMerge._split_claims

    def split_claims(step, *args):
        copies, taking_part = real_split(step, *args)
        copied.append(len(copies))
        return copies, taking_part

    monkeypatch.setattr(merge_file.FileMerge, "_split_claims", split_claims)
    results = {}
    for bulk in (True, False):
        monkeypatch.setattr(merge_file, "COPY_NEW_CLAIMS", bulk)
        (tmp_path / f"bulk-{bulk}").mkdir()  # the same file name: it is in conflict records
        target = copy_desk(office["path"], tmp_path / f"bulk-{bulk}" / "office.desk")
        with Desk.open(target, editor="lead") as desk:
            summary = merge_desks(desk, inputs, backup=False)
        results[bulk] = (everything(target), {k: v for k, v in vars(summary).items()
                                              if k != "merged"})
        assert check_desk(target).sound
        fts_sound(target)
    assert copied == expected + [0] * len(inputs)  # copies in the bulk path, none without
    assert results[True] == results[False]
    summary = results[True][1]
    assert summary["claims_added"] == {"unrelated": 4, "stale quote": 4}.get(case, 8)


def triggers(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    finally:
        conn.close()


def test_guards_and_search_after_a_bulk_merge(office: dict, tmp_path: Path) -> None:
    """The triggers set aside for the bulk writes are back word for word; the new articles
    are found by full-text search, and the desk keeps refusing what its guards refuse."""
    news = newsroom(tmp_path / "newsroom.desk")
    before = triggers(office["path"])
    with Desk.open(office["path"], editor="lead") as desk:
        merge_desks(desk, [news["path"]], backup=False)
        assert desk.article_ids_matching("harbour") == {news["storm"]}
        assert desk.article_ids_matching("hectares") == {news["fire"]}
        assert len(desk.article_ids_matching("said")) == 4
        with pytest.raises(sqlite3.IntegrityError, match="status"):
            desk.db.execute("UPDATE claims SET status = 'bogus' WHERE id = ?", [news["ships"]])
        with pytest.raises(sqlite3.IntegrityError, match="status must be"):
            desk.db.execute("INSERT INTO claims (id, article_id, start_char, end_char, quote, "
                            "status) VALUES ('x', ?, 0, 5, 'Storm', 'bogus')", [news["storm"]])
        with pytest.raises(sqlite3.IntegrityError, match="does not match"):
            desk.db.execute("INSERT INTO claims (id, article_id, start_char, end_char, quote) "
                            "VALUES ('x', ?, 0, 5, 'nope!')", [news["storm"]])
    assert triggers(office["path"]) == before
    fts_sound(office["path"])


def test_a_new_claim_with_a_bad_edit_time_is_refused(office: dict, tmp_path: Path) -> None:
    """Edit records copied in bulk are checked like those merged field by field."""
    news = newsroom(tmp_path / "newsroom.desk")
    conn = sqlite3.connect(news["path"])
    conn.execute("UPDATE claim_edits SET edited_at = 'yesterday' WHERE claim_id = ?",
                 [news["hectares"]])
    conn.commit()
    conn.close()
    before = dump(office["path"])
    with Desk.open(office["path"]) as desk:
        with pytest.raises(DeskError, match=f"{news['hectares']}.*not a date.*unchanged"):
            merge_desks(desk, [news["path"]], backup=False)
    assert dump(office["path"]) == before
    assert triggers(office["path"]) == triggers(news["path"])
