"""Formula images in message documents: the ``nebula-formula:N`` images of render/'s HTML, drawn
off the GUI thread and shown as their TeX source until they land.

A :class:`FormulaDocument` lays out and draws its images itself (:class:`FormulaObject`, the
document's handler for images), asking :class:`FormulaImages` for each the first time Qt lays
it out. A drawing already made (same TeX, mode, colour, size, pixel ratio) is handed over at
once; otherwise the formula's source stands in, and the drawing is queued on the runner's
serial "renders" queue: ``render_formula_info`` (Qt-free) and QtSvg painting the SVG onto a
QImage both run there, never on the GUI thread. When a batch lands, each waiting document gets
its pictures and is laid out again, and ``drawn(owner)`` asks for its row to be measured and
painted again. A formula that cannot be drawn keeps showing its source, in code style.

An inline formula sits with its own baseline on the line's (its depth below it); display math
is centred on a line of its own (render/ puts it in a centred paragraph). Copy turns each
image back into its TeX (:func:`document_text`, :func:`document_html`).
"""

from __future__ import annotations

import logging
import math
import re
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from html import escape, unescape
from typing import Any

from PySide6.QtCore import QObject, QPointF, QRect, QRectF, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontInfo,
    QFontMetrics,
    QFontMetricsF,
    QImage,
    QPainter,
    QPyTextObject,
    QTextCharFormat,
    QTextDocument,
    QTextFormat,
)

from nebula_desktop.render.highlight import palette
from nebula_desktop.render.markdown import FORMULA_SCHEME
from nebula_desktop.ui.common.runner import Runner, default_runner

log = logging.getLogger(__name__)

_NAME = re.compile(FORMULA_SCHEME + r":(\d+)(\?display)?")
# render/'s own images (alt carries the TeX) and the ones Qt writes back in a selection's HTML.
_IMG_TAG = re.compile(r'<img[^>]*?src="' + FORMULA_SCHEME + r':(\d+)(\?display)?"[^>]*>')
# Inline formulas are laid out "middle": Qt then keeps room below the baseline (see _pads).
_INLINE_IMG = re.compile(r'<img src="' + FORMULA_SCHEME + r':\d+" ')
_INLINE_STYLE = 'style="vertical-align:middle" '

BATCH = 8  # formulas per job: the first ones show before a long answer's last is drawn
CACHE_BYTES = 48 * 1024 * 1024
MAX_PIXELS = 8_000_000  # one drawing's pixels (32 MB); a bigger one shows its source
MATH_X_HEIGHT = 0.48  # STIX Two Math's x-height, in em
SOURCE_MAX_PX = 600.0  # the source standing in for a formula is cut in the middle past this

# (tex, display, colour, size px, half x-height px, device pixel ratio)
Key = tuple[str, bool, str, float, float, float]


@dataclass(frozen=True)
class FormulaLook:
    """How one document draws its formulas: the text's colour and font, the screen's ratio."""

    color: str  # #rrggbb
    size_px: float
    half_x: float  # half the font's x-height: where Qt centres an inline image
    dpr: float
    dark: bool

    @classmethod
    def of(cls, font: QFont, color: QColor, dpr: float, dark: bool) -> FormulaLook:
        """The look of a document in ``font`` and ``color`` on a screen of ratio ``dpr``.

        The math font's letters are as tall as the text's: at the same pixel size STIX Two's
        x-height is smaller than that of most interface fonts (DejaVu Sans: a fifth), which
        makes formulas look a size too small beside the words (KaTeX scales by 1.21 for this).
        """
        size = float(QFontInfo(font).pixelSize()) or 16.0
        x_height = QFontMetricsF(font).xHeight()
        scale = min(max(x_height / (MATH_X_HEIGHT * size), 1.0), 1.3)
        half_x = QFontMetrics(font).xHeight() / 2.0  # what Qt uses for vertical-align: middle
        return cls(color.name(), round(size * scale, 2), half_x, dpr or 1.0, dark)


def _pads(height: float, depth: float, half_x: float) -> tuple[float, float]:
    """(top, bottom) room to add around a drawing so the line keeps space for all of it.

    Qt reserves (H + half_x) / 2 above the baseline and (H - half_x) / 2 below it for an
    object of height H with ``vertical-align: middle``; the drawing needs ``height - depth``
    above and ``depth`` below.
    """
    diff = height - half_x - 2.0 * depth  # bottom - top
    return max(-diff, 0.0), max(diff, 0.0)


@dataclass(frozen=True)
class Picture:
    """A formula drawn (or its source written) on an image, and where its baseline is."""

    image: QImage  # device pixel ratio set: width x height logical pixels
    width: float
    height: float
    depth: float  # below the baseline, in logical pixels


def draw_formulas(keys: list[Key]) -> list[tuple[Key, Picture | None, str]]:
    """Draw each formula onto an image (runs on the renders queue, never the GUI thread).

    Returns (key, picture, "") or (key, None, why) for one that cannot be drawn.
    """
    from PySide6.QtCore import QByteArray
    from PySide6.QtSvg import QSvgRenderer  # loaded with the first formula, not at start-up

    from nebula_desktop.render import math as formula_math

    out: list[tuple[Key, Picture | None, str]] = []
    for key in keys:
        tex, display, color, size_px, _half_x, dpr = key
        try:
            drawn = formula_math.render_formula_info(tex, display, color, size_px)
        except formula_math.FormulaError as exc:
            out.append((key, None, str(exc)))
            continue
        except Exception as exc:  # the library missing or failing: the source stays
            log.warning("drawing a formula failed: %r", exc)
            out.append((key, None, "The formula could not be drawn."))
            continue
        width = max(1, math.ceil(drawn.width * dpr))
        height = max(1, math.ceil(drawn.height * dpr))
        if width * height > MAX_PIXELS:
            out.append((key, None, "The formula is too large to draw."))
            continue
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        QSvgRenderer(QByteArray(drawn.svg)).render(
            painter, QRectF(0, 0, drawn.width * dpr, drawn.height * dpr)
        )
        painter.end()
        image.setDevicePixelRatio(dpr)
        # The image is rounded up to whole pixels at the bottom: that is below the baseline.
        depth = drawn.depth + height / dpr - drawn.height
        out.append((key, Picture(image, width / dpr, height / dpr, depth), ""))
    return out


def source_of(tex: str, display: bool) -> str:
    """A formula's TeX with its delimiters, as Copy gives it and as it shows until drawn."""
    return f"$${tex}$$" if display else f"${tex}$"


def source_picture(source: str, font: QFont, look: FormulaLook, code: bool) -> Picture:
    """``source`` written as text on the line (GUI thread, cheap): the stand-in for a formula
    being drawn, or in code style (monospace, on the inline-code background) for one that
    cannot be."""
    if code:
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(font.pointSizeF() if font.pointSizeF() > 0 else 10.0)
        font = mono
    fm = QFontMetricsF(font)
    text = fm.elidedText(source, Qt.TextElideMode.ElideMiddle, SOURCE_MAX_PX)
    pad = 3.0 if code else 0.0
    width = fm.horizontalAdvance(text) + 2 * pad
    height = fm.ascent() + fm.descent()
    dpr = look.dpr
    image = QImage(
        max(1, math.ceil(width * dpr)),
        max(1, math.ceil(height * dpr)),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.fill(Qt.GlobalColor.transparent)
    image.setDevicePixelRatio(dpr)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    if code:
        painter.fillRect(QRectF(0, 0, width, height), QColor(palette(look.dark).inline_code_bg))
    painter.setFont(font)
    painter.setPen(QColor(look.color))
    painter.drawText(QPointF(pad, fm.ascent()), text)
    painter.end()
    image.setText("source", source)  # what it stands for (tests, accessibility tools)
    return Picture(image, width, height, fm.descent())


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

    def _picture(self, fmt: QTextFormat) -> Picture | None:
        return self.source.picture(fmt.toImageFormat().name())

    def intrinsicSize(self, doc: QTextDocument, pos: int, fmt: QTextFormat) -> QSizeF:
        """The room a formula takes on its line."""
        pic = self._picture(fmt)
        if pic is None:
            return QSizeF(0, 0)
        char = fmt.toCharFormat()
        if char.verticalAlignment() != QTextCharFormat.VerticalAlignment.AlignMiddle:
            return QSizeF(pic.width, pic.height)  # display math: a line of its own
        top, bottom = _pads(pic.height, pic.depth, QFontMetrics(char.font()).xHeight() / 2.0)
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
        pic = self._picture(fmt)
        if pic is None:
            return
        top = rect.y()
        if fmt.toCharFormat().verticalAlignment() == QTextCharFormat.VerticalAlignment.AlignMiddle:
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
    doc.documentLayout().registerHandler(QTextFormat.ObjectTypes.ImageObject.value, handler)


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
        show_formulas(self, self)

    def key(self, name: str) -> Key | None:
        """The formula an image name stands for in this document (None: no such formula)."""
        match = _NAME.fullmatch(name)
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
        self.asked = 0  # formulas sent to be drawn (each once per look; tests check it)

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
        batch: list[Key] = []
        while self._queue and len(batch) < BATCH:
            key, _ = self._queue.popitem(last=False)
            alive = [w for w in self._waiting.get(key, []) if w[0]() is not None]
            if alive:
                self._waiting[key] = alive
                batch.append(key)
            else:
                self._waiting.pop(key, None)
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
        touched: dict[int, FormulaDocument] = {}
        for key, pic, why in results:
            found: Picture | str = pic if pic is not None else why or "-"
            self._remember(key, found)
            for ref, name in self._waiting.pop(key, []):
                doc = ref()
                shown = doc.pictures.get(name) if doc is not None else None
                if doc is None or shown is None or shown[0] != key:
                    continue  # gone, or that image names another formula by now
                doc.pictures[name] = (key, self._picture(doc, key, found))
                touched[id(doc)] = doc
        owners: list[str] = []
        for doc in touched.values():
            doc.markContentsDirty(0, doc.characterCount())  # lay out with the new sizes
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
                match = _NAME.fullmatch(fmt.toImageFormat().name())
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

    def source(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index < len(formulas):
            return escape(source_of(formulas[index], match.group(2) is not None), quote=False)
        alt = re.search(r'alt="([^"]*)"', match.group(0))
        return escape(unescape(alt.group(1)), quote=False) if alt else ""

    return _IMG_TAG.sub(source, html)
