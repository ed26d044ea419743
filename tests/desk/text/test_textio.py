"""Decoding article files: encodings, byte-order marks, binary files and normalisation."""

from __future__ import annotations

import codecs
import random
import unicodedata

import pytest

from desk.errors import ImportFailed
from desk.text.textio import decode, normalise


def test_utf8_with_and_without_bom() -> None:
    assert decode("café ☕".encode(), "a.txt") == "café ☕"
    assert decode(codecs.BOM_UTF8 + "café ☕".encode(), "a.txt") == "café ☕"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    assert decode(bom + "Crise – 249 morts 😢".encode(codec), "a.txt") == "Crise – 249 morts 😢"


def test_windows_1252_short_text_is_not_misread() -> None:
    # Charset detectors read short text like this as other code pages.
    assert decode(b"caf\xe9", "a.txt") == "café"
    assert decode(b"2019\x962020 \x93quoted\x94 \x80 5", "a.txt") == "2019–2020 “quoted” € 5"


def test_line_endings_and_nfc() -> None:
    decomposed = "cafe\u0301\r\nline two\rline three"
    text = decode(decomposed.encode(), "a.txt")
    assert text == "café\nline two\nline three"
    assert unicodedata.is_normalized("NFC", text)
    assert normalise("a\r\nb") == "a\nb"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"abc\x00\x00\x01def" * 10, "binary"),
    ],
)
def test_bad_files_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ImportFailed, match=reason):
        decode(data, "story.txt")


def test_undecodable_bytes_are_refused() -> None:
    # Invalid UTF-8 with bytes Windows-1252 leaves undefined, and no NUL to give it away.
    data = b"\x81\x8d" + random.Random(7).randbytes(4000).replace(b"\x00", b"")
    with pytest.raises(ImportFailed, match="story.txt"):
        decode(data, "story.txt")
