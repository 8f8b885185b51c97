"""Item 10 of issue 11, in the window: a key bound for a server on this computer but routed
through a plain-http proxy on another computer is not sent until the user agrees.

No traffic leaves this computer: the loopback server plays the proxy, and the test makes the
classification treat 127.0.0.1 as "another computer" (``localhost``, the server's name in the
profile, stays local). The classification itself is tested with real outside addresses in
tests/unit/test_clear_text.py, without sending anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from nebula_desktop import profile as profile_module
from tests.gui.conftest import TEST_KEY
from tests.gui.helpers import chat_requests, open_settings_dialog, set_profile, wait_idle
from tests.servers import LoopbackServer, Reply, sse_reply


@pytest.fixture
def proxy_elsewhere(
    monkeypatch: pytest.MonkeyPatch, server: LoopbackServer, config_dir: Path
) -> str:
    """The profile's proxy: the loopback server, classified as a computer on the network."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    local = profile_module.is_local_host
    monkeypatch.setattr(profile_module, "is_local_host", lambda h: h != "127.0.0.1" and local(h))
    set_profile(config_dir, proxy=f"http://127.0.0.1:{server.port}")
    return f"127.0.0.1:{server.port}"


def test_local_server_through_a_remote_plain_http_proxy_asks_before_the_key_goes(
    qtbot: Any, make_window: Any, server: LoopbackServer, proxy_elsewhere: str
) -> None:
    # Port 9 on this computer: nothing listens there, so only the proxy can answer.
    window = make_window(base_url="http://localhost:9/v1")
    window.composer.set_text("Hello")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: window.plain_http.box is not None or bool(chat_requests(server)), timeout=10000
    )
    box = window.plain_http.box
    assert box is not None, "the key went to a plain-http proxy on another computer unasked"
    assert f"the proxy {proxy_elsewhere}" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert window.composer.text() == "Hello"  # nothing sent, nothing lost
    assert chat_requests(server) == []
    assert [r for r in server.requests if "Authorization" in r.headers] == []

    server.queue(sse_reply(["through the proxy"]))
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.plain_http.box is not None)
    window.plain_http.box.button(QMessageBox.StandardButton.Yes).click()
    wait_idle(qtbot, window)
    chat = chat_requests(server)[0]
    assert chat.target == "http://localhost:9/v1/chat/completions"
    assert chat.headers["Authorization"] == f"Bearer {TEST_KEY}"


def test_a_changed_proxy_must_be_allowed_again(
    qtbot: Any, config_dir: Path, proxy_elsewhere: str
) -> None:
    set_profile(config_dir, base_url="http://localhost:9/v1")
    dialog = open_settings_dialog(qtbot, config_dir)
    settings = dialog._settings
    pid = settings.default_profile_id
    settings.plain_http_allowed.add(pid)  # the user said "Send anyway" for the old route
    dialog.editor.proxy_edit.setText("http://127.0.0.1:3129")  # another proxy "elsewhere"
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    assert settings.profile(pid).clear_text_hop() is not None
    assert pid not in settings.plain_http_allowed  # asked again before the key takes it


def test_test_connection_asks_before_a_typed_key_goes_in_clear_text(
    qtbot: Any, config_dir: Path, server: LoopbackServer, proxy_elsewhere: str
) -> None:
    set_profile(config_dir, base_url="http://localhost:9/v1")
    dialog = open_settings_dialog(qtbot, config_dir)
    editor = dialog.editor
    editor.key_edit.setText("sk-typed-in-settings-0000")
    editor.test_connection()
    box = editor.plain_http_question
    assert box is not None, "Test connection sent the typed key to a plain-http proxy unasked"
    assert "127.0.0.1" in box.text()
    assert not server.requests  # nothing left before the answer
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert editor.test_result.text() == "Not tested: the key was not sent in clear text."
    assert not server.requests

    editor.test_connection()  # asked again: Cancel allowed nothing
    box = editor.plain_http_question
    assert box is not None
    server.queue(Reply.json(200, {"data": [{"id": "m"}]}), path="/v1/models")
    with qtbot.waitSignal(editor.tester.succeeded, timeout=10000):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert server.requests[0].headers["Authorization"] == "Bearer sk-typed-in-settings-0000"
    editor.test_connection()  # allowed for this route while the dialog is open: no question
    assert editor.plain_http_question is None
