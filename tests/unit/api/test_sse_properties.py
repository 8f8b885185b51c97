"""Property tests: however the network splits a stream, the same events and answer come out."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from nebula_desktop.api.accumulate import Accumulator
from nebula_desktop.api.sse import SSEDecoder

# Text without line breaks (those separate lines); any other Unicode, emoji and CJK included.
line_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=40
)
payloads = st.lists(line_text, min_size=1, max_size=3)  # one event = one or more data: lines
endings = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def streams(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """A valid SSE stream and the payloads it carries."""
    eol = draw(endings)
    events = draw(st.lists(payloads, max_size=8))
    out: list[str] = []
    for lines in events:
        if draw(st.booleans()):
            out.append(": ping" + eol)
        if draw(st.booleans()):
            out.append("event: message" + eol + "id: 7" + eol)
        for value in lines:
            out.append("data: " + value + eol)
        out.append(eol)
    expected = ["\n".join(lines) for lines in events]
    return "".join(out).encode("utf-8"), expected


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    pieces, last = [], 0
    for p in points:
        pieces.append(data[last:p])
        last = p
    pieces.append(data[last:])
    return pieces


def decode(pieces: list[bytes]) -> list[str]:
    decoder = SSEDecoder()
    out: list[str] = []
    for piece in pieces:
        out.extend(decoder.feed(piece))
    out.extend(decoder.close())
    return out


@settings(max_examples=300, deadline=None)
@given(streams(), st.lists(st.integers(min_value=0), max_size=12))
def test_any_split_of_a_valid_stream_gives_the_same_events(stream, cuts) -> None:
    data, expected = stream
    assert decode([data]) == expected
    assert decode(split(data, cuts)) == expected


@settings(max_examples=100, deadline=None)
@given(streams())
def test_byte_by_byte_feeding_gives_the_same_events(stream) -> None:
    data, expected = stream
    assert decode([data[i : i + 1] for i in range(len(data))]) == expected


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.lists(st.integers(min_value=0), max_size=8))
def test_random_bytes_never_raise(data, cuts) -> None:
    events = decode(split(data, cuts))
    assert all(isinstance(e, str) for e in events)
    assert events == decode([data])


@settings(max_examples=200, deadline=None)
@given(streams(), st.lists(st.integers(min_value=0), max_size=12))
def test_a_leading_byte_order_mark_is_ignored_however_split(stream, cuts) -> None:
    data, expected = stream
    data = "\ufeff".encode() + data
    assert decode(split(data, cuts)) == expected
    assert decode([data[i : i + 1] for i in range(len(data))]) == expected


# What follows an event in the test below, and the event it adds (None: none).
EXTRAS = {b"data: x\n\n": "x", b": ping\n\n": None, b"data:y\n\n": "y", b"id: 1\n": None}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"").replace(b"\r", b"")),
            st.sampled_from([b"", b"", *EXTRAS]),
        ),
        max_size=12,
    ),
    st.lists(st.integers(min_value=0), max_size=8),
)
def test_one_line_events_give_each_value_decoded_alone(events, cuts) -> None:
    # The common shape ("data: <value>\n\n", in runs) is taken in bulk: each event must still
    # be its own value decoded on its own, invalid UTF-8 included, whatever comes around it.
    data, expected = b"", []
    for value, extra in events:
        data += b"data: " + value + b"\n\n" + extra
        expected.append(value.decode("utf-8", "replace"))
        if EXTRAS.get(extra) is not None:
            expected.append(EXTRAS[extra])
    assert decode([data]) == expected
    assert decode(split(data, cuts)) == expected


def chunk(delta: dict) -> str:
    return json.dumps({"choices": [{"index": 0, "delta": delta, "finish_reason": None}]})


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=30),
    st.text(max_size=30).filter(lambda s: s.strip() and not s.lstrip().startswith("<")),
    st.lists(st.integers(min_value=0), max_size=8),
)
def test_think_tags_split_anywhere_give_the_same_reasoning_and_answer(thought, answer, cuts):
    if "</think>" in thought:
        thought = thought.replace("</think>", "")
    text = f"<think>{thought}</think>\n\n{answer}"
    points = sorted({c % (len(text) + 1) for c in cuts})
    pieces, last = [], 0
    for p in points:
        pieces.append(text[last:p])
        last = p
    pieces.append(text[last:])
    streamed: list[tuple[str, str]] = []
    acc = Accumulator(lambda k, t: streamed.append((k, t)))
    for piece in pieces:
        acc.add(json.loads(chunk({"content": piece})))
    result = acc.result()
    assert result.reasoning == thought
    assert result.content == answer.lstrip()
    # What on_delta delivered adds up to the final result.
    assert "".join(t for k, t in streamed if k == "content") == result.content
    assert "".join(t for k, t in streamed if k == "reasoning") == result.reasoning


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=10), max_size=10))
def test_plain_content_is_passed_through_untouched(pieces) -> None:
    acc = Accumulator()
    for piece in pieces:
        acc.add({"choices": [{"delta": {"content": piece}}]})
    text = "".join(pieces)
    result = acc.result()
    if text.lstrip().startswith("<think>"):
        return
    assert result.content == text and result.reasoning == ""


CHUNK_KEYS = [
    "choices", "delta", "message", "content", "reasoning", "reasoning_content", "tool_calls",
    "index", "id", "function", "name", "arguments", "finish_reason", "usage", "model", "type",
    "text",
]  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(CHUNK_KEYS),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(json_values, max_size=6))
def test_any_json_shape_never_crashes_the_accumulator(chunks) -> None:
    acc = Accumulator(lambda k, t: None)
    for c in chunks:
        acc.add(c)
    result = acc.result()
    assert isinstance(result.content, str) and isinstance(result.tool_calls, list)
