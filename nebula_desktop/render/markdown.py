"""Markdown → a small, safe HTML subset that Qt's rich text (QTextDocument) renders well.

The HTML is produced by walking markdown-it tokens ourselves instead of using markdown-it's HTML
renderer, so that nothing outside the allow-list can ever reach Qt: raw HTML is escaped, images
become text (Qt must never load a resource the model names), and only http/https/mailto links
stay clickable.

markdown-it and Pygments are imported on the first render that misses the persistent cache
(render/cache.py), not with this module: a start-up that shows only cached messages never
loads them (~55 ms, plus ~60 ms for a Pygments lexer).

Formulas (``math=True``) are found by :func:`~nebula_desktop.render.math_scan.find_formulas`
before markdown-it sees the text, and each is replaced by a placeholder of private-use
characters that no Markdown rule acts on, so ``_`` and ``*`` in TeX never become emphasis. The
writer turns a placeholder in prose into ``<img src="nebula-formula:N">`` (N: the formula's
position in :attr:`RenderedMarkdown.formulas`) when
:func:`~nebula_desktop.render.math_tex.check_tex` accepts the TeX, into ``<code>`` holding the
source otherwise, and back into the source where Markdown shows text as written (code, link
addresses, image alt text). The placeholder's characters are ones the text does not contain, so
a model cannot forge one; a model's own ``<img>`` is escaped like all raw HTML.

The token walk is :mod:`.html_writer`'s, the placeholders :mod:`.formula_marks`'s, escaping and
the allowed link schemes :mod:`.safe_html`'s; their public names are importable from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from nebula_desktop.render import cache as render_cache
from nebula_desktop.render.constants import (
    COPY_SCHEME,
    FORMULA_SCHEME,
    LOAD_IMAGE_SCHEME,
    MAX_LIST_DEPTH,
    MAX_QUOTE_DEPTH,
    MONO_FONTS,
)
from nebula_desktop.render.safe_html import SAFE_SCHEMES, esc_wrap, safe_href
from nebula_desktop.render.sanitize import clean_text

if TYPE_CHECKING:
    from nebula_desktop.render.highlight import Palette
    from nebula_desktop.render.math_scan import MathSpan

__all__ = [
    "COPY_SCHEME",
    "FORMULA_SCHEME",
    "LOAD_IMAGE_SCHEME",
    "MAX_LIST_DEPTH",
    "MAX_MARKDOWN_CHARS",
    "MAX_QUOTE_DEPTH",
    "MONO_FONTS",
    "SAFE_SCHEMES",
    "RenderedMarkdown",
    "render_fragment",
    "render_markdown",
    "safe_href",
]

# Past this size a message is shown as plain text: even at the cost of an ordinary answer,
# parsing and laying out more would hold the GUI thread too long.
MAX_MARKDOWN_CHARS = 200_000


@dataclass
class RenderedMarkdown:
    """The result of :func:`render_markdown`."""

    html: str
    code_blocks: list[str] = field(default_factory=list)
    # True when the text is shown as plain text: too long, or too dense with markup to format
    # at the cost of an ordinary answer (see render/parser.py).
    plain: bool = False
    # The TeX (without delimiters) of every formula find_formulas sees, in order, also those
    # that failed the check or were not drawn (math off, in indented code). Empty when plain.
    formulas: list[str] = field(default_factory=list)


def render_markdown(text: str, dark: bool = False, math: bool = False) -> RenderedMarkdown:
    """Render untrusted Markdown ``text`` to safe HTML for ``QTextDocument.setHtml``.

    With ``math`` formulas become ``nebula-formula:`` images (see :data:`FORMULA_SCHEME`);
    without it they stay text, exactly as before formulas were known, but are still listed in
    ``.formulas``. Served from the persistent render cache when the app enabled it and holds
    this text.
    """
    store = render_cache.active()
    if store is None:
        return render_fragment(text, dark, code_index_base=0, math=math)
    key = render_cache.cache_key(text, dark, math)
    hit = store.get(key)
    if hit is not None:
        return RenderedMarkdown(hit[0], hit[1], hit[0].startswith(_NOTE_OPEN), hit[2])
    rendered = render_fragment(text, dark, code_index_base=0, math=math)
    store.put(key, rendered.html, rendered.code_blocks, rendered.formulas)
    return rendered


# An answer with the shapes most chats have (emphasis, code, a link, a list, a formula, Python):
# rendering it once loads the parser, the token walk, the highlighter with a lexer and the
# formula scanner.
_WARM_UP = (
    "Warm-up: **bold**, `code`, [a link](https://example.org), $x^2$.\n\n- one\n- two\n\n"
    "```python\nx = 1\n```\n"
)


def warm_up() -> None:
    """Load what rendering needs, past the render cache (nothing is stored): the window calls it
    on a background queue after start-up, so the first chat opened that is not in the cache
    does not pay for loading the renderer (start-up itself never loads it)."""
    render_fragment(_WARM_UP, dark=False, code_index_base=0, math=True)


def _find_formulas(text: str) -> list[MathSpan]:
    """The formulas of ``text``; the scanner is loaded only for text that has a delimiter at all
    (most answers have none, and start-up renders the open chat before anything else)."""
    if "$" not in text and "\\(" not in text and "\\[" not in text:
        return []
    from nebula_desktop.render.math_scan import find_formulas

    return find_formulas(text)


def render_fragment(
    text: str, dark: bool, code_index_base: int, math: bool = False, formula_index_base: int = 0
) -> RenderedMarkdown:
    """Render one piece of a message; copy links number code blocks from ``code_index_base``
    and formula images number formulas from ``formula_index_base``."""
    # The parser, the token walk and the highlighter are loaded on the first render that misses
    # the render cache, not at start-up (which shows the open chat from that cache).
    from nebula_desktop.render import parser
    from nebula_desktop.render.highlight import palette
    from nebula_desktop.render.html_writer import HtmlWriter

    renderer = HtmlWriter(palette(dark), dark, code_index_base)
    text = clean_text(text)
    if len(text) > MAX_MARKDOWN_CHARS:
        return _plain_text(text, palette(dark))
    if ">" * 12 in text:
        # Past maxNesting markdown-it drops the rest of a block; flatten absurd quote depth first
        # so the words survive.
        text = _deep_quote().sub(r"\1", text)
    spans = _find_formulas(text)
    shown = renderer.protect(text, spans, formula_index_base) if math and spans else text
    with parser.gc_paused():
        try:
            tokens = parser.parse(shown)
        except parser.OverBudget:
            return _plain_text(text, palette(dark), dense=True)
        renderer.blocks(tokens)
    return RenderedMarkdown(
        "".join(renderer.out), renderer.code_blocks, formulas=[s.tex for s in spans]
    )


LONG_NOTE = (
    "This message is very long, so it is shown as plain text (Copy as Markdown has the original)."
)
DENSE_NOTE = (
    "This message has more formatting than can be shown quickly, so it is shown as plain text "
    "(Copy as Markdown has the original)."
)


def _plain_text(text: str, pal: Palette, dense: bool = False) -> RenderedMarkdown:
    """Huge (or, with ``dense``, absurdly markup-dense) text as plain, wrapped paragraphs:
    linear time, nothing interpreted; the note says which."""
    note = f'{_NOTE_OPEN}{pal.muted};"><i>{DENSE_NOTE if dense else LONG_NOTE}</i></p>'
    body = f'<p style="white-space:pre-wrap;">{esc_wrap(text)}</p>'
    return RenderedMarkdown(note + body, [], plain=True)


# Rendered Markdown never starts with this (paragraphs open with "<p>" or a margin style), so
# it marks plain-text output, also when served from the cache.
_NOTE_OPEN = '<p style="color:'


def is_plain_html(html: str) -> bool:
    """Whether ``html`` is a message shown as plain text under a note (too long or too dense):
    its text is the message's own, the note is not part of it."""
    return html.startswith(_NOTE_OPEN)


@cache
def _deep_quote() -> re.Pattern[str]:
    """Quote markers past the tenth at the start of a line (compiled on first use)."""
    return re.compile(r"^( {0,3}(?:> ?){10})(?:> ?)+", re.MULTILINE)
