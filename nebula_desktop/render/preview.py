"""What a long message shows while its Markdown is still being rendered off the GUI thread:
the end of its text, as written, cut to a size that lays out in a few milliseconds.

Plain text is cheap to show only when it is small: Qt lays out every line of a document, and
200,000 characters of one-letter lines are 100,000 lines (~150 ms), while one unbroken run of
200,000 characters wraps in quadratic time. So the preview keeps the last ``max_chars``
characters and at most ``max_lines`` lines, and very long unbroken runs get break hints
(U+200B, which Copy removes), as the renderer does. The end is kept because a chat opens
scrolled to its newest text: what the user sees first is where the answer ends.
"""

from __future__ import annotations

from nebula_desktop.render.safe_html import LONG_RUN, breakable  # the renderer's own breaks
from nebula_desktop.render.sanitize import clean_text

PREVIEW_CHARS = 20_000
PREVIEW_LINES = 400
ELLIPSIS = "…"


def plain_preview(
    text: str, max_chars: int = PREVIEW_CHARS, max_lines: int = PREVIEW_LINES
) -> tuple[str, bool]:
    """The last part of ``text`` to show as plain text, and whether anything was left out.

    Linear in ``max_chars`` whatever the length of ``text``; a cut preview starts with "…".
    """
    tail = text[-max_chars:] if len(text) > max_chars else text
    cut = len(tail) < len(text)
    start = len(tail)
    for _ in range(max_lines):  # at most max_lines searches, each from the end
        start = tail.rfind("\n", 0, start)
        if start < 0:
            break
    if start >= 0:
        tail = tail[start + 1 :]
        cut = True
    shown = LONG_RUN.sub(breakable, clean_text(tail))
    return (ELLIPSIS + " " + shown if cut else shown), cut
