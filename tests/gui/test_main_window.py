"""The main window: first run, window state, model list, shortcuts, dialogs, list wiring."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox

from tests.gui.helpers import catch_urls, send_and_wait, wait_for, wait_idle
from tests.servers import CHAT_PATH, LoopbackServer, sse_reply


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring so tests never touch the user's real one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def open_dialogs(window: Any, kind: type) -> list[Any]:
    return [w for w in window.findChildren(kind) if w.isVisible()]


def test_first_run_without_a_key_opens_the_settings_dialog(
    qtbot: Any, make_window: Any, memory_keyring: MemoryKeyring
) -> None:
    from nebula_desktop.ui.settings.dialog import SettingsDialog

    window = make_window(key=None)
    qtbot.waitUntil(lambda: bool(open_dialogs(window, SettingsDialog)), timeout=5000)
    dialog = open_dialogs(window, SettingsDialog)[0]
    assert dialog.welcome_label.isVisible()
    dialog.reject()


def test_stored_key_skips_first_run_and_is_sent_by_the_worker(
    qtbot: Any, make_window: Any, server: LoopbackServer, memory_keyring: MemoryKeyring
) -> None:
    from nebula_desktop.secrets import SERVICE
    from nebula_desktop.ui.settings.dialog import SettingsDialog

    memory_keyring.set_password(SERVICE, "ai-nebula", "sk-from-keyring-123456")
    server.queue(sse_reply(["hi"]))
    window = make_window(key=None)
    send_and_wait(qtbot, window, "hello")
    chat = next(r for r in server.requests if r.path == CHAT_PATH)
    assert chat.headers["Authorization"] == "Bearer sk-from-keyring-123456"
    assert not open_dialogs(window, SettingsDialog)


def test_model_list_fills_the_combo_and_is_cached_in_settings(
    qtbot: Any, make_window: Any, config_dir: Any
) -> None:
    from nebula_desktop.settings import SettingsStore

    window = make_window()
    wait_for(qtbot, window.models.loaded, lambda: window.header.model.count() == 2, 10000)
    assert not window.header.busy.isVisible()
    items = [window.header.model.itemText(i) for i in range(window.header.model.count())]
    assert items == ["other-model", "test-model"]
    assert window.header.model_name() == "test-model"  # the typed model stays selected
    cached = SettingsStore(config_dir).load()
    assert cached.profile("ai-nebula").models_cache == ["other-model", "test-model"]


def test_window_size_and_splitter_persist(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.resize(780, 560)  # the offscreen screen is 800 x 600
    qtbot.waitUntil(lambda: window.width() == 780)
    # The chat bar's spin boxes have their app size (ui/common/looks.py): it needs 668 px.
    window.splitter.setSizes([100, 676])
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == 100)
    make_window.close(window)
    again = make_window()
    assert (again.width(), again.height()) == (780, 560)
    assert again.splitter.sizes()[0] == 100


def test_a_damaged_saved_window_size_opens_the_window_with_the_rest_intact(
    qtbot: Any, make_window: Any, config_dir: Any
) -> None:
    from nebula_desktop.settings import SettingsStore

    window = make_window()
    window.resize(780, 560)
    qtbot.waitUntil(lambda: window.width() == 780)
    make_window.close(window)
    store = SettingsStore(config_dir)
    settings = store.load()
    assert settings.window_geometry  # the good one was saved
    settings.window_geometry = "AdnQy"  # cut short by hand: bad base64 padding
    settings.window_state = "@@@"
    store.save(settings)
    again = make_window()
    assert again.isVisible() and again.splitter.sizes()[0] > 0


def test_loading_the_model_list_does_not_widen_the_chat_bar(qtbot: Any, make_window: Any) -> None:
    # The loading bar takes the reload button's place: a window that fits the bar while idle
    # (and the chat list beside it) still fits it while the list loads.
    header = make_window().header
    header.set_models_busy(False)
    idle = header.minimumSizeHint().width()
    header.set_models_busy(True)
    assert header.busy.isVisible() and not header.refresh.isVisible()
    assert header.minimumSizeHint().width() <= idle
    header.set_models_busy(False)
    assert header.refresh.isVisible() and header.refresh.isEnabled()


def test_last_open_conversation_reopens(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["one"]))
    server.queue(sse_reply(["two"]))
    window = make_window()
    send_and_wait(qtbot, window, "older chat")
    first = window.controller.conv.id
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    send_and_wait(qtbot, window, "newer chat")
    chats = window.conv_list
    chats.view.setCurrentIndex(chats.model.index(chats.model.row_of(first), 0))
    assert window.controller.conv.id == first
    make_window.close(window)
    again = make_window()
    assert again.controller.conv.id == first
    assert again.conv_list.current_id() == first


def test_deleting_the_open_chat_shows_the_next_and_undo_brings_it_back(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["one"]))
    server.queue(sse_reply(["two"]))
    window = make_window()
    send_and_wait(qtbot, window, "keep me")
    kept = window.controller.conv.id
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    send_and_wait(qtbot, window, "delete me")
    doomed = window.controller.conv.id
    window.menus.actions["delete"].trigger()
    assert window.controller.conv.id == kept
    window.conv_list.undo_delete()
    assert window.controller.conv.id == doomed
    assert window.controller.conv.messages[0].content == "delete me"


def test_shortcuts_reach_search_composer_and_help(qtbot: Any, make_window: Any) -> None:
    from nebula_desktop.ui.window.shortcuts import ShortcutsDialog

    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is window.conv_list.search_edit
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is window.composer.editor
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: bool(open_dialogs(window, ShortcutsDialog)))
    dialog = open_dialogs(window, ShortcutsDialog)[0]
    labels = " ".join(label.text() for label in dialog.findChildren(QLabel))
    for keys in ("Ctrl+N", "Ctrl+F", "Ctrl+R", "Esc", "Ctrl+,", "Ctrl+Shift+C", "F2", "Del"):
        assert keys in labels
    dialog.reject()


def test_copy_last_answer_puts_it_on_the_clipboard(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["Copy ", "me"]))
    window = make_window()
    send_and_wait(qtbot, window, "hi")
    QApplication.clipboard().clear()
    window.menus.actions["copy_last"].trigger()
    assert QApplication.clipboard().text() == "Copy me"


def test_about_box_shows_the_version_without_blocking(qtbot: Any, make_window: Any) -> None:
    from nebula_desktop import __version__

    window = make_window()
    window.menus.actions["about"].trigger()  # returns at once: the box is not modal-blocking
    boxes = open_dialogs(window, QMessageBox)
    assert boxes and __version__ in boxes[0].text()
    boxes[0].close()


def test_unexpected_error_is_logged_and_shown_without_blocking(
    qtbot: Any, make_window: Any, caplog: Any
) -> None:
    from nebula_desktop.app import _ErrorReporter

    window = make_window()
    reporter = _ErrorReporter()
    reporter.window = window
    hooks = sys.excepthook, threading.excepthook
    reporter.install()
    try:
        raise ValueError("boom")
    except ValueError as error:
        sys.excepthook(ValueError, error, error.__traceback__)  # as Python reports one
    finally:
        sys.excepthook, threading.excepthook = hooks
    boxes = open_dialogs(window, QMessageBox)
    assert boxes and "boom" in boxes[0].text()
    assert not boxes[0].isModal()
    assert "unexpected error" in caplog.text
    boxes[0].close()


def test_main_controls_have_accessible_names(make_window: Any) -> None:
    window = make_window()
    for widget in (
        window.composer.editor,
        window.composer.button,
        window.header.model,
        window.header.profile,
        window.header.temperature,
        window.header.max_tokens,
        window.header.system,
        window.view,
        window.conv_list,
    ):
        assert widget.accessibleName()


def test_system_prompt_dialog_stores_the_prompt_with_the_chat(qtbot: Any, make_window: Any) -> None:
    from nebula_desktop.ui.chat.system_prompt import SystemPromptDialog

    window = make_window()
    window.new_chat()
    window.header.system.click()
    dialog = open_dialogs(window, SystemPromptDialog)[0]
    dialog.editor.setPlainText("You are terse.")
    dialog.accept()
    assert window.controller.conv.system_prompt == "You are terse."
    assert isinstance(dialog, QDialog)


def test_settings_shortcut_opens_the_settings_dialog(qtbot: Any, make_window: Any) -> None:
    from nebula_desktop.ui.settings.dialog import SettingsDialog

    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(open_dialogs(window, SettingsDialog)))
    dialog = open_dialogs(window, SettingsDialog)[0]
    assert not dialog.welcome_label.isVisible()
    dialog.reject()


def test_link_opens_in_the_browser_only_after_confirming_the_full_address(
    qtbot: Any, make_window: Any
) -> None:
    with catch_urls("https") as catcher:
        window = make_window()
        window.view.link_activated.emit("https://example.com/docs?q=1")
        box = open_dialogs(window, QMessageBox)[0]
        assert "https://example.com/docs?q=1" in box.text()
        box.button(QMessageBox.StandardButton.Open).click()
        qtbot.waitUntil(lambda: catcher.urls == ["https://example.com/docs?q=1"])
        window.view.link_activated.emit("javascript:alert(1)")
        assert not open_dialogs(window, QMessageBox)


def test_top_bar_values_are_remembered_with_the_conversation(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.new_chat()
    conv_id = window.controller.conv.id
    window.header.model.setEditText("other-model")
    window.header.temperature.setValue(0.2)
    window.header.max_tokens.setValue(1024)
    make_window.close(window)
    again = make_window()
    assert again.controller.conv.id == conv_id
    assert again.header.model_name() == "other-model"
    assert again.header.temperature.value() == 0.2
    assert again.header.max_tokens.value() == 1024


def test_help_opens_the_log_folder(qtbot: Any, make_window: Any, tmp_path: Any) -> None:
    with catch_urls("file") as catcher:
        window = make_window()
        window.ctx.log_dir = str(tmp_path / "logs")
        window.menus.actions["log"].trigger()
        qtbot.waitUntil(lambda: bool(catcher.urls))
        assert catcher.urls == [QUrl.fromLocalFile(str(tmp_path / "logs")).toString()]


def test_empty_chat_shows_a_start_hint_until_the_first_message(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["hi"]))
    window = make_window()
    assert window.empty_hint.isVisible()
    send_and_wait(qtbot, window, "hello")
    assert not window.empty_hint.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.empty_hint.isVisible()


def test_model_list_failure_is_reported_in_the_status_bar(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    from tests.servers import Reply

    bad = {"error": {"message": "Invalid token", "type": "new_api_error", "code": ""}}
    server.default["/v1/models"] = Reply.json(401, bad)
    window = make_window()
    status = window.statusBar()
    wait_for(qtbot, window.models.failed, lambda: "model list" in status.currentMessage(), 10000)
    assert "Error: Invalid or unauthorized API key" in window.statusBar().currentMessage()
    assert not window.header.busy.isVisible()


def test_unusable_keyring_is_explained_on_the_answer(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        window = make_window(key=None)
        window.controller.send("hello")
        wait_idle(qtbot, window)
        answer = window.controller.conv.messages[-1]
        assert answer.error and "keyring" in answer.error.lower()
        assert "Unexpected" not in answer.error
        assert not [r for r in server.requests if r.path == CHAT_PATH]
    finally:
        keyring.set_keyring(previous)


def test_the_list_index_is_written_while_idle_not_while_streaming(
    qtbot: Any, make_window: Any, server: LoopbackServer, data_dir: Any
) -> None:
    from nebula_desktop.store.index import read_index

    server.queue(sse_reply(["one"]))
    window = make_window()
    send_and_wait(qtbot, window, "hello")
    conv_id = window.controller.conv.id
    qtbot.waitUntil(lambda: window.runner.pending() == 0)  # the answer's save is on disk
    index = data_dir / "index.json"
    assert conv_id not in read_index(index)  # saving alone does not write it
    window.controller.is_busy = lambda: True  # an answer is streaming
    window.index_timer.timeout.emit()
    assert conv_id not in read_index(index)
    window.controller.is_busy = lambda: False
    window.index_timer.timeout.emit()
    assert read_index(index)[conv_id].summary.message_count == 2


def test_ctrl_page_keys_and_ctrl_tab_walk_through_the_chats(
    qtbot: Any, make_window: Any, data_dir: Any
) -> None:
    from nebula_desktop.store import ConversationStore, Message

    with ConversationStore(data_dir) as store:
        for title in ("oldest", "middle", "newest"):
            conv = store.create(title=title)
            conv.messages.append(Message(role="user", content=f"about {title}"))
            store.save(conv)
    window = make_window(offline=True)
    window.open_conversation(window.ctx.store.list()[0].id)

    def opened() -> str:
        return str(window.controller.conv.title)

    assert opened() == "newest"
    window.composer.focus()  # typing in the message box: the keys still switch chats
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert opened() == "middle"
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert opened() == "oldest"
    qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert opened() == "oldest"  # the end of the list: stays
    qtbot.keyClick(window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert opened() == "middle"
    assert window.conv_list.current_id() == window.controller.conv.id


def test_the_theme_switch_after_a_window_closed_reaches_no_dead_window(
    qtbot: Any, server: LoopbackServer, data_dir: Any, config_dir: Any
) -> None:
    # Saving settings applies the theme; a later switch (another window, the OS turning dark)
    # must not call back into a window that is gone.
    from PySide6.QtCore import QCoreApplication, QEvent

    from nebula_desktop.settings import SettingsStore
    from nebula_desktop.store import ConversationStore
    from nebula_desktop.ui.common.app_context import AppContext
    from nebula_desktop.ui.common.theme import apply_theme
    from nebula_desktop.ui.window.main_window import MainWindow
    from tests.gui.conftest import write_settings

    write_settings(config_dir, server.base_url)
    settings_store = SettingsStore(config_dir)
    settings = settings_store.load()
    with ConversationStore(data_dir) as store:
        window = MainWindow(AppContext(settings_store, store, settings, offline=True))
        settings.theme = "dark"
        window.dialogs.settings_changed.emit()  # what the settings dialog does once it saved
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert apply_theme(app, "light") is False
    assert apply_theme(app, "dark") is True
    apply_theme(app, "system")
