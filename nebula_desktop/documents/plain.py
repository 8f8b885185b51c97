"""Bytes to text for text and code files and for HTML pages, no Qt.

Text files: a UTF-32 or UTF-16 byte-order mark decides; otherwise the bytes must be UTF-8 (a
UTF-8 mark is dropped). Anything else is refused with a sentence rather than guessed: a file in
Windows-1252 and one in GBK are both valid in the other's encoding, and a guess sends the model
garbage that looks like text. A NUL character means a binary file, whatever its name.

HTML pages: a byte-order mark, then the ``charset`` the page declares in its first 4 KB
(``<meta charset>``, ``http-equiv``, an XML declaration), then UTF-8, then Windows-1252 (the
fallback the HTML standard prescribes); undecodable bytes become U+FFFD.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I)


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` names, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def decode_text(data: bytes) -> str | None:
    """The text of a text file, ``None`` when it is not UTF-8/16/32 text or holds a NUL."""
    try:
        text = data.decode(bom_encoding(data) or "utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` holds a NUL in its first 8 KB (outside UTF-16/32 text)."""
    return bom_encoding(data) in (None, "utf-8-sig") and b"\x00" in data[:8192]


def decode_markup(data: bytes) -> str:
    """The text of an HTML or XHTML page, decoded as a browser would; never fails."""
    encoding = bom_encoding(data)
    if encoding is None:
        declared = _CHARSET.search(data[:4096])
        if declared:
            try:
                encoding = codecs.lookup(declared.group(1).decode("ascii")).name
            except LookupError:
                encoding = None
    if encoding is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "cp1252"
    if encoding.startswith(("utf-16", "utf-32")):
        encoding = "utf-8"  # a declaration of UTF-16 in ASCII bytes is wrong by construction
    return data.decode(encoding, errors="replace")
