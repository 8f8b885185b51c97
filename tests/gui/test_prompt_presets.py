"""Issue 7 item 8: saved system prompts with names, a default one for new chats, and a picker
in the System… prompt editor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from nebula_desktop.settings import SettingsStore
from nebula_desktop.ui.settings.prompt_presets import PromptPresetsDialog
from tests.gui.helpers import wait_idle
from tests.servers import LoopbackServer, sse_reply


def save_presets(config_dir: Path, presets: list[dict[str, str]], default: str = "") -> None:
    store = SettingsStore(config_dir)
    settings = store.load()
    settings.prompt_presets = presets
    settings.default_prompt_preset = default
    store.save(settings)


def presets_dialog(qtbot: Any, window: Any) -> PromptPresetsDialog:
    qtbot.waitUntil(lambda: window.dialogs.presets_dialog is not None)
    dialog: PromptPresetsDialog = window.dialogs.presets_dialog
    qtbot.waitExposed(dialog)
    return dialog


def test_presets_are_added_edited_and_made_default_from_the_chat_menu(
    qtbot: Any, make_window: Any, config_dir: Path
) -> None:
    window = make_window()
    window.menus.actions["prompt_presets"].trigger()
    dialog = presets_dialog(qtbot, window)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "Translator")
    dialog.text_edit.setPlainText("Translate everything into French.")
    qtbot.mouseClick(dialog.default_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    dialog.text_edit.setPlainText("Answer like a pirate.")
    assert dialog.list.item(0).text() == "Translator (default)"
    with qtbot.waitSignal(dialog.presets_changed):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    reloaded = SettingsStore(config_dir).load()
    assert reloaded.prompt_presets == [
        {"name": "Translator", "text": "Translate everything into French."},
        {"name": "Preset 2", "text": "Answer like a pirate."},
    ]
    assert reloaded.default_prompt_preset == "Translator"


def test_new_chat_starts_with_the_default_preset_and_sends_it(
    qtbot: Any, make_window: Any, server: LoopbackServer, config_dir: Path
) -> None:
    save_presets(config_dir, [{"name": "Terse", "text": "Be terse."}], default="Terse")
    window = make_window()
    assert window.header.system_prompt() == "Be terse."  # before the first chat exists
    server.queue(sse_reply(["ok"]))
    window.composer.set_text("Hello")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    chat = next(r for r in server.requests if r.path.endswith("/chat/completions"))
    assert chat.json["messages"][0] == {"role": "system", "content": "Be terse."}
    window.new_chat()
    assert window.controller.conv.system_prompt == "Be terse."
    assert window.header.system.text() == "System ✓"


def test_deleting_the_default_preset_leaves_new_chats_without_a_prompt(
    qtbot: Any, make_window: Any, config_dir: Path
) -> None:
    save_presets(config_dir, [{"name": "Terse", "text": "Be terse."}], default="Terse")
    window = make_window()
    window.open_prompt_presets()
    dialog = presets_dialog(qtbot, window)
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.list.count() == 0
    dialog.save()
    assert window.ctx.settings.default_prompt_preset == ""
    assert SettingsStore(config_dir).load().prompt_presets == []


def test_duplicate_names_are_refused_and_cancel_changes_nothing(
    qtbot: Any, make_window: Any, config_dir: Path
) -> None:
    save_presets(config_dir, [{"name": "A", "text": "x"}])
    window = make_window()
    window.open_prompt_presets()
    dialog = presets_dialog(qtbot, window)
    dialog.add_preset("B")
    dialog.name_edit.setText("A")
    dialog.name_edit.textEdited.emit("A")
    dialog.save()
    assert dialog.isVisible() and "same name" in dialog.error.text()
    dialog.reject()
    assert window.ctx.settings.prompt_presets == [{"name": "A", "text": "x"}]


def test_system_prompt_editor_uses_a_preset_and_opens_the_manager(
    qtbot: Any, make_window: Any, config_dir: Path
) -> None:
    save_presets(config_dir, [{"name": "Coder", "text": "You write Python."}])
    window = make_window()
    window.new_chat()
    qtbot.mouseClick(window.header.system, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.header.system_dialog is not None)
    editor = window.header.system_dialog
    qtbot.waitExposed(editor)
    combo = editor.preset_combo
    assert [combo.itemText(i) for i in range(combo.count())][1:] == ["Coder"]
    combo.setCurrentIndex(1)
    combo.activated.emit(1)
    assert editor.editor.toPlainText() == "You write Python."
    editor.accept()
    assert window.header.system_prompt() == "You write Python."
    assert window.controller.conv.system_prompt == "You write Python."  # kept with the chat

    qtbot.mouseClick(window.header.system, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.header.system_dialog is not None)
    editor = window.header.system_dialog
    qtbot.mouseClick(editor.manage_button, Qt.MouseButton.LeftButton)
    manager = presets_dialog(qtbot, window)
    manager.add_preset("Poet", "Rhyme.")
    manager.save()
    assert [editor.preset_combo.itemText(i) for i in range(1, 3)] == ["Coder", "Poet"]
    editor.reject()
