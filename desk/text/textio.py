"""Reading article files as text: size limit, binary sniffing, encodings, normalisation.

Decoding order, chosen so that old newsroom files come out right:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32) decides;
2. strict UTF-8;
3. an HTML file's own ``<meta charset>`` declaration;
4. Windows-1252 — the code page of older newsroom systems. Charset detectors often read
   short Windows-1252 text as another code page, so it is tried before any guessing;
5. charset-normalizer's best guess, accepted only when it is confident.

Text is normalised once, at import: line endings to ``\\n`` and Unicode to NFC.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from desk.errors import ImportFailed

#: Files larger than this are refused (20 MiB: far more than any news article).
MAX_IMPORT_BYTES = 20 * 1024 * 1024

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or Office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"RIFF", "a media file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_file_bytes(path: Path) -> bytes:
    """Read a file for import, refusing one over :data:`MAX_IMPORT_BYTES` before reading it."""
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise ImportFailed(
                f"{path.name}: too large ({size / 1048576:.0f} MB; the limit is "
                f"{MAX_IMPORT_BYTES // 1048576} MB)"
            )
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc


def decode(data: bytes, name: str, html: bool = False) -> str:
    """Decode a file's bytes to normalised text, or raise :class:`ImportFailed` saying why."""
    if not data.strip():
        raise ImportFailed(f"{name}: the file is empty")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return normalise(data.decode(codec))
            except UnicodeDecodeError as exc:
                raise ImportFailed(f"{name}: not valid {codec.upper()} text") from exc
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ImportFailed(f"{name}: this is {what}, not a text article")
    if b"\x00" in data[:65536]:
        raise ImportFailed(f"{name}: binary data, not a text article")
    text = _decode_guessing(data, html)
    if text is None:
        raise ImportFailed(f"{name}: the text encoding could not be recognised")
    if len(_CONTROL.findall(text[:65536])) > max(2, len(text[:65536]) // 200):
        raise ImportFailed(f"{name}: binary data, not a text article")
    return normalise(text)


def _decode_guessing(data: bytes, html: bool) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if html:
        match = _META_CHARSET.search(data[:4096])
        if match:
            try:
                return data.decode(match.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.1:
        return None
    return str(best)


def normalise(text: str) -> str:
    """Line endings to ``\\n``, Unicode to NFC, and no NUL characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return unicodedata.normalize("NFC", text)
