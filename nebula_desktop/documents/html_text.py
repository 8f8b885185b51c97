"""The readable text of an HTML (or XHTML) page, in time linear in its size; no Qt.

The standard library's ``html.parser`` is not used: on the Pythons we ship it rescans an
unfinished tag from its start on every step, so 120 KB of ``<a <a <a …`` took 114 s (measured
on 3.11.7; CVE-2025-6069 and kin). This scanner moves forward only: text between tags is kept
(entities decoded, white space collapsed outside ``<pre>``), block elements end lines,
``<script>``, ``<style>`` and ``<template>`` are skipped whole, comments and declarations are
dropped, and a tag left open at the end of the file is dropped like a browser does.
"""

from __future__ import annotations

import html
import re

from nebula_desktop.documents.common import Budget

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "title", "tr", "ul",
})  # fmt: skip
_CELLS = frozenset({"td", "th"})
_SKIPPED = frozenset({"script", "style", "template"})
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
# Inside a tag: its end, or a quoted attribute value that may contain ``>``.
_IN_TAG = re.compile(r">|=\s*([\"'])")
_SPACE = re.compile(r"\s+")
_CLOSERS: dict[str, re.Pattern[str]] = {
    tag: re.compile(rf"</{tag}[\s/>]", re.IGNORECASE) for tag in (*_SKIPPED, "title")
}


def _tag_end(source: str, pos: int) -> int:
    """The index of the ``>`` closing the tag whose attributes start at ``pos`` (-1: none)."""
    while True:
        match = _IN_TAG.search(source, pos)
        if match is None:
            return -1
        quote = match.group(1)
        if not quote:
            return match.start()
        close = source.find(quote, match.end())
        if close < 0:
            return -1
        pos = close + 1


def html_text(source: str, budget: Budget, *, title: bool = True) -> None:
    """Add the readable text of ``source`` to ``budget`` (which may raise when full); the
    page's ``<title>`` is left out when ``title`` is false (a book repeats it per chapter)."""
    skipped = _SKIPPED if title else _SKIPPED | {"title"}
    pos, end, pre = 0, len(source), 0
    add = budget.add

    def text(chunk: str) -> None:
        if chunk:
            chunk = html.unescape(chunk)
            add(chunk if pre else _SPACE.sub(" ", chunk))

    while pos < end:
        lt = source.find("<", pos)
        if lt < 0:
            text(source[pos:])
            return
        text(source[pos:lt])
        budget.tick()
        if source.startswith("<!--", lt):
            close = source.find("-->", lt + 4)
            pos = end if close < 0 else close + 3
            continue
        if source.startswith(("<!", "<?"), lt):
            close = source.find(">", lt + 2)
            bracket = source.find("[", lt + 2, close if close >= 0 else end)
            if bracket >= 0:  # a DOCTYPE's internal subset may hold ``>``: skip to ``]>``
                close = source.find("]>", bracket)
                close = close + 1 if close >= 0 else -1
            pos = end if close < 0 else close + 1
            continue
        match = _TAG.match(source, lt)
        if match is None:
            text("<")
            pos = lt + 1
            continue
        close = _tag_end(source, match.end())
        if close < 0:
            return
        pos = close + 1
        closing, tag = match.group(1), match.group(2).lower()
        if not closing and tag in skipped:
            skip = _CLOSERS[tag].search(source, pos)
            pos = end if skip is None else skip.start()
            continue
        if tag == "pre":
            pre = max(0, pre - 1) if closing else pre + 1
        if tag in _BLOCKS:
            add("\n")
        elif tag in _CELLS and closing:
            add("\t")
