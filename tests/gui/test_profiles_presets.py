"""Issue 7 item 1: endpoint profiles from presets, and every per-profile connection setting
(extra headers, timeout, model) really reaching the server, over loopback HTTP."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from nebula_desktop.settings import SettingsStore
from tests.gui.conftest import TEST_KEY
from tests.gui.helpers import (
    chat_requests,
    open_settings_dialog,
    send_and_wait,
    set_profile,
    wait_for,
    wait_idle,
)
from tests.servers import LoopbackServer, Reply, make_cert, sse_reply


def test_add_from_preset_menu_makes_ready_profiles_local_ones_without_key(
    qtbot: Any, config_dir: Path
) -> None:
    dialog = open_settings_dialog(qtbot, config_dir)
    names = [a.text() for a in dialog.preset_menu.actions()]
    assert names == [
        "ai-nebula",
        "OpenAI",
        "OpenRouter",
        "DeepSeek",
        "OpenAI-compatible gateway",
        "Ollama",
        "LM Studio",
        "llama.cpp",
    ]
    by_name = {a.text(): a for a in dialog.preset_menu.actions()}
    by_name["Ollama"].trigger()
    assert dialog.editor.url_edit.text() == "http://localhost:11434/v1"
    assert not dialog.editor.needs_key_check.isChecked()
    assert not dialog.editor.key_edit.isEnabled()
    by_name["OpenRouter"].trigger()
    assert dialog.editor.url_edit.text() == "https://openrouter.ai/api/v1"
    assert dialog.editor.needs_key_check.isChecked()
    by_name["OpenAI-compatible gateway"].trigger()
    with qtbot.assertNotEmitted(dialog.settings_changed):
        dialog.save()  # the generic gateway has no address yet: saving says so
    assert "base URL" in dialog.save_error.text()
    dialog.editor.url_edit.setText("https://gateway.example.com/v1")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    saved = {p.name: p for p in SettingsStore(config_dir).load().profiles}
    assert saved["Ollama"].needs_key is False
    assert saved["Ollama"].base_url == "http://localhost:11434/v1"
    assert saved["OpenRouter"].base_url == "https://openrouter.ai/api/v1"
    assert saved["OpenAI-compatible gateway"].base_url == "https://gateway.example.com/v1"
    assert saved["ai-nebula"].base_url == "https://llm.ai-nebula.com/v1"


def test_preset_field_fills_a_new_profile_and_keeps_a_chosen_name(
    qtbot: Any, config_dir: Path
) -> None:
    dialog = open_settings_dialog(qtbot, config_dir)
    dialog.add_profile()
    combo = dialog.editor.preset_combo
    combo.setCurrentIndex(combo.findData("lm-studio"))
    combo.activated.emit(combo.currentIndex())
    assert dialog.editor.url_edit.text() == "http://localhost:1234/v1"
    assert dialog.editor.name_edit.text() == "LM Studio"
    assert dialog.profile_list.currentItem().text().startswith("LM Studio")
    dialog.editor.name_edit.setText("My box")
    combo.activated.emit(combo.findData("llama-cpp"))
    assert dialog.editor.url_edit.text() == "http://localhost:8080/v1"
    assert dialog.editor.name_edit.text() == "My box"


def test_base_url_without_v1_is_flagged(qtbot: Any, config_dir: Path) -> None:
    dialog = open_settings_dialog(qtbot, config_dir)
    dialog.editor.url_edit.setText("https://llm.ai-nebula.com")
    qtbot.waitUntil(dialog.editor.url_warning.isVisible)
    assert "/v1" in dialog.editor.url_warning.text()


def test_extra_headers_reach_the_server_for_chats_and_model_lists(
    qtbot: Any, make_window: Any, server: LoopbackServer, config_dir: Path
) -> None:
    set_profile(config_dir, extra_headers={"X-Team": "research", "HTTP-Referer": "nebula"})
    server.queue(sse_reply(["hi"]))
    window = make_window()
    answer = send_and_wait(qtbot, window, "Hello")
    assert answer.content == "hi"
    (chat,) = chat_requests(server)
    assert chat.headers["X-Team"] == "research"
    assert chat.headers["HTTP-Referer"] == "nebula"
    assert chat.headers["Authorization"] == f"Bearer {TEST_KEY}"

    def listed() -> bool:
        return any(r.path.endswith("/models") for r in server.requests)

    wait_for(qtbot, window.models.loaded, listed)
    listing = next(r for r in server.requests if r.path.endswith("/models"))
    assert listing.headers["X-Team"] == "research"


def test_profile_timeout_ends_a_stalled_request_with_a_timeout_error(
    qtbot: Any, make_window: Any, server: LoopbackServer, config_dir: Path
) -> None:
    # The server answers headers only after 30 s; the profile allows 1 s (no retries help).
    set_profile(config_dir, timeout=1.0)
    for _ in range(3):
        server.queue(Reply(200, {"Content-Type": "text/event-stream"}, [b""], head_delay=30))
    window = make_window()
    answer = send_and_wait(qtbot, window, "Hello")
    assert answer.error is not None and "timed out" in answer.error
    assert not answer.complete


def test_empty_default_model_is_filled_from_the_server_list(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    window = make_window(model="")  # like the built-in ai-nebula profile
    wait_for(qtbot, window.models.loaded, lambda: window.header.model_name() != "", 10000)
    assert window.header.model_name() == "other-model"  # the first of the sorted list
    server.queue(sse_reply(["ok"]))
    answer = send_and_wait(qtbot, window, "Hello")
    assert answer.content == "ok"
    assert chat_requests(server)[0].json["model"] == "other-model"
    assert window.controller.conv.model == "other-model"


def test_a_chosen_model_is_never_replaced_by_the_list(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    window = make_window(model="test-model")
    wait_for(qtbot, window.models.loaded, lambda: window.header.model.count() == 2, 10000)
    assert window.header.model_name() == "test-model"


def test_plain_http_remote_asks_once_then_sends_with_the_key(
    qtbot: Any, make_window: Any, server: LoopbackServer, config_dir: Path
) -> None:
    set_profile(config_dir, proxy=f"http://127.0.0.1:{server.port}")
    window = make_window(base_url="http://api.example.com/v1")
    window.composer.set_text("Hello")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.plain_http.box is not None)
    box = window.plain_http.box
    assert "unencrypted to api.example.com" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert window.composer.text() == "Hello"  # nothing sent, nothing lost
    assert chat_requests(server) == []
    assert not [r for r in server.requests if "Authorization" in r.headers]

    server.queue(sse_reply(["first"]))
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.plain_http.box is not None)
    window.plain_http.box.button(QMessageBox.StandardButton.Yes).click()
    wait_idle(qtbot, window)
    assert len(chat_requests(server)) == 1
    assert chat_requests(server)[0].headers["Authorization"] == f"Bearer {TEST_KEY}"

    server.queue(sse_reply(["second"]))
    answer = send_and_wait(qtbot, window, "Again")  # remembered for this session
    assert window.plain_http.box is None
    assert answer.content == "second"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")
def test_ca_bundle_is_used_for_the_model_list_too(
    qtbot: Any, make_window: Any, config_dir: Path, tmp_path: Path
) -> None:
    cert = make_cert(tmp_path)
    with LoopbackServer(tls=cert) as https:
        https.default["/v1/models"] = Reply.json(200, {"data": [{"id": "tls-model"}]})
        set_profile(config_dir, ca_bundle=cert[0])
        window = make_window(base_url=https.base_url, model="")
        # Only a verified TLS connection to the private CA's server can list this model.
        header = window.header
        wait_for(qtbot, window.models.loaded, lambda: header.model_name() == "tls-model", 10000)
        listing = next(r for r in https.requests if r.path.endswith("/models"))
        assert listing.headers["Authorization"] == f"Bearer {TEST_KEY}"


def test_empty_proxy_uses_the_system_proxy_settings(
    qtbot: Any, make_window: Any, server: LoopbackServer, config_dir: Path, monkeypatch: Any
) -> None:
    # On Linux the system proxy is the *_PROXY environment; macOS and Windows settings are read
    # by the same requests machinery.
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.port}")
    set_profile(config_dir, proxy="", needs_key=False)
    server.queue(sse_reply(["via the system proxy"]))
    window = make_window(base_url="http://api.example.com/v1", key=None)
    answer = send_and_wait(qtbot, window, "Hello")
    assert answer.content == "via the system proxy"
    assert chat_requests(server)[0].target == "http://api.example.com/v1/chat/completions"
