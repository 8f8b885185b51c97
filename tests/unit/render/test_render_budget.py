"""What a user sees when an answer is too dense with markup to format cheaply, and what they
keep seeing for ordinary answers, big tables and streamed text (render/parser.py)."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path

import pytest

from nebula_desktop.render import StreamRenderer, cache, highlight, render_markdown, stream
from nebula_desktop.render.markdown import MAX_MARKDOWN_CHARS, RenderedMarkdown

NOTE = "shown as plain text"


def shown_text(r: RenderedMarkdown) -> str:
    """The characters a plain-text rendering shows (tags, entities and break hints removed)."""
    return html.unescape(re.sub(r"<[^>]+>", "", r.html)).replace("\u200b", "")


def test_markup_too_dense_to_format_is_plain_text_with_every_character_kept() -> None:
    dense = "*a" * 30_000 + "\n\n<b>bold</b> & [link](javascript:x)"
    r = render_markdown(dense)
    assert r.plain and NOTE in r.html
    assert dense in shown_text(r)  # nothing lost, nothing interpreted
    body = r.html.split("</p>", 1)[1]  # after the note
    assert "<i>" not in body and "<b>" not in body and "href" not in body


def test_the_note_says_why_the_text_is_plain_too_long_or_too_dense() -> None:
    dense = render_markdown("*a" * 30_000)  # 60,000 characters: far under the size limit
    assert dense.plain and "more formatting than can be shown quickly" in dense.html
    assert "very long" not in dense.html
    huge = render_markdown("word " * (MAX_MARKDOWN_CHARS // 5 + 1))
    assert huge.plain and "very long" in huge.html
    assert "formatting" not in huge.html


def test_ordinary_answers_stay_formatted_however_long() -> None:
    section = (
        "## Setting it up\n\nInstall **the tool** with `pip`, then read [the docs]"
        "(https://example.com/docs) before you start. It keeps *one* file per chat, and the "
        "index is rebuilt when the files change.\n\n- one item to check\n- another item to "
        "check\n- a last item\n\n| option | default | meaning |\n|---|---|---|\n"
        "| cache | on | keep rendered text |\n| sync | off | share the folder |\n\n"
        "```python\nfrom tool import setup\n\nsetup(cache=True)\nprint('ready')\n```\n\n"
        "> Note: restart the app after changing these.\n\n"
    )
    r = render_markdown(section * (190_000 // len(section)))
    assert r.plain is False and NOTE not in r.html
    for tag in ("<h2", "<b>", "<a href", "<ul>", "<table", "<pre"):
        assert tag in r.html


def test_a_plain_rendering_is_still_flagged_plain_when_served_from_the_cache(
    tmp_path: Path,
) -> None:
    store = cache.enable(tmp_path)
    try:
        first = render_markdown("![" * 40_000)
        assert store is not None and store.flush()
        again = render_markdown("![" * 40_000)
        ordinary = render_markdown("# Title\n\nSome *text*.")
        assert store.flush()
        assert render_markdown("# Title\n\nSome *text*.").plain is False
    finally:
        cache.disable()
    assert first.plain and again.plain and again.html == first.html
    assert not ordinary.plain


def _cost(text: str) -> float:
    render_markdown(text)
    best = float("inf")
    for _ in range(3):
        start = time.thread_time()
        render_markdown(text)
        best = min(best, time.thread_time() - start)
    return best


def _table(rows: int, after: str = "\n\nAfter the table.") -> str:
    return (
        "| n | square |\n|---:|---|\n"
        + "".join(f"| {i} | {i * i} |\n" for i in range(rows))
        + after
    )


def test_a_table_costs_what_its_shown_rows_cost_and_still_counts_the_rest() -> None:
    big = render_markdown(_table(3000))
    assert big.html.count("<tr>") == 301  # header and 300 rows
    assert "… 2700 more rows not shown" in big.html
    assert big.html.endswith("<p>After the table.</p>")
    # A row-shaped line after a quote marker ends the table exactly where markdown-it would.
    cut = render_markdown(_table(400, after="> quoted | not a row\n"))
    assert "… 100 more rows not shown" in cut.html and "quoted | not a row" in cut.html
    # 3,000 rows cost far less than 10x the 300 a user sees (they cost 10x before).
    assert _cost(_table(3000)) < 4 * _cost(_table(300))


def test_a_dense_unfinished_block_is_shown_plain_until_it_completes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    renders: list[int] = []
    real = stream.render_fragment

    def counting(text: str, dark: bool, code_index_base: int) -> RenderedMarkdown:
        renders.append(len(text))
        return real(text, dark, code_index_base)

    monkeypatch.setattr(stream, "render_fragment", counting)
    renderer = StreamRenderer(dark=False)
    block = "*a" * 4000
    plain_since = None
    for end in range(500, len(block) + 1, 500):
        upd = renderer.update(block[:end])
        if upd.tail_plain and plain_since is None:
            plain_since = len(renders)
        if plain_since is not None:
            assert upd.tail_plain and upd.tail_html == ""
    assert plain_since is not None, "the dense tail was re-rendered on every flush"
    assert len(renders) == plain_since  # not rendered again once it went plain
    upd = renderer.update(block + "\n\nDone *here*.")
    assert len(renders) == plain_since + 2  # the completed block once, the new tail once
    assert NOTE in upd.new_blocks[0] and "<i>here</i>" in upd.tail_html


def test_code_a_lexer_would_take_seconds_on_is_shown_without_colours_in_its_box() -> None:
    highlight._ordinary_cost.cache_clear()  # calibrated now, as the reference below is measured
    # Pygments' Python lexer is quadratic on blank lines holding spaces: 8,000 of them took 2 s.
    hostile = "```python\n" + " \n" * 8000 + "x = 1\n```\n"
    lines = "".join(f"value_{i} = compute({i}, key='k')  # step\n" for i in range(500))
    ordinary = ("```python\n" + lines)[: len(hostile) - 4] + "\n```\n"
    r = render_markdown(hostile)
    assert r.code_blocks == [" \n" * 8000 + "x = 1\n"]
    assert "nebula-copy:0" in r.html and "x = 1" in r.html
    assert 'style="color' not in r.html.split("<pre", 1)[1]  # no colours, nothing lost
    assert 'style="color' in render_markdown(ordinary).html.split("<pre", 1)[1]
    assert _cost(hostile) < 3 * _cost(ordinary)
