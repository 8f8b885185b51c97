"""Settings → Tools: import a Claude Desktop config (credentials to the keyring, and the tab says
which moved), add a server by hand, Test lists a real server's tools, enable for every chat or
this chat, revoke "Always allow", and Save writes it all to settings.json without a secret."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nebula_desktop.settings import SettingsStore
from nebula_desktop.tools.config import keyring_user
from nebula_desktop.ui.settings.dialog import SettingsDialog
from nebula_desktop.ui.settings.server_editor import ServerEditor
from tests.gui.test_settings_dialog import FakeKeyring, keyring  # noqa: F401 (fixture)
from tests.mcp_servers import echo_config

TOKEN = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"


def _dialog(qtbot: Any, config_dir: Path, chat_id: str | None = None) -> SettingsDialog:
    store = SettingsStore(config_dir)
    dialog = SettingsDialog(store.load(), store, {}, None, chat_id=chat_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentWidget(dialog.tools_tab)
    return dialog


def test_import_moves_credentials_to_the_keyring_and_save_keeps_only_references(
    qtbot: Any,
    tmp_path: Path,
    keyring: FakeKeyring,  # noqa: F811
) -> None:
    config = {
        "mcpServers": {
            "github": {
                "command": "npx",
                "args": ["-y", "@modelcontextprotocol/server-github"],
                "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": TOKEN},
            },
            "docs": {"type": "streamable-http", "url": "https://docs.example.com/mcp"},
        }
    }
    path = tmp_path / "claude_desktop_config.json"
    path.write_text(json.dumps(config))
    dialog = _dialog(qtbot, tmp_path / "config")
    tab = dialog.tools_tab
    job = tab.import_file(str(path))
    qtbot.waitUntil(lambda: job.finished, timeout=10000)
    assert [s.name for s in tab.servers] == ["github", "docs"]
    assert "2 server(s) imported" in tab.status.text() or "2 servers imported" in tab.status.text()
    assert "Moved to the keyring: “github”: environment variable GITHUB_PERSONAL_ACCESS_TOKEN" in (
        tab.status.text()
    )
    assert keyring.keys == {keyring_user("github", "GITHUB_PERSONAL_ACCESS_TOKEN"): TOKEN}
    dialog.save()
    text = (tmp_path / "config" / "settings.json").read_text()
    assert TOKEN not in text
    saved = SettingsStore(tmp_path / "config").load().mcp_servers
    assert saved[0].env == {
        "GITHUB_PERSONAL_ACCESS_TOKEN": "keyring:github/GITHUB_PERSONAL_ACCESS_TOKEN"
    }
    assert not any(s.enabled_for_all or s.enabled_chats for s in saved)  # enabled nowhere


def test_add_test_enable_revoke_and_save(qtbot: Any, tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    store = SettingsStore(config_dir)
    settings = store.load()
    echo = echo_config("echo", always_allowed=["echo", "sleep"])
    settings.mcp_servers = [echo]
    store.save(settings)
    dialog = _dialog(qtbot, config_dir, chat_id="chat1")
    tab = dialog.tools_tab
    assert tab.server_list.item(0).text() == "Echo — 0 chat(s) — Not started."
    # Test starts the server as configured and lists its tools.
    tab.test_button.click()
    qtbot.waitUntil(lambda: "works" in tab.status.text(), timeout=30000)
    assert tab.status.text() == "“Echo” works: echo, env, sleep, big, crash"
    tab.this_chat_check.setChecked(True)
    assert tab.servers[0].enabled_chats == ["chat1"]
    tab.allowed_list.setCurrentRow(1)
    tab.revoke_button.click()
    assert tab.servers[0].always_allowed == ["echo"]
    # Add an HTTP server by hand.
    editor = ServerEditor(tab.servers[0], dialog)
    qtbot.addWidget(editor)
    editor.transport_combo.setCurrentIndex(editor.transport_combo.findData("http"))
    editor.url_edit.setText("")
    assert editor.problems() == ["Enter the server's address, starting with https://."]
    editor.url_edit.setText("https://example.com/mcp")
    editor.headers_edit.setPlainText("X-Team: blue")
    assert editor.problems() == []
    server = editor.server()
    assert (server.transport, server.url, server.headers) == (
        "http",
        "https://example.com/mcp",
        {"X-Team": "blue"},
    )
    dialog.save()
    saved = SettingsStore(config_dir).load()
    assert saved.mcp_servers[0].enabled_chats == ["chat1"]
    assert saved.mcp_servers[0].always_allowed == ["echo"]
