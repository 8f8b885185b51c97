"""What a streaming answer costs the window per flush: work that does not grow with the answer
or with the formulas waiting to be drawn, and memory kept for it that stays bounded."""

from __future__ import annotations

import statistics
import time
from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QFont, QImage, QPainter

from nebula_desktop.ui.messages.documents import KEPT_BLOCKS, StreamingDoc
from nebula_desktop.ui.messages.formulas import FormulaDocument, FormulaImages, FormulaLook

PARAGRAPH = "Paragraph {i} says $x_{i}^2 + y$ inline, and a few more words to wrap a line.\n\n"


def _look() -> FormulaLook:
    return FormulaLook.of(QFont(), QColor("black"), 1.0, False)


def _kept(live: StreamingDoc) -> list[int]:
    doc = live.entry.doc
    return [n for n in range(doc.blockCount()) if doc.findBlockByNumber(n).layout().cacheEnabled()]


def _end_drawn(live: StreamingDoc) -> QImage:
    """The last 400 pixels of the document, as the view draws the end of a streaming answer."""
    doc = live.entry.doc
    height = doc.size().height()
    image = QImage(600, 400, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.translate(0, -(height - 400))
    ctx = QAbstractTextDocumentLayout.PaintContext()
    ctx.clip = QRectF(0, height - 400, 600, 400)
    doc.documentLayout().draw(painter, ctx)
    painter.end()
    return image


def test_streaming_answer_keeps_shaped_text_only_at_its_end_and_draws_the_same(qapp: Any) -> None:
    # The end of a streaming answer is drawn again on every flush: its last blocks keep their
    # shaped text between paints, blocks further up do not (memory does not grow with it).
    live = StreamingDoc(False, QFont(), _look(), FormulaImages(), "answer")
    live.entry.doc.setTextWidth(600)
    text = "".join(PARAGRAPH.format(i=i) for i in range(120))
    for end in range(0, len(text) + 1, 230):
        live.update(text[:end])
        kept = _kept(live)
        assert len(kept) <= KEPT_BLOCKS
    live.update(text)
    blocks = live.entry.doc.blockCount()
    assert blocks > 2 * KEPT_BLOCKS
    assert _kept(live) == list(range(blocks - KEPT_BLOCKS, blocks))
    kept_glyphs = _end_drawn(live)
    doc = live.entry.doc
    for n in range(blocks):
        doc.findBlockByNumber(n).layout().setCacheEnabled(False)
    doc.markContentsDirty(0, doc.characterCount())
    assert _end_drawn(live) == kept_glyphs  # the same pixels as Qt's default


def _new_formula_turn(qapp: Any, waiting: int) -> float:
    """Median time of the event-loop turn after one more formula of a streaming answer appears,
    with ``waiting`` formulas already waiting for the stream to pause."""
    images = FormulaImages()
    images.quiet_ms = 60_000  # the stream does not pause during the test
    doc = FormulaDocument(images, _look(), "answer")
    doc.formulas = [f"x_{{{i}}}" for i in range(waiting + 40)]
    images.streamed()
    for i in range(waiting):
        doc.picture(f"nebula-formula:{i}")
    qapp.processEvents()
    turns = []
    for i in range(waiting, waiting + 40):
        doc.picture(f"nebula-formula:{i}")  # shows its source; its drawing waits
        start = time.perf_counter()
        qapp.processEvents()
        turns.append(time.perf_counter() - start)
    assert images.asked == 0  # none is drawn while the text keeps coming
    return statistics.median(turns)


def test_a_new_formula_costs_the_same_however_many_wait_for_the_stream_to_pause(
    qapp: Any,
) -> None:
    few = min(_new_formula_turn(qapp, 10) for _ in range(2))
    many = min(_new_formula_turn(qapp, 1500) for _ in range(2))
    assert many < 5 * few + 50e-6, (few, many)
