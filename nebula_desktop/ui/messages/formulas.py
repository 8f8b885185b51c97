"""Formula images in message documents: the ``nebula-formula:N`` images of render/'s HTML, drawn
off the GUI thread and shown as their TeX source until they land.

A :class:`FormulaDocument` lays out and draws its images itself (:class:`FormulaObject`, the
document's handler for images), asking :class:`FormulaImages` for each the first time Qt lays
it out. A drawing already made (same TeX, mode, colour, size, pixel ratio) is handed over at
once; otherwise the formula's source stands in, and the drawing is queued on the runner's
serial "renders" queue: ``render_formula_info`` (Qt-free) and QtSvg painting the SVG onto a
QImage both run there, never on the GUI thread. While any answer streams, drawing waits until
the text pauses (``QUIET_MS``): drawing holds Python's lock for ~10 ms a formula, which would
stall the stream. When a batch lands, each waiting
document gets its pictures and the blocks holding them are laid out again, and
``drawn(owner)`` asks for its row to be measured and painted again. A formula that cannot be
drawn keeps showing its source, in code style.

An inline formula sits with its own baseline on the line's (its depth below it); display math
is centred on a line of its own (render/ puts it in a centred paragraph). The pictures
themselves are made in ``formula_pictures``; Copy turns each image back into its TeX in
``formula_text`` (both re-exported here).
"""

from __future__ import annotations

import logging
import re
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRect, QRectF, QSizeF, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPyTextObject, QTextDocument

from nebula_desktop.render.markdown import FORMULA_SCHEME
from nebula_desktop.ui.common.runner import Runner, default_runner
from nebula_desktop.ui.messages.formula_pictures import (
    FormulaLook,
    Key,
    Picture,
    draw_formulas,
    source_of,
    source_picture,
)
from nebula_desktop.ui.messages.formula_text import IMAGE_NAME, document_html, document_text

if TYPE_CHECKING:
    from PySide6.QtGui import QPainter, QTextFormat

# The text-format and cursor types are imported where a formula is laid out or drawn: naming
# them at import builds their ten Python enum types for every start, formulas or not (~16 M
# instructions). QTextFormat.ObjectTypes.ImageObject and QTextCharFormat.VerticalAlignment's
# AlignMiddle, as numbers (tests/gui/test_math_view.py holds them to Qt's).
IMAGE_OBJECT = 1
ALIGN_MIDDLE = 3
# QTextFormat.Property.ImageName and .TextVerticalAlignment, read as numbers in the calls Qt
# makes for every shown formula on each paint (the enum objects cost more than the read).
NAME_PROPERTY = 0x5000
ALIGN_PROPERTY = 0x2021

__all__ = [
    "FormulaDocument",
    "FormulaImages",
    "FormulaLook",
    "FormulaObject",
    "Picture",
    "align_inline",
    "document_html",
    "document_text",
    "draw_formulas",
    "formulas_of",
    "show_formulas",
    "source_of",
    "source_picture",
]

log = logging.getLogger(__name__)

# Inline formulas are laid out "middle": Qt then keeps room below the baseline (see _pads).
_INLINE_IMG = re.compile(r'<img src="' + FORMULA_SCHEME + r':\d+" ')
_INLINE_STYLE = 'style="vertical-align:middle" '

BATCH = 8  # formulas per job: the first ones show before a long answer's last is drawn
# A streaming answer's formulas are drawn once its text has paused this long (or once it is
# rendered finished): drawing holds the GIL for milliseconds per formula, which the window's
# flushes of the stream would wait for. Until then each shows its source.
QUIET_MS = 250
CACHE_BYTES = 48 * 1024 * 1024
HALF_X_FONTS = 32  # fonts whose x-height a document's formula handler keeps


def _pads(height: float, depth: float, half_x: float) -> tuple[float, float]:
    """(top, bottom) room to add around a drawing so the line keeps space for all of it.

    Qt reserves (H + half_x) / 2 above the baseline and (H - half_x) / 2 below it for an
    object of height H with ``vertical-align: middle``; the drawing needs ``height - depth``
    above and ``depth`` below.
    """
    diff = height - half_x - 2.0 * depth  # bottom - top
    return max(-diff, 0.0), max(diff, 0.0)


class FormulaObject(QPyTextObject):
    """Lays out and draws the formula images of a document (Qt's own image handler would ask
    for a file, and could only put an image's bottom on the baseline).

    An inline formula (``vertical-align: middle`` in the HTML, so Qt keeps room below the
    baseline too) is drawn with its own baseline on the line's; ``source`` is the document
    whose formulas these are (the selector shows the painted document's).
    """

    def __init__(self, source: FormulaDocument, parent: QObject) -> None:
        super().__init__(parent)
        self.source = source
        # Half the x-height of each font formulas sit in: Qt asks intrinsicSize of every shown
        # formula on each paint of a streaming answer, and a QFontMetrics costs more than the
        # rest of the call. A document uses a handful of fonts; the bound is a safety net.
        self._half_x: dict[QFont, float] = {}

    def intrinsicSize(self, doc: QTextDocument, pos: int, fmt: QTextFormat) -> QSizeF:
        """The room a formula takes on its line."""
        name = fmt.stringProperty(NAME_PROPERTY)
        pic = self.source.picture(name)
        if pic is None:
            return QSizeF(0, 0)
        if doc is self.source:
            self.source.places[name] = pos
        if fmt.intProperty(ALIGN_PROPERTY) != ALIGN_MIDDLE:
            return QSizeF(pic.width, pic.height)  # display math: a line of its own
        font = fmt.toCharFormat().font()
        half_x = self._half_x.get(font)
        if half_x is None:
            if len(self._half_x) >= HALF_X_FONTS:
                self._half_x.clear()
            half_x = self._half_x[font] = QFontMetrics(font).xHeight() / 2.0
        top, bottom = _pads(pic.height, pic.depth, half_x)
        return QSizeF(pic.width, pic.height + top + bottom)

    def drawObject(
        self,
        painter: QPainter,
        rect: QRectF | QRect,
        doc: QTextDocument,
        pos: int,
        fmt: QTextFormat,
    ) -> None:
        """Draw a formula with its baseline on the line's."""
        rect = QRectF(rect)
        pic = self.source.picture(fmt.stringProperty(NAME_PROPERTY))
        if pic is None:
            return
        top = rect.y()
        if fmt.intProperty(ALIGN_PROPERTY) == ALIGN_MIDDLE:
            # Qt centres a "middle" object in the line box: find the line's baseline instead.
            block = doc.findBlock(pos)
            layout = block.layout()
            line = layout.lineForTextPosition(pos - block.position()) if layout else None
            if line is not None and line.isValid():
                base = rect.y() - (line.height() - rect.height()) / 2.0 + line.ascent()
                top = base - (pic.height - pic.depth)
        painter.drawImage(QRectF(rect.x(), top, pic.width, pic.height), pic.image)


def show_formulas(doc: QTextDocument, source: FormulaDocument) -> None:
    """Let ``doc`` show the formula images of ``source`` (before its HTML is set)."""
    handler = FormulaObject(source, doc)
    doc.documentLayout().registerHandler(IMAGE_OBJECT, handler)


class FormulaDocument(QTextDocument):
    """A message document whose ``nebula-formula:N`` images are ``formulas[N]``, drawn in
    ``look`` by ``images``; it never loads anything."""

    def __init__(self, images: FormulaImages, look: FormulaLook, owner: str) -> None:
        super().__init__()
        self.images = images
        self.look = look
        self.owner = owner  # the message id whose row shows this document
        self.formulas: list[str] = []
        self.pictures: dict[str, tuple[Key, Picture]] = {}  # image name -> what it shows now
        self.places: dict[str, int] = {}  # image name -> where it was last laid out
        self.streaming = False  # a streaming answer's: its formulas wait for a pause
        show_formulas(self, self)

    def key(self, name: str) -> Key | None:
        """The formula an image name stands for in this document (None: no such formula)."""
        match = IMAGE_NAME.fullmatch(name)
        if match is None or int(match.group(1)) >= len(self.formulas):
            return None
        look = self.look
        tex = self.formulas[int(match.group(1))]
        display = match.group(2) is not None
        return (tex, display, look.color, look.size_px, look.half_x, look.dpr)

    def picture(self, name: str) -> Picture | None:
        """What the image ``name`` shows: the drawn formula, or its source until then."""
        shown = self.pictures.get(name)
        if shown is not None:
            return shown[1]
        key = self.key(name)
        if key is None:
            return None
        pic = self.images.provide(self, name, key)
        self.pictures[name] = (key, pic)
        return pic

    def set_formulas(self, formulas: list[str]) -> None:
        """The formulas the images name (a streamed answer's grow; a replaced one's change)."""
        old = self.formulas
        self.formulas = formulas
        if formulas[: len(old)] != old:  # replaced: names may stand for other formulas now
            self.pictures = {n: v for n, v in self.pictures.items() if self.key(n) == v[0]}

    def relayout(self, names: list[str]) -> None:
        """Lay out again just the blocks holding the images ``names`` (their pictures changed).

        The whole document is laid out again only if one of them is not where it was last
        laid out (that cost would grow with a streaming answer, so it is the exception).
        """
        from PySide6.QtGui import QTextCursor

        cursor = QTextCursor(self)
        end = self.characterCount() - 1
        spots: list[int] = []
        for name in names:
            pos = self.places.get(name, -1)
            if 0 <= pos < end:
                cursor.setPosition(pos + 1)
                fmt = cursor.charFormat()
                if fmt.isImageFormat() and fmt.toImageFormat().name() == name:
                    spots.append(pos)
                    continue
            self.markContentsDirty(0, self.characterCount())
            return
        for pos in spots:
            self.markContentsDirty(pos, 1)

    def loadResource(self, kind: int, name: Any) -> Any:
        """Nothing is ever loaded (formula images are drawn by :class:`FormulaObject`)."""
        return None


class FormulaImages(QObject):
    """Drawn formulas of every message document (a bounded LRU) and the drawing queue.

    Only one batch is drawn at a time: formulas asked for by documents that are gone by the
    time their turn comes (a chat scrolled past or left) are skipped, so the queue's work
    follows what is shown.
    """

    drawn = Signal(str)  # owner (message id) whose document got formula images

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner: Runner | None = None  # None: the app's default runner
        self._done: OrderedDict[Key, Picture | str] = OrderedDict()  # drawn, or why not
        self._bytes = 0
        self._waiting: dict[Key, list[tuple[weakref.ref[FormulaDocument], str]]] = {}
        self._queue: OrderedDict[Key, None] = OrderedDict()
        self._flight: set[Key] = set()  # the batch being drawn
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._send)
        self._quiet = QTimer(self)  # running while a streaming answer's text keeps coming
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(QUIET_MS)
        self._quiet.timeout.connect(self._send)
        self.asked = 0  # formulas sent to be drawn (each once per look; tests check it)

    @property
    def quiet_ms(self) -> int:
        """How long a streaming answer's text must pause before its formulas are drawn."""
        return self._quiet.interval()

    @quiet_ms.setter
    def quiet_ms(self, value: int) -> None:
        self._quiet.setInterval(value)

    def streamed(self) -> None:
        """A streaming answer's text grew: its formulas wait until the stream pauses."""
        self._quiet.start()

    def provide(self, doc: FormulaDocument, name: str, key: Key) -> Picture:
        """The picture of formula ``key`` for image ``name`` of ``doc``: drawn, or its source
        while it is drawn (``doc`` is updated when it lands)."""
        found = self._done.get(key)
        if found is None:
            self._waiting.setdefault(key, []).append((weakref.ref(doc), name))
            if key not in self._queue and key not in self._flight:
                self._queue[key] = None
                if not self._busy:
                    self._timer.start()
        else:
            self._done.move_to_end(key)
        return self._picture(doc, key, found)

    @staticmethod
    def _picture(doc: FormulaDocument, key: Key, found: Picture | str | None) -> Picture:
        if isinstance(found, Picture):
            return found
        code = found is not None  # could not be drawn: the source, in code style
        return source_picture(source_of(key[0], key[1]), doc.defaultFont(), doc.look, code)

    def _send(self) -> None:
        if self._busy:
            return
        if self._quiet.isActive():
            # Text is streaming in: drawing now would take Python from the GUI thread for ~10 ms
            # a formula and stall the stream (a finished answer's 167 formulas held turns to
            # ~100 ms). Drawn once every stream has paused (the quiet timer calls again); the
            # sources show meanwhile. The queue is left as it is: going through it on each new
            # formula would make a flush cost more the more formulas wait.
            return
        batch: list[Key] = []
        while self._queue and len(batch) < BATCH:
            key, _ = self._queue.popitem(last=False)
            docs = [d for d in (w[0]() for w in self._waiting.get(key, [])) if d is not None]
            if not docs:
                self._waiting.pop(key, None)
            else:
                self._waiting[key] = [w for w in self._waiting[key] if w[0]() is not None]
                batch.append(key)
        if not batch:
            return
        self._busy = True
        self._flight = set(batch)
        self.asked += len(batch)
        (self.runner or default_runner()).serial("renders").run(
            draw_formulas,
            batch,
            on_done=self._on_drawn,
            on_failed=lambda error: self._on_failed(batch, error),
            owner=self,
        )

    def _on_drawn(self, results: list[tuple[Key, Picture | None, str]]) -> None:
        self._busy = False
        self._flight = set()
        touched: dict[int, tuple[FormulaDocument, list[str]]] = {}
        for key, pic, why in results:
            found: Picture | str = pic if pic is not None else why or "-"
            self._remember(key, found)
            for ref, name in self._waiting.pop(key, []):
                doc = ref()
                shown = doc.pictures.get(name) if doc is not None else None
                if doc is None or shown is None or shown[0] != key:
                    continue  # gone, or that image names another formula by now
                doc.pictures[name] = (key, self._picture(doc, key, found))
                touched.setdefault(id(doc), (doc, []))[1].append(name)
        owners: list[str] = []
        for doc, names in touched.values():
            doc.relayout(names)  # lay out with the new sizes
            if doc.owner not in owners:
                owners.append(doc.owner)
        for owner in owners:
            self.drawn.emit(owner)
        if self._queue:
            self._timer.start()

    def _on_failed(self, batch: list[Key], error: BaseException) -> None:
        self._busy = False  # the app is quitting, or a bug: the sources stay
        self._flight = set()
        log.warning("drawing formulas failed, their sources stay: %r", error)
        for key in batch:
            self._waiting.pop(key, None)
        if self._queue:
            self._timer.start()

    def _remember(self, key: Key, value: Picture | str) -> None:
        cost = self._cost(key, value)
        if cost > CACHE_BYTES // 4:
            return
        old = self._done.pop(key, None)
        if old is not None:
            self._bytes -= self._cost(key, old)
        self._done[key] = value
        self._bytes += cost
        while self._bytes > CACHE_BYTES and len(self._done) > 1:
            old_key, old_value = self._done.popitem(last=False)
            self._bytes -= self._cost(old_key, old_value)

    @staticmethod
    def _cost(key: Key, value: Picture | str) -> int:
        body = value.image.sizeInBytes() if isinstance(value, Picture) else len(value)
        return body + len(key[0]) + 100

    def pending(self) -> int:
        """Formulas waiting to be drawn or being drawn."""
        return len(self._queue) + len(self._waiting)


def align_inline(html: str) -> str:
    """render/'s HTML with its inline formula images set to sit on the line (see _pads)."""
    if FORMULA_SCHEME not in html:
        return html
    return _INLINE_IMG.sub(lambda m: m.group(0) + _INLINE_STYLE, html)


def formulas_of(doc: QTextDocument) -> list[str]:
    """The TeX list a document's formula images name (none for a plain document)."""
    return doc.formulas if isinstance(doc, FormulaDocument) else []
