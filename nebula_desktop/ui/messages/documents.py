"""Rendered-Markdown documents of message rows: a finished text built at once
(:func:`build_document`), the plain stand-in shown while a long one renders off the GUI thread
(:func:`plain_document`), and the live document of a part that is still streaming
(:class:`StreamingDoc`). Which documents are kept, and when a long text is rendered on the
runner, is :mod:`~nebula_desktop.ui.messages.document_cache`'s job.

With a :class:`~nebula_desktop.ui.messages.formulas.FormulaLook` (math on), formulas are
rendered as ``nebula-formula:`` images that a ``FormulaDocument`` resolves off the GUI thread
(``ui/messages/formulas.py``); without one, the output is exactly what it was before formulas.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# Cursor and block/char formats only streaming uses: named as QtGui.X where used, so the app's
# start does not build their Python enum types.
from PySide6 import QtGui
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QFont, QTextDocument, QTextDocumentFragment, QTextOption

from nebula_desktop.render.markdown import DENSE_NOTE, FORMULA_SCHEME, LONG_NOTE
from nebula_desktop.render.preview import plain_preview
from nebula_desktop.render.sanitize import clean_text
from nebula_desktop.ui.messages.formulas import (
    FormulaDocument,
    FormulaImages,
    FormulaLook,
    align_inline,
)

if TYPE_CHECKING:
    from nebula_desktop.render.markdown import RenderedMarkdown
    from nebula_desktop.render.stream import StreamUpdate

# Longer texts are rendered off the GUI thread, plain text shown meanwhile (DocumentCache).
# Ordinary answers stay below it and render at once, so a chat of thousands of them opens fast.
ASYNC_CHARS = 20_000


@dataclass
class RenderedDoc:
    """A laid-out QTextDocument and the raw code of its code blocks (for Copy links)."""

    doc: QTextDocument
    code_blocks: list[str] = field(default_factory=list)
    html: str = ""
    fits: dict[int, int] = field(default_factory=dict)  # max width -> shrink-wrapped width
    behind: bool = False  # a streaming document that has not caught up with its text yet
    pending: bool = False  # plain text standing in while the formatted document is built


# render/ has no Qt, so it writes its few interface words in English; they are swapped for the
# interface language here, at their exact HTML spots (message text is escaped, so it can never
# produce these fragments).
_COPY_LINK = 'text-decoration:none;">Copy</a>'
_CODE_LABEL = 'font-size:small;">code</span>'
_ROWS_NOTE = re.compile(r"… (\d+) more rows not shown \(Copy as Markdown has the full table\)")


def localize_html(html: str) -> str:
    """``html`` from render/ with its interface words in the interface language."""
    copy = QCoreApplication.translate("MessageDelegate", "Copy")
    if copy == "Copy" and QCoreApplication.translate("MessageDelegate", "code") == "code":
        return html  # English: nothing to swap (the common case costs two lookups)
    if _COPY_LINK in html:
        html = html.replace(_COPY_LINK, f'text-decoration:none;">{copy}</a>')
    if _CODE_LABEL in html:
        code = QCoreApplication.translate("MessageDelegate", "code")
        html = html.replace(_CODE_LABEL, f'font-size:small;">{code}</span>')
    if LONG_NOTE in html:
        html = html.replace(
            LONG_NOTE,
            QCoreApplication.translate(
                "MessageDelegate",
                "This message is very long, so it is shown as plain text "
                "(Copy as Markdown has the original).",
            ),
        )
    if DENSE_NOTE in html:
        html = html.replace(
            DENSE_NOTE,
            QCoreApplication.translate(
                "MessageDelegate",
                "This message has more formatting than can be shown quickly, so it is shown as "
                "plain text (Copy as Markdown has the original).",
            ),
        )
    if "more rows not shown" in html:
        rows = QCoreApplication.translate(
            "MessageDelegate",
            "… {count} more rows not shown (Copy as Markdown has the full table)",
        )
        html = _ROWS_NOTE.sub(lambda m: rows.format(count=m.group(1)), html)
    return html


def _localize(html: str) -> str:
    return align_inline(localize_html(html))


def new_document(
    font: QFont,
    look: FormulaLook | None = None,
    images: FormulaImages | None = None,
    owner: str = "",
) -> QTextDocument:
    """An empty document configured the way every message body is; with ``look`` and
    ``images`` one that shows formula images (a ``FormulaDocument`` of message ``owner``)."""
    doc = (
        FormulaDocument(images, look, owner)
        if look is not None and images is not None
        else QTextDocument()
    )
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    # Qt must never fetch anything: render/ emits no <img>, and this keeps even that promise
    # if a resource sneaks in (undo/redo history is useless for read-only text too).
    doc.setUndoRedoEnabled(False)
    opt = QTextOption()
    opt.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    doc.setDefaultTextOption(opt)
    return doc


def build_document(
    rendered: RenderedMarkdown,
    font: QFont,
    look: FormulaLook | None = None,
    images: FormulaImages | None = None,
    owner: str = "",
) -> RenderedDoc:
    """A document showing ``rendered`` (GUI thread: PySide holds the GIL through every Qt call,
    so building or laying out a document on a worker would stall the GUI thread just as long).

    Its formula images (math on: ``look``) are drawn by ``images`` off the GUI thread."""
    html = _localize(rendered.html)
    if rendered.formulas and FORMULA_SCHEME in html:
        doc = new_document(font, look, images, owner)
        if isinstance(doc, FormulaDocument):
            doc.set_formulas(rendered.formulas)
    else:
        doc = new_document(font)
    doc.setHtml(html)
    return RenderedDoc(doc, rendered.code_blocks, html)


def plain_document(text: str, font: QFont) -> RenderedDoc:
    """The stand-in shown while ``text`` is rendered: the end of it as written (bounded)."""
    preview, _cut = plain_preview(text)
    doc = new_document(font)
    doc.setPlainText(preview)
    from html import escape  # (and its entity table: for long messages only)

    html = f'<p style="white-space:pre-wrap;">{escape(preview)}</p>'
    return RenderedDoc(doc, [], html, pending=True)


_SPACER = '<p style="margin-top:0px; margin-bottom:0px; font-size:1px;">&#8203;</p>'
# A flush renders completed blocks in pieces of about this size and stops after SLICE_S, so a
# burst of thousands of paragraphs is worked off over several timer ticks instead of freezing
# the window; between slices the window gets at least REST_S to paint and handle input.
CHUNK_CHARS = 8192
SLICE_S = 0.010
REST_S = 0.015
PLAIN_BLOCK = 4096  # longest block of a plain-text tail (see StreamingDoc._append_plain)
KEPT_BLOCKS = 32  # a streaming document's last blocks that keep their shaped text (_keep_glyphs)


class StreamingDoc:
    """The live document of a part (answer or thinking) that is still streaming.

    Completed Markdown blocks are rendered once (StreamRenderer caches their HTML) and inserted
    into the document once; each flush replaces only the unfinished tail block through a
    QTextCursor, so the cost of a flush does not grow with the length of the answer. A tail too
    long to re-render on every flush is shown as plain text, appended piece by piece.

    Work per call is bounded: when more text arrived than one slice can render,
    ``entry.behind`` is set and later calls continue (after a short rest) until caught up.
    """

    def __init__(
        self,
        dark: bool,
        font: QFont,
        look: FormulaLook | None = None,
        images: FormulaImages | None = None,
        owner: str = "",
    ) -> None:
        # With a look (math on) formulas become images once their closing delimiter arrived;
        # each is drawn once, whatever the number of flushes that show it (FormulaImages).
        from nebula_desktop.render.stream import StreamRenderer  # (streaming: on use)

        self._renderer = StreamRenderer(dark, math=look is not None and images is not None)
        self.entry = RenderedDoc(new_document(font, look, images, owner))
        self._images = images
        if isinstance(self.entry.doc, FormulaDocument):
            self.entry.doc.streaming = True  # formulas drawn once the stream pauses or ends
        self._length = -1
        self._stable_end = 0  # document position where the tail starts
        self._tail_html = ""
        self._plain_start = -1  # text offset of a plain-text tail (-1: the tail is HTML)
        self._plain_done = 0  # characters of that tail already in the document
        self._block_len = 0  # characters in the document's last block of that tail
        self._text = ""
        self._rest_until = 0.0
        self._kept_from = 0  # number of the first block whose layout keeps its glyphs

    def update(self, text: str) -> RenderedDoc:
        """Bring the document up to ``text`` (no work if nothing arrived)."""
        if self.entry.behind:
            if time.monotonic() < self._rest_until:
                return self.entry  # let the window breathe between slices
        elif len(text) == self._length:
            return self.entry
        if self._images is not None:
            self._images.streamed()
        deadline = time.monotonic() + SLICE_S
        while True:
            upd = self._renderer.update(text, CHUNK_CHARS)
            self._apply(upd, text)
            if not upd.behind:
                self.entry.behind = False
                self._length = len(text)
                break
            if time.monotonic() >= deadline:
                self.entry.behind = True
                self._length = -1
                self._rest_until = time.monotonic() + REST_S
                break
        self.entry.code_blocks = upd.code_blocks
        self.entry.fits.clear()
        self._text = text
        self._keep_glyphs()
        return self.entry

    def _keep_glyphs(self) -> None:
        """Let the document's last KEPT_BLOCKS blocks keep their shaped text between paints.

        By default Qt shapes a block's text again each time it is drawn, and the end of a
        streaming answer is drawn again on every flush: its last blocks keep their glyphs (a
        block that changes is shaped again anyway). Blocks further up go back to Qt's default,
        so the memory this takes does not grow with the answer.
        """
        doc = self.entry.doc
        start = max(0, doc.blockCount() - KEPT_BLOCKS)
        block = doc.lastBlock()
        while block.isValid() and block.blockNumber() >= max(start, self._kept_from):
            layout = block.layout()
            if layout.cacheEnabled():
                break  # kept already, as are those above it: the flush changed only the end
            layout.setCacheEnabled(True)
            block = block.previous()
        for number in range(start, self._kept_from):  # fewer blocks than before
            self._keep(doc.findBlockByNumber(number), True)
        for number in range(self._kept_from, start):  # now too far from the end
            self._keep(doc.findBlockByNumber(number), False)
        self._kept_from = start

    @staticmethod
    def _keep(block: QtGui.QTextBlock, keep: bool) -> None:
        if block.isValid():
            block.layout().setCacheEnabled(keep)

    def _apply(self, upd: StreamUpdate, text: str) -> None:
        doc = self.entry.doc
        if isinstance(doc, FormulaDocument):
            doc.set_formulas(upd.formulas)  # before the HTML naming them goes in
        blocks = [_localize(block) for block in upd.new_blocks]
        tail_html = _localize(upd.tail_html)
        self._tail_html = upd.tail_html
        if not upd.reset and not blocks and upd.tail_plain and self._plain_start == upd.tail_start:
            cursor = QtGui.QTextCursor(doc)
            cursor.movePosition(QtGui.QTextCursor.MoveOperation.End)
            self._append_plain(cursor, text, upd)  # the long tail grew: add just the new text
            return
        self._plain_start = -1
        if upd.reset or self._stable_end == 0:
            # Nothing stable in the document yet: start it cleanly with setHtml (cheap, it holds
            # at most the first blocks), so no format lingers from an earlier tail.
            width = doc.textWidth()
            doc.setHtml(blocks.pop(0) if blocks else tail_html)
            doc.setTextWidth(width)
            cursor = QtGui.QTextCursor(doc)
            cursor.movePosition(QtGui.QTextCursor.MoveOperation.End)
            if not upd.new_blocks:
                self._stable_end = 0
                if upd.tail_plain:
                    self._append_plain(cursor, text, upd)
                return
        else:
            cursor = QtGui.QTextCursor(doc)
            cursor.setPosition(self._stable_end)
            cursor.movePosition(
                QtGui.QTextCursor.MoveOperation.End, QtGui.QTextCursor.MoveMode.KeepAnchor
            )
            cursor.removeSelectedText()
        for html in blocks:
            self._insert(cursor, html)
        self._stable_end = cursor.position()
        if upd.tail_plain:
            self._append_plain(cursor, text, upd)
        else:
            self._insert(cursor, tail_html)

    def _append_plain(self, cursor: QtGui.QTextCursor, text: str, upd: StreamUpdate) -> None:
        """Add the part of a long plain-text tail that is not in the document yet."""
        fmt = QtGui.QTextCharFormat()
        block = QtGui.QTextBlockFormat()
        if upd.tail_code:
            # An unfinished long code block: monospace on the code background, as it will be.
            fmt.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
            fmt.setFontPointSize(self.entry.doc.defaultFont().pointSizeF())
            from nebula_desktop.render.highlight import palette  # (the highlighter: on use)

            block.setBackground(QColor(palette(self._renderer.dark).code_bg))
        if self._plain_start != upd.tail_start:
            self._plain_start = upd.tail_start
            self._plain_done = 0
            self._block_len = 0
            newline = self._renderer.tail_text().find("\n") if upd.tail_code else -1
            if newline >= 0:
                # The opening fence line (```lang) is markup, not code.
                self._plain_done = newline + 1
            if cursor.position() > 0:
                cursor.insertBlock(block, fmt)
            else:
                cursor.setBlockFormat(block)
        # As shown: a data: image is a placeholder, never its base64 (render/stream.py).
        shown = self._renderer.tail_text(self._plain_done)
        self._plain_done += len(shown)
        piece = clean_text(shown)
        for i, line in enumerate(piece.split("\n")):
            if i:
                cursor.insertBlock(block, fmt)
                self._block_len = 0
            # Qt lays a block out again whole whenever text is added to it, so one endless
            # line is cut into blocks of bounded size (at a space when there is one).
            while self._block_len + len(line) > PLAIN_BLOCK:
                room = PLAIN_BLOCK - self._block_len
                cut = line.rfind(" ", 0, room) + 1
                if cut <= 0 and self._block_len == 0:
                    cut = room
                if cut > 0:
                    cursor.insertText(line[:cut], fmt)
                    line = line[cut:]
                cursor.insertBlock(block, fmt)
                self._block_len = 0
            if line:
                cursor.insertText(line, fmt)
                self._block_len += len(line)

    def _insert(self, cursor: QtGui.QTextCursor, html: str) -> None:
        if not html:
            return
        if cursor.position() == 0:
            cursor.insertHtml(html)
            return
        previous = cursor.block()
        # insertHtml merges its first paragraph into the current block, losing that
        # paragraph's own format (heading, list, margins). A new plain block, and a tiny spacer
        # paragraph that takes the merge, keep the real first paragraph intact.
        tiny = QtGui.QTextCharFormat()
        tiny.setFontPointSize(1)
        cursor.insertBlock(QtGui.QTextBlockFormat(), tiny)
        spacer = cursor.block()
        cursor.insertFragment(QTextDocumentFragment.fromHtml(_SPACER + html))
        first = spacer.next()
        if first.isValid() and QtGui.QTextCursor(first).currentTable() is None:
            # setHtml collapses adjacent margins; emulate that across the seam.
            fmt = first.blockFormat()
            gap = max(0.0, fmt.topMargin() - previous.blockFormat().bottomMargin())
            fmt.setTopMargin(gap)
            QtGui.QTextCursor(first).setBlockFormat(fmt)

    @property
    def text_length(self) -> int:
        """Length of the text the document shows all of (-1 while it lags behind)."""
        return -1 if self.entry.behind else len(self._text)

    @property
    def html(self) -> str:
        """The HTML of everything streamed so far (for the text selector)."""
        tail = self._tail_html
        if self._plain_start >= 0:
            from html import escape

            plain = escape(clean_text(self._renderer.tail_text()))
            tail = f'<p style="white-space:pre-wrap;">{plain}</p>'
        return _localize(self._renderer.full_html(tail))
