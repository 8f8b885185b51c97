"""Reading JSON a piece at a time gives what json.loads gives, however the bytes are split, and
a piece over the budget is stepped over whole without being built."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nebula_desktop.exchange import ExchangeError
from nebula_desktop.exchange import json_stream as js

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(alphabet=st.sampled_from('ab"\\,[]{}é😀\n'), max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=12,
)


def _chunks(data: bytes, sizes: list[int]) -> Iterator[bytes]:
    at = 0
    for size in sizes * (len(data) + 1):
        if at >= len(data):
            return
        yield data[at : at + size]
        at += size


def _read(text: str, sizes: list[int], **stream: Any) -> tuple[Any, list[Any], list[int]]:
    items: list[Any] = []
    skipped: list[int] = []
    reader = js.JsonReader(_chunks(text.encode(), sizes), 10**9, "test.json")
    doc = js.read_document(
        reader,
        lambda _key, item: items.append(item),
        lambda _key, index, _exc: skipped.append(index),
        **stream,
    )
    return doc, items, skipped


@settings(max_examples=150, deadline=None)
@given(st.lists(values, max_size=6), st.lists(st.integers(1, 9), min_size=1), st.booleans())
def test_any_split_of_an_array_gives_the_same_elements(
    elements: list[Any], sizes: list[int], pretty: bool
) -> None:
    text = json.dumps(elements, indent=1 if pretty else None, ensure_ascii=False)
    doc, items, skipped = _read(text, sizes, stream_top=True)
    assert doc == js.Streamed(len(elements)) and items == elements and skipped == []
    doc, _items, _skipped = _read(text, sizes)  # not streamed: one piece
    assert doc == elements


@settings(max_examples=150, deadline=None)
@given(
    st.lists(values, max_size=6),
    st.lists(st.integers(1, 9), min_size=1),
    st.integers(300, 3000),
    st.sampled_from([1, 3, 64]),
)
def test_elements_over_the_budget_are_skipped_and_the_others_read(
    elements: list[Any], sizes: list[int], budget: int, block: int
) -> None:
    text = json.dumps({"before": 1, "conversations": elements, "after": [2]})
    saved = js.MAX_PIECE_BYTES, js.FIRST_WINDOW, js.SKIP_BLOCK
    js.MAX_PIECE_BYTES, js.FIRST_WINDOW, js.SKIP_BLOCK = budget, 4, block
    try:
        doc, items, skipped = _read(text, sizes, stream_key="conversations")
    finally:
        js.MAX_PIECE_BYTES, js.FIRST_WINDOW, js.SKIP_BLOCK = saved
    assert doc == {"before": 1, "conversations": js.Streamed(len(elements)), "after": [2]}
    assert items == [e for i, e in enumerate(elements) if i not in skipped]


@pytest.mark.parametrize(
    "text", ["", "[1,]", "[1 2]", '{"a" 1}', '["open', "[3.]", "[1] x", "[{]}", "\xff"]
)
def test_broken_json_is_a_sentence(text: str) -> None:
    data = text.encode("latin-1") if text == "\xff" else text.encode()
    reader = js.JsonReader(iter([data]), 10**9, "test.json")
    with pytest.raises(ExchangeError, match=r"^The file is not (valid JSON \(line 1\)|UTF-8)"):
        js.read_document(reader, print, print, stream_top=True)
