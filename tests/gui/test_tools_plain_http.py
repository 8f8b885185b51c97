"""The plain-http guard for HTTP tools servers: a server on another computer reached over plain
http is used only after the same "Unencrypted connection" question the chat asks for API keys —
when a chat first needs it, or on Test in Settings → Tools — and a yes holds for the session.

The server is a real Streamable HTTP MCP server on this computer (``toolbox_http.py``), reached
as ``localhost`` and classified as another computer for the test (as in
tests/hardening/test_proxy_clear_text.py); the chat server stays on 127.0.0.1, a computer of its
own, so the API key's guard is not involved.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from nebula_desktop import profile as profile_module
from nebula_desktop.settings import SettingsStore
from nebula_desktop.tools.config import McpServerConfig
from nebula_desktop.ui.settings.dialog import SettingsDialog
from tests.gui.helpers import chat_requests, send, wait_idle
from tests.gui.test_tools_loop import tool_call_reply
from tests.mcp_servers import toolbox
from tests.servers import sse_reply

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def box_port() -> Iterator[int]:
    with toolbox("streamable-http") as url:
        yield int(url.split(":")[2].split("/")[0])


@pytest.fixture
def far_box(box_port: int, monkeypatch: pytest.MonkeyPatch) -> McpServerConfig:
    """The toolbox as a plain-http server on "another computer" (localhost, for this test)."""
    local = profile_module.is_local_host
    monkeypatch.setattr(profile_module, "is_local_host", lambda h: h != "localhost" and local(h))
    return McpServerConfig(
        id="box",
        name="Toolbox",
        transport="http",
        url=f"http://localhost:{box_port}/mcp",
        enabled_for_all=True,
    )


def _window(make_window: Any, config_dir: Path, server: McpServerConfig) -> Any:
    store = SettingsStore(config_dir)
    settings = store.load()
    settings.mcp_servers = [server]
    store.save(settings)
    return make_window()


def _question(qtbot: Any, holder: Any) -> QMessageBox:
    qtbot.waitUntil(lambda: holder.plain_http_question is not None, timeout=30000)
    box: QMessageBox = holder.plain_http_question
    assert box.isVisible()
    assert box.text() == (
        "The tools server “Toolbox” uses plain http: tool arguments, results and its headers "
        "would travel unencrypted to localhost. Use it anyway?"
    )
    return box


def test_a_chat_asks_before_using_a_plain_http_tools_server_and_a_yes_holds_for_the_session(
    qtbot: Any, make_window: Any, config_dir: Path, server: Any, far_box: McpServerConfig
) -> None:
    window = _window(make_window, config_dir, far_box)
    loop = window.controller.tools
    server.queue(tool_call_reply(("call_1", "box__echo", {"text": "over http"})))
    server.queue(sse_reply(["Echoed."]))
    send(qtbot, window, "Echo it")
    box = _question(qtbot, loop)
    assert chat_requests(server) == []  # nothing is sent while it asks
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: loop.card.asking, timeout=30000)
    loop.card.allow_button.click()
    wait_idle(qtbot, window)
    first, second = chat_requests(server)
    assert "box__echo" in [t["function"]["name"] for t in first.json["tools"]]
    assert second.json["messages"][-1] == {
        "role": "tool",
        "tool_call_id": "call_1",
        "content": "over http",
    }
    # Allowed for the session: the next turn does not ask again.
    server.queue(sse_reply(["Hi again."]))
    send(qtbot, window, "Hello again")
    wait_idle(qtbot, window)
    assert loop.plain_http_question is None
    assert "tools" in chat_requests(server)[2].json


def test_a_no_leaves_the_server_out_and_says_why_and_the_chat_goes_on(
    qtbot: Any, make_window: Any, config_dir: Path, server: Any, far_box: McpServerConfig
) -> None:
    window = _window(make_window, config_dir, far_box)
    loop = window.controller.tools
    server.queue(sse_reply(["Answered without tools."]))
    send(qtbot, window, "Hello")
    box = _question(qtbot, loop)
    box.button(QMessageBox.StandardButton.Cancel).click()
    wait_idle(qtbot, window)
    assert "tools" not in chat_requests(server)[0].json
    assert loop.card.notice.text() == (
        "The tools of “Toolbox” are not available: The tools server “Toolbox” uses plain http: "
        "tool arguments, results and its headers would travel unencrypted to localhost. Use "
        "https, or allow it for this session when Nebula asks (in a chat, or with Test in "
        "Settings → Tools)."
    )
    assert window.controller.conv.messages[-1].content == "Answered without tools."
    assert not loop.session.plain_http_allowed("box")


def test_stop_while_it_asks_closes_the_question_and_sends_nothing(
    qtbot: Any, make_window: Any, config_dir: Path, server: Any, far_box: McpServerConfig
) -> None:
    window = _window(make_window, config_dir, far_box)
    loop = window.controller.tools
    send(qtbot, window, "Hello")
    box = _question(qtbot, loop)
    window.composer.stop_requested.emit()
    assert not window.controller.is_busy()
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=5000)
    assert loop.plain_http_question is None
    assert chat_requests(server) == []


def test_test_in_settings_asks_then_lists_the_tools_and_the_chat_does_not_ask_again(
    qtbot: Any, make_window: Any, config_dir: Path, server: Any, far_box: McpServerConfig
) -> None:
    window = _window(make_window, config_dir, far_box)
    tools = window.controller.tools.session
    store = SettingsStore(config_dir)
    dialog = SettingsDialog(store.load(), store, {}, None, tools=tools)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    tab = dialog.tools_tab
    tab.test_button.click()
    box = _question(qtbot, tab)
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: "works" in tab.status.text(), timeout=30000)
    assert tab.status.text() == "“Toolbox” works: echo, slow, picture, boom, whoami"
    assert tools.plain_http_allowed("box")
    dialog.reject()
    server.queue(sse_reply(["With tools."]))
    send(qtbot, window, "Hello")
    wait_idle(qtbot, window)
    assert window.controller.tools.plain_http_question is None
    assert "tools" in chat_requests(server)[0].json
