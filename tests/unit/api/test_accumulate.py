"""Chunk accumulation details that the recorded cases do not cover."""

from __future__ import annotations

from typing import Any

from nebula_desktop.api.accumulate import Accumulator


def delta(d: dict[str, Any], finish: str | None = None, **top: Any) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": d, "finish_reason": finish}], **top}


def test_reasoning_then_content_and_usage_from_the_empty_choices_chunk() -> None:
    acc = Accumulator()
    acc.add(delta({"role": "assistant", "content": None, "reasoning_content": "think"}, model="m1"))
    acc.add(delta({"content": "answer"}))
    acc.add(delta({}, "stop"))
    acc.add({"choices": [], "usage": {"total_tokens": 3}})
    r = acc.result("rid")
    assert (r.reasoning, r.content, r.finish_reason) == ("think", "answer", "stop")
    assert r.usage == {"total_tokens": 3} and r.model == "m1" and r.request_id == "rid"
    assert r.complete


def test_junk_chunks_are_ignored() -> None:
    acc = Accumulator()
    for junk in ([], "x", None, {"choices": None}, {"choices": ["x"]}, {"choices": [{}]}, {}):
        acc.add(junk)
    acc.add(delta({"content": 5, "reasoning": {"nested": True}}))
    assert acc.result().content == "" and not acc.received


def test_two_tool_calls_interleaved_by_index() -> None:
    acc = Accumulator()
    acc.add(delta({"tool_calls": [{"index": 0, "id": "a", "function": {"name": "f"}}]}))
    acc.add(delta({"tool_calls": [{"index": 1, "id": "b", "function": {"name": "g"}}]}))
    acc.add(delta({"tool_calls": [{"index": 1, "function": {"arguments": '{"y":'}}]}))
    acc.add(delta({"tool_calls": [{"index": 0, "function": {"arguments": '{"x":1}'}}]}))
    acc.add(delta({"tool_calls": [{"index": 1, "function": {"arguments": "2}"}}]}, "tool_calls"))
    calls = acc.result().tool_calls
    assert [(c["id"], c["function"]["name"], c["function"]["arguments"]) for c in calls] == [
        ("a", "f", '{"x":1}'),
        ("b", "g", '{"y":2}'),
    ]


def test_non_streamed_message_with_tool_calls_and_think_tags() -> None:
    acc = Accumulator()
    message = {
        "role": "assistant",
        "content": "<think>plan</think>\nDone.",
        "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}},
            {"id": "c2", "type": "function", "function": {"name": "g", "arguments": "[]"}},
        ],
    }
    acc.add({"choices": [{"message": message, "finish_reason": "stop"}]})
    r = acc.result()
    assert r.reasoning == "plan" and r.content == "Done."
    assert [c["id"] for c in r.tool_calls] == ["c1", "c2"]


def test_unclosed_think_keeps_everything_as_reasoning() -> None:
    acc = Accumulator()
    acc.add(delta({"content": "<think>still thinking</th"}))
    r = acc.result()
    assert r.reasoning == "still thinking</th" and r.content == "" and not r.complete


def test_think_tag_later_in_the_answer_is_plain_text() -> None:
    acc = Accumulator()
    acc.add(delta({"content": "Use <think> tags like this"}))
    assert acc.result().content == "Use <think> tags like this"


def test_a_lone_less_than_sign_is_not_held_back_forever() -> None:
    seen: list[str] = []
    acc = Accumulator(lambda k, t: seen.append(t))
    acc.add(delta({"content": "<"}))
    acc.add(delta({"content": "3 is a heart"}))
    assert seen == ["<3 is a heart"]


def test_content_given_as_text_parts() -> None:
    acc = Accumulator()
    parts = [
        {"type": "text", "text": "Hello "},
        {"type": "image_url"},
        {"type": "text", "text": "!"},
    ]
    acc.add({"choices": [{"message": {"content": parts}, "finish_reason": "stop"}]})
    assert acc.result().content == "Hello !"
