"""A small stdio MCP server for the host tests (run as a script; uses the SDK's MCPServer).

Tools: ``echo``, ``env`` (one variable of its environment), ``sleep``, ``big`` (a long text),
``crash`` (the process dies at once with exit code 3). Every start appends its pid to the file
named by ``NEBULA_TEST_STARTS``, so a test can count starts and find the process. Modes (first
argument): ``exit-at-start`` (says why on stderr and exits 2), ``silent`` (never answers and
ignores SIGTERM, like a hung server), ``noisy`` (writes 20,000 stderr lines, then serves),
``flood`` (writes 200 MB to stderr without a line end, then serves), ``pictures`` (one more
tool, ``picture``: a 40x10 PNG).
"""

from __future__ import annotations

import asyncio
import os
import signal
import struct
import sys
import time
import zlib

from mcp.server.mcpserver import Image, MCPServer


def _record_start() -> None:
    path = os.environ.get("NEBULA_TEST_STARTS")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")


server = MCPServer("echo")


@server.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


@server.tool()
def env(name: str) -> str:
    """The value of one environment variable of this server."""
    return os.environ.get(name, "<unset>")


@server.tool()
async def sleep(seconds: float) -> str:
    """Wait, then say so."""
    await asyncio.sleep(seconds)
    return "slept"


@server.tool()
def big(chars: int) -> str:
    """A text of the given length."""
    return "x" * chars


@server.tool()
def crash() -> str:
    """Die at once, as a buggy server would."""
    sys.stderr.write("crashing now: simulated failure\n")
    sys.stderr.flush()
    os._exit(3)


def _png(width: int, height: int) -> bytes:
    """A grey PNG of the given size, made by hand (no imaging library here)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def picture() -> Image:
    """A wide picture (40x10)."""
    return Image(data=_png(40, 10), format="png")


if __name__ == "__main__":
    _record_start()
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    token = os.environ.get("NEBULA_TEST_TOKEN")
    if token:
        print(f"starting with token {token}", file=sys.stderr, flush=True)
    print("echo server starting", file=sys.stderr, flush=True)
    if mode == "exit-at-start":
        print("cannot start: the configuration file is missing", file=sys.stderr, flush=True)
        sys.exit(2)
    if mode == "noisy":
        for i in range(20_000):
            sys.stderr.write(f"noise line {i}\n")
        sys.stderr.flush()
    if mode == "flood":
        chunk = "x" * (1024 * 1024)
        for _ in range(200):
            sys.stderr.write(chunk)
        sys.stderr.write("\n")
        sys.stderr.flush()
    if mode == "pictures":
        server.tool()(picture)
    if mode == "silent":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(3600)
    server.run()
