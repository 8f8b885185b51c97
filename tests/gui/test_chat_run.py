"""The run of one request owns the streaming answer: it folds the text in whether or not the
chat is on screen, and the message view only repaints the row it is told about."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from nebula_desktop.store import Message
from nebula_desktop.ui.messages.view import MessageView
from tests.gui.helpers import send, wait_answer
from tests.servers import LoopbackServer, sse_reply


def test_answer_in_a_chat_off_screen_holds_its_text_before_the_next_save(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    words = [f"word{i} " for i in range(8)]
    reply = sse_reply(words, finish_reason=None, done=False, delay=0.05)
    reply.hang = True  # still streaming: only a periodic save (every 3 s) would fold it before
    server.queue(reply)
    window = make_window()
    send(qtbot, window, "Count slowly")
    answer = window.controller.conv.messages[-1]
    wait_answer(qtbot, window, lambda: bool(answer.content))
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.view.model().rowCount() == 0
    # Export, search and the list read the Message: it has every word within a flush or two.
    wait_answer(qtbot, window, lambda: answer.content == "".join(words), timeout=2000)
    assert window.controller.is_busy()
    window.controller.stop()


def test_view_repaints_a_grown_answer_without_writing_it(qtbot: Any) -> None:
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    answer = Message(role="assistant", content="short", complete=False)
    view.set_messages([Message(role="user", content="q"), answer])
    view.set_streaming(answer.id)
    before = view.message_delegate.cached_size(answer)
    assert before is not None
    answer.content += "\n\n" + "a longer answer that wraps over several lines " * 20
    with qtbot.waitSignal(view.message_delegate.sizeHintChanged, timeout=1000):
        view.message_changed(answer.id)
    assert view.message_delegate.cached_size(answer).height() > before.height()
    assert answer.content.startswith("short\n\na longer answer")  # untouched by the view
