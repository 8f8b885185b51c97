"""``McpHost`` with Streamable HTTP and SSE servers written with the SDK's MCPServer, each a real
process on a free 127.0.0.1 port: tools listed and called, a bearer token from the keyring sent,
images kept, a failing tool an error result, a dead server a state line, and the plain-http
guard for a server on another computer."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from nebula_desktop.tools.config import McpServerConfig, keyring_user, secret_ref
from nebula_desktop.tools.convert import build_catalog, tool_message
from nebula_desktop.tools.host import McpHost
from nebula_desktop.tools.model import FAILED, RUNNING
from tests.mcp_servers import free_port, install_loopback_tripwire, toolbox

TOKEN = "Bearer nebula-mcp-http-token-7f3e"


@pytest.fixture(scope="module")
def host() -> Iterator[McpHost]:
    with toolbox("streamable-http") as box_url, toolbox("sse") as sse_url:
        secrets = {keyring_user("box", "header-Authorization"): TOKEN}
        servers = [
            McpServerConfig(
                id="box",
                name="Toolbox",
                transport="http",
                url=box_url,
                headers={"Authorization": secret_ref("box", "header-Authorization")},
            ),
            McpServerConfig(id="old", name="Old box", transport="sse", url=sse_url),
            McpServerConfig(
                id="dead", name="Gone", transport="http", url=f"http://127.0.0.1:{free_port()}/mcp"
            ),
            McpServerConfig(
                id="far",
                name="Far away",
                transport="http",
                url="http://mcp.nebula-test.invalid/mcp",
            ),
        ]
        mcp_host = McpHost(servers, get_secret=secrets.get, backoff_base_s=30)
        yield mcp_host
        assert mcp_host.stop()


def test_http_server_tools_are_listed_and_called(host: McpHost) -> None:
    tools = host.list_tools("box", timeout=30)
    assert [t.name for t in tools] == ["echo", "slow", "picture", "boom", "whoami"]
    assert tools[0].input_schema["properties"]["text"]["type"] == "string"
    state = host.server_state("box")
    assert (state.status, state.message) == (RUNNING, "“Toolbox” is running (5 tools).")
    result = host.call_tool("box", "echo", {"text": "héllo ✓"})
    assert (result.text, result.is_error, result.size) == ("héllo ✓", False, 10)
    assert 0 < result.duration_s < 5
    catalog = build_catalog([("Toolbox", tools)])
    assert catalog.lookup("box__echo") == ("box", "echo")


def test_the_bearer_token_from_the_keyring_is_sent(host: McpHost) -> None:
    assert host.call_tool("box", "whoami").text == TOKEN


def test_an_image_from_a_tool_is_kept_as_data(host: McpHost) -> None:
    result = host.call_tool("box", "picture")
    [image] = result.images
    assert image.mime == "image/png" and image.data.startswith("iVBORw0KGgo")
    assert result.size == image.size
    assert image.size == 79  # the PNG's bytes
    message = tool_message("c1", result)["content"]
    assert message == "[image 1: image/png, 79 bytes, shown to the user]"


def test_a_tool_that_raises_gives_an_error_result(host: McpHost) -> None:
    result = host.call_tool("box", "boom")
    assert result.is_error and result.error == ""
    assert result.text == "Error executing tool boom"
    assert tool_message("c2", result)["content"] == "Error executing tool boom"
    assert host.call_tool("box", "echo", {"text": "still here"}).text == "still here"


def test_an_sse_server_works_too(host: McpHost) -> None:
    assert [t.name for t in host.list_tools("old", timeout=30)][:2] == ["echo", "slow"]
    assert host.call_tool("old", "echo", {"text": "over sse"}).text == "over sse"


def test_a_server_that_is_not_there_is_a_state_line_and_waits_before_retrying(
    host: McpHost,
) -> None:
    started = time.monotonic()
    result = host.call_tool("dead", "echo", {"text": "x"})
    assert time.monotonic() - started < 5
    assert (result.is_error, result.error) == (True, "unavailable")
    assert result.text == "“Gone” could not be started: cannot connect to it."
    state = host.server_state("dead")
    assert (state.status, state.message) == (FAILED, result.text)
    assert 25 < state.retry_in_s <= 30
    again = host.call_tool("dead", "echo", {"text": "x"})
    assert again.text == "“Gone” could not be started: cannot connect to it. Next try in 30 s."


def test_plain_http_to_another_computer_is_refused_until_allowed(
    host: McpHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up = install_loopback_tripwire(monkeypatch)
    hop = host.plain_http_hop("far")
    assert hop is not None and (hop.host, hop.via_proxy) == ("mcp.nebula-test.invalid", False)
    assert host.plain_http_hop("box") is None  # plain http, but on this computer
    result = host.call_tool("far", "echo", {"text": "secret plans"})
    assert result.error == "unavailable"
    assert result.text == (
        "The tools server “Far away” uses plain http: tool arguments, results and its headers "
        "would travel unencrypted to mcp.nebula-test.invalid. Use https, or allow it for this "
        "session when Nebula asks (in a chat, or with Test in Settings → Tools)."
    )
    assert looked_up == []  # refused before any connection was tried
    host.allow_plain_http("far")
    allowed = host.call_tool("far", "echo", {"text": "x"})
    assert allowed.text == "“Far away” could not be started: cannot connect to it."
    assert looked_up and set(looked_up) == {"mcp.nebula-test.invalid"}  # stopped by the tripwire
