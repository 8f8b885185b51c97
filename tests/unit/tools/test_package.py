"""The tools package is Qt-free and cheap to import: the MCP SDK loads only when a server starts
(start-up must not pay ~1 s for it)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_tools_package_loads_no_sdk_no_qt_and_no_ui() -> None:
    code = (
        "import sys\n"
        "import nebula_desktop.tools, nebula_desktop.tools.host, nebula_desktop.tools.convert\n"
        "import nebula_desktop.tools.resolve, nebula_desktop.tools.sdk\n"
        "from nebula_desktop.tools.host import McpHost\n"
        "McpHost([]).stop()\n"
        "heavy = ('mcp', 'mcp_types', 'anyio', 'httpx2', 'pydantic', 'PySide6', 'shiboken6')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
        "             or m.startswith('nebula_desktop.ui'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing the tools package pulled in: {out.stdout}"
