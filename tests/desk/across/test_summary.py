"""Stored group summaries: Across the Desk's first page is an index read, with the same
answers as the groups worked out from their claims, kept up to date by every write path."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desk import Desk, across
from desk.across import grouping, stored, summary
from desk.across.grouping import ClaimGroup
from desk.across.rebuild import rebuild
from desk.across.summary import GroupSummary
from tests.desk.across.across_data import fill


@pytest.fixture
def across_desk(tmp_path: Path) -> Iterator[Desk]:
    with Desk.open(tmp_path / "across.desk", editor="tester") as desk:
        fill(desk)
        across.refresh(desk)
        yield desk


def _top(item: ClaimGroup | GroupSummary) -> tuple:
    """What a group's top row shows."""
    if isinstance(item, ClaimGroup):
        figures = " / ".join(dict.fromkeys(c.figure for c in item.claims if c.figure))
        sources = " / ".join(dict.fromkeys(c.source for c in item.claims if c.source))
        return (item.id, item.summary(), item.article_count, item.confirmed, item.how,
                len(item.claims), figures, sources)
    return (item.id, item.summary(), item.article_count, item.confirmed, item.how,
            item.claim_count, item.figures, item.sources)


def assert_same_as_claims(desk: Desk) -> None:
    """The stored summaries list the groups :func:`grouping.groups` works out from the
    claims, in its order, with the same top rows; ids and counts as the aggregate's."""
    expected = grouping.groups(desk)
    stored = across.group_summaries(desk, 0, 1000)
    assert [_top(s) for s in stored] == [_top(g) for g in expected]
    assert across.group_ids(desk) == grouping.group_ids(desk) == [g.id for g in expected]
    assert across.group_count(desk) == grouping.group_count(desk) == len(expected)
    for offset in range(0, len(expected), 3):
        page = across.groups_page(desk, offset, 3)
        assert [g.id for g in page] == [g.id for g in expected[offset:offset + 3]]
        assert page == expected[offset:offset + 3]
    first = {g.id: g for g in expected}
    assert all(s.first_claim_id in {c.id for c in first[s.id].claims} for s in stored)


def test_summaries_are_the_groups_of_the_claims(across_desk: Desk) -> None:
    desk = across_desk
    assert summary.is_summarised(desk.conn)
    assert len(grouping.groups(desk)) >= 4
    assert_same_as_claims(desk)
    assert across.group_summaries(desk, 0, 2) == across.group_summaries(desk, 0, 10)[:2]
    assert across.group_summaries(desk, 2, 2) == across.group_summaries(desk, 0, 10)[2:4]
    ids = across.group_ids(desk)
    assert [s.id for s in across.summaries_by_id(desk, ids[::-1] + ["gone"])] == ids[::-1]


def test_every_write_path_keeps_them_up_to_date(across_desk: Desk) -> None:
    desk = across_desk
    groups = grouping.groups(desk)
    big = next(g for g in groups if len(g.claims) >= 3)
    across.split_group(desk, big.id, [big.claims[-1].id])  # an editor's split
    assert not summary.is_summarised(desk.conn)  # marked by the triggers
    assert_same_as_claims(desk)
    across.confirm_group(desk, big.id)
    assert_same_as_claims(desk)
    other = next(g for g in grouping.groups(desk) if g.id != big.id)
    across.merge_groups(desk, [big.id, other.id])
    assert_same_as_claims(desk)
    # a claim deleted, then an edit refreshed by the index
    victim = grouping.groups(desk)[-1].claims[0]
    desk.delete_claim(victim.id)
    assert_same_as_claims(desk)
    across.refresh(desk)
    assert_same_as_claims(desk)
    assert summary.is_summarised(desk.conn)  # a read brought them up to date
    desk.restore_claim(victim.id)
    across.refresh(desk)
    assert_same_as_claims(desk)
    # a figure edited: the edit only marks the group (O(1)); the next read redoes it
    member = grouping.groups(desk)[0].claims[0]
    desk.update_claim(member.id, figure="exactly 7 people")
    across.refresh(desk)
    assert not summary.is_summarised(desk.conn)
    assert_same_as_claims(desk)
    assert "exactly 7 people" in across.group_summaries(desk, 0, 50)[
        across.group_ids(desk).index(grouping.group_of(desk, member.id).id)].figures


def test_an_article_redated_moves_its_groups(across_desk: Desk) -> None:
    desk = across_desk
    first = grouping.groups(desk)[0]
    article = first.first.article_id
    with desk.writing():  # as a sync or another tool would write it
        desk.conn.execute("UPDATE articles SET published_at = '2027-01-01' WHERE id = ?",
                          [article])
    assert not summary.is_summarised(desk.conn)
    assert_same_as_claims(desk)
    assert across.group_summaries(desk, 0, 50)[
        across.group_ids(desk).index(first.id)].first_date != first.first.date


def test_a_rebuild_and_a_regroup_leave_them_current(across_desk: Desk) -> None:
    desk = across_desk
    rebuild(desk)
    assert summary.is_summarised(desk.conn)
    assert_same_as_claims(desk)
    grouping.regroup_all_pairs(desk)  # the reference method writes groups its own way
    assert_same_as_claims(desk)


def test_a_read_only_desk_behind_reads_the_same_from_the_claims(tmp_path: Path) -> None:
    path = tmp_path / "across.desk"
    with Desk.open(path, editor="tester") as desk:
        fill(desk)
        across.refresh(desk)
        group = grouping.groups(desk)[0]
        across.split_group(desk, group.id, [group.claims[0].id])  # summaries now behind
        expected = [_top(g) for g in grouping.groups(desk)]
    with Desk.open(path, read_only=True) as desk:
        assert not summary.is_summarised(desk.conn)
        assert [_top(s) for s in across.group_summaries(desk, 0, 100)] == expected
        assert_same_as_claims(desk)
        assert not summary.is_summarised(desk.conn)  # nothing written


def test_a_desk_made_before_the_summaries_gets_them(tmp_path: Path) -> None:
    path = tmp_path / "across.desk"
    with Desk.open(path, editor="tester") as desk:
        fill(desk)
        across.refresh(desk)
    conn = sqlite3.connect(path)
    for name in [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'across_groups_%'")]:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE across_groups")
    conn.execute("DROP TABLE across_groups_dirty")
    conn.execute("DELETE FROM desk_meta WHERE key = 'across_groups'")
    conn.commit()
    conn.close()
    with Desk.open(path, read_only=True) as desk:
        assert not summary.has_table(desk.conn)
        assert_same_as_claims(desk)  # read from the claims
    with Desk.open(path, editor="tester") as desk:
        assert_same_as_claims(desk)  # tables made, summaries worked out
        assert summary.is_summarised(desk.conn)
        group = grouping.groups(desk)[0]
        across.split_group(desk, group.id, [group.claims[0].id])
        assert not summary.is_summarised(desk.conn)  # the triggers came with them
        assert_same_as_claims(desk)


def test_a_new_desk_is_summarised_without_writing(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "new.desk", editor="tester") as desk:
        assert summary.is_summarised(desk.conn)
        assert across.group_summaries(desk) == [] and across.group_count(desk) == 0
        assert desk.conn.execute("SELECT count(*) FROM desk_meta WHERE key = ?",
                                 [summary.META_KEY]).fetchone()[0] == 0


@pytest.mark.parametrize("module", ["desk.across.rebuild", "desk.across.summary",
                                    "desk.across.index", "desk.across.stored"])
def test_each_module_imports_on_its_own(module: str) -> None:
    """A script importing one module first (scripts/across_rebuild.py imports the rebuild)
    must not meet the package's lazy face half-made."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[3], timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def _reference_candidates(conn, keys) -> dict[str, float]:  # noqa: ANN001
    """One claim's candidates read as before (every figure within the ratio, every band's
    claims with their rows), as ``{claim id: score}``."""
    from desk.across.index import (
        _MIN_SHARE, BAND_CAP, KEY_COLUMNS, FIGURE_NEIGHBOURS, LENGTH_WINDOW, MAGNITUDE_RATIO,
        figure_score, quote_score,
    )
    from desk.across.signatures import Keys, bands_of, is_prefix_key

    match_sql = (f"SELECT k.n, {', '.join('k.' + c for c in KEY_COLUMNS)}, g.group_id, g.how "
                 "FROM claim_keys k LEFT JOIN claim_groups g ON g.claim_id = k.claim_id")
    found: dict[str, float] = {}
    bands = bands_of(keys.masked)
    if bands:
        minhash = [b for b in bands if not is_prefix_key(b)]
        usable = [b for b, count in conn.execute(
            "SELECT band, count(*) FROM claim_bands WHERE band IN "
            f"({', '.join('?' * len(minhash))}) GROUP BY band", minhash) if count <= BAND_CAP] + [b for b in bands if is_prefix_key(b)]
        size = len(keys.masked)
        for row in conn.execute(
                f"{match_sql} WHERE k.n IN (SELECT n FROM claim_bands WHERE band IN "
                f"({', '.join('?' * len(usable))})) AND length(k.masked) BETWEEN ? AND ? "
                "ORDER BY abs(length(k.masked) - ?), k.n LIMIT ?",
                [*usable, int(size * _MIN_SHARE), int(size / _MIN_SHARE) + 1, size,
                 LENGTH_WINDOW // 2]):
            other = Keys(*row[1:12])
            if other.article_id != keys.article_id and other.claim_id != keys.claim_id:
                score = quote_score(keys, other)
                if score is not None:
                    found[other.claim_id] = score
    if keys.value and keys.source_key:
        for row in conn.execute(
                f"{match_sql} WHERE k.source_key = ? AND k.unit IS ? AND k.value BETWEEN ? "
                "AND ? AND k.lo IS NOT NULL ORDER BY abs(k.value - ?) LIMIT ?",
                [keys.source_key, keys.unit, keys.value / MAGNITUDE_RATIO,
                 keys.value * MAGNITUDE_RATIO, keys.value, FIGURE_NEIGHBOURS]):
            other = Keys(*row[1:12])
            if other.article_id != keys.article_id and other.claim_id not in found \
                    and other.claim_id != keys.claim_id:
                score = figure_score(keys, other)
                if score is not None:
                    found[other.claim_id] = score
    return found


def test_an_edits_narrow_reads_find_the_same_candidates(tmp_path: Path) -> None:
    """The edit's candidates (nearest figures read from each side of the index, quote
    lengths from their index, quotes read whole only when they match) and its source's
    disagreements (only quotes of a length that can match) are those the whole reads find."""
    from desk.across.index import candidates
    from desk.across.signatures import Keys
    from desk.across.stored import _pairs_of, _ROW_COLUMNS
    from desk.across.disagreement import _Row
    from tests.benchdata import DeskSpec, build_desk

    path = tmp_path / "bench.desk"
    build_desk(path, DeskSpec(articles=100, claims=1_000, big_articles=0, big_size=0,
                              claims_on_big=0), seed=11)
    with Desk.open(path, editor="tester") as desk:
        across.refresh(desk)
        conn = desk.conn
        rows = conn.execute("SELECT claim_id, article_id, masked, source_key, unit, value, kind, "
                            "lo, hi, lo_open, hi_open FROM claim_keys ORDER BY n").fetchall()
        compared = 0
        for row in rows[::7]:
            keys = Keys(*row)
            ours = {other.claim_id: score for score, _, other, _ in candidates(conn, keys)}
            assert ours == _reference_candidates(conn, keys), keys.claim_id
            compared += bool(ours)
        assert compared > 50
        # a claim's source disagreements against the whole bucket read
        from rapidfuzz import fuzz, process

        from desk.across.disagreement import SOURCE_NEIGHBOURS, SOURCE_TOPIC_THRESHOLD
        from desk.across.intervals import Interval, same_kind

        checked = 0
        for raw in conn.execute(f"SELECT {_ROW_COLUMNS} FROM claims c LEFT JOIN claim_groups g "
                                "ON g.claim_id = c.id WHERE c.deleted_at IS NULL AND "
                                "c.figure_value IS NOT NULL AND c.source != '' "
                                "ORDER BY c.id LIMIT 120").fetchall():
            me = _Row(*raw)
            mine = stored._interval(me)
            key = conn.execute("SELECT source_key, masked, kind FROM claim_keys "
                               "WHERE claim_id = ?", [me.id]).fetchone()
            if mine is None or key is None or not key[0]:
                continue
            bucket = [r for r in conn.execute(
                "SELECT claim_id, masked, kind, lo, hi, lo_open, hi_open FROM claim_keys "
                "WHERE source_key = ? AND unit IS ? AND lo IS NOT NULL AND claim_id != ? "
                "AND article_id != ?", [key[0], me.unit, me.id, me.article_id])
                if same_kind(key[2], r[2])]
            near = process.extract(key[1], [r[1] for r in bucket], scorer=fuzz.ratio,
                                   processor=None, score_cutoff=SOURCE_TOPIC_THRESHOLD,
                                   limit=SOURCE_NEIGHBOURS)
            expected = {bucket[i][0] for _, _, i in near if not mine.meets(Interval(
                bucket[i][3], bucket[i][4], bool(bucket[i][5]), bool(bucket[i][6])))}
            grouped = {c.id for c in grouping.group(desk, me.group_id).claims} \
                if me.group_id else set()
            ours = {b for _, b, why, _ in _pairs_of(conn, me) if why == "source"}
            assert ours == expected - grouped, me.id
            checked += bool(ours)
        assert checked > 5


def test_an_edit_rewrites_only_the_disagreements_that_changed(across_desk: Desk) -> None:
    desk, conn = across_desk, across_desk.conn

    def pairs_of(claim_id: str) -> dict[tuple, int]:
        return {(frozenset((a, b)), why, group_id): row_id for row_id, a, b, why, group_id in
                conn.execute("SELECT id, a, b, why, group_id FROM figure_disagreements "
                             "WHERE a = ? OR b = ?", [claim_id, claim_id])}

    claim_id = max(((c, len(pairs_of(c))) for (c,) in conn.execute(
        "SELECT id FROM claims WHERE figure_value IS NOT NULL")), key=lambda item: item[1])[0]
    before = pairs_of(claim_id)
    assert len(before) >= 2
    claim = desk.claim(claim_id)
    desk.update_claim(claim_id, note="x", source=claim.source + " ")  # marks it, same pairs
    across.refresh(desk)
    after = pairs_of(claim_id)
    assert after == before  # the same rows, ids and all: their place in the list kept
    # against deleting every pair of the claim and working them out again
    with desk.writing():
        conn.execute("DELETE FROM figure_disagreements WHERE a = ? OR b = ?",
                     [claim_id, claim_id])
        stored.refresh_disagreements(conn, [claim_id])
    assert set(pairs_of(claim_id)) == set(after)
    # a figure that now agrees with everything: its pairs go
    desk.update_claim(claim_id, figure="")
    across.refresh(desk)
    assert pairs_of(claim_id) == {}
