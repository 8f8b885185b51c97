"""MCP servers for the tools tests: a stdio script, an HTTP/SSE script, the real time server.

Everything listens on 127.0.0.1 only or talks over pipes. ``loopback_only`` is a tripwire for
tests whose settings name another computer: any name look-up other than this computer's fails
the test instead of leaving the machine.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nebula_desktop.tools.config import McpServerConfig

HERE = Path(__file__).resolve().parent
ECHO_STDIO = HERE / "echo_stdio.py"
TOOLBOX_HTTP = HERE / "toolbox_http.py"
LOCAL_NAMES = {"127.0.0.1", "localhost", "::1", None}


def echo_config(server_id: str = "echo", *args: str, **fields: Any) -> McpServerConfig:
    """The stdio echo server started with this interpreter, in a given mode."""
    return McpServerConfig(
        id=server_id,
        name=fields.pop("name", server_id.title()),
        command=sys.executable,
        args=[str(ECHO_STDIO), *args],
        **fields,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def toolbox(transport: str = "streamable-http") -> Iterator[str]:
    """Run toolbox_http.py on a free loopback port; yields its MCP URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(TOOLBOX_HTTP), str(port), transport],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the {transport} test server did not start")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/{'sse' if transport == 'sse' else 'mcp'}"
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


def mcp_time_server() -> Path:
    """``mcp-server-time`` installed by tools/setup_mcp_time.sh (NEBULA_MCP_TIME is its venv's
    python). Without it the test skips locally and FAILS in CI (CI=true)."""
    python = os.environ.get("NEBULA_MCP_TIME", "")
    server = Path(python).parent / "mcp-server-time" if python else None
    if server is None or not server.exists():
        message = "mcp-server-time not prepared: run tools/setup_mcp_time.sh (dev.sh test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return server


def alive(pid: int) -> bool:
    """True while process ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def started_pids(path: Path) -> list[int]:
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def install_loopback_tripwire(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every look-up of a name that is not this computer fail (and record it)."""
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in LOCAL_NAMES:
            looked_up.append(str(name))
            raise socket.gaierror(socket.EAI_NONAME, "blocked by the test: not this computer")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    return looked_up
