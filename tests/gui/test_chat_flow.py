"""The chat flow in a real window against a loopback server: send, stream, save, reopen, stop,
regenerate, edit, retry, continue, drafts and titles."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.gui.helpers import (
    chat_requests,
    messages,
    open_chat,
    send,
    send_and_wait,
    wait_answer,
    wait_for,
    wait_idle,
)
from tests.servers import LoopbackServer, Reply, sse_reply


def test_answer_streams_is_saved_and_a_fresh_window_shows_it(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["Hello", ", ", "world!"], reasoning=["Thinking…"]))
    window = make_window()
    send(qtbot, window, "Say hello")
    assert window.composer.button.text() == "Stop"
    wait_idle(qtbot, window)
    assert window.composer.button.text() == "Send"
    assert window.composer.text() == ""
    answer = window.controller.conv.messages[-1]
    assert answer.content == "Hello, world!"
    assert answer.reasoning == "Thinking…"
    assert answer.complete and answer.error is None
    assert answer.model == "test-model"
    conv_id = window.controller.conv.id
    make_window.close(window)

    again = make_window()
    assert again.controller.conv.id == conv_id
    assert messages(again) == [("user", "Say hello"), ("assistant", "Hello, world!")]
    assert again.view.model().rowCount() == 2


def test_whole_history_with_system_prompt_is_sent(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["First answer"]))
    server.queue(sse_reply(["Second answer"]))
    window = make_window()
    window.header.set_system_prompt("Be brief.")
    window.header.settings_edited.emit()
    send_and_wait(qtbot, window, "Question one")
    send_and_wait(qtbot, window, "Question two")
    sent = chat_requests(server)[1].json
    assert sent["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Question one"},
        {"role": "assistant", "content": "First answer"},
        {"role": "user", "content": "Question two"},
    ]
    assert sent["model"] == "test-model"
    assert sent["stream"] is True


def test_header_settings_are_sent_and_stored_with_the_conversation(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["ok"]))
    window = make_window()
    window.header.temperature.setValue(1.3)
    window.header.max_tokens.setValue(512)
    window.header.model.setEditText("other-model")
    send_and_wait(qtbot, window, "hi")
    sent = chat_requests(server)[0].json
    assert sent["temperature"] == 1.3
    assert sent["max_tokens"] == 512
    assert sent["model"] == "other-model"
    conv = window.controller.conv
    assert (conv.temperature, conv.max_tokens, conv.model) == (1.3, 512, "other-model")


def test_stop_mid_stream_keeps_the_partial_answer(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    reply = sse_reply(["Partial ", "answer"], finish_reason=None, done=False)
    reply.hang = True
    server.queue(reply)
    window = make_window()
    send(qtbot, window, "Tell me a long story")
    answer = window.controller.conv.messages[-1]
    wait_answer(qtbot, window, lambda: answer.content == "Partial answer")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Escape)
    assert not window.controller.is_busy()  # instantly, without waiting for the server
    assert window.composer.button.text() == "Send"
    assert answer.content == "Partial answer"
    assert not answer.complete and answer.error is None
    make_window.close(window)
    again = make_window()
    kept = again.controller.conv.messages[-1]
    assert (kept.content, kept.complete) == ("Partial answer", False)


def test_regenerate_shows_the_new_answer_on_the_chosen_path(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["Old answer"]))
    server.queue(sse_reply(["New answer"]))
    window = make_window()
    send_and_wait(qtbot, window, "Question")
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    assert messages(window) == [("user", "Question"), ("assistant", "New answer")]
    assert chat_requests(server)[1].json["messages"] == [{"role": "user", "content": "Question"}]


def test_edit_and_resend_continues_from_the_edited_question(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    for text in ("A1", "A2", "A1 again"):
        server.queue(sse_reply([text]))
    window = make_window()
    send_and_wait(qtbot, window, "Q1")
    send_and_wait(qtbot, window, "Q2")
    first = window.controller.conv.messages[0]
    window.view.edit_requested.emit(first.id)
    assert window.composer.text() == "Q1"
    assert window.composer.notice.isVisible()
    send_and_wait(qtbot, window, "Q1 edited")
    assert messages(window) == [("user", "Q1 edited"), ("assistant", "A1 again")]
    assert chat_requests(server)[2].json["messages"] == [{"role": "user", "content": "Q1 edited"}]


def test_retry_after_a_failure_replaces_the_error(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    bad_key = {"error": {"message": "Invalid token", "type": "new_api_error", "code": ""}}
    server.queue(Reply.json(401, bad_key))
    server.queue(sse_reply(["Works now"]))
    window = make_window()
    send_and_wait(qtbot, window, "Hello?")
    answer = window.controller.conv.messages[-1]
    assert answer.error == "Error: Invalid or unauthorized API key"
    window.view.retry_requested.emit(answer.id)
    wait_idle(qtbot, window)
    assert messages(window) == [("user", "Hello?"), ("assistant", "Works now")]
    assert answer.error is None and answer.complete


def test_continue_appends_to_the_same_answer(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["The quick brown"], finish_reason=None, done=False))
    server.queue(sse_reply([" fox jumps."]))
    window = make_window()
    send_and_wait(qtbot, window, "Finish the sentence")
    answer = window.controller.conv.messages[-1]
    assert answer.content == "The quick brown" and not answer.complete
    assert answer.error  # dropped before a finish_reason: shown as incomplete
    window.view.continue_requested.emit(answer.id)
    wait_idle(qtbot, window)
    assert answer.content == "The quick brown fox jumps."
    assert answer.complete and answer.error is None
    assert len(window.controller.conv.messages) == 2
    sent = chat_requests(server)[1].json["messages"]
    assert sent[-2] == {"role": "assistant", "content": "The quick brown"}
    assert sent[-1]["role"] == "user" and "Continue" in sent[-1]["content"]


def test_token_limit_cut_is_shown_on_the_answer(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["Cut sh"], finish_reason="length"))
    window = make_window()
    send_and_wait(qtbot, window, "Long please")
    answer = window.controller.conv.messages[-1]
    assert "token limit" in (answer.error or "")
    assert answer.finish_reason == "length"


def test_first_message_titles_the_chat_then_the_model_improves_it(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["Paris is the capital."]))
    server.queue(
        Reply.json(
            200,
            {
                "id": "t",
                "object": "chat.completion",
                "model": "test-model",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": '"Capital of France."'},
                    }
                ],
            },
        )
    )
    window = make_window(auto_title=True)
    send(qtbot, window, "What is the capital of France?\nAnswer briefly.")
    assert window.controller.conv.title == "What is the capital of France?"
    wait_idle(qtbot, window)
    conv = window.controller.conv  # the better title is saved when it arrives
    wait_for(qtbot, window.controller.conversation_saved, lambda: conv.title == "Capital of France")
    title_request = chat_requests(server)[1].json
    assert title_request["stream"] is False
    assert "Capital of France" in window.windowTitle()


def test_failed_title_request_keeps_the_first_title(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["Hi!"]))
    server.queue(Reply.json(400, {"error": {"message": "nope", "type": "x", "code": "x"}}))
    window = make_window(auto_title=True)
    send_and_wait(qtbot, window, "Greetings")
    server.wait_requests(2)
    qtbot.waitUntil(lambda: len(chat_requests(server)) == 2, timeout=10000)
    assert window.controller.conv.title == "Greetings"


def test_draft_is_kept_per_conversation(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["A"]))
    window = make_window()
    send_and_wait(qtbot, window, "first chat")
    first_id = window.controller.conv.id
    window.composer.set_text("half-written thought")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.conv.id != first_id
    assert window.composer.text() == ""
    window.composer.set_text("draft two")
    open_chat(window, first_id)
    assert window.composer.text() == "half-written thought"
    make_window.close(window)
    again = make_window()
    open_chat(again, first_id)
    assert again.composer.text() == "half-written thought"


def test_partial_answer_reaches_the_disk_while_still_streaming(
    qtbot: Any, make_window: Any, server: LoopbackServer, data_dir: Any
) -> None:
    reply = sse_reply(["Saved while ", "streaming"], finish_reason=None, done=False)
    reply.hang = True
    server.queue(reply)
    window = make_window()
    send(qtbot, window, "Write slowly")
    conv_file = data_dir / "conversations" / f"{window.controller.conv.id}.json"
    # A crash now loses at most a few seconds: the periodic save writes what arrived.
    wait_for(
        qtbot,
        window.controller.conversation_saved,
        lambda: "Saved while streaming" in conv_file.read_text("utf-8"),
        timeout=10000,
    )
    assert window.controller.is_busy()
    window.controller.stop()


def test_answer_keeps_streaming_into_its_chat_while_another_is_open(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    words = [f"word{i} " for i in range(12)]
    server.queue(sse_reply(words, delay=0.05))
    window = make_window()
    send(qtbot, window, "Count slowly")
    streaming = window.controller.conv
    answer = streaming.messages[-1]
    wait_answer(qtbot, window, lambda: bool(answer.content))
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.conv is not streaming
    assert window.view.model().rowCount() == 0
    wait_idle(qtbot, window)
    open_chat(window, streaming.id)
    assert answer.content == "".join(words)
    assert answer.complete
    assert window.view.model().rowCount() == 2


def test_closing_while_streaming_keeps_the_partial_answer(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    reply = sse_reply(["Interrupted by ", "closing"], finish_reason=None, done=False)
    reply.hang = True
    server.queue(reply)
    window = make_window()
    send(qtbot, window, "Go on")
    answer = window.controller.conv.messages[-1]
    wait_answer(qtbot, window, lambda: answer.content == "Interrupted by closing")
    make_window.close(window)  # returns once the worker thread has stopped
    assert not window.controller.worker.busy
    again = make_window()
    kept = again.controller.conv.messages[-1]
    assert (kept.content, kept.complete) == ("Interrupted by closing", False)


def test_closing_while_the_model_list_hangs_does_not_wait_for_it(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.default["/v1/models"] = Reply(200, {"Content-Type": "application/json"}, [], hang=True)
    window = make_window()
    qtbot.waitUntil(lambda: any(r.path == "/v1/models" for r in server.requests), timeout=10000)
    assert window.header.busy.isVisible()
    make_window.close(window)
    assert window.runner.pool.activeThreadCount() == 0  # the request was cancelled


def test_keyboard_reaches_edit_and_continue(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["Once upon"], finish_reason="length"))
    server.queue(sse_reply([" a time."]))
    window = make_window()
    send_and_wait(qtbot, window, "Tell a story")
    answer = window.controller.conv.messages[-1]
    qtbot.keyClick(
        window,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    wait_idle(qtbot, window)
    assert answer.content == "Once upon a time."
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert window.composer.text() == "Tell a story"
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Escape)
    assert window.composer.text() == ""
    assert not window.composer.notice.isVisible()


def test_sending_without_a_model_asks_for_one_and_keeps_the_text(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    window = make_window(model="")
    send(qtbot, window, "Hello")
    assert "model" in window.statusBar().currentMessage().lower()
    assert window.composer.text() == "Hello"
    assert not chat_requests(server)
    assert window.focusWidget() in (window.header.model, window.header.model.lineEdit())
