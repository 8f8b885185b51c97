"""Markdown ``data:`` images in an answer that is still streaming, shown as placeholders.

An image model's answer can carry a picture as ``![alt](data:image/png;base64,…)``: hundreds of
kilobytes of base64 that arrive over many flushes. Until the answer ends and the view takes the
image out of the text (answer_images), the streaming renderer shows ``[image: alt …]`` in its
place, from the moment its address starts: never the base64, complete or still arriving. Text is
read once as it arrives, so a growing image costs nothing more per flush.
"""

from __future__ import annotations

import re

__all__ = ["TailImages", "without_images"]

# The start of a Markdown data: image, up to the comma before its base64 (as answer_images reads
# it); the base64 run; what may end the image after it (an optional title, then ")").
_IMAGE_OPEN = re.compile(
    r"!\[(?P<alt>[^\]\n]{0,300})\]\(\s*<?data:image/[A-Za-z0-9.+-]{1,40};base64,"
)
_BASE64 = re.compile(r"[A-Za-z0-9+/=]*")
_IMAGE_CLOSE = re.compile(r'>?(?:\s+"[^"\n]{0,300}")?\s*\)')
_IMAGE_MAY_CLOSE = re.compile(r'>?\s*(?:"[^"\n]{0,300}"?\s*)?')
_ALT_SO_FAR = re.compile(r"!\[[^\]\n]{0,300}")
_TYPE_SO_FAR = re.compile(r"[A-Za-z0-9.+-]{0,40}(?:;(?:b(?:a(?:s(?:e(?:6(?:4)?)?)?)?)?)?)?")
_IMAGE_HEAD = "data:image/"
_OPEN_MAX = 400  # an image's start is at most this long before its base64 (alt: 300)
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


class _Placeholder(str):
    """The text shown for a data: image."""


def _placeholder(alt: str) -> _Placeholder:
    alt = " ".join(alt.replace("[", " ").replace("]", " ").split())[:100]
    return _Placeholder(f"[image: {alt} …]" if alt else "[image …]")


def _markdown(piece: str) -> str:
    """``piece`` as Markdown source: a placeholder's punctuation as character references, so
    it is neither a link nor a formula (``\\[``) nor emphasis."""
    if type(piece) is not _Placeholder:
        return piece
    return _PUNCTUATION.sub(lambda m: f"&#{ord(m.group(0))};", piece)


def _may_open(text: str, at: int) -> bool:
    """Whether ``text[at:]`` (starting with "![") may still become the start of a data: image."""
    alt = _ALT_SO_FAR.match(text, at)
    if alt is None:
        return False
    pos = alt.end()
    if pos == len(text):
        return True  # the alt text is still arriving
    if text[pos] != "]":
        return False
    rest = text[pos + 1 :]
    if not rest:
        return True
    if rest[0] != "(":
        return False
    rest = rest[1:].lstrip()
    if rest.startswith("<"):
        rest = rest[1:]
    if len(rest) <= len(_IMAGE_HEAD):
        return _IMAGE_HEAD.startswith(rest)
    return rest.startswith(_IMAGE_HEAD) and bool(_TYPE_SO_FAR.fullmatch(rest, len(_IMAGE_HEAD)))


class TailImages:
    """The tail as shown, data: images replaced by placeholders, read once as it arrives.

    ``feed`` reads the text from where it stopped: text is final up to ``raw`` (a few hundred
    characters that may be the start of an image wait for more), an image's base64 run is
    skipped as it grows, and its placeholder is shown from its start. The shown text only ever
    grows, so a plain-text tail can append it piece by piece.
    """

    __slots__ = ("_ends", "_pieces", "in_image", "length", "raw", "start")

    def __init__(self, start: int) -> None:
        self.start = start  # where the tail begins in the text
        self.raw = start  # the text is shown up to here (or read, inside an image)
        self._pieces: list[str] = []
        self._ends: list[int] = []  # shown length after each piece
        self.length = 0
        self.in_image = False

    def _emit(self, piece: str) -> None:
        if piece:
            self._pieces.append(piece)
            self.length += len(piece)
            self._ends.append(self.length)

    def feed(self, text: str) -> None:
        """Read ``text`` (which extends what was fed before) as far as it is decided."""
        while True:
            if self.in_image:
                match = _BASE64.match(text, self.raw)
                self.raw = match.end() if match else self.raw
                if self.raw == len(text):
                    return  # its data is still arriving
                close = _IMAGE_CLOSE.match(text, self.raw)
                if close is not None:
                    self.raw = close.end()
                elif len(text) - self.raw < _OPEN_MAX and _IMAGE_MAY_CLOSE.fullmatch(
                    text, self.raw
                ):
                    return  # a title or ")" may follow
                self.in_image = False  # done (or no image after all: the rest is text)
                continue
            found = _IMAGE_OPEN.search(text, self.raw)
            if found is None:
                # Hold back a possible unfinished start of an image; the rest is final.
                wait = text.find("![", max(self.raw, len(text) - _OPEN_MAX))
                while wait != -1 and not _may_open(text, wait):
                    wait = text.find("![", wait + 2)
                end = len(text) if wait == -1 else wait
                self._emit(text[self.raw : end])
                self.raw = end
                return
            self._emit(text[self.raw : found.start()])
            self._emit(_placeholder(found.group("alt")))
            self.raw = found.end()
            self.in_image = True

    def shown_length(self, text: str) -> int:
        """Characters shown for the tail of ``text`` (what :meth:`markdown` renders)."""
        return self.length + (0 if self.in_image else len(text) - self.raw)

    def markdown(self, text: str) -> str:
        """The tail of ``text`` to render, held-back text included."""
        held = "" if self.in_image else text[self.raw :]
        return "".join(_markdown(piece) for piece in self._pieces) + held

    def shown_from(self, start: int) -> str:
        """The final shown text from character ``start`` on (callers go forward: only the pieces
        after ``start`` are looked at)."""
        i = len(self._pieces)
        while i > 0 and self._ends[i - 1] > start:
            i -= 1
        if i == len(self._pieces):
            return ""
        first_start = self._ends[i - 1] if i else 0
        head = self._pieces[i][start - first_start :]
        return head + "".join(self._pieces[i + 1 :])


def without_images(text: str) -> str:
    """Completed text with its data: images as placeholders (Markdown source)."""
    if "data:" not in text:
        return text
    images = TailImages(0)
    images.feed(text)
    return images.markdown(text)
