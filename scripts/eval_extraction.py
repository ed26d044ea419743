"""Score the desk's HTML import on the Article Extraction Benchmark's real news pages.

Usage::

    python scripts/eval_extraction.py PATH [--worst 10] [--split all|tune|check] [--no-baseline]

``PATH`` is the benchmark folder holding ``ground-truth.json`` and ``html/<sha256>.html.gz``
(here: ``../shared/benchmarks/article-extraction``). The data is never copied into the repository.

What is measured
    Our real import path: each page is decoded with ``desk.textio.decode(..., html=True)`` and
    parsed with ``desk.importers.parse_html``, exactly as the app imports a file. Our body starts
    with the headline (house rule); the benchmark's ``articleBody`` does not, so the leading
    headline paragraph we prepend (exactly ``draft.title`` followed by a blank line) is removed
    before scoring: we are measured on the article text. Plain trafilatura (``extract`` with its
    defaults, ``txt`` output) runs on the same decoded pages in the same run as the baseline.

The metric (the benchmark's own)
    Tokens are ``\\w+`` matches (Unicode); 4-token shingles are counted for the true and the
    predicted text. Per page, TP = sum of the smaller counts, FP = predicted extras, FN = true
    shingles missing, each divided by TP + FP + FN. Precision and recall are means over the pages
    where they are defined; F1 = 2PR / (P + R).

Splits
    Pages are split deterministically by their sha256 name: ``int(sha256(name)) % 3 == 0`` is the
    *check* split (about 1/3), the rest the *tune* split. Extraction settings were chosen looking
    at the tune split only; the check split and the organisers' 50 held-back pages are unseen.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desk.errors import DeskError  # noqa: E402
from desk.text.importers import parse_html  # noqa: E402
from desk.text.textio import decode  # noqa: E402

_TOKEN = re.compile(r"\w+")


@dataclass
class PageScore:
    """One page's normalised shingle counts (TP, FP, FN sum to 1 unless both texts are empty)."""

    name: str
    url: str
    tp: float
    fp: float
    fn: float

    @property
    def f1(self) -> float:
        """The page's own F1, used to rank the worst pages."""
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


def shingles(text: str, n: int = 4) -> Counter:
    """Counts of the text's n-token shingles (a text shorter than n is one short shingle)."""
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n]
    )


def page_score(name: str, url: str, true: str, pred: str) -> PageScore:
    """TP, FP and FN shares of one page, as the benchmark computes them."""
    truth, guess = shingles(true), shingles(pred)
    tp = sum((truth & guess).values())
    fp = sum((guess - truth).values())
    fn = sum((truth - guess).values())
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageScore(name, url, tp, fp, fn)


def summary(scores: list[PageScore]) -> tuple[float, float, float]:
    """Mean precision, mean recall (over pages where defined) and their F1."""
    def precision(s: PageScore) -> float:
        if s.fp == s.fn == 0:
            return 1.0
        return s.tp / (s.tp + s.fp) if s.tp + s.fp else 0.0

    def recall(s: PageScore) -> float:
        if s.fp == s.fn == 0:
            return 1.0
        return s.tp / (s.tp + s.fn) if s.tp + s.fn else 0.0

    p_values = [precision(s) for s in scores if s.tp + s.fp > 0]
    r_values = [recall(s) for s in scores if s.tp + s.fn > 0]
    p = statistics.mean(p_values) if p_values else 0.0
    r = statistics.mean(r_values) if r_values else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def split_of(name: str) -> str:
    """The page's split: "check" for about a third of the pages, chosen by hash, else "tune"."""
    return "check" if int(hashlib.sha256(name.encode()).hexdigest(), 16) % 3 == 0 else "tune"


def ours(html: str, name: str) -> str:
    """Our import's body without the headline paragraph we put first."""
    try:
        draft = parse_html(html, name)
    except DeskError:
        return ""
    lead = draft.title + "\n\n"
    return draft.body[len(lead):] if draft.body.startswith(lead) else draft.body


def plain_trafilatura(html: str, name: str) -> str:
    """trafilatura.extract with its defaults, txt output: the baseline."""
    import trafilatura

    return trafilatura.extract(html) or ""


def load_pages(root: Path) -> list[tuple[str, str, str, str]]:
    """(name, url, true body, decoded html) of every page with ground truth."""
    truth = json.loads((root / "ground-truth.json").read_text("utf-8"))
    pages = []
    for name in sorted(truth):
        data = gzip.decompress((root / "html" / f"{name}.html.gz").read_bytes())
        html = decode(data, f"{name}.html", html=True)
        pages.append((name, truth[name].get("url", ""), truth[name].get("articleBody", ""), html))
    return pages


def evaluate(pages: list[tuple[str, str, str, str]],
             extractor: Callable[[str, str], str]) -> tuple[list[PageScore], float]:
    """Scores of every page, and the pages per second the extractor managed."""
    scores = []
    start = time.perf_counter()
    for name, url, true, html in pages:
        scores.append(page_score(name, url, true, extractor(html, name)))
    elapsed = time.perf_counter() - start
    return scores, len(pages) / elapsed if elapsed else float("inf")


def report(label: str, scores: list[PageScore], rate: float) -> None:
    """Print P, R and F1 on the tune split, the check split and all pages."""
    print(f"{label}  ({rate:.1f} pages/s)")
    for split in ("tune", "check", "all"):
        chosen = [s for s in scores if split == "all" or split_of(s.name) == split]
        if chosen:
            p, r, f1 = summary(chosen)
            print(f"  {split:<6} n={len(chosen):<4} P={p:.4f}  R={r:.4f}  F1={f1:.4f}")


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the figures and the worst pages."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path, help="benchmark folder with ground-truth.json and html/")
    parser.add_argument("--worst", type=int, default=10, help="how many worst pages to show")
    parser.add_argument("--split", choices=("all", "tune", "check"), default="all",
                        help="score only this split (default: all pages, reported per split)")
    parser.add_argument("--no-baseline", action="store_true", help="skip plain trafilatura")
    args = parser.parse_args(argv)
    if not (args.path / "ground-truth.json").is_file():
        print(f"{args.path}: no ground-truth.json here", file=sys.stderr)
        return 2
    import logging

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    pages = load_pages(args.path)
    if args.split != "all":
        pages = [page for page in pages if split_of(page[0]) == args.split]
    print(f"{len(pages)} pages from {args.path}")
    scores, rate = evaluate(pages, ours)
    report("claims desk (parse_html, headline paragraph removed)", scores, rate)
    if not args.no_baseline:
        import trafilatura

        base, base_rate = evaluate(pages, plain_trafilatura)
        report(f"plain trafilatura {trafilatura.__version__} (extract, defaults, txt)",
               base, base_rate)
        base_f1 = {s.name: s.f1 for s in base}
    print(f"\n{args.worst} worst pages (ours):")
    for s in sorted(scores, key=lambda s: s.f1)[:args.worst]:
        extra = "" if args.no_baseline else f"  baseline F1={base_f1[s.name]:.3f}"
        print(f"  F1={s.f1:.3f}  FP={s.fp:.3f}  FN={s.fn:.3f}{extra}  [{split_of(s.name)}] "
              f"{s.name[:12]}  {s.url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
