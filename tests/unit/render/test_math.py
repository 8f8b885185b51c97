"""Formulas drawn as SVG: faithful or refused with a sentence, in the theme's colour, bounded."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from nebula_desktop.render import math as m
from nebula_desktop.render.math import (
    MAX_CHARS,
    Formula,
    FormulaError,
    render_formula,
    render_formula_info,
)

SVG = "{http://www.w3.org/2000/svg}"
QUADRATIC = r"x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}"


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    m.clear_cache()
    yield
    m.clear_cache()


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts ziamath's layouts (each records the formula's MathML root tag)."""
    from ziamath import zmath

    calls: list[str] = []
    real = zmath.Math

    def counting(mathml: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(str(getattr(mathml, "tag", mathml)))
        return real(mathml, *args, **kwargs)

    monkeypatch.setattr(zmath, "Math", counting)
    return calls


def _paint(svg: bytes) -> set[str]:
    """Every fill and stroke the SVG paints with."""
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    return {
        value
        for element in root.iter()
        for name in ("fill", "stroke")
        if (value := element.get(name)) is not None and value != "none"
    }


def test_a_formula_is_svg_painted_only_in_the_asked_colour() -> None:
    svg = render_formula(QUADRATIC, display=True, color="#Cc2200", size_px=16)
    root = ET.fromstring(svg)
    assert float(root.get("width", "0")) > 0 and float(root.get("height", "0")) > 0
    assert len(root.get("viewBox", "").split()) == 4
    # Glyphs as paths (no <use href>, which QtSvg cannot draw), rules (fraction, root) as rects.
    assert len(root.findall(SVG + "path")) >= 10 and root.findall(SVG + "rect")
    assert root.find(SVG + "use") is None
    assert _paint(svg) == {"#cc2200"}
    assert _paint(render_formula(QUADRATIC, display=True, color="#e0e0e0")) == {"#e0e0e0"}


def test_the_font_size_sets_the_drawing_size() -> None:
    small = render_formula_info(QUADRATIC, False, size_px=16)
    large = render_formula_info(QUADRATIC, False, size_px=32)
    assert 1.9 < large.width / small.width < 2.1
    assert 1.9 < large.height / small.height < 2.1


def test_display_style_puts_limits_above_and_below() -> None:
    inline = render_formula_info(r"\sum_{i=1}^{n} i", display=False)
    display = render_formula_info(r"\sum_{i=1}^{n} i", display=True)
    assert display.height > 1.3 * inline.height
    assert display.width < inline.width  # the limits no longer sit beside the sign


def test_depth_below_the_baseline_aligns_inline_math_with_text() -> None:
    plain = render_formula_info("x", False)
    descender = render_formula_info("y", False)
    fraction = render_formula_info(r"\frac{a}{b}", False)
    root = ET.fromstring(fraction.svg)
    assert (fraction.width, fraction.height) == (
        float(root.get("width", "")),
        float(root.get("height", "")),
    )
    # The baseline is where x sits: a margin below it; y's tail and a denominator go lower.
    assert 0 < plain.depth < 2
    assert descender.depth > plain.depth + 2
    assert fraction.depth > descender.depth
    assert fraction.height > fraction.depth


COVERAGE = [
    r"\frac{a+b}{c}",
    r"\sqrt{b^2-4ac} + \sqrt[3]{x}",
    r"\sum_{i=1}^{n} i^2",
    r"\int_0^{\infty} e^{-x^2}\,dx",
    r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
    r"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}",
    r"\begin{aligned} a &= b + c \\ &= d \end{aligned}",
    r"f(x) = \begin{cases} x & x \ge 0 \\ -x & x < 0 \end{cases}",
    r"\alpha + \beta = \Gamma \cdot \omega",
    r"\hat{x} + \vec{v} + \bar{y} + \tilde{n}",
    r"x = 1 \text{ if } y > 0",
    r"x \in \mathbb{R}",
    r"\operatorname{sgn}(x)",
    r"\left( \frac{a}{b} \right)",
    r"x_i^2 + y_{i+1}^{n-1}",
    r"a \cdot \infty + \partial_x f + \nabla g",
    r"\lim_{x \to 0} \frac{\sin x}{x} = 1",
    r"\binom{n}{k} = {n \choose k}",
    r"\binom{n}{k_{1}} + \binom{2n}{\frac{n}{2}}",  # ziamath's own rewrite broke these
    r"\left\langle \psi \middle| \phi \right\rangle",
    r"\overbrace{a+b}^{n} \le \underbrace{c}_{m}",
    r"\begin{array}{cc} a & b \\ c & d \end{array}",
    r"\begin{smallmatrix} a & b \end{smallmatrix} \begin{vmatrix} a \end{vmatrix}",
    r"\begin{Vmatrix} a \end{Vmatrix} \begin{split} a &= b \end{split}",
    r"\begin{gathered} a \\ b \end{gathered}",
    r"\mathcal{L} \mathfrak{g} \mathbf{x} \boldsymbol{\alpha}",
    r"\boxed{x} \cancel{y} \not= A \xrightarrow[a]{b} B",
    r"\big( \Big( \bigg( \Bigg( x \Bigg) \bigg) \Big) \big)",
]


@pytest.mark.parametrize("tex", COVERAGE)
def test_the_constructs_answers_use_are_drawn(tex: str) -> None:
    formula = render_formula_info(tex, display=True)
    assert formula.width > 10 and formula.height > 10


@pytest.mark.parametrize(
    ("tex", "said"),
    [
        (r"\foo{x} + 1", r"\foo"),  # ziamath would draw "\foo" in italics
        (r"\ce{H2O}", r"\ce"),
        (r"\frac{a}{b", "never closed"),
        (r"a + b}", "never opened"),
        (r"\begin{pmatrix} a \end{bmatrix}", "different"),
        (r"\begin{equation} a \end{equation}", "equation"),
        (r"\left( x", r"\right"),
        (r"x^", "nothing after it"),
        (r"\frac{a}", "missing an argument"),
        (r"a & b", "&"),
        ("", "empty"),
        ("   ", "empty"),
        (r"\text{costs \$5}", r"\text"),  # latex2mathml would show the backslash
        (r"\text{\alpha}", r"\text"),
        (r"\operatorname{arg\,max} f", r"\operatorname"),
        (r"\text{速度} = v", "速"),  # the math font has no CJK glyphs: no tofu boxes
        (r"\def\a{\a\a}\a", r"\def"),  # macros could expand without end
        (r"\color{red} x", r"\color"),  # would ignore the theme's colour
        (r"\tag{1} x", r"\tag"),
        (r"\hspace{5000em}", r"\hspace"),
        (r"a $ b", "$"),
        ("x" * (MAX_CHARS + 1), "4,000"),
    ],
)
def test_a_formula_that_cannot_be_drawn_faithfully_is_refused_with_a_sentence(
    tex: str, said: str, layouts: list[str]
) -> None:
    with pytest.raises(FormulaError) as caught:
        render_formula(tex, display=False)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert said in message and message.endswith(".") and message[0].isupper()
    assert layouts == []  # refused before ziamath laid anything out


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "tex",
    [
        "{" * 10_000 + "x" + "}" * 10_000,
        "{" * 1_999 + "x" + "}" * 1_999,
        r"\frac{" * 600 + "x" + "}{y}" * 600,
        (r"\frac{" * 1000)[:MAX_CHARS],
        r"\sqrt " * 600 + "x",
        r"\hat " * 800,
        "x^{" * 1000 + "x" + "}" * 1000,
        r"\left(" * 500 + "x" + r"\right)" * 500,
        r"\begin{pmatrix}" * 200 + "x" + r"\end{pmatrix}" * 200,
        "{" * 20 + "x" + "}" * 20,  # within the nesting cap: the work cap refuses it
    ],
)
def test_absurd_nesting_is_refused_quickly_never_with_a_recursion_error(
    tex: str, layouts: list[str]
) -> None:
    # A low ceiling on the stack: the refusal may not recurse per level of the input.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        with pytest.raises(FormulaError) as caught:
            render_formula(tex, display=True)
    finally:
        sys.setrecursionlimit(limit)
    assert "nested" in str(caught.value) or "too long" in str(caught.value)
    assert layouts == []


def _seconds(tex: str) -> float:
    m.clear_cache()
    start = time.perf_counter()
    with contextlib.suppress(FormulaError):
        render_formula(tex, display=True)
    return time.perf_counter() - start


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "tex",
    [
        "x+" * 2000,
        "a" * 4000,
        "{x}" * 1333,
        ("{" * 8 + "x" + "}" * 8) * 235,
        r"\text{" + "ab " * 1330 + "}",
        r"\quad" * 800,
        r"\begin{aligned}" + r"f(x) &= \frac{a_k}{b_k} + \sum_i x_i \\" * 80 + r"\end{aligned}",
        r"\begin{pmatrix}" + ("a&" * 1000)[: MAX_CHARS - 40] + r"a\end{pmatrix}",
        r"\alpha" * 600 + r"\frac{a}{b}" * 30,
    ],
)
def test_a_long_formula_is_refused_before_its_layout_starts(tex: str, layouts: list[str]) -> None:
    """Each would take ziamath from a quarter of a second to twenty seconds (its layout doubles
    per level of rows and is quadratic along a row): the work is counted from the MathML first."""
    assert len(tex) <= MAX_CHARS
    with pytest.raises(FormulaError, match="too large"):
        render_formula(tex, display=True)
    assert layouts == []
    quadratic = min(_seconds(QUADRATIC) for _ in range(3))
    # Refusing costs about what drawing one ordinary formula does (measured: 1-6 times); the
    # least of a few tries, as for the reference (a collection or a busy core is not the code).
    assert min(_seconds(tex) for _ in range(3)) < 20 * quadratic


def test_a_drawn_formula_is_cached_by_source_mode_colour_and_size(layouts: list[str]) -> None:
    first = render_formula(QUADRATIC, True, "#112233", 16)
    assert render_formula(QUADRATIC, True, "#112233", 16) is first
    assert len(layouts) == 1
    render_formula(QUADRATIC, False, "#112233", 16)
    render_formula(QUADRATIC, True, "#332211", 16)
    render_formula(QUADRATIC, True, "#112233", 20)
    assert len(layouts) == 4


def test_a_refusal_is_cached_too(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = m.check_tex
    monkeypatch.setattr(m, "check_tex", lambda tex: seen.append(tex) or real(tex))
    for _ in range(3):
        with pytest.raises(FormulaError, match="foo"):
            render_formula(r"\foo", False)
    assert seen == [r"\foo"]


def test_the_cache_is_bounded_by_entries_and_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(m, "CACHE_ENTRIES", 5)
    for i in range(8):
        render_formula(f"x_{i}", False)
    assert len(m._cache) == 5 and ("x_0", False, "#000000", 16.0) not in m._cache
    m.clear_cache()
    monkeypatch.setattr(m, "CACHE_ENTRIES", 1000)
    monkeypatch.setattr(m, "CACHE_BYTES", 40_000)
    for i in range(40):
        render_formula(rf"\frac{{{i}}}{{y}}", False)
    assert 0 < m._cache_bytes <= 40_000 and len(m._cache) < 40


@pytest.mark.parametrize(
    ("color", "size"), [("red", 16.0), ("#12345", 16.0), ("#000000", 0.0), ("#000000", 1e9)]
)
def test_a_bad_colour_or_size_is_the_callers_bug_not_a_bad_formula(color: str, size: float) -> None:
    with pytest.raises(ValueError) as caught:
        render_formula("x", False, color, size)
    assert not isinstance(caught.value, FormulaError)


@pytest.mark.timeout(120)
def test_formulas_drawn_from_many_threads_match_drawing_them_in_turn() -> None:
    jobs = [(tex, display) for tex in COVERAGE[:10] for display in (False, True)]
    expected = {job: render_formula(*job) for job in jobs}
    m.clear_cache()
    start = threading.Barrier(6)

    def draw_all(offset: int) -> dict[tuple[str, bool], bytes]:
        start.wait()
        order = jobs[offset:] + jobs[:offset]
        out = {}
        for job in order:
            out[job] = render_formula(*job)
            if offset % 2:
                m.clear_cache()  # some threads keep the others drawing, not just reading
        return out

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(draw_all, [0, 3, 7, 11, 13, 17]))
    for result in results:
        assert result == expected


def test_formula_is_a_plain_value() -> None:
    formula = render_formula_info("x", False)
    assert isinstance(formula, Formula) and formula.svg.startswith(b"<svg")
    with pytest.raises(AttributeError):
        formula.width = 3  # type: ignore[misc]


_CHECK_THEN_DRAW = r"""
import sys
from nebula_desktop.render import math_tex
math_tex.check_tex(r"\sum_{i=1}^{n} \alpha_i \to \tg x + \operatorname{f}(\ch y)")
print("loaded" if "ziamath" in sys.modules else "not loaded")
checked = math_tex._symbols()
import ziamath  # what the renderer declares once it is loaded, the way check_tex read it before
from latex2mathml import commands
from latex2mathml.symbols_parser import SYMBOLS
names = {key[1:] for key in SYMBOLS if key[1:].isalpha() and key[1:].isascii()}
names.update(name[1:] for name in commands.FUNCTIONS)
print("same" if names == checked else sorted(names ^ checked))
"""


def test_checking_a_formula_does_not_load_the_renderer_and_accepts_what_it_draws() -> None:
    # Opening a chat checks its formulas on the GUI thread: loading ziamath there costs ~90 ms.
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", _CHECK_THEN_DRAW],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert out == ["not", "loaded", "same"]
