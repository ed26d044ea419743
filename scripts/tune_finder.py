"""Set the claim finder's cue weights on the *tuning* halves of the benchmarks.

Usage: ``python scripts/tune_finder.py /work/shared/benchmarks``

Coordinate ascent on the weights of :data:`desk.scoring.CUES` (each step ±0.1…0.4, bounded
so that a cue keeps its sign; the ``attributed`` cue stays as set by hand), maximising the mean F1 on the ClaimBuster tuning half (even
sentence ids) and the CLEF 2018 tuning half (even line numbers), with the
finder's default threshold. Prints the weights to paste into ``desk/scoring.py``; the test
halves are never read. The cue lists themselves are written by hand, not learned.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_finder import claimbuster, clef, scores  # noqa: E402

from desk.finder import engine as finder
from desk.finder import scoring  # noqa: E402

#: Cues the debates cannot tune: no debate sentence names a source the way news does.
FIXED = frozenset({"attributed"})


def cue_sets(rows: list[tuple[str, bool]]) -> list[tuple[list[dict[str, float]], bool]]:
    """For each sentence, the cues of each of its candidates (captured from the finder)."""
    captured: list[dict[str, float]] = []
    original = scoring.score

    def capture(found: dict[str, float]) -> float:
        captured.append(dict(found))
        return original(found)

    scoring.score = capture  # type: ignore[assignment]
    try:
        result = []
        for text, gold in rows:
            captured.clear()
            finder.suggest(text, min_score=0.0)
            result.append((list(captured), gold))
        return result
    finally:
        scoring.score = original  # type: ignore[assignment]


def f1(data: list[tuple[list[dict[str, float]], bool]], weights: dict[str, float]) -> float:
    """F1 when a sentence is suggested as soon as one candidate's raw score is ≥ 0."""
    def raw(found: dict[str, float]) -> float:
        return weights["bias"] + sum(weights[n] * v for n, v in found.items())
    return scores((any(raw(c) >= 0 for c in cands), gold) for cands, gold in data)["F1"]


def main() -> int:
    """Tune and print the weights."""
    folder = Path(sys.argv[1])
    which = sys.argv[2] if len(sys.argv) > 2 else "both"
    sets = [cue_sets(claimbuster(folder)[0])]
    if which == "both":
        sets.append(cue_sets(clef(folder)[0]))
    weights = {name: cue.weight for name, cue in scoring.CUES.items()}

    def objective(w: dict[str, float]) -> float:
        return sum(f1(data, w) for data in sets) / len(sets)

    best = objective(weights)
    print(f"start: mean tuning F1 {best:.4f}")
    for _ in range(4):
        improved = False
        for name in weights:
            if name in FIXED:
                continue
            for step in (0.4, -0.4, 0.2, -0.2, 0.1, -0.1):
                trial = dict(weights)
                trial[name] = round(trial[name] + step, 2)
                if name != "bias" and trial[name] * scoring.CUES[name].weight < 0:
                    continue  # a cue keeps the direction it was written for
                value = objective(trial)
                if value > best + 1e-4:
                    best, weights, improved = value, trial, True
        print(f"round: mean tuning F1 {best:.4f}")
        if not improved:
            break
    for name, value in weights.items():
        print(f'    "{name}": {value},')
    return 0


if __name__ == "__main__":
    sys.exit(main())
