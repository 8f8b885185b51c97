"""The renderer's link schemes, fonts and depth limits, importable without the renderer.

The message view needs these names at start-up; the token walk that uses them
(:mod:`.html_writer`, with markdown-it's parser and the highlighter) is loaded only when a
message misses the render cache.
"""

from __future__ import annotations

__all__ = [
    "COPY_SCHEME",
    "FORMULA_SCHEME",
    "LOAD_IMAGE_SCHEME",
    "MAX_LIST_DEPTH",
    "MAX_QUOTE_DEPTH",
    "MONO_FONTS",
]

# Qt indents every list level by a fixed amount: past a few levels the text becomes a sliver.
MAX_LIST_DEPTH = 6
MAX_QUOTE_DEPTH = 6
MONO_FONTS = "'JetBrains Mono','DejaVu Sans Mono','Menlo','Consolas','Liberation Mono',monospace"
COPY_SCHEME = "nebula-copy"
# <a href="nebula-load-image:URL">: the "Load image" link of a remote image in the text. Nothing is
# fetched by itself: the view loads that one image when the user clicks it (answer_images).
LOAD_IMAGE_SCHEME = "nebula-load-image"
# <img src="nebula-formula:N"> (inline) or "nebula-formula:N?display" (display style): the
# formula at position N of RenderedMarkdown.formulas, which the view draws (render_formula, off
# the GUI thread) at its own font size, colour and pixel ratio; should that drawing raise
# FormulaError after the check passed, the view shows the formula's source instead. The only
# images the renderer ever writes (math on only).
FORMULA_SCHEME = "nebula-formula"
