"""Which messages a request sends: the system prompt, then what the chat's "Clear context"
divider and message limit allow (request_messages and its siblings for Regenerate, Retry and
Continue), with images as parts and documents inlined only into the request."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from nebula_desktop.api import ChatClient
from nebula_desktop.attachments import image_attachment
from nebula_desktop.context import (
    build_history,
    continue_messages,
    draft_messages,
    request_messages,
    sent_range,
)
from nebula_desktop.settings import Settings, SettingsStore
from nebula_desktop.store import Conversation, Message
from tests.servers import LoopbackServer, sse_reply


def _chat(*turns: str, system: str | None = "Be brief.", limit: int | None = None) -> Conversation:
    """A chat from texts: "U:…" a question, "A:…" an answer, "E:" an answer that failed before
    any text came, a trailing "|" a divider below that message."""
    conv = Conversation(id="c", title="t", created_at=1.0, updated_at=1.0)
    conv.system_prompt, conv.context_limit = system, limit
    for turn in turns:
        role = {"U": "user", "A": "assistant", "E": "assistant"}[turn[0]]
        text = turn[2:].removesuffix("|")
        message = Message(role=role, content=text, context_break=turn.endswith("|"))
        if turn[0] == "E":
            message.error = "Error: the server is overloaded"
        conv.messages.append(message)
    return conv


def _sent(messages: list[dict[str, object]]) -> list[str]:
    return [f"{m['role'][0].upper()}:{m['content']}" for m in messages]  # type: ignore[index]


def test_nothing_up_to_and_including_the_divider_is_sent() -> None:
    conv = _chat("U:q1", "A:a1", "U:q2")
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q1", "A:a1", "U:q2"]
    conv = _chat("U:q1", "A:a1|", "U:q2", "A:a2", "U:q3")
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q2", "A:a2", "U:q3"]


def test_the_limit_sends_the_last_n_messages_the_question_counting_as_one() -> None:
    conv = _chat("U:q1", "A:a1", "U:q2", "A:a2", "U:q3", limit=3)
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q2", "A:a2", "U:q3"]
    conv.context_limit = 1
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q3"]


def test_a_cut_never_starts_on_an_answer_it_moves_forward_to_the_next_question() -> None:
    conv = _chat("U:q1", "A:a1", "U:q2", "A:a2", "U:q3", limit=4)
    # The last 4 would start with a1: an answer to nothing.
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q2", "A:a2", "U:q3"]
    conv.context_limit = 2
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q3"]


def test_a_chat_that_opens_with_an_answer_sends_it_when_nothing_is_cut() -> None:
    conv = _chat("A:Hello! Ask me anything.", "U:q1", "A:a1", "U:q2", limit=4)
    assert _sent(request_messages(conv))[1] == "A:Hello! Ask me anything."
    conv.context_limit = 3
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q1", "A:a1", "U:q2"]


def test_with_a_divider_and_a_limit_the_later_start_wins() -> None:
    # The limit starts later than the divider...
    conv = _chat("U:q1|", "A:a1", "U:q2", "A:a2", "U:q3", limit=1)
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q3"]
    # ... and here the divider does: the limit would have allowed more.
    conv = _chat("U:q1", "A:a1", "U:q2", "A:a2|", "U:q3", limit=5)
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q3"]
    # The divider's start moves forward to a question too.
    conv = _chat("U:q1|", "A:a1", "U:q2")
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q2"]


def test_empty_error_answers_are_skipped_and_not_counted() -> None:
    conv = _chat("U:q1", "A:a1", "U:q2", "E:", "U:q2 again", limit=3)
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q2", "U:q2 again"]
    conv.context_limit = 4
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q1", "A:a1", "U:q2", "U:q2 again"]


def test_the_trailing_empty_answer_about_to_stream_is_ignored_and_the_draft_never_read() -> None:
    conv = _chat("U:q1", "A:a1", "U:q2", limit=1)
    conv.messages.append(Message(role="assistant", content="", complete=False))
    conv.draft = "unsent words"
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q2"]


def test_the_system_prompt_is_always_sent_and_an_empty_one_never() -> None:
    conv = _chat("U:q1", "A:a1|", "U:q2", limit=1)
    assert request_messages(conv)[0] == {"role": "system", "content": "Be brief."}
    conv.system_prompt = ""
    assert _sent(request_messages(conv)) == ["U:q2"]


def test_the_question_being_answered_is_sent_even_under_a_divider() -> None:
    conv = _chat("U:q1", "A:a1", "U:q2|")
    assert _sent(request_messages(conv)) == ["S:Be brief.", "U:q2"]


def test_regenerate_and_retry_send_what_came_before_the_answer_with_the_same_rules() -> None:
    conv = _chat("U:q1", "A:a1|", "U:q2", "A:a2", "U:q3", "A:a3", limit=3)
    # Regenerate a2 (its index is 3): the path before it, the divider and the limit applying.
    assert _sent(request_messages(conv, 3)) == ["S:Be brief.", "U:q2"]
    assert _sent(build_history(conv, 5)) == ["S:Be brief.", "U:q2", "A:a2", "U:q3"]
    conv.context_limit = 1
    assert _sent(build_history(conv, 5)) == ["S:Be brief.", "U:q3"]


def test_continue_sends_the_limited_history_then_the_answer_so_far_and_the_request() -> None:
    conv = _chat("U:q1", "A:a1", "U:q2", "A:half an ans", limit=1)
    assert _sent(continue_messages(conv, 3, "Go on.")) == [
        "S:Be brief.",
        "U:q2",
        "A:half an ans",
        "U:Go on.",
    ]
    conv.messages[3].content = ""
    assert _sent(continue_messages(conv, 3, "Go on.")) == ["S:Be brief.", "U:q2"]


def test_the_estimate_prices_the_draft_as_it_would_be_sent() -> None:
    conv = _chat("U:q1", "A:a1", "U:q2", "A:a2", limit=2)
    conv.draft = "stale draft text"
    draft = Message(role="user", content="my new question")
    assert _sent(draft_messages(conv, draft)) == ["S:Be brief.", "U:my new question"]
    assert "stale" not in str(draft_messages(conv, draft))
    assert len(conv.messages) == 4  # nothing was added to the chat


def test_images_go_as_parts_and_documents_are_inlined_into_the_request_only() -> None:
    conv = _chat("U:Summarise it.")
    document = {"name": "report.pdf", "mime": "application/pdf", "text": "Sales rose.", "pages": 1}
    conv.messages[0].attachments.append(document)
    (_system, user) = request_messages(conv)
    assert user["content"] == "Summarise it.\n\nreport.pdf\n```\nSales rose.\n```"
    assert conv.messages[0].content == "Summarise it."  # the visible message is untouched
    png = b"\x89PNG fake"
    conv.messages[0].attachments.append(image_attachment("a.png", "image/png", png, 10, 20))
    (_system, user) = request_messages(conv)
    assert user["content"] == [
        {"type": "text", "text": "Summarise it.\n\nreport.pdf\n```\nSales rose.\n```"},
        {
            "type": "image_url",
            "image_url": {"url": "data:image/png;base64," + base64.b64encode(png).decode()},
        },
    ]


def test_sent_range_tells_which_messages_a_view_shows_as_out_of_context() -> None:
    conv = _chat("U:q1", "A:a1|", "U:q2", "A:a2", "U:q3", limit=2)
    assert sent_range(conv) == (4, 5)
    conv.context_limit = None
    assert sent_range(conv) == (2, 5)
    assert sent_range(conv, 1) == (0, 1)


def test_the_request_on_the_wire_carries_exactly_the_allowed_messages() -> None:
    conv = _chat("U:q1", "A:a1|", "U:q2", "A:a2", "E:", "U:q3", "A:a3", "U:q4", limit=4)
    conv.messages.append(Message(role="assistant", content="", complete=False))
    with LoopbackServer() as server:
        server.queue(sse_reply(["fine"]))
        with ChatClient(server.base_url) as client:
            answer = client.chat("test-model", request_messages(conv))
    assert answer.content == "fine"
    (sent,) = server.requests
    assert sent.json["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "q3"},
        {"role": "assistant", "content": "a3"},
        {"role": "user", "content": "q4"},
    ]


def test_the_default_limit_is_kept_in_settings_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    s = Settings()
    assert s.default_context_limit is None  # all, until the user chooses
    s.default_context_limit = 20
    store.save(s)
    assert store.load().default_context_limit == 20
    for bad in (0, -3, True, 2.5, "20"):
        (tmp_path / "settings.json").write_text(json.dumps({"default_context_limit": bad}))
        store = SettingsStore(tmp_path)
        assert store.load().default_context_limit is None
        assert any("default_context_limit" in p for p in store.problems)
