"""One table of message actions: the hover buttons, the incomplete marker's buttons, the "‹ ›"
arrows, the context menu, the cursor and what a click does all come from it."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from nebula_desktop.store import Message
from nebula_desktop.ui.messages import actions
from nebula_desktop.ui.messages.actions import HEADER, MESSAGE_ACTIONS, MessageAction
from nebula_desktop.ui.messages.commands import cursor_shape
from nebula_desktop.ui.messages.model import MessageModel
from nebula_desktop.ui.messages.view import MessageView
from tests.gui.helpers import show_widget


@pytest.fixture
def view(qtbot: Any) -> MessageView:
    return show_widget(qtbot, MessageView(), 800, 600)


def _chats() -> list[tuple[list[Message], int | None]]:
    """Chats covering every action: (messages, row streaming or None)."""
    versions = Message(role="user", content="q", alternatives=[[Message("user", "a")]] * 2)
    versions.branch_index = 1  # "‹ 2/3 ›": both arrows lead somewhere
    thought = Message(role="assistant", content="a", reasoning="hmm", reasoning_seconds=1.0)
    failed = Message(role="assistant", content="partial", complete=False, error="Error: x")
    return [
        ([versions, thought], None),
        ([Message(role="user", content="q"), failed], None),
        (
            [
                Message(role="user", content="q"),
                Message(role="assistant", content="", reasoning="hm"),
            ],
            1,
        ),
    ]


def _painted(view: MessageView, row: int) -> list[tuple[str, str, Any]]:
    """Every clickable thing painted on ``row`` (as hovered): (action, label, rect)."""
    index = view.model().index(row, 0)
    delegate = view.message_delegate
    delegate.hover_row = row
    lay = delegate.layout(index.data(MessageModel.MessageRole), row, view.visualRect(index).top())
    found = [*lay.actions, *lay.buttons, *lay.branch_buttons]
    if lay.thinking_header is not None:
        found.append(("thinking", lay.thinking_label, lay.thinking_header))
    return found


def _menu_labels(view: MessageView, row: int) -> list[str]:
    menu = view.context_menu_at(view.visualRect(view.model().index(row, 0)).center())
    assert menu is not None
    return [a.text() for a in menu.actions() if a.text()]


def test_buttons_menu_and_cursor_all_follow_the_one_table(qtbot: Any, view: MessageView) -> None:
    by_name = {a.name: a for a in MESSAGE_ACTIONS}
    order = [a.name for a in MESSAGE_ACTIONS]
    for chat, streaming_row in _chats():
        view.set_messages(chat)
        view.set_streaming(chat[streaming_row].id if streaming_row is not None else None)
        view.executeDelayedItemsLayout()
        last = view.message_model.last_assistant_row()
        for row, msg in enumerate(chat):
            streaming = row == streaming_row
            offered = [a for a in MESSAGE_ACTIONS if a.applies(msg, row == last, streaming)]
            # The menu lists exactly the table rows that apply, in table order.
            assert _menu_labels(view, row) == [a.text() for a in offered if a.in_menu]
            painted = _painted(view, row)
            names = [name for name, _, _ in painted if name != "thinking"]
            assert set(names) <= set(order)
            for name, label, rect in painted:
                action = by_name[name]
                if action.glyph:
                    assert label == action.glyph
                elif name != "thinking":  # the toggle says "▸ Thought for 1.0 s" instead
                    assert label == action.text()
                    assert action in offered  # a button only where its menu entry is
                # The pointer over it is the table's cursor (the hit-test finds the action).
                index = view.model().index(row, 0)
                hit = view.message_delegate.hit(index, view.visualRect(index), rect.center())
                assert hit[0] == name
                assert cursor_shape(name) == action.cursor
    # What the rows above showed, spelled out: the failed last answer's menu.
    view.set_messages(_chats()[1][0])
    view.executeDelayedItemsLayout()
    assert _menu_labels(view, 1) == ["Copy", "Copy as Markdown", "Regenerate", "Retry", "Continue"]


def test_a_row_added_to_the_table_is_a_button_a_menu_entry_and_a_request(
    qtbot: Any, view: MessageView, monkeypatch: pytest.MonkeyPatch
) -> None:
    label = "Edit again"
    extra = MessageAction("edit_again", label, HEADER, lambda m, last, s: m.role == "user",
                          request="edit_requested")  # fmt: skip
    monkeypatch.setattr(actions, "MESSAGE_ACTIONS", (*MESSAGE_ACTIONS, extra))
    question = Message(role="user", content="q")
    view.set_messages([question, Message(role="assistant", content="a")])
    view.executeDelayedItemsLayout()
    assert _menu_labels(view, 0)[-1] == label
    assert label not in _menu_labels(view, 1)
    (rect,) = [r for name, _, r in _painted(view, 0) if name == "edit_again"]
    qtbot.mouseMove(view.viewport(), rect.center())
    assert view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    with qtbot.waitSignal(view.edit_requested) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args == [question.id]
