"""Tool rounds in a request's history: the assistant's ``tool_calls`` and their ``tool`` results
go on the wire as the API wants them, and neither a divider nor a limit separates a call from its
results or leaves the turn being answered without its question."""

from __future__ import annotations

from typing import Any

from nebula_desktop.context import request_messages, sent_range
from nebula_desktop.store import Conversation, Message


def _call(call_id: str, name: str = "time__get_current_time", args: str = "{}") -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}


def _tool(call_id: str, text: str) -> Message:
    return Message(role="tool", content=text, tool_call_id=call_id)


def _turn(question: str, answer: str, *calls: tuple[str, str]) -> list[Message]:
    """A question answered through tools: the calls, their results, then the answer."""
    return [
        Message(role="user", content=question),
        Message(role="assistant", content="", tool_calls=[_call(i) for i, _ in calls]),
        *[_tool(i, text) for i, text in calls],
        Message(role="assistant", content=answer),
    ]


def _conv(*messages: Message, limit: int | None = None) -> Conversation:
    conv = Conversation(id="c", title="t", created_at=1.0, updated_at=1.0, context_limit=limit)
    conv.messages.extend(messages)
    return conv


def test_tool_calls_and_results_are_sent_as_history_in_the_wire_format() -> None:
    conv = _conv(*_turn("Time?", "It is noon.", ("c1", "12:00"), ("c2", "13:00")))
    conv.messages.append(Message(role="user", content="Thanks"))
    assert request_messages(conv) == [
        {"role": "user", "content": "Time?"},
        {"role": "assistant", "content": None, "tool_calls": [_call("c1"), _call("c2")]},
        {"role": "tool", "tool_call_id": "c1", "content": "12:00"},
        {"role": "tool", "tool_call_id": "c2", "content": "13:00"},
        {"role": "assistant", "content": "It is noon."},
        {"role": "user", "content": "Thanks"},
    ]


def test_the_next_round_of_a_turn_sends_the_question_calls_and_results() -> None:
    # Mid-turn: the results are in, the next answer is about to stream.
    conv = _conv(
        Message(role="user", content="Time?"),
        Message(role="assistant", content="Let me look.", tool_calls=[_call("c1")]),
        _tool("c1", "12:00"),
        Message(role="assistant", content="", complete=False),
    )
    sent = request_messages(conv)
    assert [m["role"] for m in sent] == ["user", "assistant", "tool"]
    assert sent[1] == {"role": "assistant", "content": "Let me look.", "tool_calls": [_call("c1")]}
    assert sent[2] == {"role": "tool", "tool_call_id": "c1", "content": "12:00"}


def test_a_limit_never_starts_on_a_result_and_never_cuts_into_the_turn_being_answered() -> None:
    old = _turn("Q1", "A1", ("a", "r-a"))
    current = [
        Message(role="user", content="Q2"),
        Message(role="assistant", content="", tool_calls=[_call("b"), _call("c")]),
        _tool("b", "r-b"),
        _tool("c", "r-c"),
        Message(role="assistant", content="", complete=False),
    ]
    for limit in (1, 2, 3):
        conv = _conv(*old, *current, limit=limit)
        sent = request_messages(conv)
        assert [m["role"] for m in sent] == ["user", "assistant", "tool", "tool"], limit
        assert sent[0]["content"] == "Q2"
    # A limit reaching into the earlier turn moves forward past its results to a question.
    conv = _conv(*old, Message(role="user", content="Q2"), limit=3)
    assert [m.get("content") for m in request_messages(conv)] == ["Q2"]
    conv.context_limit = 5
    assert request_messages(conv)[0] == {"role": "user", "content": "Q1"}


def test_a_divider_below_the_calls_does_not_cut_the_results_from_them() -> None:
    turn = _turn("Q1", "A1", ("a", "r-a"))
    turn[1].context_break = True  # Clear context while the turn was waiting for approval
    conv = _conv(*turn[:3], Message(role="assistant", content="", complete=False))
    sent = request_messages(conv)
    assert [m["role"] for m in sent] == ["user", "assistant", "tool"]
    assert sent_range(conv)[0] == 0


def test_unanswered_calls_and_stray_results_are_left_off_the_wire() -> None:
    conv = _conv(
        Message(role="user", content="Q1"),
        # Stopped before the second call got its result: the calls cannot be sent.
        Message(role="assistant", content="Looking…", tool_calls=[_call("a"), _call("b")]),
        _tool("a", "r-a"),
        Message(role="user", content="Q2"),
        _tool("zz", "a result of nothing"),
        Message(role="assistant", content="", tool_calls=[_call("c")]),
        Message(role="user", content="Q3"),
    )
    assert request_messages(conv) == [
        {"role": "user", "content": "Q1"},
        {"role": "assistant", "content": "Looking…"},
        {"role": "user", "content": "Q2"},
        {"role": "user", "content": "Q3"},
    ]


def test_a_tool_result_with_images_is_sent_as_text() -> None:
    result = _tool("a", "a chart\n[image 1: image/png, 3 bytes, shown to the user]")
    result.attachments = [{"name": "chart.png", "mime": "image/png", "data": "eHl6"}]
    conv = _conv(
        *_turn("Chart?", "Here.", ("a", "x"))[:2], result, Message(role="user", content="ok")
    )
    assert request_messages(conv)[2] == {
        "role": "tool",
        "tool_call_id": "a",
        "content": result.content,
    }
