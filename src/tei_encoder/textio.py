"""Reading transcripts as text: decode what is safe to decode, refuse the rest.

Transcripts come from web scrapes and editors' machines: UTF-8 mostly, but a
BOM, UTF-16 from Windows tools or cp1252 from old editors occur. Each is
decoded only when the bytes leave no doubt; anything else is refused with a
message naming the file, never guessed.
"""
from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls other than tab/LF/CR, C1 controls and the non-characters U+FFFE/U+FFFF:
# never in a real transcript, and not allowed in XML.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Text:
    text: str
    encoding: str
    sha256: str


def decode(data: bytes, path: str) -> Text:
    """Decode a transcript's bytes, or raise InputError saying why not."""
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise InputError(path, "empty file: nothing to encode")
    if len(data) > MAX_BYTES:
        raise InputError(path, f"file is {len(data)} bytes; transcripts over {MAX_BYTES} bytes are refused")
    encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom):], name
            break
    if encoding is None and b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise InputError(path, "binary file (NUL bytes), not a text transcript")
    if encoding is None:
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            text = _cp1252_or_none(data)
            if text is None:
                raise InputError(path, f"not UTF-8 (invalid byte at offset {exc.start}) and not plain "
                                       "cp1252 either; re-save the file as UTF-8") from None
            encoding = "cp1252"
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(path, f"declared {encoding} by its byte-order mark but invalid at offset {exc.start}") from None
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InputError(path, f"control character U+{ord(bad.group()):04X} on line {line}: binary or corrupt file", line)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return Text(text, encoding, digest)


def read_transcript(path: str | Path) -> Text:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, expected a .txt transcript") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None
    return decode(data, str(path))


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM shows as ASCII with every other byte NUL."""
    if len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _cp1252_or_none(data: bytes) -> str | None:
    """cp1252 is safe only if every byte maps to a printable character.

    Bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in cp1252; Latin-1
    high bytes that UTF-8 rejects are otherwise unambiguous letters (é, ü, ß).
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return None if _CONTROL.search(text) else text
