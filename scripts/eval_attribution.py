"""How often the finder names the right source and the right figure on real news.

Usage::

    python scripts/eval_attribution.py PATH/benchmarks [--verbose]

``scripts/news_labels.jsonl`` holds 66 attributed figure sentences of the article-extraction
benchmark's news pages (MIT; the texts belong to their publishers), labelled by hand for this
project: each row names the page (its sha256), the sentence's offsets in the page's
``articleBody`` and a hash of it, and the offsets of the source and of the figure the
sentence is about (``null`` when the sentence names no source). Offsets and hashes only: the
text is read from the benchmark folder, which is never shipped.

The sentences were drawn at random (seed 15) from the rule-based finder's suggestions that
carry a figure and a reporting verb, and labelled reading the finder's output beside them:
they measure naming, not finding.

- **source right**: the finder's source (without "(via …)"), lower-cased and without a
  leading "the"/"a", equals the label's; or ends with it (a title before the name: "math
  teacher Angela Cooper"); or contains it with at most three more words; or is contained in
  it with at least half of its words. (The title rule was added after the first run, which
  counted "High school math teacher Angela Cooper" for "Angela Cooper" as wrong.) A label without a source is right when the
  finder names none.
- **figure right**: the finder's figure and the label's parse (``desk.text.figures``) to the
  same value, unit and qualifier.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desk.finder.engine import suggest  # noqa: E402
from desk.text.figures import parse_figure  # noqa: E402

LABELS = ROOT / "scripts" / "news_labels.jsonl"


def _words(text: str) -> list[str]:
    words = text.casefold().split(" (via ")[0].split()
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return words


def source_right(found: str, expected: str) -> bool:
    """Whether the finder's source names the labelled one (see the module docstring)."""
    have, want = _words(found), _words(expected)
    if not want:
        return not have
    if not have:
        return False
    have_text, want_text = " ".join(have), " ".join(want)
    if have_text == want_text:
        return True
    if have_text.endswith(" " + want_text):
        return True  # a title before the name: "math teacher Angela Cooper"
    if want_text in have_text:
        return len(have) <= len(want) + 3
    return have_text in want_text and 2 * len(have) >= len(want)


def figure_right(found: str, expected: str) -> bool:
    """Whether the finder's figure has the labelled figure's value, unit and qualifier."""
    a, b = parse_figure(found), parse_figure(expected)
    if a is None or b is None:
        return found.strip().casefold() == expected.strip().casefold()
    return (a.value, a.unit, a.qualifier) == (b.value, b.unit, b.qualifier)


def main(argv: list[str] | None = None) -> int:
    """Score the finder's sources and figures on the labelled sentences."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("benchmarks", type=Path)
    parser.add_argument("--verbose", action="store_true", help="print every miss")
    args = parser.parse_args(argv)
    truth = json.loads((args.benchmarks / "article-extraction" / "ground-truth.json")
                       .read_text("utf-8"))
    rows = [json.loads(line) for line in LABELS.read_text("utf-8").splitlines() if line]
    found_by_page: dict[str, list] = {}
    sources = figures = 0
    for row in rows:
        body = truth[row["page"]]["articleBody"]
        sentence = body[row["start"]:row["end"]]
        if hashlib.sha1(sentence.encode()).hexdigest()[:12] != row["sha1"]:
            raise SystemExit(f"label does not match the page {row['page'][:12]}: "
                             "another version of the benchmark?")
        if row["page"] not in found_by_page:
            found_by_page[row["page"]] = suggest(body)
        hits = [s for s in found_by_page[row["page"]]
                if s.start < row["end"] and row["start"] < s.end]
        want_source = body[slice(*row["source"])] if row["source"] else ""
        want_figure = body[slice(*row["figure"])]
        source_ok = any(source_right(h.source, want_source) for h in hits)
        figure_ok = any(figure_right(h.figure, want_figure) for h in hits if h.figure)
        sources += source_ok
        figures += figure_ok
        if args.verbose and not (source_ok and figure_ok):
            print(f"  {row['page'][:12]} {row['start']}: expected {want_source!r} / "
                  f"{want_figure!r}, found {[(h.source, h.figure) for h in hits]}")
    total = len(rows)
    print(f"{total} labelled news sentences: source right {sources}/{total} "
          f"({sources / total:.0%}), figure right {figures}/{total} ({figures / total:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
