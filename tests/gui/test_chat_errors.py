"""Each kind of failure shows up on the answer it belongs to, with the product's exact text."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest

from tests.conftest import CASES_DIR
from tests.gui.helpers import send_and_wait
from tests.servers import CHAT_PATH, LoopbackServer, Reply, case_reply, sse_reply


def closed_port_url() -> str:
    """An address where nothing listens: the connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


@pytest.mark.parametrize(
    ("case", "expected", "request_id"),
    [
        (
            "21_401_newapi_invalid_or_missing_token_current_en",
            "Error: Invalid or unauthorized API key",
            "202605260930154829130575f0c8a1eQm3xT9bK",
        ),
        (
            "26_503_newapi_no_available_channel_for_model",
            "Error: Model test-model does not exist",
            "202605260930154829130575f0c8a1eQm3xT9bK",
        ),
    ],
)
def test_server_error_is_shown_on_the_answer(
    qtbot: Any, make_window: Any, server: LoopbackServer, case: str, expected: str, request_id: str
) -> None:
    server.default[CHAT_PATH] = case_reply(CASES_DIR / f"{case}.json")
    window = make_window()
    answer = send_and_wait(qtbot, window, "Hello")
    assert answer.role == "assistant"
    assert answer.error == expected
    assert answer.request_id == request_id
    assert not answer.complete and answer.content == ""
    assert window.composer.button.text() == "Send"


def test_html_bad_gateway_shows_a_short_message_not_html(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.default[CHAT_PATH] = case_reply(CASES_DIR / "34_502_nginx_bad_gateway_html.json")
    window = make_window()
    answer = send_and_wait(qtbot, window, "Hello")
    assert answer.error is not None
    assert answer.error.startswith("API request failed: ")
    assert "<" not in answer.error and "nginx" not in answer.error.lower()


def test_refused_connection_says_it_cannot_connect(qtbot: Any, make_window: Any) -> None:
    window = make_window(base_url=closed_port_url())
    answer = send_and_wait(qtbot, window, "Hello")
    assert answer.error == "Error: Cannot connect to API server"


def test_dropped_stream_keeps_every_character_with_the_error(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    reply = sse_reply(["Half an ", "answer"], finish_reason=None, done=False)
    reply.abort_after = len(reply.chunks)
    server.queue(reply)
    window = make_window()
    answer = send_and_wait(qtbot, window, "Hello")
    assert answer.content == "Half an answer"
    assert answer.error and not answer.complete
    assert window.windowTitle().startswith("Hello")


def test_the_window_title_names_the_chat_before_its_save_reaches_the_disk(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["Hi"]))
    window = make_window()
    disk = threading.Event()
    window.runner.serial("saves").run(lambda: disk.wait(20))  # a slow disk: saves wait behind
    try:
        send_and_wait(qtbot, window, "Hello there")
        assert window.windowTitle().startswith("Hello there")
    finally:
        disk.set()
    qtbot.waitUntil(lambda: window.runner.pending() == 0, timeout=10000)


def test_error_answer_with_no_text_is_not_sent_back_as_history(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    bad = {"error": {"message": "Invalid token", "type": "new_api_error", "code": ""}}
    server.queue(Reply.json(401, bad))
    server.queue(sse_reply(["fine"]))
    window = make_window()
    send_and_wait(qtbot, window, "first")
    send_and_wait(qtbot, window, "second")
    sent = [r for r in server.requests if r.path == CHAT_PATH][1].json["messages"]
    assert [m["role"] for m in sent] == ["user", "user"]
