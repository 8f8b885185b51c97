"""Incremental rendering of a reply that is still streaming.

Re-rendering the whole answer on every flush would make each flush cost more as the answer
grows. Instead the text is cut into top-level blocks (at blank lines outside code fences that are
followed by an unindented line); blocks that can no longer change are rendered once and cached,
and only the last, still-growing block is rendered on each flush. When the stream ends the view
renders the full text once with :func:`render_markdown` so cross-block constructs come out right.

Two limits keep a flush cheap however the model writes:

* a tail block longer than :data:`TAIL_RENDER_MAX` (one endless paragraph, a huge code block) is
  no longer re-rendered: it is reported as plain text, which the view appends piece by piece;
* ``max_chars`` bounds how much completed text one :meth:`StreamRenderer.update` renders, so a
  burst of thousands of paragraphs is worked off over several flushes (``behind`` says so).

Markup-dense text (see render/parser.py) costs no more streamed than rendered at once: completed
blocks are paid for from a credit the text earns as it arrives (the work budget of its length,
with one floor per stream, not one per block, and a small floor per piece); a tail may use what
is left of the credit plus its own length's worth, and one that overdraws stays plain text until
its block completes instead of failing again on every flush.

With ``math`` on, formulas become images as in :func:`~nebula_desktop.render.render_markdown`,
numbered across the whole answer. A formula never crosses a blank line, so each one lies inside
one block: a completed block's formulas are found and checked once, with its HTML; only the
tail's are looked at again on each flush. A formula whose closing delimiter has not arrived yet
is text (the source) until it does.

A Markdown ``data:`` image (``![alt](data:image/png;base64,…)``, an image model's answer) shows
as a short placeholder, ``[image: alt …]``, from the moment its address starts until the answer
ends and the view takes the image out of the text (answer_images): never as its base64 text,
complete or still arriving. The tail is read for images once, as it arrives
(:mod:`~nebula_desktop.render.stream_images`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from nebula_desktop.render.markdown import RenderedMarkdown, render_fragment
from nebula_desktop.render.sanitize import clean_text

if TYPE_CHECKING:
    from nebula_desktop.render.stream_images import TailImages


@cache
def _fence() -> re.Pattern[str]:
    """A code fence opening a line (compiled on first use: the view imports this module at
    start-up, a reply streams later)."""
    return re.compile(r" {0,3}(`{3,}|~{3,})")


# Past this many characters the unfinished block is shown as plain text until it completes
# (or the stream ends and the whole answer is rendered once): re-rendering it on every flush
# would make each flush cost more the longer the block grows.
TAIL_RENDER_MAX = 8192
_HEAD = 256  # characters of a long line that decide how it starts


def _continues(line: str) -> bool:
    """Whether a line after a blank line may belong to the block before it.

    Two or more spaces (or a tab) can continue a list item or start indented code; a single
    space cannot, so a paragraph that starts with one still begins a new block.
    """
    return line.startswith(("  ", "\t"))


def _judged(line: str) -> str:
    """``line`` as the renderer will see it (bidi controls removed), or enough of its start.

    A fence hidden behind U+202E must not split a code block in two, so lines are cleaned
    first; a very long line is judged by its start alone once that start has a character other
    than space, backtick or tilde (it can then be neither blank nor a closing fence).
    """
    if len(line) > _HEAD:
        head = clean_text(line[:_HEAD])
        if head.strip(" `~"):
            return head
    return clean_text(line)


@dataclass
class _Scan:
    """Where :func:`_scan` stopped, so the next call resumes instead of rereading the tail."""

    pos: int = 0  # start of the next line to examine
    block_start: int = 0  # start of the block that is still open
    fence: str | None = None
    prev_blank: bool = False


def _scan(text: str, st: _Scan, limit: int | None) -> tuple[list[str], bool]:
    """Collect completed blocks from ``st`` on; True as second item when ``limit`` cut it short."""
    blocks: list[str] = []
    size = 0
    fence = _fence()
    while True:
        pos = st.pos
        nl = text.find("\n", pos)
        # The last line may be unfinished; its first character still tells where it starts.
        line = _judged(text[pos:] if nl < 0 else text[pos:nl])
        blank = not line.strip()
        if (
            st.fence is None
            and st.prev_blank
            and not blank
            and not _continues(line)
            and pos > st.block_start
        ):
            blocks.append(text[st.block_start : pos])
            size += pos - st.block_start
            st.block_start = pos
            if limit is not None and size >= limit:
                return blocks, True  # this line is examined again on the next call
        if nl < 0:
            return blocks, False  # an unfinished line: examined again when more arrives
        match = fence.match(line)
        if match:
            marker = match.group(1)
            if st.fence is None:
                st.fence = marker
            elif (
                marker[0] == st.fence[0] and len(marker) >= len(st.fence) and not line.strip(" `~")
            ):
                st.fence = None
        st.prev_blank = blank and st.fence is None
        st.pos = nl + 1


def split_blocks(text: str, start: int = 0) -> tuple[list[str], int]:
    """Find the completed top-level blocks of ``text`` from offset ``start``.

    Returns the blocks (each a piece of text ending after its blank line) and the offset where
    the unfinished tail begins. ``start`` must itself be a block boundary.
    """
    st = _Scan(pos=start, block_start=start)
    blocks, _ = _scan(text, st, None)
    return blocks, st.block_start


@dataclass
class StreamUpdate:
    """What changed since the previous :meth:`StreamRenderer.update`.

    ``reset`` means the text did not extend the previous one: throw the document away and
    start from ``new_blocks``. Otherwise append ``new_blocks`` after the stable part and
    replace the previous tail with ``tail_html``.

    When ``tail_plain`` is set the tail (``text[tail_start:]``) is too long to re-render on
    every flush: show it as plain text instead (``tail_html`` is empty); ``tail_code`` says it
    opens a code fence. ``behind`` means completed blocks remain unrendered (``max_chars`` was
    reached): nothing past ``new_blocks`` is shown yet, call again to continue.

    ``formulas`` lists the TeX of every formula shown so far (completed blocks, then the tail),
    the list a ``nebula-formula:N`` image names its formula by.
    """

    reset: bool
    new_blocks: list[str]
    tail_html: str
    code_blocks: list[str]
    tail_start: int = 0
    tail_plain: bool = False
    tail_code: bool = False
    behind: bool = False
    formulas: list[str] = field(default_factory=list)


class StreamRenderer:
    """Renders a growing text, caching the HTML of blocks that are complete."""

    _CHECK = 64  # characters compared to detect that the text was replaced, not extended

    def __init__(self, dark: bool, math: bool = False) -> None:
        # The parser's budgets and the image scanner are loaded with the first streamed reply,
        # not when the view imports this module at start-up.
        from nebula_desktop.render import parser
        from nebula_desktop.render.stream_images import TailImages

        self.dark = dark
        self.math = math
        self._done_html: list[str] = []
        self._code_blocks: list[str] = []
        self._formulas: list[str] = []
        self._scan = _Scan()
        self._check = ""  # the text just before the scan position, to detect a replacement
        self._credit = parser.BUDGET_FLOOR  # work units earned but not spent by completed blocks
        self._tail_over = -1  # start of a tail that overdrew its budget (shown plain till done)
        self._tail_grey = -1  # start of a tail whose code lost its colours (stays uncoloured)
        self._images: TailImages = TailImages(0)  # the tail as shown

    def _extends(self, text: str) -> bool:
        pos = self._scan.pos
        return len(text) >= pos and text.startswith(self._check, pos - len(self._check))

    def update(self, text: str, max_chars: int | None = None) -> StreamUpdate:
        """Render ``text`` (the whole answer so far), re-rendering only the unfinished tail.

        Completed blocks found in one call are rendered together (one call of the Markdown
        renderer, however many paragraphs arrived); ``max_chars`` caps their total size.
        """
        from nebula_desktop.render import highlight, parser  # loaded by __init__ already
        from nebula_desktop.render.stream_images import TailImages, without_images

        reset = False
        if not self._extends(text):
            self._done_html.clear()
            self._code_blocks.clear()
            self._formulas.clear()
            self._scan = _Scan()
            self._credit = parser.BUDGET_FLOOR
            self._tail_over = self._tail_grey = -1
            reset = True
        blocks, behind = _scan(text, self._scan, max_chars)
        new_html: list[str] = []
        if blocks:
            done = without_images("".join(blocks))
            # Unspent units carry over (up to the floor one render gets), so a stream of dense
            # blocks pays ~BUDGET_PER_CHAR per character in all, not the floor per block.
            floor = max(self._credit, parser.PIECE_FLOOR)
            with parser.pooled(floor + parser.BUDGET_PER_CHAR * len(done)) as meter:
                part = self._render(done)
            self._credit = min(max(meter.left, 0.0), parser.BUDGET_FLOOR)
            new_html.append(part.html)
            self._code_blocks.extend(part.code_blocks)
            self._formulas.extend(part.formulas)
        self._done_html.extend(new_html)
        pos = self._scan.pos
        self._check = text[max(0, pos - self._CHECK) : pos]
        tail_start = self._scan.block_start
        upd = StreamUpdate(reset, new_html, "", list(self._code_blocks), tail_start)
        upd.formulas = list(self._formulas)
        if reset or self._images.start != tail_start:
            self._images = TailImages(tail_start)
        if not behind:
            self._images.feed(text)
        shown = self._images.shown_length(text)
        if behind:
            upd.behind = True
        elif shown > TAIL_RENDER_MAX or tail_start == self._tail_over:
            self._plain_tail(text, upd)
        else:
            # A re-render spends nothing from the credit, but a stream whose blocks used it up
            # gives its tail only the least floor: dense text goes plain at its first flush.
            floor = max(self._credit, parser.PIECE_FLOOR)
            cap = floor + parser.BUDGET_PER_CHAR * shown
            # Code that lost its colours once (a lexer gone quadratic) is not re-highlighted
            # on every flush; it gets them back when its block completes, if it can afford them.
            with parser.pooled(cap), highlight.colours(tail_start != self._tail_grey) as seen:
                tail = self._render(self._images.markdown(text))
            if seen.dropped:
                self._tail_grey = tail_start
            if tail.plain:  # too dense to format: plain until the block completes
                self._tail_over = tail_start
                self._plain_tail(text, upd)
            else:
                upd.tail_html = tail.html
                upd.code_blocks.extend(tail.code_blocks)
                upd.formulas.extend(tail.formulas)
        return upd

    def _render(self, text: str) -> RenderedMarkdown:
        """A piece after the completed blocks: copy links and formulas numbered on from them."""
        if not self.math:  # formulas stay text: nothing to number
            return render_fragment(text, self.dark, len(self._code_blocks))
        return render_fragment(
            text,
            self.dark,
            len(self._code_blocks),
            math=True,
            formula_index_base=len(self._formulas),
        )

    def tail_text(self, start: int = 0) -> str:
        """The text of a plain tail (``tail_plain``) as it is shown, from character ``start``:
        data: images as placeholders; what may still become one is left for a later update."""
        return self._images.shown_from(start)

    def _plain_tail(self, text: str, upd: StreamUpdate) -> None:
        start = upd.tail_start
        upd.tail_plain = True
        upd.tail_code = bool(_fence().match(_judged(text[start : start + _HEAD])))

    def full_html(self, tail_html: str) -> str:
        """The stable blocks' HTML followed by ``tail_html`` (for a document rebuilt at once)."""
        return "".join(self._done_html) + tail_html
