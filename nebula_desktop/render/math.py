"""Formulas drawn on the user's machine: TeX in, SVG out, for Qt's rich text to show inline.

The drawing is ziamath's (pure Python: latex2mathml turns the TeX into MathML, ziamath lays it
out with its own STIX Two Math font and writes SVG paths), measured against matplotlib's
mathtext in ``docs/math.md``. Nothing here imports Qt, and ziamath is imported on first use.

A formula is drawn only when it can be drawn faithfully and quickly; anything else raises
:class:`FormulaError` with a sentence, and the caller shows the source instead:

1. the TeX is read first (:func:`~nebula_desktop.render.math_tex.check_tex`): length, known
   commands, balance, nesting;
2. the MathML is then checked before any layout: every element one ziamath draws, no command
   left as text, a glyph in the font for every character, and the layout's work counted;
3. the drawing's size is bounded.

Results (and refusals) are cached by source, mode, colour and size in a bounded LRU. Everything
is thread-safe: ziamath keeps global state (its font's caches, a configuration), so drawing is
serialised by a lock; it is meant to run on the background runner, never on the GUI thread.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from nebula_desktop.render.math_tex import (
    MAX_CHARS,
    MAX_DEPTH,
    FormulaError,
    check_tex,
    fence_binomials,
)

__all__ = [
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_WORK",
    "Formula",
    "FormulaError",
    "clear_cache",
    "render_formula",
    "render_formula_info",
]

log = logging.getLogger(__name__)

# Layout work allowed for one formula, in ziamath node set-ups (see _check_mathml). ziamath
# sets up 8,000 to 30,000 nodes a second on the 2-core dev machine, so an accepted formula is
# drawn in a third of a second at most (docs/math.md); a 10-row aligned derivation is near it.
MAX_WORK = 4000
# The drawing's width or height, in font sizes (\quad runs, tall stacks).
MAX_EXTENT_EM = 400.0
CACHE_ENTRIES = 512
CACHE_BYTES = 16 * 1024 * 1024
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
# A command that latex2mathml did not know comes out as its name: "<mi>\foo</mi>".
_LEFT_AS_TEXT = re.compile(r"\\\S")

# The MathML elements ziamath lays out; "math", "mtd", "mtr" and "none" it treats as rows.
_ELEMENTS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "mfrac", "msqrt", "mroot", "msub",
        "msup", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mstyle",
        "mpadded", "mphantom", "menclose", "mfenced", "none",
    }
)  # fmt: skip
_TOKENS = frozenset({"mi", "mn", "mo", "mtext"})
# ziamath lays out each child of a row twice (once to measure, once to place): the work
# doubles with every level of rows, which is what the work count has to follow.
_ROWS = frozenset({"math", "mrow", "mtd", "none", "mpadded", "mphantom", "mfenced"})


@dataclass(frozen=True, slots=True)
class Formula:
    """A drawn formula: UTF-8 SVG and its size in pixels.

    ``depth`` is how far the image reaches below the text baseline: to align inline math with
    the text around it, shift the image down by ``depth`` (Qt: ``vertical-align`` by that).
    """

    svg: bytes
    width: float
    height: float
    depth: float


_cache: OrderedDict[tuple[str, bool, str, float], Formula | str] = OrderedDict()
_cache_bytes = 0
_cache_lock = threading.Lock()
_draw_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every drawn formula (tests; a font change)."""
    global _cache_bytes
    with _cache_lock:
        _cache.clear()
        _cache_bytes = 0


def _cost(key: tuple[str, bool, str, float], value: Formula | str) -> int:
    body = len(value.svg) if isinstance(value, Formula) else len(value)
    return body + len(key[0]) + 100


def _remember(key: tuple[str, bool, str, float], value: Formula | str) -> None:
    global _cache_bytes
    cost = _cost(key, value)
    if cost > CACHE_BYTES // 4:
        return
    with _cache_lock:
        old = _cache.pop(key, None)
        if old is not None:
            _cache_bytes -= _cost(key, old)
        _cache[key] = value
        _cache_bytes += cost
        while len(_cache) > CACHE_ENTRIES or _cache_bytes > CACHE_BYTES:
            old_key, old_value = _cache.popitem(last=False)
            _cache_bytes -= _cost(old_key, old_value)


def _recall(key: tuple[str, bool, str, float]) -> Formula | str | None:
    with _cache_lock:
        value = _cache.get(key)
        if value is not None:
            _cache.move_to_end(key)
        return value


def render_formula(tex: str, display: bool, color: str = "#000000", size_px: float = 16.0) -> bytes:
    """Draw ``tex`` (without delimiters) as UTF-8 SVG bytes.

    ``display`` chooses display style (large operators, limits above and below) over inline
    style; ``color`` (``#rrggbb``) fills every glyph and rule; ``size_px`` is the font size.
    Raises :class:`FormulaError` for a formula that cannot be drawn faithfully, quickly.
    """
    return render_formula_info(tex, display, color, size_px).svg


def render_formula_info(
    tex: str, display: bool, color: str = "#000000", size_px: float = 16.0
) -> Formula:
    """Like :func:`render_formula`, with the drawing's width, height and depth in pixels."""
    if not _COLOR.fullmatch(color):
        raise ValueError(f"a formula's colour must be #rrggbb, not {color!r}")
    if not (math.isfinite(size_px) and 1.0 <= size_px <= 512.0):
        raise ValueError(f"a formula's size must be 1 to 512 px, not {size_px!r}")
    key = (tex, bool(display), color.lower(), float(size_px))
    found = _recall(key)
    if found is None:
        try:
            found = _draw(tex, bool(display), color.lower(), float(size_px))
        except FormulaError as exc:
            found = str(exc)
        _remember(key, found)
    if isinstance(found, str):
        raise FormulaError(found)
    return found


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _check_mathml(root: ET.Element, has_glyph: Callable[[str], bool]) -> float:
    """Refuse MathML that ziamath would draw unfaithfully or too slowly; never recursive.

    Returns the layout's work: about how many nodes ziamath will set up.
    """
    work: dict[int, float] = {}
    # Post-order walk: (element, children done?).
    stack: list[tuple[ET.Element, bool]] = [(root, False)]
    while stack:
        element, done = stack.pop()
        tag = _local(element.tag)
        if not done:
            if tag not in _ELEMENTS:
                raise FormulaError(f"The formula needs a <{tag}> layout this app cannot draw.")
            if tag in _TOKENS:
                _check_token(element, has_glyph)
            stack.append((element, True))
            stack.extend((child, False) for child in element)
            continue
        children = sum(work.pop(id(child)) for child in element)
        count = len(element)
        if tag in _ROWS or (tag in ("msqrt", "menclose") and count > 1):
            # Measured, then placed: every child twice, and each placed child compares
            # itself with the ones before it.
            work[id(element)] = 1 + 2 * children + count * count / 1000
        elif tag == "mstyle" or tag == "mtr":
            # An mstyle dissolves into its parent; a table sets up its cells, not its rows.
            work[id(element)] = children
        elif tag in _TOKENS:
            work[id(element)] = len(element.text or "") or 1  # a glyph is about a node
        else:
            work[id(element)] = 1 + children
        if work[id(element)] > MAX_WORK:
            raise FormulaError("The formula is too large or too deeply nested to draw quickly.")
    return work[id(root)]


def _check_token(element: ET.Element, has_glyph: Callable[[str], bool]) -> None:
    text = element.text or ""
    if _LEFT_AS_TEXT.search(text):
        raise FormulaError(f"The formula uses {text.strip()}, which this app cannot draw.")
    for char in text:
        if char.isspace() or unicodedata.category(char) == "Cf":
            continue
        if not has_glyph(char):
            raise FormulaError(f"The math font has no sign for “{char}”.")


def _draw(tex: str, display: bool, color: str, size_px: float) -> Formula:
    check_tex(tex)
    with _draw_lock:
        from ziamath.config import config
        from ziamath.tex import tex2mml
        from ziamath.zmath import Math, loadedfonts

        # Plain paths with a fill, no <symbol>/<use href>: QtSvg draws SVG Tiny 1.2.
        config.svg2 = False
        config.precision = 2  # a hundredth of a pixel: 11% less SVG than 3 decimals
        config.numbering.autonumber = False
        font = loadedfonts["default"]
        try:
            # Not ziamath's unescape(): latex2mathml writes numeric references only, and that
            # pass is quadratic on long formulas (ziamath skips it too when given a colour).
            root = ET.fromstring(tex2mml(fence_binomials(tex), inline=not display))
        except Exception as exc:  # latex2mathml's own errors, or MathML it wrote badly
            log.debug("formula refused by latex2mathml: %r", exc)
            raise FormulaError("The formula's TeX is not valid.") from None
        _check_mathml(root, lambda char: font.glyphindex(char) != 0)
        root.set("mathcolor", color)
        try:
            svg = Math(root, size=size_px).svgxml()
        except Exception as exc:  # a ziamath bug on odd input: show the source instead
            log.debug("formula refused by ziamath: %r", exc)
            raise FormulaError("The formula could not be drawn.") from None
    width = float(svg.get("width", "0"))
    height = float(svg.get("height", "0"))
    view = [float(part) for part in svg.get("viewBox", "0 0 0 0").split()]
    if max(width, height) > MAX_EXTENT_EM * size_px:
        raise FormulaError("The formula is too large to draw.")
    data = ET.tostring(svg, encoding="unicode").encode("utf-8")
    # The viewBox puts the baseline at y = 0: the image's bottom edge is that far below it.
    return Formula(data, width, height, view[1] + view[3])
