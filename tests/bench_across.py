"""The benchmark's across-the-desk figures (see ``tests/bench.py``): the full rebuild's time and
peak memory, one incremental edit, the first rows of both views, and the indexed pairs
against the all-pairs method's on a 10,000-claim desk (1,000 with ``--quick``)."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from desk import Desk, across
from desk.across import grouping
from desk.across.rebuild import _Claims, _rank, figure_pairs, quote_pairs, refresh, unpack_pairs
from desk.across.signatures import keys_of
from tests.bench import ROOT, Figure, judge, median_time
from tests.benchdata import DeskSpec, build_desk

REBUILD = ROOT / "scripts" / "across_rebuild.py"


def bench_across(desk_path: Path, tmp: Path, runs: int, quick: bool) -> list[Figure]:
    """Every across-the-desk figure, in the table's order. Rebuilds ``desk_path``'s index
    first (as the upgrade to format 4 does), so that the export reads stored disagreements."""
    done = subprocess.run([sys.executable, str(REBUILD), str(desk_path), "--json"],
                          capture_output=True, text=True, timeout=3600, cwd=ROOT,
                          env=dict(os.environ))
    if done.returncode != 0:
        raise RuntimeError(f"rebuild failed: {done.stderr[-2000:]}")
    rebuilt = json.loads(done.stdout.strip().splitlines()[-1])
    claims = rebuilt["claims"]
    allowed = 60.0 * max(1.0, claims / 100_000)
    figures = [
        Figure(f"rebuild groups and disagreements ({claims:,} claims)", rebuilt["seconds"],
               None, "s", "≤ 60 s per 100,000", rebuilt["seconds"] <= allowed,
               f"{rebuilt['groups']:,} groups, {rebuilt['disagreements']:,} disagreements"),
        Figure("peak memory of the rebuild", rebuilt["peak_mb"], None, "MB", "≤ 1,000 MB",
               rebuilt["peak_mb"] <= 1000),
        bench_edit(desk_path, tmp, runs),
    ]
    figures.extend(bench_first_rows(desk_path, runs))
    figures.append(bench_recall(tmp, 1_000 if quick else 10_000))
    return figures


def bench_edit(desk_path: Path, tmp: Path, runs: int) -> Figure:
    """Change one claim's figure, then bring its group and disagreements up to date."""
    copy = tmp / "across-edit.desk"
    shutil.copy(desk_path, copy)
    times = []
    with Desk.open(copy, editor="bench") as desk:
        ids = [row[0] for row in desk.conn.execute(
            "SELECT id FROM claims WHERE deleted_at IS NULL AND figure_value IS NOT NULL "
            "AND source != '' ORDER BY id LIMIT ?", [runs])]
        for index, claim_id in enumerate(ids):
            desk.update_claim(claim_id, figure=f"nearly {300 + index} civilians")
            start = time.perf_counter()
            refresh(desk)
            times.append((time.perf_counter() - start) * 1000)
    copy.unlink()
    ours = statistics.median(times)
    return Figure("one edit: its group and disagreements brought up to date", ours, None, "ms",
                  "≤ 20 ms", judge(ours, None, None, 20))


def bench_first_rows(desk_path: Path, runs: int) -> list[Figure]:
    """The first page (100 rows) of Across the Desk and of Figures that Disagree (core): the
    groups' stored summaries (a group's claims are read when it is opened)."""
    with Desk.open(desk_path, read_only=True) as desk:
        groups = median_time(lambda: across.group_summaries(desk, 0, 100), runs)
        conflicts = median_time(lambda: across.disagreements_page(desk, 0, 100), runs)
    return [
        Figure("Across the Desk: first 100 groups (core)", groups, None, "ms", "≤ 200 ms",
               judge(groups, None, None, 200)),
        Figure("Figures that Disagree: first 100 (core)", conflicts, None, "ms", "≤ 200 ms",
               judge(conflicts, None, None, 200)),
    ]


def indexed_against_all_pairs(desk: Desk) -> tuple[float, float, float, float]:
    """Recall and precision of the index's pairs against the all-pairs method's on ``desk``
    (which gets its index); with both times in seconds."""
    start = time.perf_counter()
    reference = {frozenset((a, b)) for _, _, a, b in grouping.candidate_pairs(desk.claims())}
    all_pairs = time.perf_counter() - start
    refresh(desk)  # the bands the pair search reads
    start = time.perf_counter()
    claims = _Claims()
    for row in desk.conn.execute(
            "SELECT id, article_id, quote, source, figure, figure_value, figure_unit, "
            "figure_qualifier FROM claims WHERE deleted_at IS NULL ORDER BY id"):
        claims.add(keys_of(*row))
    _rank(desk, claims)
    found = quote_pairs(desk, claims)
    found.extend(figure_pairs(desk, claims))
    ours = {frozenset((claims.ids[a], claims.ids[b])) for _, a, b in unpack_pairs(found)}
    indexed = time.perf_counter() - start
    both = len(ours & reference)
    return (both / len(reference) if reference else 1.0, both / len(ours) if ours else 1.0,
            all_pairs, indexed)


def bench_recall(tmp: Path, claims: int) -> Figure:
    """The index's pairs against the all-pairs method's on a desk of ``claims`` claims."""
    path = tmp / "recall.desk"
    build_desk(path, DeskSpec(articles=claims // 10, claims=claims, big_articles=0,
                              big_size=0, claims_on_big=0), seed=7)
    with Desk.open(path, editor="bench") as desk:
        recall, precision, all_pairs, indexed = indexed_against_all_pairs(desk)
    return Figure(f"pairs found by the index vs all-pairs ({claims:,} claims): recall",
                  recall * 100, None, "%", "≥ 99 %, precision 100 %",
                  recall >= 0.99 and precision == 1.0,
                  f"precision {precision * 100:.1f} %; all-pairs {all_pairs:.1f} s, "
                  f"index {indexed:.1f} s")
