"""Pygments code highlighting with inline styles (Qt's rich text cannot see CSS classes)."""

from __future__ import annotations

import html
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from io import StringIO
from typing import TYPE_CHECKING

# Pygments is imported where it is used: the palette is needed at start-up (by the message
# view), Pygments (~15 ms) only when a code block is really highlighted (not on a cache hit).
if TYPE_CHECKING:
    from pygments.formatters.html import HtmlFormatter
    from pygments.lexer import Lexer

# Highlighting huge blocks is slow and pointless to read; past this size the code is shown plain.
MAX_HIGHLIGHT_CHARS = 100_000
# Many Pygments lexers have rules that go quadratic on text a model can write: blank lines that
# hold spaces in Python, long lines in make or diff files (81 of 1,000 shape/lexer pairs across
# 40 common lexers took 8-16 times as long for 4 times the text; 60 KB of " \n" in a Python
# block took 29 s). Token-dense code also costs 2-3 times ordinary code. So lexing is timed, in
# this thread's CPU time, against an allowance: HIGHLIGHT_FACTOR times what ordinary Python of
# the same length takes on this machine (Ruby, the dearest common lexer, takes 1.5 times), plus
# HIGHLIGHT_FLOOR_S per message. Code past it is shown without colours (in its box, copyable).
HIGHLIGHT_FACTOR = 2.0
HIGHLIGHT_FLOOR_S = 0.01
# The clock is read every _CHECK_EVERY tokens while tokens come fast, after every token once a
# stretch of them took _SLOW_STRETCH_S: a quadratic rule can take a millisecond a token, and 32
# of those overdrew the allowance by 30 ms per block.
_CHECK_EVERY = 32
_SLOW_STRETCH_S = 0.001
# This thread's CPU time does not count time other programs take; Windows only updates it every
# 15.6 ms, too coarse for a budget of a few milliseconds, so there it is the wall clock.
_clock = time.perf_counter if sys.platform == "win32" else time.thread_time
_SAMPLE = (
    "def handler(event, context):\n"
    "    value = compute(event['id'], key=context.get('k'))  # the usual shape\n"
    '    return {"ok": value > 0, "items": [1, 2, 3], "name": f"{value:>8}"}\n\n'
) * 16


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


@lru_cache(maxsize=1)
def _ordinary_cost() -> float:
    """Seconds per character Pygments takes on ordinary Python on this machine (once)."""
    lexer = _lexer("python")
    if lexer is None:  # pragma: no cover - Pygments always has Python
        return 2e-6
    best = float("inf")
    for _ in range(3):  # the clock the allowance is spent on: another busy process can't widen it
        start = _clock()
        for _token in lexer.get_tokens(_SAMPLE):
            pass
        best = min(best, _clock() - start)
    return max(best / len(_SAMPLE), 2e-7)


@dataclass
class Colours:
    """Whether code rendered inside :func:`colours` is highlighted, and whether any of it had
    its colours dropped for overdrawing the allowance."""

    on: bool = True
    dropped: bool = False


_colours: ContextVar[Colours | None] = ContextVar("nebula_colours", default=None)


@contextmanager
def colours(on: bool = True) -> Iterator[Colours]:
    """Highlight code rendered inside the ``with`` only if ``on``; the yielded record says
    whether some lost its colours (a stream then stops re-highlighting that unfinished block)."""
    record = Colours(on)
    token = _colours.set(record)
    try:
        yield record
    finally:
        _colours.reset(token)


class Highlighter:
    """Highlights the code blocks of one message within one CPU-time allowance, shared by the
    blocks: each adds its length's worth, a block that overdraws it is shown without colours."""

    def __init__(self, dark: bool) -> None:
        self.dark = dark
        self.left = HIGHLIGHT_FLOOR_S

    def __call__(self, code: str, language: str) -> str:
        """``code`` as escaped HTML, with inline-styled spans when the language is known."""
        lang = language.strip().lower()
        record = _colours.get()
        wanted = bool(lang) and len(code) <= MAX_HIGHLIGHT_CHARS and (record is None or record.on)
        lexer = _lexer(lang) if wanted else None
        if lexer is None:
            return html.escape(code, quote=False)
        allowance = self.left + HIGHLIGHT_FACTOR * _ordinary_cost() * len(code)
        clock = _clock
        looked = clock()
        deadline = looked + allowance  # started after the one-off calibration
        tokens = []
        stride = next_look = 1
        for count, token in enumerate(lexer.get_tokens(code), 1):
            tokens.append(token)
            if count < next_look:
                continue
            now = clock()
            if now > deadline:
                self.left = 0.0
                if record is not None:
                    record.dropped = True
                return html.escape(code, quote=False)
            stride = 1 if now - looked > _SLOW_STRETCH_S else min(stride * 2, _CHECK_EVERY)
            looked = now
            next_look = count + stride
        self.left = max(0.0, deadline - clock())
        out = StringIO()
        _formatter(palette(self.dark).pygments_style).format(tokens, out)
        # Pygments may normalise the trailing newline; the caller strips it either way.
        return out.getvalue()


def highlight_code(code: str, language: str, dark: bool) -> str:
    """Return ``code`` as escaped HTML, with inline-styled spans when the language is known."""
    return Highlighter(dark)(code, language)
