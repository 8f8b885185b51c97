"""What a real window sends when the chat's context is limited or cleared: the exact
``messages`` a loopback server received (send, Regenerate, Edit & resend, Continue)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.gui.helpers import chat_requests, send_and_wait, wait_idle
from tests.servers import LoopbackServer, sse_reply


def _user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def _answer(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


def _choose_limit(window: Any, limit: int) -> None:
    """Pick "Last ``limit``" in the chat bar's Context menu, as a click would."""
    window.header.context.limit_action(limit).trigger()


def _turns(qtbot: Any, window: Any, server: LoopbackServer, *pairs: tuple[str, str]) -> None:
    for question, answer in pairs:
        server.queue(sse_reply([answer]))
        send_and_wait(qtbot, window, question)


def test_chat_bar_limit_sends_the_system_prompt_and_the_last_messages_only(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    window = make_window()
    window.header.set_system_prompt("Be brief.")
    window.header.settings_edited.emit()
    _turns(qtbot, window, server, ("Q1", "A1"), ("Q2", "A2"))
    _choose_limit(window, 4)
    _turns(qtbot, window, server, ("Q3", "A3"))
    # The last 4 would start on A1: a cut never starts on an answer, so from Q2.
    assert chat_requests(server)[2].json["messages"] == [
        {"role": "system", "content": "Be brief."},
        _user("Q2"),
        _answer("A2"),
        _user("Q3"),
    ]
    _choose_limit(window, 2)
    _turns(qtbot, window, server, ("Q4", "A4"))
    assert chat_requests(server)[3].json["messages"] == [
        {"role": "system", "content": "Be brief."},
        _user("Q4"),
    ]


def test_clear_context_sends_only_what_follows_the_divider_and_undo_sends_all_again(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    window = make_window()
    _turns(qtbot, window, server, ("Q1", "A1"))
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.conv.messages[-1].context_break
    _turns(qtbot, window, server, ("Q2", "A2"))
    assert chat_requests(server)[1].json["messages"] == [_user("Q2")]

    window.header.context.clear_action().trigger()  # the chat bar's Context menu
    assert window.composer.context_bar.isVisible()
    window.composer.context_bar.button.click()  # Undo
    assert not window.controller.conv.messages[-1].context_break
    _turns(qtbot, window, server, ("Q3", "A3"))
    # The first divider (below A1) is still there: Undo took away only the last one.
    assert chat_requests(server)[2].json["messages"] == [
        _user("Q2"),
        _answer("A2"),
        _user("Q3"),
    ]


def test_divider_and_limit_both_apply_the_later_start_wins(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    window = make_window()
    _turns(qtbot, window, server, ("Q1", "A1"))
    window.controller.clear_context()
    _turns(qtbot, window, server, ("Q2", "A2"), ("Q3", "A3"))
    _choose_limit(window, 50)
    _turns(qtbot, window, server, ("Q4", "A4"))
    assert chat_requests(server)[3].json["messages"] == [
        _user("Q2"),
        _answer("A2"),
        _user("Q3"),
        _answer("A3"),
        _user("Q4"),
    ]
    _choose_limit(window, 2)
    _turns(qtbot, window, server, ("Q5", "A5"))
    assert chat_requests(server)[4].json["messages"] == [_user("Q5")]


def test_regenerate_and_edit_keep_the_divider_below_the_last_turn(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    window = make_window()
    _turns(qtbot, window, server, ("Q1", "A1"), ("Q2", "A2"))
    window.controller.clear_context()
    server.queue(sse_reply(["A2 again"]))
    window.controller.regenerate(None)
    wait_idle(qtbot, window)
    conv = window.controller.conv
    assert [m.content for m in conv.messages] == ["Q1", "A1", "Q2", "A2 again"]
    assert conv.messages[-1].context_break  # the divider stayed below the last message

    server.queue(sse_reply(["A2 edited"]))
    window.controller.edit(conv.messages[2].id)
    window.composer.set_text("Q2 edited")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert [m.content for m in conv.messages] == ["Q1", "A1", "Q2 edited", "A2 edited"]
    assert conv.messages[-1].context_break

    _turns(qtbot, window, server, ("Q3", "A3"))
    assert chat_requests(server)[-1].json["messages"] == [_user("Q3")]


def test_continue_sends_the_limited_history_then_the_answer_so_far(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    window = make_window()
    _turns(qtbot, window, server, ("Q1", "A1"))
    server.queue(sse_reply(["Half"], finish_reason="length"))
    send_and_wait(qtbot, window, "Q2")
    _choose_limit(window, 2)
    server.queue(sse_reply([" and the rest"]))
    window.controller.continue_last()
    wait_idle(qtbot, window)
    sent = chat_requests(server)[-1].json["messages"]
    assert sent[:1] == [_user("Q2")]  # the limit: Q1 and A1 are out
    assert sent[1] == _answer("Half")
    assert sent[2]["role"] == "user" and sent[2]["content"].startswith("Continue")
    assert window.controller.conv.messages[-1].content == "Half and the rest"
