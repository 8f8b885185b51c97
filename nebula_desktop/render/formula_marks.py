"""Placeholders that keep formulas out of markdown-it's reach, and back (no Qt).

Before parsing, each formula found by ``find_formulas`` is replaced by ``<marker>N<marker>``,
the marker a private-use character the text does not contain (so a model cannot forge one and
no Markdown rule acts on it). The writer then finds the placeholders in text tokens, and puts
the source back where Markdown shows text as written (code, alt text, link addresses).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nebula_desktop.render.math_scan import MathSpan

__all__ = ["Placeholders", "free_marker"]

_NO_MATCH = re.compile(r"(?!)")
# Characters a placeholder may be made of: private use, never given a meaning by Markdown.
_MARKERS = (range(0xE000, 0xF900), range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE))


def free_marker(text: str) -> str | None:
    """A private-use character ``text`` does not hold (None: it holds them all)."""
    if "\ue000" not in text:
        return "\ue000"
    present = set(text)
    for block in _MARKERS:
        for point in block:
            if chr(point) not in present:
                return chr(point)
    return None


class Placeholders:
    """The formulas of one piece of text and the placeholders standing in for them."""

    def __init__(self) -> None:
        self.marker = ""  # none: math off, or no formula
        self.placeholder = self.encoded = _NO_MATCH
        self.spans: list[MathSpan] = []
        self.sources: list[str] = []
        self.base = 0  # the number of the first formula (RenderedMarkdown.formulas)

    def protect(self, text: str, spans: list[MathSpan], base: int) -> str:
        """``text`` with each formula replaced by a placeholder Markdown leaves alone."""
        marker = free_marker(text)
        if marker is None:
            return text  # every private-use character taken: formulas stay text
        from urllib.parse import quote

        self.marker, self.spans, self.base = marker, spans, base
        self.placeholder = re.compile(f"{re.escape(marker)}(\\d+){re.escape(marker)}")
        # markdown-it percent-encodes a link address: the placeholder as it stands there.
        self.encoded = re.compile(f"{re.escape(quote(marker))}(\\d+){re.escape(quote(marker))}")
        parts: list[str] = []
        pos = 0
        for i, span in enumerate(spans):
            parts.append(text[pos : span.start])
            parts.append(f"{marker}{i}{marker}")
            self.sources.append(text[span.start : span.end])
            pos = span.end
        parts.append(text[pos:])
        return "".join(parts)

    def restore(self, text: str) -> str:
        """``text`` with placeholders back to their formulas' source (code, alt text)."""
        if not self.marker or self.marker not in text:
            return text
        return self.placeholder.sub(lambda m: self.sources[int(m.group(1))], text)

    def restore_href(self, href: str) -> str:
        """A link address with placeholders back to their source, encoded as markdown-it does."""
        if not self.marker or "%" not in href:
            return href
        from mdurl import encode

        return self.encoded.sub(lambda m: encode(self.sources[int(m.group(1))]), href)

    def split(self, content: str) -> Iterator[str | int]:
        """The pieces of a text token in order: text as ``str``, a formula as its index."""
        if not self.marker or self.marker not in content:
            yield content
            return
        pos = 0
        for match in self.placeholder.finditer(content):
            if match.start() > pos:
                yield content[pos : match.start()]
            yield int(match.group(1))
            pos = match.end()
        if pos < len(content):
            yield content[pos:]
