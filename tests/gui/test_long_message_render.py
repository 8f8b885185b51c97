"""Issue 14, P9 (a): opening a chat whose answer is very long never holds the window for the
render. The answer's text shows at once, as written (its end, where the chat opens), and its
formatted document replaces it when the render, done off the GUI thread, lands
(``MessageDelegate.document_ready``). Copy and a chat switch in between behave as a user expects.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from nebula_desktop.store import Message
from nebula_desktop.ui.messages.documents import ASYNC_CHARS
from nebula_desktop.ui.messages.view import MessageView
from tests.gui.helpers import IDLE_TIMEOUT_MS, show_widget


@pytest.fixture
def view(qtbot: Any) -> MessageView:
    return show_widget(qtbot, MessageView(), 800, 600)


def _long_answer(word: str) -> Message:
    """An ordinary Markdown answer past the off-thread threshold, ending in a bold word."""
    para = f"{word} says **this** with a [link](https://example.com) and `code` in it.\n\n"
    body = para * (ASYNC_CHARS // len(para) + 20)
    return Message(role="assistant", model="m", content=body + f"The end of {word} **done**")


def _shown_text(view: MessageView, msg: Message) -> str:
    """The text the row of ``msg`` paints right now."""
    row = view.message_model.row_of(msg.id)
    body = view.message_delegate.layout(msg, row, 0).body_doc
    assert body is not None
    return body.doc.toPlainText()


def test_long_answer_shows_its_text_at_once_and_the_formatting_when_rendered(
    qtbot: Any, view: MessageView
) -> None:
    answer = _long_answer("alpha")
    delegate = view.message_delegate
    view.set_messages([Message(role="user", content="go"), answer])
    # Right away: the end of the answer, as written (no render happened on the GUI thread).
    assert _shown_text(view, answer).endswith("The end of alpha **done**")
    with qtbot.waitSignal(delegate.document_ready, timeout=IDLE_TIMEOUT_MS) as ready:
        pass
    assert ready.args == [answer.id]
    shown = _shown_text(view, answer)
    assert shown.endswith("The end of alpha done") and "**" not in shown
    # The row was measured again for the formatted document (the view lays it out anew).
    size = delegate.cached_size(answer)
    assert size is not None and size.height() == delegate.layout(answer, 1, 0).height


def test_copy_while_the_plain_text_shows_gives_the_formatted_text(
    qtbot: Any, view: MessageView
) -> None:
    answer = _long_answer("beta")
    view.set_messages([Message(role="user", content="go"), answer])
    assert _shown_text(view, answer).endswith("**done**")  # still plain
    view.setCurrentIndex(view.message_model.index(1, 0))
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    early = QGuiApplication.clipboard().text()
    assert early.endswith("The end of beta done") and "**" not in early
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == early  # the same text before and after


def test_switching_chats_before_the_render_lands_never_shows_the_old_answer(
    qtbot: Any, view: MessageView
) -> None:
    delegate = view.message_delegate
    old, new = _long_answer("gamma"), _long_answer("delta")
    view.set_messages([Message(role="user", content="first chat"), old])
    assert _shown_text(view, old).endswith("The end of gamma **done**")
    landed: list[str] = []
    delegate.document_ready.connect(landed.append)
    view.set_messages([Message(role="user", content="second chat"), new])  # before it lands
    assert _shown_text(view, new).endswith("The end of delta **done**")
    # Renders run one at a time in order: once the new chat's lands, the old one's is done too.
    with qtbot.waitSignal(
        delegate.document_ready,
        timeout=IDLE_TIMEOUT_MS,
        check_params_cb=lambda message_id: message_id == new.id,
    ):
        pass
    assert landed == [new.id]  # the old chat's result was dropped, not painted
    view.grab()
    shown = _shown_text(view, new)
    assert shown.endswith("The end of delta done") and "gamma" not in shown
    # Opening the first chat again renders it again (no stand-in is left behind for ever).
    view.set_messages([Message(role="user", content="first chat"), old])
    with qtbot.waitSignal(delegate.document_ready, timeout=IDLE_TIMEOUT_MS):
        pass
    assert _shown_text(view, old).endswith("The end of gamma done")


def test_long_answer_that_finished_streaming_stays_formatted_until_its_render_lands(
    qtbot: Any, view: MessageView
) -> None:
    delegate = view.message_delegate
    answer = Message(role="assistant", model="m", content="")
    view.set_messages([Message(role="user", content="go"), answer])
    view.set_streaming(answer.id)
    full = _long_answer("epsilon").content
    for i in range(0, len(full), 4000):
        view.stream_append(answer.id, "content", full[i : i + 4000])
        view.flush_stream()
        qtbot.waitUntil(lambda: not delegate.layout(answer, 1, 0).body_doc.behind)
    assert _shown_text(view, answer).endswith("The end of epsilon done")
    view.set_streaming(None)  # the final render runs off the GUI thread
    view.refresh_message(answer.id)  # complete, usage…: rendered again
    # No flash of Markdown source in between: the live document stays until the render lands.
    assert _shown_text(view, answer).endswith("The end of epsilon done")
    with qtbot.waitSignal(delegate.document_ready, timeout=IDLE_TIMEOUT_MS):
        pass
    assert _shown_text(view, answer).endswith("The end of epsilon done")
    assert not delegate.layout(answer, 1, 0).body_doc.pending
