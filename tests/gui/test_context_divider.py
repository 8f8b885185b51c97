"""The "Clear context" divider in the message list: painted under its message, and taken away
by that message's "Remove divider" menu entry (saved with the chat)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nebula_desktop.ui.messages.model import MessageModel
from tests.gui.helpers import chat_on_disk, saved_chat

DIVIDER = "Context cleared — messages above are not sent"


def _layout(window: Any, row: int) -> Any:
    view = window.view
    view.executeDelayedItemsLayout()
    index = view.model().index(row, 0)
    msg = index.data(MessageModel.MessageRole)
    return view.message_delegate.layout(msg, row, view.visualRect(index).top())


def _menu(window: Any, row: int) -> dict[str, Any]:
    view = window.view
    menu = view.context_menu_at(view.visualRect(view.model().index(row, 0)).center())
    assert menu is not None
    return {a.text(): a for a in menu.actions() if a.text()}


def test_divider_is_painted_under_its_message_and_its_menu_removes_it(
    qtbot: Any, make_window: Any, data_dir: Path
) -> None:
    window = make_window()
    conv = saved_chat(window, "Trip", "Q1", "A1", "Q2", "A2")
    window.open_conversation(conv.id)
    plain = _layout(window, 3)
    assert plain.divider_rect is None
    assert "Remove divider" not in _menu(window, 3)

    window.controller.clear_context()  # under the last message, A2
    lay = _layout(window, 3)
    assert lay.divider_text == DIVIDER
    assert lay.divider_rect is not None
    assert lay.divider_rect.top() > lay.body_rect.bottom()  # under the answer's text
    assert lay.height > plain.height
    window.grab()  # paints the divider without errors
    assert "Remove divider" not in _menu(window, 2)

    _menu(window, 3)["Remove divider"].trigger()
    assert not conv.messages[3].context_break
    assert _layout(window, 3).divider_rect is None
    qtbot.waitUntil(lambda: not chat_on_disk(data_dir, conv.id).messages[3].context_break)
