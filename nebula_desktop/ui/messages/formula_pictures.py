"""Formula pictures: one formula drawn onto an image (:func:`draw_formulas`, on the runner's
"renders" queue, never the GUI thread), or its TeX source written on one while it is drawn or
when it cannot be (:func:`source_picture`), in a document's :class:`FormulaLook`.

Pictures know where their baseline is (``depth``), so ``formulas.FormulaObject`` can sit an
inline formula on the line's baseline.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from PySide6 import QtGui
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontInfo, QFontMetrics, QFontMetricsF, QPainter

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class Picture:
    """A formula drawn (or its source written) on an image, and where its baseline is."""

    image: QtGui.QImage  # device pixel ratio set: width x height logical pixels
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
        image = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
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
        mono = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(font.pointSizeF() if font.pointSizeF() > 0 else 10.0)
        font = mono
    fm = QFontMetricsF(font)
    text = fm.elidedText(source, Qt.TextElideMode.ElideMiddle, SOURCE_MAX_PX)
    pad = 3.0 if code else 0.0
    width = fm.horizontalAdvance(text) + 2 * pad
    height = fm.ascent() + fm.descent()
    dpr = look.dpr
    image = QtGui.QImage(
        max(1, math.ceil(width * dpr)),
        max(1, math.ceil(height * dpr)),
        QtGui.QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.fill(Qt.GlobalColor.transparent)
    image.setDevicePixelRatio(dpr)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    if code:
        from nebula_desktop.render.highlight import palette  # (the highlighter: on use)

        painter.fillRect(QRectF(0, 0, width, height), QColor(palette(look.dark).inline_code_bg))
    painter.setFont(font)
    painter.setPen(QColor(look.color))
    painter.drawText(QPointF(pad, fm.ascent()), text)
    painter.end()
    image.setText("source", source)  # what it stands for (tests, accessibility tools)
    return Picture(image, width, height, fm.descent())
