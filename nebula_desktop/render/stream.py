"""Incremental rendering of a reply that is still streaming.

Re-rendering the whole answer on every flush would make each flush cost more as the answer
grows. Instead the text is cut into top-level blocks (at blank lines outside code fences that are
followed by an unindented line); blocks that can no longer change are rendered once and cached,
and only the last, still-growing block is rendered on each flush. When the stream ends the view
renders the full text once with :func:`render_markdown` so cross-block constructs come out right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nebula_desktop.render.markdown import render_fragment
from nebula_desktop.render.sanitize import clean_text

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def _continues(line: str) -> bool:
    """Whether a line after a blank line may belong to the block before it.

    Two or more spaces (or a tab) can continue a list item or start indented code; a single
    space cannot, so a paragraph that starts with one still begins a new block.
    """
    return line.startswith(("  ", "\t"))


def split_blocks(text: str, start: int = 0) -> tuple[list[str], int]:
    """Find the completed top-level blocks of ``text`` from offset ``start``.

    Returns the blocks (each a piece of text ending after its blank line) and the offset where
    the unfinished tail begins. ``start`` must itself be a block boundary.
    """
    blocks: list[str] = []
    fence: str | None = None
    block_start = start
    pos = start
    prev_blank = False
    while True:
        nl = text.find("\n", pos)
        # The last line may be unfinished; its first character still tells where it starts.
        line = text[pos:] if nl < 0 else text[pos:nl]
        # Judge the line as the renderer will see it (bidi controls removed), or a fence hidden
        # behind U+202E would split a code block in two.
        line = clean_text(line)
        blank = not line.strip()
        if (
            fence is None
            and prev_blank
            and not blank
            and not _continues(line)
            and pos > block_start
        ):
            blocks.append(text[block_start:pos])
            block_start = pos
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip(" `~"):
                fence = None
        if nl < 0:
            break
        prev_blank = blank and fence is None
        pos = nl + 1
    return blocks, block_start


@dataclass
class StreamUpdate:
    """What changed since the previous :meth:`StreamRenderer.update`.

    ``reset`` means the text did not extend the previous one: throw the document away and
    start from ``new_blocks``. Otherwise append ``new_blocks`` after the stable part and
    replace the previous tail with ``tail_html``.
    """

    reset: bool
    new_blocks: list[str]
    tail_html: str
    code_blocks: list[str]


class StreamRenderer:
    """Renders a growing text, caching the HTML of blocks that are complete."""

    _CHECK = 64  # characters compared to detect that the text was replaced, not extended

    def __init__(self, dark: bool) -> None:
        self.dark = dark
        self._done_html: list[str] = []
        self._code_blocks: list[str] = []
        self._consumed = 0
        self._check = ""

    def update(self, text: str) -> StreamUpdate:
        """Render ``text`` (the whole answer so far), re-rendering only the unfinished tail."""
        reset = False
        if len(text) < self._consumed or not text.startswith(
            self._check, self._consumed - len(self._check)
        ):
            self._done_html.clear()
            self._code_blocks.clear()
            self._consumed = 0
            reset = True
        blocks, tail_start = split_blocks(text, self._consumed)
        new_html: list[str] = []
        for block in blocks:
            part = render_fragment(block, self.dark, len(self._code_blocks))
            new_html.append(part.html)
            self._code_blocks.extend(part.code_blocks)
        self._done_html.extend(new_html)
        self._consumed = tail_start
        self._check = text[max(0, tail_start - self._CHECK) : tail_start]
        tail = render_fragment(text[tail_start:], self.dark, len(self._code_blocks))
        return StreamUpdate(reset, new_html, tail.html, self._code_blocks + tail.code_blocks)

    def full_html(self, tail_html: str) -> str:
        """The stable blocks' HTML followed by ``tail_html`` (for a document rebuilt at once)."""
        return "".join(self._done_html) + tail_html
