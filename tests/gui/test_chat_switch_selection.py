"""Opening a chat by keyboard (Ctrl+PgDown, Ctrl+Tab…) selects exactly that chat.

Qt's ``QAbstractItemView.setCurrentIndex`` picks its selection command from the modifiers held
at that moment; Ctrl is held for the shortcut, so a naive step would toggle the new row into the
selection and a following Delete would remove the chat left behind too.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.gui.helpers import send_and_wait
from tests.servers import LoopbackServer, sse_reply


def _selected_titles(window: Any) -> list[str]:
    chats = window.conv_list
    rows = sorted(i.row() for i in chats.view.selectionModel().selectedRows())
    return [chats.model.summary_at(row).title for row in rows]


CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


@pytest.mark.parametrize(
    ("key", "back", "back_modifiers"),
    [
        (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp, CTRL),
        (Qt.Key.Key_Tab, Qt.Key.Key_Backtab, CTRL_SHIFT),
    ],
    ids=["ctrl-pgdown", "ctrl-tab"],
)
def test_delete_after_switching_chats_by_keyboard_deletes_only_the_open_chat(
    qtbot: Any,
    make_window: Any,
    server: LoopbackServer,
    key: Qt.Key,
    back: Qt.Key,
    back_modifiers: Qt.KeyboardModifier,
) -> None:
    from nebula_desktop.store import Message

    window = make_window()
    older = window.ctx.store.create(title="Older chat")
    older.messages.append(Message(role="user", content="kept"))
    window.ctx.store.save(older)
    window.conv_list.reload()
    server.queue(sse_reply(["Hi there"]))
    window.new_chat()
    send_and_wait(qtbot, window, "Short title")
    sent = window.controller.conv
    # The row takes the chat's new name once its save is on disk (a moment on a slow disk).
    qtbot.waitUntil(lambda: _selected_titles(window) == [sent.title])

    qtbot.keyClick(window.composer.editor, key, CTRL)  # the real shortcut, Ctrl held
    assert window.controller.conv.id == older.id
    assert _selected_titles(window) == ["Older chat"]  # not the chat left behind as well

    window.menus.actions["delete"].trigger()  # File → Delete chat
    remaining = [s.id for s in window.ctx.store.list()]
    assert remaining == [sent.id]  # only the chat that was open went to the trash
    assert window.controller.conv.id == sent.id
    assert "2 chats" not in window.conv_list.undo_label.text()

    window.conv_list.undo_delete()  # the older chat is back, open and selected
    assert _selected_titles(window) == ["Older chat"]
    qtbot.keyClick(window.composer.editor, back, back_modifiers)  # and back up (Shift held too)
    assert window.controller.conv.id == sent.id
    assert _selected_titles(window) == [sent.title]
