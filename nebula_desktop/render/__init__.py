"""Markdown rendering for the message view: untrusted text in, safe Qt rich-text HTML out.

No Qt imports here: this package is plain Python so it can be tested and reused without a GUI.

The names below are loaded on first use (a module ``__getattr__``), not with the package: the
app imports ``render.cache`` at start-up, and the renderer itself is only needed when a message
misses that cache or a reply streams.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

# Where each public name lives.
_HOMES = {
    "RenderedMarkdown": "markdown",
    "render_markdown": "markdown",
    "safe_href": "markdown",
    "clean_text": "sanitize",
    "StreamRenderer": "stream",
    "StreamUpdate": "stream",
    "split_blocks": "stream",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # the next lookup is an ordinary global
    return value
