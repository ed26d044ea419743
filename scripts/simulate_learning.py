"""Simulate an editor teaching the finder, on debates the model was not trained on.

Usage::

    python scripts/simulate_learning.py /work/shared/benchmarks [--chunk 40] [--data claimbuster]

CLEF 2018 task 1 (three 2016 debates, 4,064 sentences, 94 check-worthy) is cut into
"articles" of ``--chunk`` consecutive sentences, one sentence a paragraph. In each debate
the first half of the articles goes to the editor, the second half is held out. The editor
works through their articles in order: tags the check-worthy sentences as claims and marks
each article reviewed (so its other sentences are negatives). Reported, on the held-out half
(a sentence counts as suggested when a suggestion overlaps it):

- the shipped model (before), and the rules-only finder and "contains a number";
- the desk's model after the first 50, 100, 200 decisions (in the order the editor made
  them) and after all of them, as :func:`desk.finder.learning.desk_model` builds it from the
  desk (below the minimum of decisions it is the shipped model);
- the noise: the standard deviation of the shipped model's F1 over 200 bootstrap resamples
  of the held-out sentences.

``--data claimbuster`` runs the same on the quarter of ClaimBuster that the shipped model
was not trained on (in ``sentence_id`` order: first half to the editor, second half held
out), where the labels are as consistent as the ones the model learned from.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desk import Desk  # noqa: E402
from desk.finder import learning  # noqa: E402
from desk.finder.engine import suggest  # noqa: E402
from desk.finder.model import Model, shipped  # noqa: E402
from desk.model import ArticleDraft  # noqa: E402
from scripts.eval_finder import _clef_rows, contains_number, line, scores  # noqa: E402

Article = list[tuple[str, bool]]


def _sources(folder: Path, data: str) -> list[list[tuple[str, bool]]]:
    if data == "claimbuster":  # the model's held-out test quarter, in sentence_id order
        from scripts.train_finder import claimbuster_split

        raw = json.loads((folder / "checkworthy-claimbuster" / "train.json").read_text("utf-8"))
        rows = sorted((d["sentence_id"], d["text"].strip(), d["label"] == 1) for d in raw
                      if d["sentence_id"] % 4 == 1 and d["text"].strip())
        assert len(rows) == len(claimbuster_split(folder)[1])
        return [[(text, gold) for _, text, gold in rows]]
    return [[(text.strip(), gold) for _, text, gold in _clef_rows(path) if text.strip()]
            for path in sorted((folder / "checkworthy").glob("*.txt"))]


def articles(folder: Path, chunk: int, data: str = "clef"
             ) -> tuple[list[Article], list[Article]]:
    """(the editor's articles, the held-out articles): each debate's first half, second."""
    editor: list[Article] = []
    held_out: list[Article] = []
    for rows in _sources(folder, data):
        parts = [rows[i:i + chunk] for i in range(0, len(rows), chunk)]
        half = len(parts) // 2
        editor += parts[:half]
        held_out += parts[half:]
    return editor, held_out


def body(article: Article) -> tuple[str, list[tuple[int, int]]]:
    """The article's text (one sentence a paragraph) and each sentence's span."""
    spans, at = [], 0
    for text, _ in article:
        spans.append((at, at + len(text)))
        at += len(text) + 2
    return "\n\n".join(text for text, _ in article), spans


def judged(model: Model | None, held_out: list[Article], rules_only: bool = False
           ) -> list[tuple[bool, bool]]:
    """(suggested, check-worthy) for every held-out sentence."""
    pairs = []
    for article in held_out:
        text, spans = body(article)
        found = suggest(text, model=model, rules_only=rules_only)
        for (start, end), (_, gold) in zip(spans, article):
            pairs.append((any(s.start < end and start < s.end for s in found), gold))
    return pairs


def noise(pairs: list[tuple[bool, bool]], rounds: int = 200) -> float:
    """Standard deviation of F1 over bootstrap resamples of ``pairs``."""
    pick = random.Random(0).choice
    values = [scores(pick(pairs) for _ in pairs)["F1"] for _ in range(rounds)]
    mean = sum(values) / rounds
    return (sum((v - mean) ** 2 for v in values) / (rounds - 1)) ** 0.5


def main(argv: list[str] | None = None) -> int:
    """Run the simulation and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("benchmarks", type=Path)
    parser.add_argument("--chunk", type=int, default=40, help="sentences per article")
    parser.add_argument("--data", choices=("clef", "claimbuster"), default="clef",
                        help="CLEF 2018 debates (default), or ClaimBuster's held-out quarter")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    editor, held_out = articles(args.benchmarks, args.chunk, args.data)
    print(f"{args.data}: {len(editor)} articles for the editor "
          f"({sum(len(a) for a in editor)} sentences, {sum(g for a in editor for _, g in a)} "
          f"check-worthy), {len(held_out)} held out ({sum(len(a) for a in held_out)} "
          f"sentences, {sum(g for a in held_out for _, g in a)} check-worthy)")
    base = judged(None, held_out)
    print(line("contains a number", scores((contains_number(t), g)
                                           for a in held_out for t, g in a)))
    print(line("rules only", scores(judged(None, held_out, rules_only=True))))
    print(line("shipped model (before)", scores(base)))
    print(f"  noise: F1 standard deviation over bootstrap resamples {noise(base):.3f}")
    with tempfile.TemporaryDirectory() as folder:
        with Desk.open(Path(folder) / "debates.desk", editor="simulated editor") as desk:
            stream: list[tuple[str, bool]] = []
            for index, article in enumerate(editor):
                text, spans = body(article)
                result = desk.add_article(ArticleDraft(f"Debate part {index}", text,
                                                       f"part{index}.txt"))
                assert result.article_id
                for (start, end), (sentence, gold) in zip(spans, article):
                    if gold:
                        desk.add_claim(result.article_id, start, end)
                    if gold or len(sentence.split()) >= 4:
                        stream.append((sentence, gold))
                desk.mark_reviewed(result.article_id)
            for count in (50, 100, 200):
                examples = stream[:count]
                positives = sum(g for _, g in examples)
                if (len(examples) < learning.MIN_DECISIONS
                        or min(positives, len(examples) - positives) < learning.MIN_EACH):
                    model, note = shipped(), "too few to learn: shipped model"
                else:
                    fitted = learning.learn(shipped(), examples)
                    model = shipped() if fitted is None else learning.adjusted(shipped(), *fitted)
                    note = "not better: shipped model" if fitted is None else "learned"
                print(line(f"after {count} decisions ({positives} tagged; {note})",
                           scores(judged(model, held_out))))
            model, learned = learning.desk_model(desk)
            print(line(f"after all: {learned.describe()}", scores(judged(model, held_out))))
    print(f"({time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
