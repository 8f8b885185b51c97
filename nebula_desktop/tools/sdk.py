"""The one module that talks to the ``mcp`` SDK: open a session to one server, list its tools,
and turn what it returns into plain data (:mod:`nebula_desktop.tools.model`).

Runs on the host's event loop thread only. ``mcp`` is imported inside the functions, so importing
this module (or the package) never loads the SDK (~1 s); the first server start does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from nebula_desktop.tools.config import McpServerConfig, ResolvedServer
from nebula_desktop.tools.errors import ServerUnavailable, ToolsError
from nebula_desktop.tools.model import ToolImage, ToolResult, ToolSpec, b64_size

__all__ = [
    "MAX_IMAGES",
    "MAX_IMAGE_BYTES",
    "MAX_KEPT_CHARS",
    "MAX_STDERR_LINE",
    "StderrLines",
    "connection_lost",
    "describe",
    "list_all_tools",
    "open_session",
    "to_result",
]

log = logging.getLogger(__name__)

# What one result may keep in memory for the UI (the model gets far less: see convert.py).
MAX_KEPT_CHARS = 1024 * 1024
MAX_IMAGES = 8
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_TOOLS_PER_SERVER = 500
MAX_TOOL_PAGES = 20
MAX_STDERR_LINE = 2000
# A server printing without pause must not fill the log or keep the loop busy.
STDERR_LINES_PER_SECOND = 100
HTTP_CONNECT_TIMEOUT_S = 30.0
HTTP_READ_TIMEOUT_S = 300.0
CLIENT_NAME = "nebula-desktop"


class StderrLines(asyncio.Protocol):
    """Reads a server's stderr pipe: each line (capped) goes to ``on_line``; bursts are thinned
    to :data:`STDERR_LINES_PER_SECOND` with a count of what was skipped."""

    def __init__(self, on_line: Callable[[str], None], ended: asyncio.Event | None = None) -> None:
        self.on_line = on_line
        self.ended = ended
        self.buffer = bytearray()
        self.overflow = False
        self.window = 0.0
        self.in_window = 0
        self.skipped = 0

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\n")
            if end < 0:
                if len(self.buffer) > MAX_STDERR_LINE:  # a line without end: keep its start only
                    if not self.overflow:
                        self._emit(bytes(self.buffer[:MAX_STDERR_LINE]) + b" [...]")
                    self.overflow = True
                    self.buffer.clear()
                return
            line = bytes(self.buffer[:end])
            del self.buffer[: end + 1]
            if not self.overflow:
                self._emit(line[:MAX_STDERR_LINE])
            self.overflow = False

    def eof_received(self) -> bool | None:
        if self.buffer and not self.overflow:
            self._emit(bytes(self.buffer[:MAX_STDERR_LINE]))
        self.buffer.clear()
        self._flush_skipped()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        if self.ended is not None:
            self.ended.set()

    def _emit(self, raw: bytes) -> None:
        now = time.monotonic()
        if now - self.window >= 1.0:
            self._flush_skipped()
            self.window, self.in_window = now, 0
        self.in_window += 1
        if self.in_window > STDERR_LINES_PER_SECOND:
            self.skipped += 1
            return
        self.on_line(raw.decode("utf-8", "replace").rstrip("\r"))

    def _flush_skipped(self) -> None:
        if self.skipped:
            self.on_line(f"[{self.skipped} more lines not logged]")
            self.skipped = 0


class _EofWatch:
    """A read stream that sets ``lost`` when the server's side ends (a crash, a closed pipe)."""

    def __init__(self, stream: Any, lost: asyncio.Event) -> None:
        self._stream = stream
        self._lost = lost

    def __aiter__(self) -> _EofWatch:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self._stream.__anext__()
        except BaseException:
            self._lost.set()
            raise

    async def receive(self) -> Any:
        try:
            return await self._stream.receive()
        except BaseException:
            self._lost.set()
            raise

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def __aenter__(self) -> _EofWatch:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


async def _stderr_pipe(
    stack: contextlib.AsyncExitStack, on_line: Callable[[str], None], ended: asyncio.Event
) -> TextIO:
    """A file the server writes its stderr to; the loop reads the other end line by line."""
    read_fd, write_fd = os.pipe()
    writer = os.fdopen(write_fd, "w")
    stack.callback(writer.close)
    reader = os.fdopen(read_fd, "rb", buffering=0)
    try:
        transport, _ = await asyncio.get_running_loop().connect_read_pipe(
            lambda: StderrLines(on_line, ended), reader
        )
    except BaseException:
        reader.close()
        raise
    stack.callback(transport.close)
    return writer


def _quiet_http_log() -> None:
    """httpx2 logs every request's URL at INFO; a URL may hold a key, and a tool call is not
    news. Its warnings still reach the log (unless the app configured the logger itself)."""
    logger = logging.getLogger("httpx2")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.WARNING)


async def open_session(
    config: McpServerConfig,
    resolved: ResolvedServer,
    stack: contextlib.AsyncExitStack,
    lost: asyncio.Event,
    on_stderr: Callable[[str], None],
    stderr_ended: asyncio.Event,
    command: str = "",
    path: str = "",
) -> Any:
    """Start or reach the server and return an initialized ``ClientSession``.

    Everything it opens (the process, the HTTP client, the session) is closed by ``stack``.
    ``command`` is the resolved executable of a stdio server and ``path`` the PATH it gets.
    ``lost`` is set when the server's side of the connection ends, ``stderr_ended`` when its
    stderr does (every line has been passed to ``on_stderr``).
    """
    import anyio
    from mcp.client.session import ClientSession
    from mcp_types import Implementation

    if config.transport == "stdio":
        from mcp.client.stdio import StdioServerParameters, stdio_client

        cwd = os.path.expanduser(config.cwd) if config.cwd else str(Path.home())
        if not os.path.isdir(cwd):
            raise ServerUnavailable(
                f"The working folder of “{config.name}” does not exist: {config.cwd}"
            )
        params = StdioServerParameters(
            command=command, args=resolved.args, env={"PATH": path, **resolved.env}, cwd=cwd
        )
        errlog = await _stderr_pipe(stack, on_stderr, stderr_ended)
        try:
            read, write = await stack.enter_async_context(stdio_client(params, errlog=errlog))
        finally:
            errlog.close()  # the server holds its own copy; ours would keep the pipe open
    elif config.transport == "sse":
        from mcp.client.sse import sse_client

        _quiet_http_log()

        read, write = await stack.enter_async_context(
            sse_client(resolved.url, headers=resolved.headers, timeout=HTTP_CONNECT_TIMEOUT_S)
        )
    else:
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        _quiet_http_log()

        client = httpx2.AsyncClient(
            headers=resolved.headers,
            timeout=httpx2.Timeout(HTTP_CONNECT_TIMEOUT_S, read=HTTP_READ_TIMEOUT_S),
        )
        await stack.enter_async_context(client)
        read, write = await stack.enter_async_context(
            streamable_http_client(resolved.url, http_client=client)
        )
    from nebula_desktop import __version__

    session = await stack.enter_async_context(
        ClientSession(
            _EofWatch(read, lost),
            write,
            client_info=Implementation(name=CLIENT_NAME, version=__version__),
        )
    )
    with anyio.fail_after(config.timeout_s):
        await session.initialize()
    return session


async def list_all_tools(session: Any, server_id: str) -> list[ToolSpec]:
    """Every tool of the server (pages followed up to a bound)."""
    from mcp_types import PaginatedRequestParams

    specs: list[ToolSpec] = []
    cursor: str | None = None
    for _ in range(MAX_TOOL_PAGES):
        params = PaginatedRequestParams(cursor=cursor) if cursor else None
        result = await session.list_tools(params=params)
        for tool in result.tools:
            if len(specs) >= MAX_TOOLS_PER_SERVER:
                return specs
            specs.append(
                ToolSpec(
                    server_id=server_id,
                    name=str(tool.name),
                    description=str(tool.description or ""),
                    input_schema=dict(tool.input_schema or {}),
                    title=str(tool.title or ""),
                )
            )
        cursor = result.next_cursor
        if not cursor:
            break
    return specs


def to_result(result: Any, server_id: str, tool: str) -> ToolResult:
    """A ``CallToolResult`` as a :class:`ToolResult` (text capped, images kept within bounds)."""
    out = ToolResult(server_id=server_id, tool=tool, is_error=bool(result.is_error))
    texts: list[str] = []
    kept = 0

    def add_text(text: str) -> None:
        nonlocal kept
        out.size += len(text.encode("utf-8", "replace"))
        room = MAX_KEPT_CHARS - kept
        if room <= 0:
            out.cut_chars += len(text)
            return
        texts.append(text[:room])
        kept += min(len(text), room)
        out.cut_chars += max(0, len(text) - room)

    for block in result.content:
        kind = getattr(block, "type", "")
        if kind == "text":
            add_text(block.text)
        elif kind == "image":
            size = b64_size(block.data)
            out.size += size
            if len(out.images) < MAX_IMAGES and size <= MAX_IMAGE_BYTES:
                out.images.append(ToolImage(mime=str(block.mime_type), data=block.data))
            else:
                out.notes.append(f"an image ({block.mime_type}) was not kept: too many or too big")
        elif kind == "audio":
            out.size += b64_size(block.data)
            out.notes.append(f"audio ({block.mime_type}) is not shown")
        elif kind == "resource":
            resource = block.resource
            if hasattr(resource, "text"):
                add_text(resource.text)
            else:
                out.size += b64_size(resource.blob)
                out.notes.append(f"a file {resource.uri} ({resource.mime_type}) is not shown")
        elif kind == "resource_link":
            add_text(f"[{block.name}: {block.uri}]")
    if not texts and not out.images and result.structured_content is not None:
        add_text(json.dumps(result.structured_content, ensure_ascii=False, default=str))
    out.text = "\n".join(texts)
    return out


def connection_lost(exc: BaseException) -> bool:
    """True when ``exc`` means the connection to the server is gone (not a refused call)."""
    from mcp.shared.exceptions import MCPError
    from mcp_types.jsonrpc import CONNECTION_CLOSED

    if isinstance(exc, MCPError):
        return bool(exc.error.code == CONNECTION_CLOSED)
    return not isinstance(exc, ToolsError | RuntimeError | ValueError)


def _leaf(exc: BaseException) -> BaseException:
    """The first real error inside (nested) exception groups, found without recursion."""
    seen = 0
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions and seen < 100:
        exc = exc.exceptions[0]
        seen += 1
    return exc


def describe(exc: BaseException) -> str:
    """A short, key-free phrase for why a server could not be started or reached."""
    exc = _leaf(exc)
    if isinstance(exc, TimeoutError):
        return "it did not answer in time"
    if isinstance(exc, FileNotFoundError | PermissionError):
        return f"it could not be started ({exc.strerror or type(exc).__name__})"
    module = type(exc).__module__.split(".")[0]
    if module in ("httpx2", "httpcore2", "httpx", "httpcore"):
        name = type(exc).__name__
        response = getattr(exc, "response", None)
        if response is not None:
            return f"the server answered HTTP {response.status_code}"
        if "Connect" in name:
            return "cannot connect to it"
        return f"the connection failed ({name})"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


def last_lines(lines: deque[str], n: int = 2) -> str:
    """The last ``n`` stderr lines as one phrase (for a state line), or ""."""
    tail = [line.strip() for line in list(lines)[-n:] if line.strip()]
    return " / ".join(tail)[:400]
