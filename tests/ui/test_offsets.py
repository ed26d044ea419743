"""Code points ↔ UTF-16 units, with emoji and other characters outside the BMP."""

from __future__ import annotations

import random

import pytest

from ui.offsets import OffsetMap, to_code_point, to_utf16

SAMPLES = [
    "",
    "plain ascii",
    "café — naïve",
    "💉 vaccine",
    "a💉b🏥🏥c",
    "🇺🇦 flag then text",
    "e\u0301 combining and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 maths",
    "ends with emoji 🏥",
]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("text", SAMPLES)
def test_every_offset_round_trips(text: str) -> None:
    offsets = OffsetMap(text)
    assert offsets.utf16_length == utf16_len(text)
    for cp in range(len(text) + 1):
        u16 = offsets.to_utf16(cp)
        assert u16 == utf16_len(text[:cp])
        assert offsets.to_code_point(u16) == cp


def test_offset_inside_a_surrogate_pair_rounds_to_the_character_end() -> None:
    offsets = OffsetMap("a💉b")
    assert offsets.to_code_point(2) == 2  # between the two halves of 💉 → after it


def test_random_texts_against_python_encoder() -> None:
    rng = random.Random(7)
    alphabet = ["a", " ", "é", "\n", "💉", "🏥", "𝔘", "中"]
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        for cp in range(len(text) + 1):
            assert to_utf16(text, cp) == utf16_len(text[:cp])
            assert to_code_point(text, to_utf16(text, cp)) == cp
