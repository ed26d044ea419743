"""The reader finds each block's spans by bisecting, as blocks show: the same spans a full
pass would give, including spans across paragraphs, nested ones and ones added or removed."""

from __future__ import annotations

import random

from PySide6.QtGui import QTextDocument

from ui.highlighter import ClaimHighlighter, Span
from ui.offsets import OffsetMap


def _by_full_pass(highlighter: ClaimHighlighter, spans: list[Span]) -> dict[int, list[Span]]:
    """Each span filed under every block it touches (what a pass over all spans gives)."""
    blocks: dict[int, list[Span]] = {}
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        for number in highlighter._blocks_of(span):
            blocks.setdefault(number, []).append(span)
    return blocks


def test_block_spans_match_a_full_pass_through_random_edits(qapp) -> None:
    rng = random.Random(6)
    text = "\n".join("".join(rng.choice("abc 💉") for _ in range(rng.randint(0, 40)))
                     for _ in range(200))
    units = OffsetMap(text)
    document = QTextDocument()
    highlighter = ClaimHighlighter(document)
    highlighter.set_text(text, units)
    document.setPlainText(text)
    size = units.utf16_length

    def random_span(number: int) -> Span:
        start = rng.randrange(size)
        end = min(size, start + rng.choice([1, 3, 10, 60, 400]))  # some across paragraphs
        return Span(start, max(end, start + 1), f"c{number}", "unverified")

    spans = [random_span(n) for n in range(300)]
    highlighter.set_spans(spans, repaint=False)
    for step in range(300):
        if step % 3 == 0:  # remove one
            gone = spans.pop(rng.randrange(len(spans)))
            highlighter.put_span(None, gone.claim_id)
        elif step % 3 == 1:  # move one
            at = rng.randrange(len(spans))
            moved = random_span(int(spans[at].claim_id[1:]))
            spans[at] = moved
            highlighter.put_span(moved, moved.claim_id)
        else:  # add one
            spans.append(random_span(1000 + step))
            highlighter.put_span(spans[-1], spans[-1].claim_id)
        if step % 25 == 0:
            expected = _by_full_pass(highlighter, spans)
            for number in range(document.blockCount()):
                assert highlighter.block_spans(number) == expected.get(number, []), number
