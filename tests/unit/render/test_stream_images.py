"""A Markdown ``data:`` image in an answer that is still streaming shows as a short placeholder,
never as its base64 text, whether it is complete or still arriving."""

from __future__ import annotations

import base64
import re
import time

import pytest

from nebula_desktop.render.stream import TAIL_RENDER_MAX, StreamRenderer, StreamUpdate

# A run of base64 as long as this in what is shown means the image's data is on screen.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{40,}")


def _image_data(size: int) -> str:
    return base64.b64encode(bytes(range(256)) * (size // 256 + 1))[:size].decode()


def _shown(renderer: StreamRenderer, upd: StreamUpdate, text: str) -> str:
    """What the view would show: the stable blocks, then the tail (HTML or its plain text)."""
    tail = upd.tail_html
    if upd.tail_plain:
        tail = renderer.tail_text()
    return renderer.full_html("") + tail


def _stream(text: str, piece: int) -> list[tuple[str, str]]:
    """(text so far, shown) after each piece of ``text`` arrived."""
    renderer = StreamRenderer(False)
    out = []
    for end in range(piece, len(text) + piece, piece):
        so_far = text[:end]
        out.append((so_far, _shown(renderer, renderer.update(so_far), so_far)))
    return out


@pytest.mark.parametrize("size", [600, 3 * TAIL_RENDER_MAX])  # rendered tail, then a plain one
def test_a_data_image_streams_as_a_placeholder_not_base64(size: int) -> None:
    answer = (
        "Here is the picture you asked for:\n\n"
        f"![a red cat](data:image/png;base64,{_image_data(size)}) and a caption after it."
    )
    steps = _stream(answer, 97)
    opener_done = answer.index(",", answer.index("data:")) + 1
    for so_far, shown in steps:
        assert not _BASE64_RUN.search(shown), (len(so_far), shown[-200:])
        if len(so_far) > opener_done + 40:
            assert "[image: a red cat …]" in shown  # arriving, and then complete
    assert "a caption after it." in steps[-1][1]


def test_an_image_in_a_completed_block_is_a_placeholder_too() -> None:
    answer = f"![](data:image/png;base64,{_image_data(5000)})\n\nThe next paragraph."
    shown = _stream(answer, 500)[-1][1]
    assert "[image …]" in shown and "The next paragraph." in shown
    assert not _BASE64_RUN.search(shown)


def test_a_long_plain_tail_hides_an_image_arriving_at_its_end() -> None:
    prose = "word " * (TAIL_RENDER_MAX // 4)  # one endless paragraph: shown as plain text
    answer = prose + f"![chart](data:image/png;base64,{_image_data(20_000)}"
    for so_far, shown in _stream(answer, 1000):
        assert not _BASE64_RUN.search(shown), len(so_far)
    assert shown.endswith("[image: chart …]")


def test_text_that_only_looks_like_an_image_is_shown_as_written() -> None:
    answer = "Use `![alt](url)` for images, and ![logo](https://example.com/a.png) is remote."
    shown = _stream(answer, 7)[-1][1]
    assert "![alt](url)" in shown and "image from example.com" in shown


@pytest.mark.timeout(60)
def test_streaming_a_big_image_costs_no_more_per_piece_as_it_grows() -> None:
    def cost(size: int) -> float:
        answer = f"Look:\n\n![x](data:image/png;base64,{_image_data(size)})"
        renderer = StreamRenderer(False)
        start = time.perf_counter()
        for end in range(4096, len(answer) + 4096, 4096):
            so_far = answer[:end]
            upd = renderer.update(so_far)
            if upd.tail_plain:
                renderer.tail_text()
        return time.perf_counter() - start

    small = min(cost(200_000) for _ in range(3))
    big = min(cost(2_000_000) for _ in range(3))
    # Ten times the data in the same pieces: ten times the pieces, each no dearer (re-reading
    # the image on every piece would make it a hundred times).
    assert big < 30 * small + 0.01, (big, small)
