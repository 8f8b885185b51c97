"""Markdown rendering for the message view: untrusted text in, safe Qt rich-text HTML out.

No Qt imports here: this package is plain Python so it can be tested and reused without a GUI.
"""

from __future__ import annotations

from nebula_desktop.render.markdown import RenderedMarkdown, render_markdown, safe_href
from nebula_desktop.render.sanitize import clean_text
from nebula_desktop.render.stream import StreamRenderer, StreamUpdate, split_blocks

__all__ = [
    "RenderedMarkdown",
    "StreamRenderer",
    "StreamUpdate",
    "clean_text",
    "render_markdown",
    "safe_href",
    "split_blocks",
]
