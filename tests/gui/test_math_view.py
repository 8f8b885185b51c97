"""Issue 15, math in the window: formulas in answers are drawn as images, off the GUI thread,
in the theme's text colour, sitting on the line; their TeX shows until they are drawn, stays
when math is turned off, and is what Copy gives."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QTextBrowser

from nebula_desktop.render import math as formula_math
from nebula_desktop.render import render_markdown
from nebula_desktop.store import Message
from nebula_desktop.ui.messages.documents import build_document, localize_html
from nebula_desktop.ui.messages.formulas import (
    FormulaDocument,
    FormulaImages,
    FormulaLook,
    Picture,
)
from nebula_desktop.ui.messages.layout import DARK_COLORS, LIGHT_COLORS
from nebula_desktop.ui.messages.view import MessageView
from tests.gui.helpers import IDLE_TIMEOUT_MS, show_widget, wait_for

QUADRATIC = r"x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}"
SUM = r"\sum_{i=1}^{n} i^2 = \frac{n(n+1)(2n+1)}{6}"
CASES = r"f(x) = \begin{cases} x & x \ge 0 \\ -x & x < 0 \end{cases}"
ANSWER = (
    f"The roots are ${QUADRATIC}$ when $a \\ne 0$.\n\n"
    f"$${SUM}$$\n\n"
    f"A piecewise function:\n\n$${CASES}$$\n\n"
    "It costs $3 and $5 at the shop.\n\n"
    '```python\nprice = "$x$"\n```\n'
)


@pytest.fixture
def view(qtbot: Any) -> MessageView:
    formula_math.clear_cache()
    return show_widget(qtbot, MessageView(), 800, 700)


@pytest.fixture
def drawn_on(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(TeX, thread name) of every formula drawn."""
    calls: list[tuple[str, str]] = []
    real = formula_math.render_formula_info

    def recording(tex: str, *args: Any, **kwargs: Any) -> formula_math.Formula:
        calls.append((tex, threading.current_thread().name))
        return real(tex, *args, **kwargs)

    monkeypatch.setattr(formula_math, "render_formula_info", recording)
    return calls


def _body(view: MessageView, msg: Message) -> Any:
    row = view.message_model.row_of(msg.id)
    body = view.message_delegate.layout(msg, row, 0).body_doc
    assert body is not None
    return body


def _drawn(view: MessageView, qtbot: Any) -> None:
    """Wait until every formula asked for is drawn and its row laid out again."""
    delegate = view.message_delegate
    wait_for(
        qtbot,
        delegate.document_ready,
        lambda: delegate.formula_images.pending() == 0,
        IDLE_TIMEOUT_MS,
    )
    view.grab()


def _pictures(doc: FormulaDocument) -> dict[str, Picture]:
    return {name: shown[1] for name, shown in doc.pictures.items()}


def _only_picture(view: MessageView, qtbot: Any, answer: Message) -> Picture:
    """Show ``answer`` alone, wait until it is drawn: the picture of its one formula."""
    view.set_messages([answer])
    _drawn(view, qtbot)
    doc = _body(view, answer).doc
    assert isinstance(doc, FormulaDocument)
    (picture,) = _pictures(doc).values()
    return picture


def _row_image(view: MessageView, msg: Message) -> QImage:
    index = view.message_model.index(view.message_model.row_of(msg.id), 0)
    return view.viewport().grab(view.visualRect(index)).toImage()


def _differing(a: QImage, b: QImage) -> float:
    """Share of pixels that differ clearly between two images (compared on the smaller one)."""
    width, height = min(a.width(), b.width()), min(a.height(), b.height())
    differ = 0
    for y in range(0, height, 2):
        for x in range(0, width, 2):
            pa, pb = a.pixelColor(x, y), b.pixelColor(x, y)
            if abs(pa.lightness() - pb.lightness()) > 40:
                differ += 1
    return differ / max(1, (width // 2) * (height // 2))


def test_formulas_become_images_drawn_off_the_gui_thread(
    qtbot: Any, view: MessageView, drawn_on: list[tuple[str, str]]
) -> None:
    answer = Message(role="assistant", model="m", content=ANSWER)
    view.set_messages([Message(role="user", content="formulas please"), answer])
    _drawn(view, qtbot)
    doc = _body(view, answer).doc
    assert isinstance(doc, FormulaDocument)
    # Every formula of the answer (the currency and the code block's $x$ are none) is drawn.
    assert doc.formulas == [QUADRATIC, r"a \ne 0", SUM, CASES]
    pictures = _pictures(doc)
    assert sorted(pictures) == [
        "nebula-formula:0",
        "nebula-formula:1",
        "nebula-formula:2?display",
        "nebula-formula:3?display",
    ]
    assert all(not pic.image.text("source") for pic in pictures.values())  # no stand-in left
    # Drawn by the runner's "renders" thread, never by the GUI thread.
    assert {tex for tex, _ in drawn_on} == set(doc.formulas)
    gui = threading.main_thread().name
    assert all(thread != gui for _, thread in drawn_on), drawn_on
    # What the row shows is not the TeX any more.
    text = doc.toPlainText()
    assert "\\frac" not in text and "$$" not in text and "$3 and $5" in text
    drawn = _row_image(view, answer)
    view.set_render_math(False)
    view.grab()
    assert _differing(drawn, _row_image(view, answer)) > 0.01


def test_source_shows_until_the_formula_is_drawn(qtbot: Any, view: MessageView) -> None:
    held: list[tuple[Any, tuple[Any, ...], Any]] = []

    class HeldQueue:
        def serial(self, name: str) -> HeldQueue:
            assert name == "renders"
            return self

        def run(self, fn: Any, *args: Any, on_done: Any, **_kw: Any) -> None:
            held.append((fn, args, on_done))

    view.message_delegate.formula_images.runner = HeldQueue()  # type: ignore[assignment]
    answer = Message(role="assistant", model="m", content=f"So ${QUADRATIC}$ it is.")
    view.set_messages([answer])
    view.grab()
    qtbot.waitUntil(lambda: bool(held))
    doc = _body(view, answer).doc
    assert isinstance(doc, FormulaDocument)
    (stand_in,) = _pictures(doc).values()
    assert stand_in.image.text("source") == f"${QUADRATIC}$"  # the TeX as written, meanwhile
    before = _row_image(view, answer)
    fn, args, on_done = held.pop()
    with qtbot.waitSignal(view.message_delegate.document_ready) as ready:
        on_done(fn(*args))
    assert ready.args == [answer.id]
    view.grab()
    (picture,) = _pictures(doc).values()
    assert not picture.image.text("source")
    assert picture.width < stand_in.width  # drawn math is narrower than its TeX
    assert _differing(before, _row_image(view, answer)) > 0.005


def test_render_math_off_shows_the_tex_exactly_as_before(
    qtbot: Any, view: MessageView, drawn_on: list[tuple[str, str]]
) -> None:
    view.set_render_math(False)
    answer = Message(role="assistant", model="m", content=ANSWER)
    view.set_messages([answer])
    view.grab()
    entry = _body(view, answer)
    assert not isinstance(entry.doc, FormulaDocument)
    assert entry.html == localize_html(render_markdown(ANSWER).html)
    assert f"${QUADRATIC}$" in entry.doc.toPlainText()
    assert drawn_on == []
    # And on again: the same message is drawn.
    view.set_render_math(True)
    _drawn(view, qtbot)
    assert "\\frac" not in _body(view, answer).doc.toPlainText()


def test_copy_gives_the_tex_source(qtbot: Any, view: MessageView) -> None:
    answer = Message(role="assistant", model="m", content=ANSWER)
    view.set_messages([answer])
    _drawn(view, qtbot)
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text()
    assert f"The roots are ${QUADRATIC}$ when $a \\ne 0$." in copied
    assert f"$${SUM}$$" in copied and f"$${CASES}$$" in copied
    assert "\ufffc" not in copied
    html = QGuiApplication.clipboard().mimeData().html()
    assert "nebula-formula" not in html and "\\frac{-b" in html
    # Selecting across a formula in the text selector copies its source too.
    index = view.model().index(0, 0)
    body = view.message_delegate.body_rect(index, view.visualRect(index))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=body.topLeft() + QPoint(5, 5))
    editor = view.indexWidget(index)
    assert isinstance(editor, QTextBrowser)
    editor.selectAll()
    editor.copy()
    selected = QGuiApplication.clipboard().text()
    assert f"${QUADRATIC}$" in selected and f"$${SUM}$$" in selected
    assert "\ufffc" not in selected


def _ink_colours(image: QImage) -> set[tuple[int, int, int]]:
    colours = set()
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() > 230:
                colours.add((pixel.red(), pixel.green(), pixel.blue()))
    return colours


@pytest.mark.parametrize("dark", [False, True])
def test_formulas_take_the_themes_text_colour(qtbot: Any, view: MessageView, dark: bool) -> None:
    view.set_dark(dark)
    answer = Message(role="assistant", model="m", content=f"Here ${QUADRATIC}$ is.")
    picture = _only_picture(view, qtbot, answer)
    want = QColor((DARK_COLORS if dark else LIGHT_COLORS).text)
    colours = _ink_colours(picture.image)
    assert len(colours) >= 1
    for r, g, b in colours:
        assert abs(r - want.red()) + abs(g - want.green()) + abs(b - want.blue()) <= 12


def test_streaming_draws_each_formula_once_and_only_when_closed(
    qtbot: Any, view: MessageView, drawn_on: list[tuple[str, str]]
) -> None:
    delegate = view.message_delegate
    answer = Message(role="assistant", model="m", content="", complete=False)
    view.set_messages([Message(role="user", content="go"), answer])
    view.set_streaming(answer.id)
    text = ANSWER + f"\n\nAnd again ${QUADRATIC}$, inline, then $y^2$ too.\n"
    cut = text.index(r"\sqrt") + 3  # the first formula is half there
    view.stream_append(answer.id, "content", text[:cut])
    view.flush_stream()
    view.grab()
    shown = _body(view, answer).doc.toPlainText()
    assert text[text.index("$x") : cut] in shown  # unfinished: its source, as written
    assert shown.endswith("\\sq")
    for start in range(cut, len(text), 7):
        view.stream_append(answer.id, "content", text[start : start + 7])
        view.flush_stream()
        view.grab()
        qtbot.waitUntil(lambda: not _body(view, answer).behind)
    _drawn(view, qtbot)
    answer.complete = True
    view.set_streaming(None)  # the finished answer is rendered once more, in full
    view.grab()
    _drawn(view, qtbot)
    doc = _body(view, answer).doc
    assert isinstance(doc, FormulaDocument) and "\\frac" not in doc.toPlainText()
    counts = Counter(tex for tex, _ in drawn_on)
    assert set(counts) == {QUADRATIC, r"a \ne 0", SUM, CASES, "y^2"}
    assert max(counts.values()) == 1, counts  # never again per chunk, nor for the final render
    assert delegate.formula_images.asked == 5


def test_streaming_answer_shows_sources_until_the_stream_pauses_then_draws_each_once(
    qtbot: Any, view: MessageView, drawn_on: list[tuple[str, str]]
) -> None:
    # Drawing a formula holds the interpreter for milliseconds: not while chunks keep coming.
    images = view.message_delegate.formula_images
    images.quiet_ms = 60_000  # the chunks below come much faster than this
    answer = Message(role="assistant", model="m", content="", complete=False)
    view.set_messages([Message(role="user", content="go"), answer])
    view.set_streaming(answer.id)
    for start in range(0, len(ANSWER), 9):
        view.stream_append(answer.id, "content", ANSWER[start : start + 9])
        view.flush_stream()
        view.grab()
        qtbot.waitUntil(lambda: not _body(view, answer).behind)
    qtbot.wait(50)  # let anything queued run
    assert drawn_on == []
    sources = [p.image.text("source") for p in _pictures(_body(view, answer).doc).values()]
    assert f"${QUADRATIC}$" in sources and f"$${SUM}$$" in sources
    images.quiet_ms = 30
    view.stream_append(answer.id, "content", " More.")  # then the stream pauses
    view.flush_stream()
    view.grab()
    _drawn(view, qtbot)
    assert sorted(tex for tex, _ in drawn_on) == sorted([QUADRATIC, r"a \ne 0", SUM, CASES])
    assert all(not p.image.text("source") for p in _pictures(_body(view, answer).doc).values())
    answer.complete = True
    view.set_streaming(None)
    view.grab()
    _drawn(view, qtbot)
    assert len(drawn_on) == 4  # the finished answer reuses the drawings


def test_formula_that_cannot_be_drawn_shows_its_source_in_code_style(
    qtbot: Any, view: MessageView
) -> None:
    # The TeX is fine, but the math font has no Chinese: it is refused while drawing.
    answer = Message(role="assistant", model="m", content=r"Speed $v = \text{速度}$ here.")
    picture = _only_picture(view, qtbot, answer)
    assert picture.image.text("source") == r"$v = \text{速度}$"
    code_bg = QColor("#eff1f3")  # the light theme's inline-code background
    corner = picture.image.pixelColor(1, 1)
    assert abs(corner.red() - code_bg.red()) + abs(corner.blue() - code_bg.blue()) <= 6


def _glyph_bottoms(image: QImage) -> list[int]:
    """The lowest inked row of each run of inked columns (left to right)."""
    bottoms: list[int] = []
    inside = False
    for x in range(image.width()):
        rows = [y for y in range(image.height()) if image.pixelColor(x, y).lightness() < 128]
        if rows and not inside:
            bottoms.append(rows[-1])
        elif rows:
            bottoms[-1] = max(bottoms[-1], rows[-1])
        inside = bool(rows)
    return bottoms


@pytest.mark.parametrize(("points", "ratio"), [(9, 1.0), (14, 1.0), (14, 2.0), (20, 1.0)])
def test_inline_formula_sits_on_the_text_baseline_and_is_crisp_on_hidpi(
    qtbot: Any, points: int, ratio: float
) -> None:
    font = QFont("DejaVu Sans")
    font.setPointSize(points)
    images = FormulaImages()
    look = FormulaLook.of(font, QColor("#000000"), ratio, False)
    entry = build_document(render_markdown("x $x$ x", math=True), font, look, images, "m")
    doc = entry.doc
    assert isinstance(doc, FormulaDocument)
    doc.setTextWidth(400)
    doc.size()  # laid out: the formula is asked for
    qtbot.waitUntil(lambda: images.pending() == 0, timeout=IDLE_TIMEOUT_MS)
    (picture,) = _pictures(doc).values()
    assert picture.image.devicePixelRatio() == ratio  # drawn at the screen's pixels
    assert abs(picture.image.width() - picture.width * ratio) < 1
    canvas = QImage(
        int(400 * ratio), int((doc.size().height() + 4) * ratio), QImage.Format.Format_ARGB32
    )
    canvas.setDevicePixelRatio(ratio)
    canvas.fill(QColor("white"))
    painter = QPainter(canvas)
    doc.drawContents(painter)
    painter.end()
    text_x, formula_x, text_x_again = _glyph_bottoms(canvas)
    assert text_x == text_x_again
    assert abs(formula_x - text_x) <= 1.0 * ratio  # on the baseline, not above it


def test_the_formula_handler_numbers_are_qts() -> None:
    # formulas.py names two Qt enum values as numbers (so starting the app does not build the
    # text-format types): they must stay Qt's, or no formula would be drawn or aligned.
    from PySide6.QtGui import QTextCharFormat, QTextFormat

    from nebula_desktop.ui.messages import formulas

    assert QTextFormat.ObjectTypes.ImageObject.value == formulas.IMAGE_OBJECT
    assert QTextCharFormat.VerticalAlignment.AlignMiddle.value == formulas.ALIGN_MIDDLE
    # The two properties a formula's size and drawing read (each paint, each shown formula).
    assert QTextFormat.Property.ImageName.value == formulas.NAME_PROPERTY
    assert QTextFormat.Property.TextVerticalAlignment.value == formulas.ALIGN_PROPERTY
