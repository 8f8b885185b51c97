"""``McpHost``: the one owner of every MCP server connection, on its own thread (no Qt).

The SDK is async, the app is Qt: the host runs one background thread with an asyncio event loop,
started on first use, and every session lives there. Callers on any thread use the blocking
methods (``list_tools``, ``call_tool``: each bounded) or the ``submit_*`` ones that return a
``concurrent.futures.Future``.

Life of a server: configured (``idle``) → started by the first ``list_tools``/``call_tool`` that
needs it, then ``running``, ``crashed`` or ``failed`` (:mod:`.server_run` runs it and says why),
``stopped`` when its settings change or the host stops. ``stop()`` on quit closes every session
and child process within a bound. A call never raises for a server's trouble (:mod:`.calls`):
it returns a :class:`ToolResult` with ``is_error`` and a sentence.

The host holds what callers on any thread share (the settings, the state lines, the plain-http
answers) under one lock; the records of running servers live on the loop thread.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping
from typing import Any, TypeVar

from nebula_desktop.profile import ClearTextHop, clear_text_hop
from nebula_desktop.tools.calls import CANCEL_POLL_S, Calls
from nebula_desktop.tools.errors import ToolsError
from nebula_desktop.tools.model import IDLE, STOPPED, ServerState, ToolResult, ToolSpec
from nebula_desktop.tools.server_run import BACKOFF_BASE_S, BACKOFF_MAX_S, ServerRuns
from nebula_desktop.tools.server_settings import McpServerConfig

__all__ = ["BACKOFF_BASE_S", "BACKOFF_MAX_S", "CANCEL_POLL_S", "STOP_TIMEOUT_S", "McpHost"]

T = TypeVar("T")

STOP_TIMEOUT_S = 8.0  # the SDK closes stdin, waits 2 s, SIGTERM, 2 s, SIGKILL


class McpHost:
    """Owns one thread with an asyncio loop and every MCP session on it. Thread-safe.

    ``get_secret(user)`` reads a ``keyring:`` reference's value (default: the system keyring
    through :func:`nebula_desktop.secrets.get_key`). ``backoff_base_s``/``backoff_max_s`` set
    the wait before a crashed server is started again.
    """

    def __init__(
        self,
        servers: Iterable[McpServerConfig] = (),
        *,
        get_secret: Callable[[str], str | None] | None = None,
        backoff_base_s: float = BACKOFF_BASE_S,
        backoff_max_s: float = BACKOFF_MAX_S,
    ) -> None:
        self._lock = threading.Lock()
        self._configs: dict[str, McpServerConfig] = {s.id: s for s in servers}
        self._states: dict[str, ServerState] = {}
        self._plain_http_allowed: set[str] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False
        # Loop thread only: the servers in use, and the calls and listings running on them.
        backoff = (backoff_base_s, backoff_max_s)
        self._runs = ServerRuns(
            self._config_of, self._set_state, self._may_use_plain_http, get_secret, backoff
        )
        self._calls = Calls(self._runs)

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread and its loop (done by the first call that needs it). Idempotent."""
        with self._lock:
            if self._stopped:
                raise ToolsError("Tools are shut down.")
            if self._loop is not None:
                return
            loop = asyncio.new_event_loop()
            running = threading.Event()
            self._thread = threading.Thread(
                target=self._run, args=(loop, running), name="nebula-mcp", daemon=True
            )
            self._thread.start()
            running.wait()
            self._loop = loop
        # A safety net: server processes live in their own sessions and would outlive an app
        # that exits without calling stop().
        atexit.register(self.stop)

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop, running: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(running.set)
        try:
            loop.run_forever()
        finally:
            for task in asyncio.all_tasks(loop):
                task.cancel()
            with contextlib.suppress(Exception):
                loop.run_until_complete(asyncio.sleep(0))
            loop.close()

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> bool:
        """Close every session and server process, then the thread; False if that took longer
        than ``timeout`` (the thread is then left to finish on its own). Final: a stopped host
        answers every call with an error result."""
        with self._lock:
            loop, thread = self._loop, self._thread
            already = self._stopped
            self._stopped = True
        if already or loop is None or thread is None:
            return True
        atexit.unregister(self.stop)
        started = time.monotonic()
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        try:
            future.result(timeout)
            ok = True
        except (concurrent.futures.TimeoutError, Exception):
            ok = False
        loop.call_soon_threadsafe(loop.stop)
        thread.join(max(0.1, timeout - (time.monotonic() - started)))
        return ok and not thread.is_alive()

    async def _shutdown(self) -> None:
        runners = self._runs.close_all()
        self._calls.cancel_all()  # running calls and listings end first
        if runners:
            await asyncio.wait(runners)

    def configure(self, servers: Iterable[McpServerConfig]) -> None:
        """Replace the server settings. A server whose command, URL, environment, headers or
        timeout changed (or that is gone) is stopped and starts again on its next use."""
        with self._lock:
            self._configs = {s.id: s for s in servers}
            self._states = {k: v for k, v in self._states.items() if k in self._configs}
            loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._reconcile)

    def servers(self) -> list[McpServerConfig]:
        """The server settings the host works with (as last given to ``configure``)."""
        with self._lock:
            return list(self._configs.values())

    def _reconcile(self) -> None:
        with self._lock:
            configs = dict(self._configs)
        self._runs.reconcile(configs)

    def _config_of(self, server_id: str) -> McpServerConfig | None:
        with self._lock:
            return self._configs.get(server_id)

    def stop_server(self, server_id: str) -> None:
        """Close one server now (it starts again on its next use)."""
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._runs.close_one, server_id)

    # -- plain http ------------------------------------------------------------------------

    def plain_http_hop(self, server_id: str) -> ClearTextHop | None:
        """Who on another computer would read this server's traffic in clear (None: nobody)."""
        with self._lock:
            config = self._configs.get(server_id)
        if config is None or config.transport == "stdio" or config.url.startswith("keyring:"):
            return None
        return clear_text_hop(config.url)

    def allow_plain_http(self, server_id: str) -> None:
        """The user agreed that this server may be used over plain http (this session only)."""
        with self._lock:
            self._plain_http_allowed.add(server_id)

    def _may_use_plain_http(self, server_id: str) -> bool:
        with self._lock:
            return server_id in self._plain_http_allowed

    # -- state -----------------------------------------------------------------------------

    def server_state(self, server_id: str) -> ServerState:
        """The state line of a configured server (KeyError for an unknown id)."""
        with self._lock:
            if server_id not in self._configs:
                raise KeyError(server_id)
            state = self._states.get(server_id)
            stopped = self._stopped
        if state is None:
            return ServerState(server_id, STOPPED if stopped else IDLE, "Not started.")
        if state.retry_in_s:
            left = max(0.0, state.retry_in_s - time.monotonic())
            return ServerState(state.server_id, state.status, state.message, state.tools, left)
        return state

    def _set_state(
        self, server_id: str, status: str, message: str, tools: int = 0, retry_at: float = 0.0
    ) -> None:
        # retry_in_s holds the monotonic retry time here; server_state() turns it into seconds.
        with self._lock:
            if server_id in self._configs:
                self._states[server_id] = ServerState(server_id, status, message, tools, retry_at)

    # -- calls -----------------------------------------------------------------------------

    def _submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        try:
            self.start()
        except ToolsError:
            coro.close()
            raise
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def submit_list_tools(self, server_id: str) -> concurrent.futures.Future[list[ToolSpec]]:
        """Start the server if needed and list its tools; the future raises :class:`ToolsError`
        (a sentence) when it cannot be started or reached."""
        return self._submit(self._calls.list_tools(server_id))

    def list_tools(self, server_id: str, timeout: float | None = None) -> list[ToolSpec]:
        """Blocking :meth:`submit_list_tools` (bounded by the server's start and call timeouts)."""
        future = self.submit_list_tools(server_id)
        return future.result(timeout)

    def submit_call(
        self,
        server_id: str,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        cancel: threading.Event | None = None,
    ) -> concurrent.futures.Future[ToolResult]:
        """Call tool ``name``; the future's :class:`ToolResult` says what happened (it does not
        raise for a server's trouble). ``timeout`` overrides the server's ``timeout_s``;
        ``cancel`` (or ``future.cancel()``) stops the call within 0.5 s."""
        args = dict(arguments or {})
        try:
            return self._submit(self._calls.call(server_id, name, args, timeout, cancel))
        except ToolsError as exc:
            done: concurrent.futures.Future[ToolResult] = concurrent.futures.Future()
            done.set_result(
                ToolResult(server_id, name, text=str(exc), is_error=True, error="unavailable")
            )
            return done

    def call_tool(
        self,
        server_id: str,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        cancel: threading.Event | None = None,
    ) -> ToolResult:
        """Blocking :meth:`submit_call`."""
        return self.submit_call(server_id, name, arguments, timeout, cancel).result()
