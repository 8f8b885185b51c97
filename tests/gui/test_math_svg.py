"""A drawn formula's SVG as Qt shows it: QtSvg draws every glyph, in its colour, crisp at 2x."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from nebula_desktop.render.math import render_formula_info

FORMULA = r"x = \frac{-b \pm \sqrt{b^2-4ac}}{2a} + \sum_{i=1}^{n} \alpha_i"


def _paint(svg: bytes, width: float, height: float, ratio: float) -> QImage:
    """The SVG drawn the way a view does at a device pixel ratio: scaled as a vector."""
    renderer = QSvgRenderer(QByteArray(svg))
    assert renderer.isValid()
    image = QImage(round(width * ratio), round(height * ratio), QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    return image


def _ink(image: QImage) -> tuple[float, int, set[tuple[int, int, int]]]:
    """Coverage (the sum of alpha, in pixels), the nearly opaque pixels, and their colours."""
    coverage, opaque, colours = 0.0, 0, set()
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            coverage += pixel.alphaF()
            if pixel.alpha() > 200:
                opaque += 1
                colours.add((pixel.red(), pixel.green(), pixel.blue()))
    return coverage, opaque, colours


@pytest.mark.parametrize("colour", ["#cc2200", "#e6e6e6"])
def test_qtsvg_draws_the_formula_in_its_colour_at_any_pixel_ratio(
    qapp: QApplication, colour: str
) -> None:
    formula = render_formula_info(FORMULA, display=True, color=colour, size_px=16)
    renderer = QSvgRenderer(QByteArray(formula.svg))
    assert renderer.isValid()
    assert renderer.defaultSize().width() == int(formula.width)
    once, twice = (_paint(formula.svg, formula.width, formula.height, r) for r in (1.0, 2.0))
    cover_once, opaque_once, colours_once = _ink(once)
    cover_twice, opaque_twice, colours_twice = _ink(twice)
    # Every glyph is drawn: ~7% of the box is ink. QtSvg cannot draw ziamath's SVG 2 form
    # (<symbol> + <use href>): only the rules show, under 2%.
    assert cover_once > 0.04 * once.width() * once.height()
    # At 2x the ink covers four times the area, and more of it is solid: the glyphs are drawn
    # again from their outlines, not an upscaled bitmap (that would blur, not sharpen).
    assert 3.7 < cover_twice / cover_once < 4.3
    assert opaque_twice / opaque_once > 4.3
    want = QColor(colour)
    for colours in (colours_once, colours_twice):
        assert all(
            abs(r - want.red()) + abs(g - want.green()) + abs(b - want.blue()) <= 12
            for r, g, b in colours
        )
