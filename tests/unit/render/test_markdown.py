"""What a user sees from model Markdown, and what hostile model output can never do."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from nebula_desktop.render import StreamRenderer, clean_text, render_markdown, split_blocks


def test_code_block_is_highlighted_inline_with_label_and_copy_link() -> None:
    r = render_markdown("Intro\n\n```python\ndef f(x):\n    return x\n```\n")
    assert r.code_blocks == ["def f(x):\n    return x\n"]
    assert 'href="nebula-copy:0"' in r.html
    assert ">python<" in r.html
    # Pygments colours are inline styles: Qt's rich text cannot see CSS classes.
    assert 'style="color:' in r.html
    assert "class=" not in r.html


def test_each_code_block_gets_its_own_copy_index() -> None:
    r = render_markdown("```\na\n```\n\ntext\n\n```js\nb\n```\n")
    assert r.code_blocks == ["a\n", "b\n"]
    assert "nebula-copy:0" in r.html and "nebula-copy:1" in r.html


def test_dark_and_light_code_blocks_use_different_backgrounds() -> None:
    light = render_markdown("```\nx\n```", dark=False).html
    dark = render_markdown("```\nx\n```", dark=True).html
    assert light != dark


def test_cjk_emoji_and_tables_survive() -> None:
    r = render_markdown("你好世界 🎉\n\n| a | b |\n|:-|-:|\n| 你好 | 🎉 |\n")
    assert "你好世界 🎉" in r.html
    assert "<table" in r.html and "<th" in r.html and "<td" in r.html
    assert 'align="right"' in r.html


def test_common_markdown_becomes_qt_friendly_tags() -> None:
    r = render_markdown("# T\n\n**b** *i* ~~s~~ `c`\n\n> q\n\n- a\n- b\n\n1. x\n\n---\n")
    for tag in ("<h1 style=", "<b>b</b>", "<i>i</i>", "<s>s</s>", "<ul>", "<ol>", "<li>", "<hr"):
        assert tag in r.html


def test_script_and_raw_html_are_shown_as_text() -> None:
    r = render_markdown("<script>alert(1)</script>\n\nhi <b onclick=x>x</b> <style>p{}</style>")
    assert (
        "<script" not in r.html
        and "<style" not in r.html
        and "onclick" not in r.html.replace("&lt;b onclick=x&gt;", "")
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.html


def test_images_never_become_img_tags() -> None:
    r = render_markdown('![cat](http://evil.example/x.png) <img src="http://evil.example/y">')
    assert "<img" not in r.html
    assert "cat" in r.html


def test_only_web_and_mail_links_stay_clickable() -> None:
    md = (
        "[ok](https://example.com/a?b=1) [m](mailto:a@b.c) [f](file:///etc/passwd) "
        "[j](javascript:alert(1)) [d](data:text/html,x) [r](relative/path) <file:///etc/passwd>"
    )
    hrefs = re.findall(r'href="([^"]*)"', render_markdown(md).html)
    assert hrefs == ["https://example.com/a?b=1", "mailto:a@b.c"]


def test_bidi_overrides_and_lone_surrogates_are_neutralised() -> None:
    text = "abc\u202edcba\u2066x\u2069 \ud800 end"
    out = render_markdown(text).html
    for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        assert ch not in out
    assert "\ud800" not in out and "\ufffd" in out
    out.encode("utf-8")  # would raise on a surrogate


def test_zero_width_joiner_emoji_kept() -> None:
    family = "👨\u200d👩\u200d👧"
    assert family in clean_text(family)


def test_one_megabyte_single_line_renders() -> None:
    r = render_markdown("x" * 1_000_000)
    assert r.html.count("x") >= 1_000_000
    assert "\u200b" in r.html  # break hints so Qt can wrap it in linear time


def test_deeply_nested_lists_and_quotes_render_bounded() -> None:
    nested = "\n".join("  " * i + "- item" for i in range(300))
    quotes = ">" * 3000 + " deep"
    for text in (nested, quotes):
        r = render_markdown(text)
        assert r.html.count("<ul>") <= 8
        assert r.html.count("<table") <= 8


def test_huge_table_is_capped_with_a_note() -> None:
    table = "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 2000
    r = render_markdown(table)
    assert r.html.count("<tr>") <= 302
    assert "more rows not shown" in r.html


def test_split_blocks_keeps_code_fences_whole() -> None:
    text = "para one\n\n```\ncode\n\nstill code\n```\n\npara two\n\ntail"
    blocks, tail = split_blocks(text)
    assert blocks == ["para one\n\n", "```\ncode\n\nstill code\n```\n\n", "para two\n\n"]
    assert text[tail:] == "tail"


def test_split_blocks_does_not_cut_indented_continuations() -> None:
    text = "1. item\n\n   more of the item\n\nnext\n"
    blocks, _ = split_blocks(text)
    assert blocks == ["1. item\n\n   more of the item\n\n"]


def test_streaming_renders_only_the_tail_each_time() -> None:
    renderer = StreamRenderer(dark=False)
    text = ""
    for i in range(50):
        text += f"Paragraph {i} with `code`.\n\n"
        upd = renderer.update(text + "partial")
        assert not upd.reset or i == 0
        assert len(upd.new_blocks) <= 1
    assert "Paragraph 49" in renderer.full_html("")
    assert "partial" in upd.tail_html


def test_streaming_starts_over_when_text_is_replaced() -> None:
    renderer = StreamRenderer(dark=False)
    renderer.update("first answer\n\nmore")
    upd = renderer.update("a different answer\n\nx")
    assert upd.reset
    assert "first" not in renderer.full_html(upd.tail_html)


def test_streaming_code_block_copy_indices_continue_across_blocks() -> None:
    renderer = StreamRenderer(dark=False)
    upd = renderer.update("```\na\n```\n\ntext\n\n```\nb\n```\n")
    assert upd.code_blocks == ["a\n", "b\n"]
    html = renderer.full_html(upd.tail_html)
    assert "nebula-copy:0" in html and "nebula-copy:1" in html


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(list("<>[]()!`*_|#-\n:"))))
def test_any_text_renders_without_unsafe_tags(text: str) -> None:
    html = render_markdown(text).html
    assert "<img" not in html and "<script" not in html and "<style" not in html
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.split(":", 1)[0].lower() in ("http", "https", "mailto", "nebula-copy")


def test_words_inside_absurdly_deep_quotes_are_kept() -> None:
    html = render_markdown(">" * 60 + " deep words\n\nafter").html
    assert "deep words" in html and "after" in html


def test_items_past_the_list_depth_cap_stay_visible_as_bullets() -> None:
    text = "\n".join("  " * i + f"- item{i}" for i in range(12))
    html = render_markdown(text).html
    assert all(f"item{i}" in html for i in range(12))
    assert "• item11" in html


def test_code_wraps_instead_of_running_off_the_column() -> None:
    html = render_markdown("```python\nx = [" + "1, " * 200 + "]\n```").html
    assert "white-space:pre-wrap" in html


def test_very_long_code_line_gets_break_hints_but_copies_raw() -> None:
    code = "a" * 150_000
    r = render_markdown(f"```js\n{code}\n```")
    assert "\u200b" in r.html
    assert r.code_blocks == [code + "\n"]


def test_streaming_work_per_update_does_not_grow_with_the_answer(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import nebula_desktop.render.stream as stream

    rendered: list[int] = []
    real = stream.render_fragment

    def counting(text: str, dark: bool, code_index_base: int):  # type: ignore[no-untyped-def]
        rendered.append(len(text))
        return real(text, dark, code_index_base)

    monkeypatch.setattr(stream, "render_fragment", counting)
    renderer = StreamRenderer(dark=False)
    paragraph = "Some words in a sentence with `code` and **bold** text. " * 3 + "\n\n"
    per_update: list[int] = []
    answer = paragraph * 300
    for end in range(0, len(answer), 7):  # a few characters at a time, as a stream arrives
        text = answer[: end + 7]
        rendered.clear()
        renderer.update(text)
        per_update.append(sum(rendered))
    assert len(text) > 50_000
    # Each update renders at most the unfinished tail plus a just-finished paragraph.
    assert max(per_update) <= 3 * len(paragraph)


def test_split_blocks_starts_a_new_block_after_a_single_leading_space() -> None:
    blocks, tail = split_blocks("one\n\n two\n\n  - nested\n")
    assert blocks == ["one\n\n"]
    assert tail == len("one\n\n")


def test_huge_adversarial_message_is_shown_as_plain_text() -> None:
    text = "[" * 1_000_000 + "<script>x</script>"
    r = render_markdown(text)
    assert "shown as plain text" in r.html
    assert "&lt;script&gt;" in r.html and "<script" not in r.html
    assert r.html.count("[") == 1_000_000


def test_split_blocks_sees_a_fence_hidden_behind_a_bidi_override() -> None:
    text = "intro\n\n\u202e```\ncode\n\nmore code\n```\n\nafter\n"
    blocks, _ = split_blocks(text)
    assert blocks == ["intro\n\n", "\u202e```\ncode\n\nmore code\n```\n\n"]
