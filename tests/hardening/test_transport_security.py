"""Item 3 of issue 6, the wire: TLS is always verified (a private CA only through the profile's
CA bundle), and a key bound for a plain-http server on another computer is not sent unwarned."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.gui.conftest import TEST_KEY
from tests.gui.helpers import open_settings_dialog, send_and_wait, set_profile
from tests.servers import LoopbackServer, Reply, make_cert, sse_reply

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")
MODELS = Reply.json(200, {"data": [{"id": "test-model"}]})


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    if shutil.which("openssl") is None:
        pytest.skip("needs openssl")
    return make_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def https(cert: tuple[str, str]) -> Iterator[LoopbackServer]:
    with LoopbackServer(tls=cert) as srv:
        srv.default["/v1/models"] = MODELS
        yield srv


@needs_openssl
def test_self_signed_server_is_refused_until_its_ca_bundle_is_set(
    qtbot: Any, make_window: Any, https: LoopbackServer, config_dir: Path, cert: tuple[str, str]
) -> None:
    window = make_window(base_url=https.base_url)
    answer = send_and_wait(qtbot, window, "Hello")
    assert answer.error == "Error: Cannot connect to API server"
    assert https.requests == []  # the handshake failed: no request, so no key, went out
    make_window.close(window)

    set_profile(config_dir, ca_bundle=cert[0])
    https.queue(sse_reply(["over ", "TLS"]))
    window = make_window(base_url=https.base_url)
    answer = send_and_wait(qtbot, window, "Hello again")
    assert answer.content == "over TLS" and answer.complete and answer.error is None
    chats = [r for r in https.requests if r.path.endswith("/chat/completions")]
    assert chats[0].headers["Authorization"] == f"Bearer {TEST_KEY}"


def test_settings_dialog_warns_about_plain_http_to_another_computer(
    qtbot: Any, config_dir: Path
) -> None:
    dialog = open_settings_dialog(qtbot, config_dir)
    dialog.editor.url_edit.setText("http://api.example.com/v1")
    qtbot.waitUntil(dialog.editor.url_warning.isVisible)
    assert "clear text" in dialog.editor.url_warning.text()
    dialog.editor.url_edit.setText("http://localhost:11434/v1")
    qtbot.waitUntil(lambda: "clear text" not in dialog.editor.url_warning.text())


def test_chat_to_a_plain_http_remote_server_warns_before_sending_the_key(
    qtbot: Any, make_window: Any, server: LoopbackServer, config_dir: Path
) -> None:
    # The loopback server acts as the HTTP proxy, so a request for a remote host lands there
    # (and is recorded with its headers) without leaving the machine.
    set_profile(config_dir, proxy=f"http://127.0.0.1:{server.port}")
    server.queue(sse_reply(["sent in clear text"]))
    window = make_window(base_url="http://api.example.com/v1")
    window.composer.set_text("Hello")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)

    def warned() -> bool:
        return any(b.isVisible() for b in window.findChildren(QMessageBox))

    chat_sent = lambda: any(r.path.endswith("/chat/completions") for r in server.requests)  # noqa: E731
    qtbot.waitUntil(lambda: warned() or chat_sent(), timeout=10000)
    keyed = [r for r in server.requests if "Authorization" in r.headers]
    assert warned() and keyed == [], "the key went out over plain http with no warning"
