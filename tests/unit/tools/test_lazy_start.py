"""Start-up never pays for tools: building the window's application context and importing the
window's modules loads neither the MCP SDK nor the tools host (with its asyncio loop)."""

from __future__ import annotations

import json
import subprocess
import sys

CODE = """
import json, sys
from nebula_desktop.settings import Settings
from nebula_desktop.tools.config import McpServerConfig
from nebula_desktop.ui.common.app_context import AppContext
import nebula_desktop.ui.window.main_window
server = McpServerConfig(id="t", name="T", command="x", enabled_for_all=True)
settings = Settings(mcp_servers=[server])
ctx = AppContext(None, None, settings)
assert ctx.tools.enabled_for("any chat")[0].id == "t"
ours = ("mcp.", "nebula_desktop.tools")
print(json.dumps(sorted(m for m in sys.modules if m == "mcp" or m.startswith(ours))))
"""


def test_the_window_and_its_context_load_no_mcp_and_no_tools_host() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "nebula_desktop.tools.host" not in loaded
    assert "nebula_desktop.tools.sdk" not in loaded
    assert not [m for m in loaded if m == "mcp" or m.startswith("mcp.")]
    assert "nebula_desktop.tools.session" in loaded  # the cheap part is there, ready
