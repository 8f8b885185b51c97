"""The chat bar's Context control, the default in Settings → General, and "Clear context" with
Undo, in a real window: what the user picks is what the chat file keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nebula_desktop.settings import SettingsStore
from tests.gui.helpers import chat_on_disk, open_settings_dialog, saved_chat, send_and_wait
from tests.servers import LoopbackServer, sse_reply


def _pick(button: Any, limit: int | None) -> None:
    """Click an entry of the chat bar's Context menu ("All messages", "Last N")."""
    button.limit_action(limit).trigger()


def test_context_control_is_saved_with_the_chat_and_shown_again(
    qtbot: Any, make_window: Any, data_dir: Path
) -> None:
    window = make_window()
    conv = saved_chat(window, "Trip", "Q1", "A1")
    window.open_conversation(conv.id)
    button = window.header.context
    assert button.text() == "Context ▾" and button.limit_action(None).isChecked()
    _pick(button, 6)
    assert conv.context_limit == 6
    assert button.text() == "Last 6 ▾" and button.limit_action(6).isChecked()
    qtbot.waitUntil(lambda: chat_on_disk(data_dir, conv.id).context_limit == 6, timeout=3000)

    # Custom…: any number, asked in a small dialog.
    button.custom_action().trigger()
    dialog = button.custom_dialog
    assert dialog is not None and button.text() == "Last 6 ▾"  # until answered
    dialog.setIntValue(7)
    dialog.accept()
    assert conv.context_limit == 7 and button.text() == "Last 7 ▾"
    assert button.limit_action(7).isChecked()
    _pick(button, None)
    assert conv.context_limit is None and button.text() == "Context ▾"
    _pick(button, 20)
    make_window.close(window)
    again = make_window()
    again.open_conversation(conv.id)
    assert again.header.context.text() == "Last 20 ▾"
    assert again.controller.conv.context_limit == 20


def test_new_chats_copy_the_default_and_changing_it_leaves_existing_chats_alone(
    qtbot: Any, make_window: Any, server: LoopbackServer, config_dir: Path, data_dir: Path
) -> None:
    settings_store = SettingsStore(config_dir)
    settings = settings_store.load()
    settings.default_context_limit = 10
    settings_store.save(settings)
    window = make_window()
    assert window.header.context.text() == "Last 10 ▾"  # no chat yet: the default
    server.queue(sse_reply(["A1"]))
    send_and_wait(qtbot, window, "Q1")  # the first send creates the chat
    first = window.controller.conv
    assert first.context_limit == 10

    window.ctx.settings.default_context_limit = 4
    window.new_chat()
    second = window.controller.conv
    assert second is not first and second.context_limit == 4
    assert window.header.context.text() == "Last 4 ▾"
    assert first.context_limit == 10
    qtbot.waitUntil(lambda: chat_on_disk(data_dir, second.id).context_limit == 4, timeout=3000)
    assert chat_on_disk(data_dir, first.id).context_limit == 10


def test_settings_general_tab_sets_the_default(qtbot: Any, config_dir: Path) -> None:
    dialog = open_settings_dialog(qtbot, config_dir)
    spin = dialog.general.default_context
    assert spin.value() == 0 and spin.text() == "All messages"
    spin.setValue(12)
    dialog.save()
    assert SettingsStore(config_dir).load().default_context_limit == 12
    again = open_settings_dialog(qtbot, config_dir)
    assert again.general.default_context.value() == 12


def test_clear_context_puts_the_divider_and_undo_removes_it(
    qtbot: Any, make_window: Any, data_dir: Path
) -> None:
    window = make_window()
    conv = saved_chat(window, "Long chat", "Q1", "A1", "Q2", "A2")
    window.open_conversation(conv.id)
    window.menus.actions["clear_context"].trigger()
    assert conv.messages[-1].context_break
    qtbot.waitUntil(
        lambda: chat_on_disk(data_dir, conv.id).messages[-1].context_break, timeout=3000
    )
    bar = window.composer.context_bar
    assert bar.isVisible()
    window.controller.clear_context()  # twice: nothing more
    assert [m.context_break for m in conv.messages] == [False, False, False, True]
    bar.button.click()
    assert not bar.isVisible()
    assert not conv.messages[-1].context_break
    qtbot.waitUntil(
        lambda: not chat_on_disk(data_dir, conv.id).messages[-1].context_break, timeout=3000
    )


def test_clear_context_in_an_empty_chat_says_so(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.new_chat()
    window.controller.clear_context()
    assert window.statusBar().currentMessage() == "There is nothing to clear yet."
    assert not window.composer.context_bar.isVisible()


@pytest.mark.qt_log_ignore("This plugin does not support")  # a popup menu, offscreen
def test_the_context_menu_opens_with_every_entry_and_the_chats_value_checked(
    qtbot: Any, make_window: Any
) -> None:
    # Its entries are made when it first opens: a chat's custom value, set before, is among
    # them and checked.
    window = make_window()
    conv = saved_chat(window, "Trip", "Q1", "A1")
    conv.context_limit = 9
    window.open_conversation(conv.id)
    button = window.header.context
    assert button.text() == "Last 9 ▾"
    menu = button.menu()
    menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
    qtbot.waitUntil(menu.isVisible)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts[:2] == ["All messages", "Last 2"] and "Last 9" in texts
    assert [a.text() for a in menu.actions() if a.isChecked()] == ["Last 9"]
    assert texts[-2:] == ["Custom…", "Clear context\tCtrl+K"]
    menu.close()
