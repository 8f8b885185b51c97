"""The one calm line a conversation list row shows of a message's Markdown (no Qt).

Bounded whatever the message: blank lines are skipped in one scan, at most 200 lines of 2 KB
are looked at, and a picture's data is skipped, not copied (it shows as :data:`IMAGE_MARK`).
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["IMAGE_MARK", "PREVIEW_LIMIT", "preview_text"]

PREVIEW_LIMIT = 120

IMAGE_MARK = "[image]"  # a picture in a preview (the list may show it translated)


# A picture inside one line: a Markdown image (whose data: URI may be cut off, as in a preview
# stored by an older version) or a bare data: URI. Alt text and address lengths are bounded;
# a data: URI is skipped whole (a C-speed scan), however long.
@cache
def _image() -> re.Pattern[str]:
    return re.compile(
        r"!\[[^\]\n]{0,300}\]\(\s*data:[^)\s]*\)?"
        r"|!\[[^\]\n]{0,300}\]\([^)\s]{1,2000}\)"
        r"|\bdata:[\w.+-]{1,100}/[\w.+-]{1,100}[^,\s]{0,200},[^)\s]*"
    )


@cache
def _image_start() -> re.Pattern[str]:
    return re.compile(r"!\[|\bdata:")


# Code fences, backticks, heading marks, bold: dropped without leaving a space behind, so
# "**bold**, a list" reads "bold, a list".
@cache
def _markup() -> re.Pattern[str]:
    return re.compile(r"```[\w+-]*|`|^#{1,6}[ \t]+|\*\*|__")


@cache
def _not_space() -> re.Pattern[str]:
    return re.compile(r"\S")


_PREVIEW_LINES = 200  # non-blank lines looked at, at most (lines of bare marks show nothing)
_PREVIEW_HEAD = 2048  # characters of prose looked at per line: far more than a preview shows


def _visible(text: str, start: int, end: int) -> str:
    """The start of the line ``text[start:end]`` as shown: pictures as ``IMAGE_MARK``."""
    parts: list[str] = []
    budget = _PREVIEW_HEAD
    pos = start
    while pos < end and budget > 0:
        stop = min(end, pos + budget)
        found = _image_start().search(text, pos, stop)
        image = _image().match(text, found.start(), end) if found is not None else None
        if found is None:
            parts.append(text[pos:stop])
            break
        cut = found.start() if image is not None else found.end()
        parts.append(text[pos:cut])
        budget -= cut - pos
        if image is not None:
            parts.append(IMAGE_MARK)
            budget -= len(IMAGE_MARK)
            cut = image.end()
        pos = cut
    return "".join(parts)


def preview_text(text: str) -> str:
    """One calm line of at most ``PREVIEW_LIMIT`` characters from a message's Markdown.

    Bounded whatever the message: blank lines are skipped in one scan, at most
    ``_PREVIEW_LINES`` lines and ``_PREVIEW_HEAD`` characters of each are read, and a picture's
    data is skipped, not copied.
    """
    words: list[str] = []
    size = 0
    pos = 0
    for _line in range(_PREVIEW_LINES):
        found = _not_space().search(text, pos)
        if found is None or size > PREVIEW_LIMIT:
            break
        end = text.find("\n", found.start())
        end = len(text) if end < 0 else end
        for word in _markup().sub("", _visible(text, found.start(), end)).split():
            words.append(word[:PREVIEW_LIMIT])
            size += len(words[-1]) + 1
            if size > PREVIEW_LIMIT:
                break
        pos = end
    line_text = " ".join(words)
    if len(line_text) > PREVIEW_LIMIT:
        line_text = line_text[: PREVIEW_LIMIT - 1] + "…"
    return line_text
