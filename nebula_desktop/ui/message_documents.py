"""Rendered-Markdown documents for the message delegate: a bounded LRU cache plus live
documents for the row that is streaming."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from PySide6.QtGui import QFont, QTextDocument, QTextOption

from nebula_desktop.render import StreamRenderer, render_markdown


@dataclass
class RenderedDoc:
    """A laid-out QTextDocument and the raw code of its code blocks (for Copy links)."""

    doc: QTextDocument
    code_blocks: list[str] = field(default_factory=list)
    html: str = ""


def new_document(font: QFont) -> QTextDocument:
    """An empty document configured the way every message body is."""
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    # Qt must never fetch anything: render/ emits no <img>, and this keeps even that promise
    # if a resource sneaks in (undo/redo history is useless for read-only text too).
    doc.setUndoRedoEnabled(False)
    opt = QTextOption()
    opt.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    doc.setDefaultTextOption(opt)
    return doc


class DocumentCache:
    """LRU of rendered documents, so memory stays bounded on very long chats.

    Keyed by (message id, part, text length, dark, font size); the width is applied to a cached
    document with ``setTextWidth`` (a cheap re-wrap) instead of re-parsing its HTML.
    """

    def __init__(self, capacity: int = 120) -> None:
        self.capacity = capacity
        self._docs: OrderedDict[tuple[object, ...], RenderedDoc] = OrderedDict()
        self.renders = 0  # how many documents were built (tests check it stays bounded)

    def get(self, key: tuple[object, ...], text: str, dark: bool, font: QFont) -> RenderedDoc:
        """The document for ``text``, building it on a miss."""
        hit = self._docs.get(key)
        if hit is not None:
            self._docs.move_to_end(key)
            return hit
        rendered = render_markdown(text, dark=dark)
        doc = new_document(font)
        doc.setHtml(rendered.html)
        entry = RenderedDoc(doc, rendered.code_blocks, rendered.html)
        self.renders += 1
        self._docs[key] = entry
        while len(self._docs) > self.capacity:
            self._docs.popitem(last=False)
        return entry

    def drop(self, message_id: str) -> None:
        """Forget every document of one message."""
        for key in [k for k in self._docs if k[0] == message_id]:
            del self._docs[key]

    def clear(self) -> None:
        """Forget everything (theme or font changed)."""
        self._docs.clear()

    def __len__(self) -> int:
        return len(self._docs)


class StreamingDoc:
    """The live document of a part (answer or thinking) that is still streaming.

    Completed Markdown blocks are rendered once (StreamRenderer caches their HTML); each flush
    renders only the unfinished tail block.
    """

    def __init__(self, dark: bool, font: QFont) -> None:
        self._renderer = StreamRenderer(dark)
        self.entry = RenderedDoc(new_document(font))
        self._length = -1

    def update(self, text: str) -> RenderedDoc:
        """Bring the document up to ``text`` (no work if nothing arrived)."""
        if len(text) != self._length:
            upd = self._renderer.update(text)
            html = self._renderer.full_html(upd.tail_html)
            width = self.entry.doc.textWidth()
            self.entry.doc.setHtml(html)
            self.entry.doc.setTextWidth(width)
            self.entry.code_blocks = upd.code_blocks
            self.entry.html = html
            self._length = len(text)
        return self.entry
