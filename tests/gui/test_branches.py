"""Branches in the window: regenerate and edit & resend keep earlier versions, "‹ 2/3 ›"
flips between them (mouse and Alt+Left/Right), and the choice survives reopening the app."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.gui.helpers import chat_requests, send_and_wait, texts, wait_idle
from tests.servers import LoopbackServer, sse_reply


def switcher(window: Any, row: int) -> Any:
    """The painted layout of ``row`` (where its "‹ n/m ›" arrows are)."""
    view = window.view
    index = view.model().index(row, 0)
    view.scrollTo(index)
    rect = view.visualRect(index)
    msg = view.message_model.message_at(row)
    return view.message_delegate.layout(msg, row, rect.top())


def click_arrow(qtbot: Any, window: Any, row: int, action: str) -> None:
    lay = switcher(window, row)
    (rect,) = [r for name, _, r in lay.branch_buttons if name == action]
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_regenerating_twice_keeps_three_versions_and_the_choice_persists(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    for text in ("First", "Second", "Third"):
        server.queue(sse_reply([text]))
    window = make_window()
    send_and_wait(qtbot, window, "Question")
    assert switcher(window, 1).branch_text == ""  # one version: no switcher
    for _ in range(2):
        qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        wait_idle(qtbot, window)
    assert texts(window) == ["Question", "Third"]
    assert switcher(window, 1).branch_text == "3/3"
    # Each regenerate sent the chosen path only: the question, never the older answers.
    assert [r.json["messages"] for r in chat_requests(server)[1:]] == [
        [{"role": "user", "content": "Question"}]
    ] * 2

    with qtbot.waitSignal(window.controller.conversation_saved):
        click_arrow(qtbot, window, 1, "branch_prev")
    assert texts(window) == ["Question", "Second"]
    assert switcher(window, 1).branch_text == "2/3"
    window.view.setFocus()
    window.view.focus_message(window.controller.conv.messages[1].id)
    with qtbot.waitSignal(window.controller.conversation_saved):
        qtbot.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert texts(window) == ["Question", "First"]
    assert switcher(window, 1).branch_text == "1/3"
    qtbot.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # no 0/3
    assert texts(window) == ["Question", "First"]
    conv_id = window.controller.conv.id
    make_window.close(window)

    again = make_window()
    assert again.controller.conv.id == conv_id
    assert texts(again) == ["Question", "First"]
    assert switcher(again, 1).branch_text == "1/3"
    with qtbot.waitSignal(again.controller.conversation_saved):  # the choice is saved
        click_arrow(qtbot, again, 1, "branch_next")
    assert texts(again) == ["Question", "Second"]


def test_edit_and_resend_keeps_the_old_branch_with_its_answers(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    for text in ("A1", "A2", "A1 again"):
        server.queue(sse_reply([text]))
    window = make_window()
    send_and_wait(qtbot, window, "Q1")
    send_and_wait(qtbot, window, "Q2")
    first = window.controller.conv.messages[0]
    window.view.edit_requested.emit(first.id)
    send_and_wait(qtbot, window, "Q1 edited")
    assert texts(window) == ["Q1 edited", "A1 again"]
    assert chat_requests(server)[2].json["messages"] == [{"role": "user", "content": "Q1 edited"}]
    assert switcher(window, 0).branch_text == "2/2"

    with qtbot.waitSignal(window.controller.conversation_saved):
        click_arrow(qtbot, window, 0, "branch_prev")
    assert texts(window) == ["Q1", "A1", "Q2", "A2"]
    assert switcher(window, 0).branch_text == "1/2"
    assert window.view.model().rowCount() == 4


def test_versions_cannot_be_flipped_while_an_answer_streams(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["One"]))
    server.queue(sse_reply(["Two"]))
    server.queue(sse_reply(["Slow", " three"], delay=0.3))
    window = make_window()
    send_and_wait(qtbot, window, "Q")
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.is_busy()
    with qtbot.waitSignal(window.controller.status_message) as blocker:
        window.view.branch_requested.emit(window.controller.conv.messages[1].id, 0)
    assert "Stop the answer" in blocker.args[0]
    wait_idle(qtbot, window)
    assert texts(window) == ["Q", "Slow three"]


def test_context_menu_offers_the_other_versions(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["First"]))
    server.queue(sse_reply(["Second"]))
    window = make_window()
    send_and_wait(qtbot, window, "Q")
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    lay = switcher(window, 1)
    menu = window.view.context_menu_at(lay.body_rect.center())
    labels = [a.text() for a in menu.actions()]
    assert "Previous version (Alt+Left)" in labels
    assert "Next version (Alt+Right)" not in labels
    (previous,) = [a for a in menu.actions() if a.text().startswith("Previous version")]
    with qtbot.waitSignal(window.controller.conversation_saved):
        previous.trigger()
    assert texts(window) == ["Q", "First"]


def test_retrying_an_earlier_failed_answer_keeps_the_later_turns_as_a_version(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    from tests.servers import Reply

    bad_key = {"error": {"message": "Invalid token", "type": "new_api_error", "code": ""}}
    server.queue(Reply.json(401, bad_key))
    server.queue(sse_reply(["A2"]))
    server.queue(sse_reply(["A1 at last"]))
    window = make_window()
    send_and_wait(qtbot, window, "Q1")
    failed = window.controller.conv.messages[1]
    assert failed.error
    send_and_wait(qtbot, window, "Q2")
    window.view.retry_requested.emit(failed.id)
    wait_idle(qtbot, window)
    assert texts(window) == ["Q1", "A1 at last"]
    assert switcher(window, 1).branch_text == "2/2"
    with qtbot.waitSignal(window.controller.conversation_saved):
        click_arrow(qtbot, window, 1, "branch_prev")
    assert texts(window)[2:] == ["Q2", "A2"]
