"""Formulas in rendered answers (issue 15): what the message view is handed with math on, and
that with math off (the default, until the window resolves formula images) nothing changes."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nebula_desktop.render import StreamRenderer, cache, math_scan, math_tex, render_markdown
from nebula_desktop.render.markdown import FORMULA_SCHEME, RenderedMarkdown

QUADRATIC = r"x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}"
IMG = re.compile(r"<img ([^>]*)/>")


def imgs(r: RenderedMarkdown | str) -> list[dict[str, str]]:
    """The attributes of every <img> in the HTML (values unescaped)."""
    text = r if isinstance(r, str) else r.html
    return [
        {k: html.unescape(v) for k, v in re.findall(r'(\w+)="([^"]*)"', attrs)}
        for attrs in IMG.findall(text)
    ]


def visible(r: RenderedMarkdown) -> str:
    """The text a reader sees: tags (and their attributes) removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", r.html))


def test_formulas_lists_every_formula_in_order_failed_ones_included() -> None:
    text = rf"First ${QUADRATIC}$, then $$\sum_i i$$, a bad $\frac{{a}}{{b$ and \(\unknown x\)."
    expected = [QUADRATIC, r"\sum_i i", r"\frac{a}{b", r"\unknown x"]
    assert render_markdown(text, math=True).formulas == expected
    assert render_markdown(text).formulas == expected  # listed with math off too


def test_each_rendered_formula_is_an_image_named_by_its_position_with_its_tex_as_alt() -> None:
    text = rf"Roots: ${QUADRATIC}$ and $\alpha_1$ and \(\beta^2\)."
    r = render_markdown(text, math=True)
    assert imgs(r) == [
        {"src": f"{FORMULA_SCHEME}:0", "alt": QUADRATIC},
        {"src": f"{FORMULA_SCHEME}:1", "alt": r"\alpha_1"},
        {"src": f"{FORMULA_SCHEME}:2", "alt": r"\beta^2"},
    ]
    # No delimiter and no TeX is left for the reader: only the prose around the images.
    assert visible(r) == "Roots:  and  and ."


def test_a_formula_that_cannot_be_drawn_shows_as_code_with_its_delimiters() -> None:
    text = r"Good $a^2$, unknown $\ce{H2O}$, open $$\frac{a}{b$$."
    r = render_markdown(text, math=True)
    assert [i["src"] for i in imgs(r)] == [f"{FORMULA_SCHEME}:0"]  # positions 1, 2 failed
    codes = re.findall(r"<code[^>]*>(.*?)</code>", r.html)
    assert [html.unescape(c) for c in codes] == [r"$\ce{H2O}$", r"$$\frac{a}{b$$"]
    assert r.formulas == ["a^2", r"\ce{H2O}", r"\frac{a}{b"]


def test_display_math_is_a_centred_block_of_its_own_and_inline_math_stays_in_the_line() -> None:
    r = render_markdown("Solve\n$$x^2 = 4$$\nso $x = 2$ or $x = -2$.", math=True)
    display = f'<p align="center"><img src="{FORMULA_SCHEME}:0?display" alt="x^2 = 4" /></p>'
    assert display in r.html
    assert r.html.startswith("<p>Solve\n</p>")
    # The inline ones share a paragraph with the text after the display block.
    after = r.html.split(display, 1)[1]
    assert re.fullmatch(r"<p>\nso <img [^>]*:1\" [^>]*/> or <img [^>]*:2\" [^>]*/>\.</p>", after)
    # A display formula alone in its paragraph leaves no empty paragraph around it.
    alone = render_markdown(r"\[\int_0^1 x\,dx\]", math=True).html
    assert (
        alone
        == f'<p align="center"><img src="{FORMULA_SCHEME}:0?display" alt="\\int_0^1 x\\,dx" /></p>'
    )


def test_display_math_inside_a_list_item_or_quote_is_centred_there() -> None:
    r = render_markdown("- item\n\n  $$a+b$$\n\n> $$c$$", math=True)
    assert r.html.count('align="center"') == 2
    assert [i["src"] for i in imgs(r)] == [
        f"{FORMULA_SCHEME}:0?display",
        f"{FORMULA_SCHEME}:1?display",
    ]


def test_currency_stays_text() -> None:
    text = "It costs $3 and $5, or between $10 and $20 a month."
    r = render_markdown(text, math=True)
    assert r.formulas == [] and "<img" not in r.html
    assert visible(r) == text


def test_dollars_in_code_blocks_and_code_spans_stay_code() -> None:
    text = "```python\nprint('$x$')\n```\n\nUse `$y$` here.\n\n    indented $z$ code\n\nthen $w$."
    r = render_markdown(text, math=True)
    assert r.code_blocks == ["print('$x$')\n", "indented $z$ code\n"]
    assert "$y$" in visible(r) and "$z$" in visible(r)
    assert "'$x$'" in visible(r) or "$x$" in visible(r)
    # Only the formula in prose is an image; the one in the indented block is listed (the
    # scanner leaves indented code to the parser) but stays code.
    assert r.formulas == ["z", "w"]
    assert [i["src"] for i in imgs(r)] == [f"{FORMULA_SCHEME}:1"]


def test_underscores_and_stars_in_tex_do_not_become_emphasis() -> None:
    text = r"Here $a*b*c$ and $\mathbb{R}_+ * k_*$ and $2*x*y$ and \(u_*\) end_"
    r = render_markdown(text, math=True)
    assert "<i>" not in r.html and "<b>" not in r.html
    assert [i["alt"] for i in imgs(r)] == ["a*b*c", r"\mathbb{R}_+ * k_*", "2*x*y", "u_*"]
    # Without the protection markdown-it makes emphasis of the same text.
    assert "<i>" in render_markdown(text).html


def test_a_formula_in_a_link_address_stays_in_the_address() -> None:
    r = render_markdown(
        "[see $x$](https://example.com/a$b$c) and ![$q$](https://e.com/i.png)", math=True
    )
    assert 'href="https://example.com/a$b$c"' in r.html
    assert "[$q$: " in html.unescape(r.html)  # an image's alt text is shown as written
    # The link's own text gets its formula.
    assert imgs(r) == [{"src": f"{FORMULA_SCHEME}:0", "alt": "x"}]


CORPUS = [
    "# Title\n\nSome *text* with `code`, a [link](https://example.com) and $3 prices.",
    "- one\n- two\n\n> quoted **bold**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "```python\ndef f(x):\n    return x * 2\n```\n\nafter the code",
    "Plain text with a backslash \\ and a lone $ sign and \\$escaped dollars\\$.",
    "\ue000 private use \ue000 and 你好 🎉 ![img](https://e.com/x.png)",
    "*" * 3000 + "\n\n" + "[" * 2000,
]


@pytest.mark.parametrize("text", CORPUS)
def test_text_without_formulas_renders_byte_identically_with_math_on(text: str) -> None:
    off = render_markdown(text)
    on = render_markdown(text, math=True)
    assert on == off and on.formulas == []


def test_math_off_renders_formulas_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    text = rf"A ${QUADRATIC}$ with a_b and $$c_d * e$$.\n\n```\n$x$\n```\n"
    off = render_markdown(text)
    assert "<img" not in off.html and f"${QUADRATIC}$" in visible(off)
    # The output is what the renderer gives when it knows nothing of formulas.
    monkeypatch.setattr(math_scan, "find_formulas", lambda text: [])
    assert render_markdown(text).html == off.html


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("$\\()[]{}_*`<>\"'&!| \n\ue000\ue0010123ax"))
        | st.sampled_from(["<img src=", "nebula-formula:", "\\frac", "$$", "```\n", "](", "%"])
    ).map("".join)
)
def test_the_only_images_are_our_formulas(text: str) -> None:
    r = render_markdown(text, math=True)
    for attrs in imgs(r):
        assert set(attrs) == {"src", "alt"}
        index = re.fullmatch(rf"{FORMULA_SCHEME}:(\d+)(\?display)?", attrs["src"])
        assert index is not None
        assert attrs["alt"] == r.formulas[int(index.group(1))]
    assert r.html.count("<img") == len(imgs(r))


def test_a_model_writing_our_image_gets_escaped_text() -> None:
    text = '<img src="nebula-formula:0"> and ![x](nebula-formula:0) and \ue0000\ue000 and $a$'
    r = render_markdown(text, math=True)
    assert imgs(r) == [{"src": f"{FORMULA_SCHEME}:0", "alt": "a"}]
    assert '&lt;img src="nebula-formula:0"&gt;' in r.html
    assert "\ue0000\ue000" in visible(r)  # private-use text is kept, never taken for a formula


def test_alt_is_attribute_escaped() -> None:
    tex = r'a < b \text{"x" & y}'
    r = render_markdown(f"${tex}$ and $c > d$", math=True)
    assert 'alt="a &lt; b \\text{&quot;x&quot; &amp; y}"' in r.html or "<code" in r.html
    for attrs in IMG.findall(r.html):
        assert "<" not in attrs and '"x"' not in attrs
    assert [i["alt"] for i in imgs(r)][-1] == "c > d"


def test_the_cache_keeps_math_on_and_off_apart_and_its_version_was_bumped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEBULA_RENDER_CACHE", raising=False)
    assert cache.RENDER_VERSION >= 2  # version 1 never wrote formulas
    text = rf"Root ${QUADRATIC}$."
    assert cache.cache_key(text, False, True) != cache.cache_key(text, False, False)
    store = cache.enable(tmp_path)
    try:
        on, off = render_markdown(text, math=True), render_markdown(text)
        assert store is not None and store.flush()
        cache.disable()
        store = cache.enable(tmp_path)  # a new session, served from disk
        assert render_markdown(text, math=True) == on and "<img" in on.html
        assert render_markdown(text) == off and "<img" not in off.html
        assert on.formulas == off.formulas == [QUADRATIC]
    finally:
        cache.disable()


def test_streaming_shows_an_unfinished_formula_as_source_until_it_closes() -> None:
    renderer = StreamRenderer(dark=False, math=True)
    upd = renderer.update("The answer is $x^2 + ")
    assert "<img" not in upd.tail_html and "$x^2 +" in html.unescape(upd.tail_html)
    upd = renderer.update("The answer is $x^2 + 1$ and")
    assert imgs(upd.tail_html) == [{"src": f"{FORMULA_SCHEME}:0", "alt": "x^2 + 1"}]
    assert upd.formulas == ["x^2 + 1"]


def test_streamed_formula_positions_continue_across_completed_blocks() -> None:
    text = "First $a$ and $$b$$\n\nSecond $c$\n\nThird $d$ so"
    renderer = StreamRenderer(dark=False, math=True)
    upd = renderer.update(text)
    assert upd.formulas == ["a", "b", "c", "d"]
    shown = renderer.full_html(upd.tail_html)
    srcs = [i["src"] for i in imgs(shown)]
    assert srcs == [f"{FORMULA_SCHEME}:{s}" for s in ("0", "1?display", "2", "3")]
    assert shown == render_markdown(text, math=True).html


def test_streaming_does_not_check_completed_formulas_again(monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    real = math_tex.check_tex

    def counting(tex: str) -> None:
        checked.append(tex)
        real(tex)

    monkeypatch.setattr(math_tex, "check_tex", counting)
    renderer = StreamRenderer(dark=False, math=True)
    done = "".join(f"Block {i}: $x_{{{i}}}$ and $y_{{{i}}}$.\n\n" for i in range(50))
    renderer.update(done)
    assert len(checked) == 100
    checked.clear()
    for end in range(1, 40):  # the tail grows a character at a time
        renderer.update(done + "Tail $z$ and more words"[:end])
    # Block 49 was the unfinished tail: it is checked once more when it completes. The 49
    # blocks before it never again, however many flushes follow.
    assert sorted(set(checked)) == ["x_{49}", "y_{49}", "z"]
    assert checked.count("x_{49}") == 1


def test_math_off_streams_exactly_as_before() -> None:
    text = rf"A ${QUADRATIC}$ and $$b_1$$\n\nmore $c$"
    on, off = StreamRenderer(False, math=True), StreamRenderer(False)
    assert "<img" in on.full_html(on.update(text).tail_html)
    upd = off.update(text)
    assert "<img" not in off.full_html(upd.tail_html)
    assert upd.formulas == [QUADRATIC, "b_1", "c"]
