"""MCP server settings and the import of a Claude Desktop / Cursor config: credentials leave the
settings for the keyring, the import says which, and bad files get a sentence.

The ``keyring`` test uses the REAL Secret Service (``dbus-run-session -- bash
tools/with-keyring.sh``); elsewhere it skips, except in CI (CI=true), where it fails.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Iterator

import pytest

from nebula_desktop import secrets
from nebula_desktop.tools.config import (
    McpServerConfig,
    import_claude_config,
    keyring_user,
    parse_claude_config,
    secret_ref,
)
from nebula_desktop.tools.errors import ConfigImportError
from nebula_desktop.tools.host import McpHost
from tests.mcp_servers import ECHO_STDIO

GITHUB_TOKEN = "ghp_0123456789abcdefABCDEF0123456789abcd"
API_KEY = "sk-proj-Abc123def456GHI789jkl012"
BEARER = "Bearer eyJhbGciOi.nebula-test-token-0123456789"
DB_URL = "postgresql://nebula:hunter2-password@localhost:5432/shop"

CLAUDE_CONFIG = {
    "mcpServers": {
        "github": {
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-github"],
            "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": GITHUB_TOKEN, "LOG_LEVEL": "debug"},
        },
        "postgres": {
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-postgres", DB_URL],
        },
        "search": {"command": "uvx", "args": ["search-mcp"], "env": {"OPENAI_API_KEY": API_KEY}},
        "remote docs": {
            "type": "streamable-http",
            "url": "https://docs.example.com/mcp",
            "headers": {"Authorization": BEARER, "X-Team": "blue"},
        },
        "cursor style": {"url": "https://tools.example.com/mcp"},
        "legacy": {"type": "sse", "url": "https://old.example.com/sse"},
    }
}
SECRETS = (GITHUB_TOKEN, API_KEY, BEARER, DB_URL, "hunter2-password", "eyJhbGciOi")


class FakeKeyring:
    def __init__(self, fail_after: int | None = None) -> None:
        self.values: dict[str, str] = {}
        self.fail_after = fail_after

    def set(self, user: str, value: str) -> None:
        if self.fail_after is not None and len(self.values) >= self.fail_after:
            raise secrets.KeyringUnavailableError("the keyring is locked")
        self.values[user] = value

    def delete(self, user: str) -> None:
        self.values.pop(user, None)


def _by_name(servers: list[McpServerConfig]) -> dict[str, McpServerConfig]:
    return {s.name: s for s in servers}


def test_claude_desktop_config_imports_with_every_credential_moved_to_the_keyring() -> None:
    keyring = FakeKeyring()
    result = import_claude_config(
        json.dumps(CLAUDE_CONFIG), store_secret=keyring.set, delete_secret=keyring.delete
    )
    servers = _by_name(result.servers)
    assert set(servers) == {"github", "postgres", "search", "remote docs", "cursor style", "legacy"}
    github = servers["github"]
    assert (github.transport, github.command) == ("stdio", "npx")
    assert github.args == ["-y", "@modelcontextprotocol/server-github"]
    ref = secret_ref("github", "GITHUB_PERSONAL_ACCESS_TOKEN")
    assert github.env == {"GITHUB_PERSONAL_ACCESS_TOKEN": ref, "LOG_LEVEL": "debug"}
    assert keyring.values[keyring_user("github", "GITHUB_PERSONAL_ACCESS_TOKEN")] == GITHUB_TOKEN
    # A connection string with a password in an argument is a credential too.
    assert servers["postgres"].args[2] == secret_ref("postgres", "ARG2")
    assert keyring.values[keyring_user("postgres", "ARG2")] == DB_URL
    remote = servers["remote docs"]
    assert (remote.id, remote.transport, remote.url) == (
        "remote-docs",
        "http",
        "https://docs.example.com/mcp",
    )
    assert remote.headers["X-Team"] == "blue"
    assert remote.headers["Authorization"] == secret_ref("remote-docs", "header-Authorization")
    assert keyring.values[keyring_user("remote-docs", "header-Authorization")] == BEARER
    assert servers["cursor style"].transport == "http"
    assert servers["legacy"].transport == "sse"
    # Imported servers run nowhere until the user enables them.
    assert not any(s.enabled_for_all or s.enabled_chats for s in result.servers)
    # The report names what moved, never a value.
    moved = sorted(str(m) for m in result.moved_secrets)
    assert moved == [
        "“github”: environment variable GITHUB_PERSONAL_ACCESS_TOKEN",
        "“postgres”: argument 2",
        "“remote docs”: header Authorization",
        "“search”: environment variable OPENAI_API_KEY",
    ]
    assert any("older SSE transport" in n for n in result.notices)
    saved = json.dumps([s.to_dict() for s in result.servers]) + repr(result)
    assert not [s for s in SECRETS if s in saved]
    assert result.secrets == {}


def test_keyring_failure_during_import_stores_nothing_and_explains() -> None:
    keyring = FakeKeyring(fail_after=2)
    with pytest.raises(secrets.KeyringUnavailableError) as info:
        import_claude_config(
            json.dumps(CLAUDE_CONFIG), store_secret=keyring.set, delete_secret=keyring.delete
        )
    assert keyring.values == {}  # the two stored before the failure were taken back
    assert "gnome-keyring" in str(info.value) or "Keychain" in str(info.value)


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ('{"mcpServers": {"a": ', "This is not valid JSON (line 1, column 22: Expecting value)."),
        ('{"servers_typo": {}}', "No MCP servers found"),
        ("[" * 200_000 + "]" * 200_000, "This is not valid JSON (it is nested too deeply)."),
    ],
)
def test_a_file_that_is_not_a_config_is_refused_with_a_sentence(text: str, sentence: str) -> None:
    with pytest.raises(ConfigImportError) as info:
        parse_claude_config(text)
    assert str(info.value).startswith(sentence)


def test_a_huge_file_is_refused_before_it_is_parsed() -> None:
    text = '{"mcpServers": {' + ",".join(f'"s{i}": {{"command": "x"}}' for i in range(200_000))
    started = time.perf_counter()
    with pytest.raises(ConfigImportError, match="too large to be an MCP configuration"):
        parse_claude_config(text + "}}")
    assert time.perf_counter() - started < 0.5


def test_entries_it_cannot_use_are_skipped_and_named() -> None:
    config = {
        "mcpServers": {
            "nothing": {"args": ["x"]},
            "socket": {"type": "ws", "url": "wss://x.example.com"},
            "odd": "npx server",
            "ok": {"command": "uvx", "args": ["mcp-server-time"], "env": {"TZ": 3}},
        }
    }
    result = parse_claude_config(json.dumps(config))
    assert [s.name for s in result.servers] == ["ok"]
    notices = " | ".join(result.notices)
    assert "“nothing” was skipped: it has neither a command to run nor a URL" in notices
    assert "“socket” was skipped: its transport “ws” is not supported" in notices
    assert "“odd” was skipped: its entry is not a JSON object" in notices
    assert "“ok”: Setting ok.env had an invalid value" in notices


def test_imported_ids_are_unique_valid_and_avoid_existing_ones() -> None:
    config = {"mcpServers": {"My Server": {"command": "a"}, "my server": {"command": "b"}}}
    result = parse_claude_config(json.dumps(config), taken_ids=["my-server"])
    assert [s.id for s in result.servers] == ["my-server-2", "my-server-3"]


def test_settings_keep_references_and_drop_a_plain_credential_with_a_notice() -> None:
    server = McpServerConfig(
        id="gh",
        name="GitHub",
        command="npx",
        env={"GITHUB_TOKEN": secret_ref("gh", "GITHUB_TOKEN"), "DEBUG": "1"},
        enabled_chats=["c1"],
        always_allowed=["search_repositories"],
        timeout_s=30,
    )
    problems: list[str] = []
    again = McpServerConfig.from_dict(json.loads(json.dumps(server.to_dict())), problems)
    assert again == server and problems == []
    assert again.is_enabled_for("c1") and not again.is_enabled_for("c2")
    assert again.secret_names() == ["GITHUB_TOKEN"]
    tampered = server.to_dict() | {"env": {"GITHUB_TOKEN": GITHUB_TOKEN}, "url": 3}
    loaded = McpServerConfig.from_dict(tampered, problems)
    assert loaded is not None and loaded.env == {}
    assert GITHUB_TOKEN not in " ".join(problems)
    assert any("mcp_servers[gh].env.GITHUB_TOKEN held a credential" in p for p in problems)
    dropped: list[str] = []
    written = McpServerConfig(id="x", name="x", headers={"Authorization": BEARER}).to_dict(dropped)
    assert written["headers"] == {} and dropped == ["mcp_servers[x].headers.Authorization"]


# -- the real Secret Service ---------------------------------------------------------------


@pytest.fixture
def real_keyring() -> Iterator[list[str]]:
    """Keyring user names a test stored; removed from the real Secret Service afterwards."""
    if os.environ.get("NEBULA_TEST_SECRET_SERVICE") != "1":
        message = "needs a real Secret Service: run under tools/with-keyring.sh"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    users: list[str] = []
    yield users
    for user in users:
        with contextlib.suppress(secrets.KeyringUnavailableError):
            secrets.delete_key(user)


@pytest.mark.keyring
@pytest.mark.slow
def test_imported_secret_goes_to_the_real_keyring_and_reaches_only_its_server(
    real_keyring: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    token = f"nebula-{uuid.uuid4().hex}"  # no key shape: only its name says it is secret
    name = f"echo {uuid.uuid4().hex[:8]}"
    config = {
        "mcpServers": {
            name: {
                "command": sys.executable,
                "args": [str(ECHO_STDIO)],
                "env": {"NEBULA_TEST_TOKEN": token},
            }
        }
    }
    result = import_claude_config(json.dumps(config))
    [server] = result.servers
    real_keyring.append(keyring_user(server.id, "NEBULA_TEST_TOKEN"))
    moved = [str(m) for m in result.moved_secrets]
    assert moved == [f"“{name}”: environment variable NEBULA_TEST_TOKEN"]
    assert secrets.get_key(keyring_user(server.id, "NEBULA_TEST_TOKEN")) == token
    assert token not in json.dumps(server.to_dict())
    host = McpHost([server])  # reads the real keyring
    try:
        with caplog.at_level(logging.INFO, logger="nebula_desktop.tools"):
            result_env = host.call_tool(server.id, "env", {"name": "NEBULA_TEST_TOKEN"})
            assert result_env.text == token, result_env
    finally:
        assert host.stop()
    # The server printed its token on stderr: the log has the line, not the token.
    assert "starting with token [REDACTED]" in caplog.text
    assert token not in caplog.text
