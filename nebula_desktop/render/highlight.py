"""Pygments code highlighting with inline styles (Qt's rich text cannot see CSS classes)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

# Pygments is imported where it is used: the palette is needed at start-up (by the message
# view), Pygments (~15 ms) only when a code block is really highlighted (not on a cache hit).
if TYPE_CHECKING:
    from pygments.formatters.html import HtmlFormatter
    from pygments.lexer import Lexer

# Highlighting huge blocks is slow and pointless to read; past this size the code is shown plain.
MAX_HIGHLIGHT_CHARS = 100_000


@dataclass(frozen=True)
class Palette:
    """Colours for one theme (light or dark)."""

    text: str
    muted: str
    link: str
    code_bg: str
    code_header_bg: str
    code_border: str
    inline_code_bg: str
    table_border: str
    table_header_bg: str
    quote_border: str
    quote_text: str
    pygments_style: str


LIGHT = Palette(
    text="#1f2328",
    muted="#656d76",
    link="#0969da",
    code_bg="#f6f8fa",
    code_header_bg="#eaeef2",
    code_border="#d0d7de",
    inline_code_bg="#eff1f3",
    table_border="#d0d7de",
    table_header_bg="#f6f8fa",
    quote_border="#d0d7de",
    quote_text="#57606a",
    pygments_style="default",
)

DARK = Palette(
    text="#e6edf3",
    muted="#8d96a0",
    link="#4493f8",
    code_bg="#161b22",
    code_header_bg="#21262d",
    code_border="#30363d",
    inline_code_bg="#2d333b",
    table_border="#3d444d",
    table_header_bg="#1c2128",
    quote_border="#3d444d",
    quote_text="#9198a1",
    pygments_style="github-dark",
)


def palette(dark: bool) -> Palette:
    """The palette for the light or dark theme."""
    return DARK if dark else LIGHT


@lru_cache(maxsize=4)
def _formatter(style: str) -> HtmlFormatter[str]:
    from pygments.formatters.html import HtmlFormatter

    # nowrap: we build our own <pre>; noclasses: every token carries an inline style.
    return HtmlFormatter(style=style, noclasses=True, nowrap=True)


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer | None:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def highlight_code(code: str, language: str, dark: bool) -> str:
    """Return ``code`` as escaped HTML, with inline-styled spans when the language is known."""
    lang = language.strip().lower()
    lexer = _lexer(lang) if lang and len(code) <= MAX_HIGHLIGHT_CHARS else None
    if lexer is None:
        return html.escape(code, quote=False)
    from pygments import highlight as _pyg_highlight

    out = _pyg_highlight(code, lexer, _formatter(palette(dark).pygments_style))
    # Pygments may normalise the trailing newline; the caller strips it either way.
    return str(out)
