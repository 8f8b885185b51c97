"""A real third-party MCP server from the package index, ``mcp-server-time`` (the Python
reference server), started by ``McpHost`` through its normal stdio configuration.

It lives in its own virtualenv (it pins its own ``mcp``), made by tools/setup_mcp_time.sh;
NEBULA_MCP_TIME names that venv's python. Without it these tests skip locally and FAIL in CI.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nebula_desktop.tools.config import McpServerConfig
from nebula_desktop.tools.convert import build_catalog, tool_message
from nebula_desktop.tools.host import McpHost
from nebula_desktop.tools.model import RUNNING
from tests.mcp_servers import mcp_time_server


@pytest.fixture(scope="module")
def host() -> Iterator[McpHost]:
    server = McpServerConfig(
        id="time",
        name="Time",
        command=str(mcp_time_server()),
        # Containers have no local zone; the server refuses to start without one.
        args=["--local-timezone", "UTC"],
    )
    mcp_host = McpHost([server])
    yield mcp_host
    assert mcp_host.stop()


def test_real_time_server_lists_its_tools(host: McpHost) -> None:
    tools = host.list_tools("time", timeout=60)
    names = {t.name for t in tools}
    assert {"get_current_time", "convert_time"} <= names
    spec = next(t for t in tools if t.name == "get_current_time")
    assert "timezone" in spec.input_schema["properties"]
    assert host.server_state("time").status == RUNNING
    catalog = build_catalog([("Time", tools)])
    assert catalog.lookup("time__get_current_time") == ("time", "get_current_time")


def test_real_time_server_tells_the_time_in_a_zone(host: McpHost) -> None:
    result = host.call_tool("time", "get_current_time", {"timezone": "Asia/Tokyo"})
    assert not result.is_error, result.text
    answer = json.loads(result.text)
    assert answer["timezone"] == "Asia/Tokyo"
    told = datetime.fromisoformat(answer["datetime"])
    assert told.utcoffset() == timedelta(hours=9)
    assert abs(told - datetime.now(ZoneInfo("Asia/Tokyo"))) < timedelta(minutes=2)
    # What goes back to the model is that JSON, as a tool message.
    message = tool_message("call_time_1", result)
    assert message == {"role": "tool", "tool_call_id": "call_time_1", "content": result.text}


def test_real_time_server_error_reaches_the_model_as_an_error(host: McpHost) -> None:
    result = host.call_tool("time", "get_current_time", {"timezone": "Mars/Olympus_Mons"})
    assert result.is_error
    assert "Mars/Olympus_Mons" in result.text
    assert tool_message("c", result)["content"].startswith("Error")
