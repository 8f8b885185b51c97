"""The text of a document with formula images: each image given back as its TeX source, for
Copy (:func:`document_text`) and rich-text pastes (:func:`document_html`); the image only
exists inside the app.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QTextDocument

from nebula_desktop.render.markdown import FORMULA_SCHEME
from nebula_desktop.ui.messages.formula_pictures import source_of

# The name of a formula image: ``nebula-formula:N`` (inline) or ``nebula-formula:N?display``.
IMAGE_NAME = re.compile(FORMULA_SCHEME + r":(\d+)(\?display)?")
# render/'s own images (alt carries the TeX) and the ones Qt writes back in a selection's HTML.
_IMG_TAG = re.compile(r'<img[^>]*?src="' + FORMULA_SCHEME + r':(\d+)(\?display)?"[^>]*>')


def document_text(
    doc: QTextDocument, formulas: list[str], start: int = 0, end: int | None = None
) -> str:
    """The plain text of ``doc`` (from ``start`` to ``end``) with each formula image given as
    its TeX source (``$tex$`` / ``$$tex$$``) instead of Qt's object character U+FFFC."""
    text = doc.toPlainText()  # one character per document position
    end = len(text) if end is None else min(end, len(text))
    start = max(0, min(start, end))
    if not formulas or "\ufffc" not in text[start:end]:
        return text[start:end]
    spots: dict[int, str] = {}
    block = doc.findBlock(start)
    while block.isValid() and block.position() < end:
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            fmt = frag.charFormat()
            if fmt.isImageFormat():
                match = IMAGE_NAME.fullmatch(fmt.toImageFormat().name())
                if match is not None and int(match.group(1)) < len(formulas):
                    source = source_of(formulas[int(match.group(1))], match.group(2) is not None)
                    for pos in range(frag.position(), frag.position() + frag.length()):
                        spots[pos] = source
            it += 1
        block = block.next()
    out: list[str] = []
    pos = start
    for spot in sorted(p for p in spots if start <= p < end):
        out.append(text[pos:spot])
        out.append(spots[spot])
        pos = spot + 1
    out.append(text[pos:end])
    return "".join(out)


def document_html(html: str, formulas: list[str]) -> str:
    """``html`` with each formula image replaced by its TeX source (for rich-text pastes: the
    image only exists inside the app)."""
    if FORMULA_SCHEME not in html:
        return html
    from html import escape, unescape  # (a copy with formulas: its entity table on use)

    def source(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index < len(formulas):
            return escape(source_of(formulas[index], match.group(2) is not None), quote=False)
        alt = re.search(r'alt="([^"]*)"', match.group(0))
        return escape(unescape(alt.group(1)), quote=False) if alt else ""

    return _IMG_TAG.sub(source, html)
