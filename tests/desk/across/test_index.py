"""The across-the-desk index: groups and disagreements kept up to date as claims change, the
rebuild against the all-pairs method, and the export reading the stored disagreements."""

from __future__ import annotations

import bisect
import shutil
from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from desk import Desk, across
from desk.across import disagreement, grouping
from desk.across import rebuild as rebuild_module
from desk.across import signatures
from desk.across.grouping import MAGNITUDE_RATIO, TOPIC_THRESHOLD, GroupingCancelled
from desk.across.index import _MIN_SHARE, FIGURE_NEIGHBOURS
from desk.across.rebuild import (
    _Claims,
    _rank,
    figure_pairs,
    quote_pairs,
    rebuild,
    refresh,
    unpack_pairs,
)
from desk.across.signatures import bands_of, bands_of_many, keys_of
from desk.across.stored import is_current, pending_count
from desk.formats.csv_export import csv_text
from desk.model import ArticleDraft
from tests.benchdata import DeskSpec, build_desk
from tests.desk.across.across_data import claim_in, fill


@pytest.fixture
def across_desk(tmp_path: Path) -> Iterator[Desk]:
    with Desk.open(tmp_path / "across.desk", editor="tester") as desk:
        fill(desk)
        yield desk


def _pair_set(found: list[across.Disagreement]) -> set[tuple[frozenset[str], str]]:
    return {(frozenset((d.claim_a.id, d.claim_b.id)), d.why) for d in found}


def test_every_write_marks_its_claim_pending(across_desk: Desk) -> None:
    across.refresh_groups(across_desk)
    assert is_current(across_desk.conn)
    claim = claim_in(across_desk, "a19")
    across_desk.update_claim(claim.id, note="only a note")  # not what grouping reads
    assert pending_count(across_desk.conn) == 0
    across_desk.update_claim(claim.id, figure="12 cafes")
    assert pending_count(across_desk.conn) == 1 and not is_current(across_desk.conn)
    across_desk.delete_claim(claim.id)
    assert pending_count(across_desk.conn) == 1


def test_one_edit_updates_its_disagreements(across_desk: Desk) -> None:
    across.refresh_groups(across_desk)
    before = _pair_set(across.disagreements(across_desk))
    ledger = claim_in(across_desk, "a01")  # 249 civilians, grouped with nearly 300 killed
    across_desk.update_claim(ledger.id, figure="about 290")
    across.refresh_groups(across_desk)  # only the changed claim is looked at
    after = across.disagreements(across_desk)
    assert is_current(across_desk.conn)
    assert _pair_set(after) == _pair_set(disagreement.disagreements(across_desk))
    assert _pair_set(after) != before
    across_desk.update_claim(ledger.id, figure="249 civilians")
    across.refresh_groups(across_desk)
    assert _pair_set(across.disagreements(across_desk)) == before


def test_a_deleted_claim_leaves_groups_and_disagreements(across_desk: Desk) -> None:
    across.refresh_groups(across_desk)
    ledger = claim_in(across_desk, "a01")
    across_desk.delete_claim(ledger.id)
    across.refresh_groups(across_desk)
    assert across.group_of(across_desk, ledger.id) is None
    assert all(ledger.id not in pair for pair, _ in _pair_set(across.disagreements(across_desk)))
    across_desk.restore_claim(ledger.id)
    across.refresh_groups(across_desk)
    harlow = across.group_of(across_desk, claim_in(across_desk, "a02").id)
    assert harlow is not None and ledger.id in {c.id for c in harlow.claims}


def test_a_new_claim_joins_its_group(across_desk: Desk) -> None:
    across.refresh_groups(across_desk)
    wire = claim_in(across_desk, "a03")
    harlow = across.group_of(across_desk, wire.id)
    assert harlow is not None
    # the wire's sentence, carried by one more outlet and tagged there
    result = across_desk.add_article(ArticleDraft(
        "Copied", f"Copied\n\n{wire.quote}", "copied.txt", url="https://copier.example/1"))
    copied = across_desk.article(result.article_id)
    start = copied.body.index(wire.quote)
    claim = across_desk.add_claim(copied.id, start, start + len(wire.quote),
                                  source=wire.source, figure=wire.figure)
    assert pending_count(across_desk.conn) == 1
    across.refresh_groups(across_desk)
    found = across.group_of(across_desk, claim.id)
    assert found is not None and found.id == harlow.id
    assert found.article_count == harlow.article_count + 1


def test_rebuild_gives_the_all_pairs_groups(across_desk: Desk, tmp_path: Path) -> None:
    copy = tmp_path / "copy.desk"
    across_desk.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(across_desk.path, copy)
    rebuild(across_desk)
    with Desk.open(copy, editor="tester") as other:
        reference = grouping.regroup_all_pairs(other)
        reference_conflicts = disagreement.conflicts_by_claim(other)
    ours = across.groups(across_desk)
    assert [sorted(c.id for c in g.claims) for g in ours] == \
        [sorted(c.id for c in g.claims) for g in reference]
    assert [g.id for g in ours]  # ids are the same too: the rows were copied
    assert disagreement.conflicts_by_claim(across_desk) == reference_conflicts


def test_export_reads_the_stored_disagreements(across_desk: Desk) -> None:
    across.refresh_groups(across_desk)
    expected = disagreement.conflicts_by_claim(across_desk)
    across_desk.conn.execute("DELETE FROM figure_disagreements")  # what the export reads
    assert "nearly 300 killed (northernherald.example)" not in csv_text(across_desk)
    rebuild(across_desk)
    text = csv_text(across_desk)
    for cell in expected.values():
        assert cell in text


def test_bands_are_the_same_one_by_one_and_in_a_batch() -> None:
    texts = ["the un human rights office said # civilians were killed",
             "short", "officials did not respond to a request for comment.", "ünïcode # “x” —"]
    assert bands_of_many(texts) == [bands_of(t) for t in texts]
    assert bands_of("short") == []


def test_indexed_pairs_against_all_pairs(tmp_path: Path) -> None:
    """On a small synthetic desk: every pair the index finds is one all-pairs finds
    (precision 1), and it finds nearly all of them (the benchmark reports 10,000 claims)."""
    path = tmp_path / "synthetic.desk"
    build_desk(path, DeskSpec(articles=60, claims=600, big_articles=0, big_size=0,
                              claims_on_big=0))
    with Desk.open(path, editor="t") as desk:
        reference = {frozenset((a, b)) for _, _, a, b in grouping.candidate_pairs(desk.claims())}
        claims = _Claims()
        for row in desk.conn.execute("SELECT id, article_id, quote, source, figure, "
                                     "figure_value, figure_unit, figure_qualifier FROM claims "
                                     "WHERE deleted_at IS NULL ORDER BY id"):
            claims.add(keys_of(*row))
        refresh(desk)  # builds the index (bands) the pair search reads
        _rank(desk, claims)
        found = quote_pairs(desk, claims)
        found.extend(figure_pairs(desk, claims))
        ours = {frozenset((claims.ids[a], claims.ids[b])) for _, a, b in unpack_pairs(found)}
    assert reference and ours <= reference
    assert len(ours) / len(reference) >= 0.95


def test_views_read_a_page_at_a_time(across_desk: Desk) -> None:
    every = across.refresh_groups(across_desk)
    assert across.group_count(across_desk) == len(every) == 5
    pages = across.groups_page(across_desk, 0, 2) + across.groups_page(across_desk, 2, 2) \
        + across.groups_page(across_desk, 4, 2)
    assert [g.id for g in pages] == [g.id for g in every]
    conflicts = across.disagreements(across_desk)
    assert across.disagreements_page(across_desk, 3, 4) == conflicts[3:7]
    report = across.groups_report(across_desk, "text", refresh=False)
    assert report.count("\ngroup ") + report.startswith("group ") == 5
    assert report.endswith(f"{len(conflicts)} disagreements\n")


def _figure_walk(claims: _Claims, eligible: set[int], neighbours: int,
                 ) -> list[tuple[float, int, int]]:
    """The figure rule's pairs one claim at a time, as the rebuild found them before numpy:
    per source and unit, within each counted kind (claims of an unsaid kind with every
    kind), each claim with its next FIGURE_NEIGHBOURS larger figures of other articles; a
    pair the quote rule also makes is a quote pair."""
    buckets: dict[tuple[str, str | None], list[int]] = {}
    for n in range(1, len(claims) + 1):
        if n in eligible and claims.value[n] > 0 and claims.source[n]:
            buckets.setdefault((claims.source[n], claims.unit[n]), []).append(n)
    found = []

    def run(members: list[int], skip_unsaid_pairs: bool) -> None:
        members.sort(key=lambda n: (claims.value[n], claims.rank[n]))
        values = [claims.value[n] for n in members]
        for i, a in enumerate(members):
            stop = bisect.bisect_right(values, values[i] * MAGNITUDE_RATIO, lo=i + 1)
            near = [b for b in members[i + 1:stop] if claims.article[a] != claims.article[b]
                    and not (skip_unsaid_pairs and claims.kind[a] is None
                             and claims.kind[b] is None)][:neighbours]
            for _, score, j in process.extract(
                    claims.masked[a], [claims.masked[b] for b in near],
                    scorer=fuzz.token_sort_ratio, processor=None,
                    score_cutoff=TOPIC_THRESHOLD, limit=None):
                b = near[j]
                quote = claims.quote_score(a, b)  # a pair the quote rule makes is a quote pair
                if quote is not None:
                    first, second = sorted((a, b), key=lambda n: claims.rank[n])
                    found.append((round(quote * 1000) / 1000, first, second))
                else:
                    found.append((round(score * 1000) / 1000, a, b))

    for members in buckets.values():
        by_kind: dict[str | None, list[int]] = {}
        for n in members:
            by_kind.setdefault(claims.kind[n], []).append(n)
        unsaid = by_kind.pop(None, [])
        for own in by_kind.values():
            run(own + unsaid, True)
        run(unsaid, False)
    return sorted(found)


@pytest.mark.parametrize("neighbours", [FIGURE_NEIGHBOURS, 3])
def test_figure_pairs_in_numpy_are_those_one_claim_at_a_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, neighbours: int) -> None:
    """The rebuild's figure pairs worked out in numpy (all runs at once, scored by ``ratio``
    of the sorted words) are exactly those of the plain walk (``token_sort_ratio`` per claim)."""
    path = tmp_path / "synthetic.desk"
    build_desk(path, DeskSpec(articles=80, claims=800, big_articles=0, big_size=0,
                              claims_on_big=0), seed=3)
    with Desk.open(path, editor="t") as desk:
        claims = _Claims()
        for row in desk.conn.execute("SELECT id, article_id, quote, source, figure, "
                                     "figure_value, figure_unit, figure_qualifier FROM claims "
                                     "WHERE deleted_at IS NULL ORDER BY id"):
            claims.add(keys_of(*row))
        refresh(desk)
        _rank(desk, claims)
        monkeypatch.setattr(rebuild_module, "FIGURE_NEIGHBOURS", neighbours)
        quick = sorted(unpack_pairs(figure_pairs(desk, claims)))
        with_interval = {n for (n,) in desk.conn.execute(
            "SELECT n FROM claim_keys WHERE lo IS NOT NULL")}
    plain = _figure_walk(claims, with_interval, neighbours)
    assert len(plain) > 100
    assert quick == plain


def test_a_rebuild_leaves_the_indexes_as_they_were_even_when_stopped(across_desk: Desk) -> None:
    """The rebuild drops the index tables' own indexes while it fills them and makes them
    again, also when it is cancelled half-way (and at its next start, had it died)."""
    def indexes() -> list[tuple[str, str]]:
        return across_desk.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
            "('claim_keys', 'claim_bands', 'figure_disagreements') ORDER BY name").fetchall()

    before = indexes()
    assert len([sql for _, sql in before if sql]) >= 4
    rebuild(across_desk)
    assert indexes() == before
    for stop_at in (1, 2, 3):  # while indexing the claims, then in later phases
        asked = []

        def cancelled(stop_at: int = stop_at) -> bool:
            asked.append(1)
            return len(asked) >= stop_at

        with pytest.raises(GroupingCancelled):
            rebuild(across_desk, cancelled=cancelled)
        assert indexes() == before
    with across_desk.writing():
        rebuild_module._drop_indexes(across_desk.conn, ["figure_disagreements"])  # (died)
    assert len(indexes()) == len(before) - 2
    rebuild(across_desk)
    assert indexes() == before
    assert across.group_count(across_desk) == 5


def test_rapidfuzz_threads_follow_the_idle_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rebuild_module, "WORKERS", 0)
    monkeypatch.setattr(rebuild_module.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(rebuild_module.os, "getloadavg", lambda: (0.4, 0.0, 0.0))
    assert rebuild_module._workers() == -1
    monkeypatch.setattr(rebuild_module.os, "getloadavg", lambda: (3.0, 0.0, 0.0))
    assert rebuild_module._workers() == 1
    monkeypatch.setattr(rebuild_module, "WORKERS", 2)
    assert rebuild_module._workers() == 2


@pytest.mark.parametrize(("cap", "window"), [(400, 24), (6, 2)])
def test_quote_candidates_are_every_bucket_pair_once(tmp_path: Path, cap: int,
                                                     window: int) -> None:
    """The candidate pairs of quotes are those of every bucket (all pairs of like length in
    a MinHash or prefix bucket of at most ``cap`` claims; in a bigger prefix bucket, those
    at most ``window`` apart in length order), each given once."""
    path = tmp_path / "synthetic.desk"
    build_desk(path, DeskSpec(articles=60, claims=600, big_articles=0, big_size=0,
                              claims_on_big=0), seed=5)
    with Desk.open(path, editor="t") as desk:
        refresh(desk)
        rows = desk.conn.execute("SELECT n, masked, bands FROM claim_keys ORDER BY n").fetchall()
    lengths = [0] + [len(masked) for _, masked, _ in rows]
    keys = [[]] + [list(array("q", blob or b"")) for _, _, blob in rows]
    matrix = signatures.BandMatrix(len(rows))
    matrix.add(keys[1:])
    matrix.done()
    buckets: dict[tuple[int, int], list[int]] = {}
    for n, mine in enumerate(keys):
        for place, key in enumerate(mine):
            buckets.setdefault((place if place < signatures.BANDS else -1, key), []).append(n)
    expected = set()
    for (place, _), members in buckets.items():
        members.sort(key=lambda n: (lengths[n], n))
        if len(members) > cap and place >= 0:
            continue  # a MinHash band of boilerplate
        reach = len(members) if len(members) <= cap else window + 1
        for i, x in enumerate(members):
            for y in members[i + 1:i + reach]:
                if lengths[y] <= lengths[x] / _MIN_SHARE:
                    expected.add(frozenset((x, y)))
    found = [frozenset((x, y)) for xs, ys in signatures.quote_candidates(
        matrix, lengths, cap=cap, boilerplate_window=window, min_share=_MIN_SHARE)
        for x, y in zip(xs.tolist(), ys.tolist())]
    assert len(found) == len(set(found))
    assert set(found) == expected
    assert len(expected) > 500
