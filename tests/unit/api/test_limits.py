"""Caps on what a server can make the client hold: each one ends the answer with a sentence and
keeps what arrived, instead of growing memory (or time) without bound."""

from __future__ import annotations

import time
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nebula_desktop.api import APIError
from nebula_desktop.api.accumulate import Accumulator, AnswerTooLarge
from nebula_desktop.api.sse import SSEDecoder
from tests.servers import LoopbackServer, Reply
from tests.unit.api.conftest import USER
from tests.unit.api.test_sse_properties import split, streams

MiB = 1024 * 1024


# -- the SSE decoder -----------------------------------------------------------------------------


def test_decoder_stops_holding_an_event_that_never_ends() -> None:
    decoder = SSEDecoder(limit=10_000)
    whole = b"data: " + b"a" * 4000 + b"\ndata: " + b"b" * 4000 + b"\n\n"
    for _ in range(50):  # 400 KB of events within the limit: each one is whole
        assert decoder.feed(whole) == ["a" * 4000 + "\n" + "b" * 4000]
    assert not decoder.overflow and decoder.held == 0
    line = b"data: " + b"x" * 1000 + b"\n"
    out: list[str] = []
    for _ in range(100):  # 100 KB of data: lines, never a blank line
        out += decoder.feed(line)
    assert out == [] and decoder.overflow
    assert decoder.held <= 10_000 + len(line)  # not the 100 KB sent
    assert decoder.feed(b"\ndata: late\n\n") == []  # the stream is abandoned, not resumed
    assert decoder.close() == []


def test_decoder_limit_counts_the_line_still_arriving() -> None:
    decoder = SSEDecoder(limit=10_000)
    decoder.feed(b"data: " + b"y" * 6000 + b"\n")
    for _ in range(10):
        decoder.feed(b"z" * 1000)  # the second line of the event, no end in sight
    assert decoder.overflow and decoder.held <= 10_000 + 1000


def test_events_completed_before_the_runaway_one_are_delivered() -> None:
    decoder = SSEDecoder(limit=1000)
    out = decoder.feed(b"data: kept\n\n" + (b"data: " + b"x" * 600 + b"\n") * 3)
    assert out == ["kept"] and decoder.overflow


@settings(max_examples=200, deadline=None)
@given(streams(), st.lists(st.integers(min_value=0), max_size=12))
def test_a_limit_above_every_event_changes_nothing(stream, cuts) -> None:
    data, expected = stream
    decoder = SSEDecoder(limit=max((len(e.encode()) for e in expected), default=0) + 200)
    out: list[str] = []
    for piece in split(data, cuts):
        out += decoder.feed(piece)
    assert out + decoder.close() == expected and not decoder.overflow


# -- the accumulator -----------------------------------------------------------------------------


def _tool_name(name: str) -> dict:
    return {"choices": [{"delta": {"tool_calls": [{"index": 0, "function": {"name": name}}]}}]}


@pytest.mark.parametrize(
    "chunks",
    [
        pytest.param([{"choices": [{"delta": {"content": " "}}]}] * 2, id="whitespace-first"),
        # Two names in turn, so that every fragment differs from the name so far.
        pytest.param([_tool_name("a" * 16), _tool_name("b" * 16)], id="tool-name-fragments"),
    ],
)
def test_a_flood_of_tiny_fragments_costs_linear_time(chunks: list[dict]) -> None:
    def run(n: int) -> float:
        acc = Accumulator()
        start = time.perf_counter()
        try:
            for i in range(n):
                acc.add(chunks[i % 2])
        except AnswerTooLarge:
            pass
        acc.result()
        return time.perf_counter() - start

    run(2000)  # warm up
    small, large = min(run(10_000) for _ in range(3)), min(run(80_000) for _ in range(3))
    # Linear: 8x the fragments cost ~8x the time; re-copying what was held costs ~64x.
    assert large < 24 * small, f"{large:.3f}s for 8x the fragments of {small:.3f}s"


def test_leading_whitespace_is_passed_on_and_nothing_is_lost() -> None:
    acc = Accumulator()
    for _ in range(100_000):
        acc.add({"choices": [{"delta": {"content": " "}}]})
    assert acc.content  # not held back waiting for a "<think>" that would come after it all
    acc.add({"choices": [{"delta": {"content": "Hello"}}]})
    assert acc.content == " " * 100_000 + "Hello"


@pytest.mark.parametrize(
    "delta",
    [
        pytest.param(lambda t: {"content": t}, id="content"),
        pytest.param(lambda t: {"reasoning_content": t}, id="reasoning"),
        pytest.param(
            lambda t: {"tool_calls": [{"index": 0, "function": {"arguments": t}}]},
            id="tool-arguments",
        ),
    ],
)
def test_tiny_fragments_cost_memory_in_proportion_to_their_text(delta) -> None:
    acc = Accumulator()
    tracemalloc.start()
    try:
        for i in range(100_000):  # 200,000 characters, two at a time, each a new string
            acc.add({"choices": [{"delta": delta(f"{i % 100:02d}")}]})
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    result = acc.result()
    text = (
        result.content
        + result.reasoning
        + "".join(c["function"]["arguments"] for c in result.tool_calls)
    )
    assert len(text) == 200_000 and text.startswith("00010203")  # nothing lost
    # A list slot and a string per piece would be ~30 bytes per character.
    assert held < 4 * len(text), f"{held:,} bytes held for {len(text):,} characters"


def test_a_flood_of_tool_calls_ends_with_a_sentence() -> None:
    acc = Accumulator()
    with pytest.raises(AnswerTooLarge) as info:
        for i in range(100_000):
            acc.add({"choices": [{"delta": {"tool_calls": [{"index": i, "id": f"c{i}"}]}}]})
    assert "tool calls" in str(info.value)
    assert 0 < len(acc.result().tool_calls) <= 128  # the calls that fit are kept


def test_tool_call_arguments_are_capped() -> None:
    acc = Accumulator()
    piece = {
        "choices": [
            {"delta": {"tool_calls": [{"index": 0, "function": {"arguments": "x" * 65536}}]}}
        ]
    }
    with pytest.raises(AnswerTooLarge) as info:
        for _ in range(1000):  # 64 MB of arguments
            acc.add(piece)
    assert "tool call" in str(info.value)
    assert len(acc.result().tool_calls[0]["function"]["arguments"]) <= 8 * MiB


# -- whole bodies --------------------------------------------------------------------------------


def test_non_streamed_answer_larger_than_the_cap_says_so(server: LoopbackServer, client) -> None:
    content = "x" * (9 * MiB)
    body = {"choices": [{"message": {"content": content}, "finish_reason": "stop"}]}
    server.queue(Reply.json(200, body))
    with pytest.raises(APIError) as info:
        client.chat("m", USER, stream=False)
    assert str(info.value).startswith("API request failed: the server's reply is larger than 8 MB")


def test_model_list_larger_than_the_cap_says_so(server: LoopbackServer, client) -> None:
    models = [{"id": f"model-{i:07d}", "pad": "p" * 100} for i in range(80_000)]
    server.queue(Reply.json(200, {"data": models}), path="/v1/models")
    with pytest.raises(APIError) as info:
        client.list_models()
    assert str(info.value).startswith("API request failed: the server's reply is larger than")
