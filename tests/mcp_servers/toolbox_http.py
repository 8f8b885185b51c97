"""A Streamable HTTP (or SSE) MCP server for the host tests, written with the SDK's MCPServer.

    python toolbox_http.py PORT [streamable-http|sse]

Listens on 127.0.0.1:PORT only. Tools: ``echo``, ``slow`` (waits, for Stop and timeouts),
``picture`` (a PNG image), ``boom`` (raises, so the result is an error), ``whoami`` (the
Authorization header it received, to check that a bearer token from the keyring is sent).
"""

from __future__ import annotations

import asyncio
import base64
import sys

from mcp.server.mcpserver import Context, Image, MCPServer

# A 2x2 red PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb"
    "6QAAAABJRU5ErkJggg=="
)

server = MCPServer("toolbox")


@server.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


@server.tool()
async def slow(seconds: float) -> str:
    """Wait, then say so."""
    await asyncio.sleep(seconds)
    return "done"


@server.tool()
def picture() -> Image:
    """A small picture."""
    return Image(data=PNG, format="png")


@server.tool()
def boom() -> str:
    """Always fails."""
    raise ValueError("the tool failed on purpose")


@server.tool()
def whoami(ctx: Context) -> str:
    """The Authorization header of this request."""
    headers = ctx.headers or {}
    return headers.get("authorization", "<none>")


if __name__ == "__main__":
    port = int(sys.argv[1])
    transport = sys.argv[2] if len(sys.argv) > 2 else "streamable-http"
    server.run(transport, host="127.0.0.1", port=port)  # type: ignore[call-overload]
