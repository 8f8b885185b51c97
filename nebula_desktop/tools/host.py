"""``McpHost``: the one owner of every MCP server connection, on its own thread (no Qt).

The SDK is async, the app is Qt: the host runs one background thread with an asyncio event loop,
started on first use, and every session lives there. Callers on any thread use the blocking
methods (``list_tools``, ``call_tool``: each bounded) or the ``submit_*`` ones that return a
``concurrent.futures.Future``.

Life of a server: configured (``idle``) → started by the first ``list_tools``/``call_tool`` that
needs it (``starting`` → ``running``) → ``crashed`` if it stops by itself (started again on the
next use, after a back-off of 1, 2, 4… up to 60 s), ``failed`` if it could not be started
(a sentence says why: "command not found: npx", a missing secret, a plain-http server not
allowed, its last stderr lines), ``stopped`` when its settings change or the host stops.
``stop()`` on quit closes every session and child process within a bound.

A call never raises for a server's trouble: it returns a :class:`ToolResult` with ``is_error``
and a sentence (timeouts, Stop, crashes included), so a failing server is one line in the chat.
Stop (``cancel`` event, or cancelling the future) ends a running call within 0.5 s; a call that
outlives its server's ``timeout_s`` (default 60 s) ends with an error result.

Every server's stderr goes to the log line by line (``nebula_desktop.tools.server``), with the
secrets it was started with redacted.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Coroutine, Iterable, Mapping
from typing import Any, TypeVar

from nebula_desktop.logging_setup import redact, register_secret
from nebula_desktop.profile import ClearTextHop, clear_text_hop
from nebula_desktop.secrets import KeyringUnavailableError
from nebula_desktop.tools import resolve, sdk
from nebula_desktop.tools.config import McpServerConfig, resolve_references
from nebula_desktop.tools.errors import (
    CommandNotFound,
    MissingSecret,
    PlainHttpRefused,
    ServerUnavailable,
    ToolsError,
)
from nebula_desktop.tools.model import (
    CRASHED,
    FAILED,
    IDLE,
    RUNNING,
    STARTING,
    STOPPED,
    ServerState,
    ToolResult,
    ToolSpec,
)

__all__ = ["BACKOFF_BASE_S", "BACKOFF_MAX_S", "CANCEL_POLL_S", "STOP_TIMEOUT_S", "McpHost"]

log = logging.getLogger(__name__)
server_log = logging.getLogger("nebula_desktop.tools.server")

T = TypeVar("T")

BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 60.0
CANCEL_POLL_S = 0.05  # how often a running call looks at its Stop event
STOP_TIMEOUT_S = 8.0  # the SDK closes stdin, waits 2 s, SIGTERM, 2 s, SIGKILL
STDERR_KEPT = 20
# Time for a cancelled request to send its courtesy cancel before the call returns.
_CANCEL_GRACE_S = 0.3
# Extra time for a start beyond the server's own timeout (resolving the command, the keyring).
_START_GRACE_S = 10.0
# How long a call that lost its server waits for the crash to be recorded.
_WIND_DOWN_S = 2.0
# Config problems: retrying at once is right (the user may just have fixed them).
_NO_BACKOFF = (CommandNotFound, MissingSecret, PlainHttpRefused)


def _launch_key(config: McpServerConfig) -> tuple[Any, ...]:
    """The settings that need a restart when they change (not where it is enabled)."""
    return (
        config.transport,
        config.command,
        tuple(config.args),
        tuple(sorted(config.env.items())),
        config.cwd,
        config.url,
        tuple(sorted(config.headers.items())),
        config.timeout_s,
    )


class _Server:
    """One server's connection state; touched on the loop thread only."""

    def __init__(self, config: McpServerConfig) -> None:
        self.config = config
        self.task: asyncio.Task[None] | None = None
        self.ready: asyncio.Future[Any] | None = None
        self.session: Any = None
        self.closing = asyncio.Event()
        self.lost = asyncio.Event()
        self.failures = 0
        self.retry_at = 0.0
        self.last_problem = ""
        self.stderr: deque[str] = deque(maxlen=STDERR_KEPT)
        self.stderr_ended = asyncio.Event()
        self.tools = 0


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
        self._get_secret = get_secret
        self._backoff = (backoff_base_s, backoff_max_s)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._records: dict[str, _Server] = {}  # loop thread only
        self._work: set[asyncio.Future[Any]] = set()  # running calls and listings (loop thread)

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
        current = asyncio.current_task()
        runners = []
        for rec in list(self._records.values()):
            rec.closing.set()
            if rec.task is not None:
                runners.append(rec.task)
        for task in list(self._work):  # running calls and listings end first
            if task is not current:
                task.cancel()
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
        for server_id, rec in list(self._records.items()):
            config = configs.get(server_id)
            if config is not None and _launch_key(config) == _launch_key(rec.config):
                rec.config = config
                continue
            rec.closing.set()
            del self._records[server_id]

    def stop_server(self, server_id: str) -> None:
        """Close one server now (it starts again on its next use)."""
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._close_one, server_id)

    def _close_one(self, server_id: str) -> None:
        rec = self._records.pop(server_id, None)
        if rec is not None:
            rec.closing.set()
        self._set_state(server_id, STOPPED, "Stopped.")

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
        return self._submit(self._list(server_id))

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
            return self._submit(self._call(server_id, name, args, timeout, cancel))
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

    # -- on the loop -----------------------------------------------------------------------

    def _record(self, server_id: str) -> _Server:
        with self._lock:
            config = self._configs.get(server_id)
        if config is None:
            raise ServerUnavailable(f"There is no tools server “{server_id}” in the settings.")
        rec = self._records.get(server_id)
        if rec is None:
            rec = self._records[server_id] = _Server(config)
        return rec

    async def _session(self, rec: _Server) -> Any:
        """The running session of ``rec``, starting the server when it is not running."""
        while True:
            if rec.session is not None and not rec.lost.is_set():
                return rec.session
            running = rec.task is not None and not rec.task.done()
            if running and rec.ready is not None and not rec.ready.done():
                return await asyncio.shield(rec.ready)
            wait = rec.retry_at - time.monotonic()
            if wait > 0:
                raise ServerUnavailable(f"{rec.last_problem} Next try in {math.ceil(wait)} s.")
            if rec.task is not None and running:
                await asyncio.wait({rec.task})  # a lost connection winding down
                continue
            loop = asyncio.get_running_loop()
            rec.ready = loop.create_future()
            rec.ready.add_done_callback(_retrieve)
            rec.lost = asyncio.Event()
            rec.task = loop.create_task(self._serve(rec, rec.ready))

    async def _serve(self, rec: _Server, ready: asyncio.Future[Any]) -> None:
        """Run one server from start to end (the contexts it opens must close in this task)."""
        config = rec.config
        self._set_state(config.id, STARTING, f"Starting “{config.name}”…")
        rec.stderr.clear()
        rec.stderr_ended = asyncio.Event()
        if config.transport != "stdio":
            rec.stderr_ended.set()  # nothing to wait for
        ran = finished = False
        problem: BaseException | None = None
        try:
            async with contextlib.AsyncExitStack() as stack:
                try:
                    session = await self._open(rec, stack)
                except Exception as exc:
                    # Say so at once: closing a server that never answered takes seconds.
                    finished = True
                    await _settle(rec.stderr_ended)
                    self._finish(rec, ready, False, exc)
                    raise
                rec.session, ran = session, True
                ready.set_result(session)
                try:
                    rec.tools = len(await sdk.list_all_tools(session, config.id))
                except Exception as exc:  # a server without tools still runs; the loss shows
                    log.info("tools server %s listed no tools: %s", config.id, sdk.describe(exc))
                if not rec.lost.is_set():
                    self._set_state(config.id, RUNNING, _running(config.name, rec.tools), rec.tools)
                closing = asyncio.ensure_future(rec.closing.wait())
                lost = asyncio.ensure_future(rec.lost.wait())
                try:
                    await asyncio.wait({closing, lost}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    closing.cancel()
                    lost.cancel()
                rec.session = None
        except asyncio.CancelledError:
            problem = ServerUnavailable(f"“{config.name}” was stopped.")
            raise
        except Exception as exc:
            problem = exc
        finally:
            rec.session = None
            if not finished:
                self._finish(rec, ready, ran, problem)

    async def _open(self, rec: _Server, stack: contextlib.AsyncExitStack) -> Any:
        config = rec.config
        get_secret = self._get_secret or _keyring_get
        try:
            resolved = await asyncio.to_thread(resolve_references, config, get_secret)
        except KeyringUnavailableError as exc:
            raise ServerUnavailable(str(exc)) from None
        for value in resolved.secret_values:
            register_secret(value)
        command = path = ""
        if config.transport == "stdio":
            command = await asyncio.to_thread(resolve.resolve_command, config.command)
            path = await asyncio.to_thread(resolve.child_path)
        else:
            with self._lock:
                allowed = config.id in self._plain_http_allowed
            hop = clear_text_hop(resolved.url)
            if hop is not None and not allowed:
                raise PlainHttpRefused(config.name, hop.host, hop.via_proxy)

        def on_stderr(line: str) -> None:
            line = redact(line)
            rec.stderr.append(line)
            server_log.info("%s: %s", config.id, line)

        return await sdk.open_session(
            config, resolved, stack, rec.lost, on_stderr, rec.stderr_ended, command, path
        )

    def _finish(
        self, rec: _Server, ready: asyncio.Future[Any], ran: bool, problem: BaseException | None
    ) -> None:
        config = rec.config
        current = self._records.get(config.id) is rec
        if rec.closing.is_set() or not current:
            if not ready.done():
                ready.set_exception(ServerUnavailable(f"“{config.name}” was stopped."))
            if current:
                self._set_state(config.id, STOPPED, "Stopped.")
            return
        tail = sdk.last_lines(rec.stderr)
        if isinstance(problem, ToolsError):
            message = str(problem)
        elif ran:
            why = f": {sdk.describe(problem)}" if problem is not None else ""
            message = f"“{config.name}” stopped unexpectedly{why}."
        else:
            why = sdk.describe(problem) if problem is not None else "it exited"
            message = f"“{config.name}” could not be started: {why}."
        if tail and not isinstance(problem, _NO_BACKOFF):
            message += f" It said: “{tail}”."
        if isinstance(problem, _NO_BACKOFF):
            rec.retry_at = 0.0
        else:
            rec.failures += 1
            base, most = self._backoff
            rec.retry_at = time.monotonic() + min(most, base * 2 ** (rec.failures - 1))
        rec.last_problem = message
        status = CRASHED if ran else FAILED
        log.warning("tools server %s %s: %s", config.id, status, message)
        self._set_state(config.id, status, message, rec.tools, rec.retry_at)
        if not ready.done():
            ready.set_exception(
                problem if isinstance(problem, ToolsError) else ServerUnavailable(message)
            )

    async def _guard(
        self, work: Coroutine[Any, Any, T], cancel: threading.Event | None, deadline: list[float]
    ) -> tuple[str, T | BaseException | None]:
        """Run ``work`` until it ends, ``cancel`` is set or ``deadline[0]`` passes (the work may
        move the deadline): ``("ok", value)``, ``("error", exc)``, ``("cancelled"|"timeout",
        None)``."""
        task = asyncio.ensure_future(work)
        self._work.add(task)
        task.add_done_callback(self._work.discard)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=CANCEL_POLL_S)
                if done:
                    break
                if cancel is not None and cancel.is_set():
                    reason = "cancelled"
                elif time.monotonic() > deadline[0]:
                    reason = "timeout"
                else:
                    continue
                task.cancel()
                await asyncio.wait({task}, timeout=_CANCEL_GRACE_S)
                return reason, None
        finally:
            if not task.done():
                task.cancel()
        if task.cancelled():
            return "cancelled", None
        exc = task.exception()
        if exc is not None:
            return "error", exc
        return "ok", task.result()

    async def _wind_down(self, rec: _Server) -> None:
        """After a lost connection: let the server's last stderr lines arrive and its runner
        record the crash, so the caller's next look at the state agrees with its result."""
        rec.lost.set()
        await _settle(rec.stderr_ended)  # its last words explain the crash
        if rec.task is not None and not rec.task.done():
            await asyncio.wait({rec.task}, timeout=_WIND_DOWN_S)

    async def _list(self, server_id: str) -> list[ToolSpec]:
        rec = self._record(server_id)
        deadline = [time.monotonic() + rec.config.timeout_s + _START_GRACE_S]

        async def work() -> list[ToolSpec]:
            session = await self._session(rec)
            deadline[0] = time.monotonic() + rec.config.timeout_s
            return await sdk.list_all_tools(session, rec.config.id)

        kind, value = await self._guard(work(), None, deadline)
        if kind == "ok" and isinstance(value, list):
            rec.failures = 0
            rec.tools = len(value)
            if rec.session is not None:
                self._set_state(server_id, RUNNING, _running(rec.config.name, rec.tools), rec.tools)
            return value
        if kind == "timeout":
            raise ServerUnavailable(
                f"“{rec.config.name}” did not list its tools within {rec.config.timeout_s:g} s."
            )
        if isinstance(value, ToolsError):
            raise value
        problem = value if isinstance(value, BaseException) else Exception("no answer")
        if sdk.connection_lost(problem):
            await self._wind_down(rec)
        raise ServerUnavailable(
            f"“{rec.config.name}” could not list its tools: {sdk.describe(problem)}."
        )

    async def _call(
        self,
        server_id: str,
        tool: str,
        arguments: dict[str, Any],
        timeout: float | None,
        cancel: threading.Event | None,
    ) -> ToolResult:
        started = time.monotonic()
        try:
            rec = self._record(server_id)
        except ToolsError as exc:
            return ToolResult(server_id, tool, text=str(exc), is_error=True, error="unavailable")
        config = rec.config
        limit = timeout if timeout is not None else config.timeout_s
        deadline = [started + config.timeout_s + _START_GRACE_S]
        connected = [False]

        async def work() -> Any:
            session = await self._session(rec)
            connected[0] = True
            deadline[0] = time.monotonic() + limit
            return await session.call_tool(tool, arguments)

        kind, value = await self._guard(work(), cancel, deadline)
        if isinstance(value, BaseException) and sdk.connection_lost(value):
            await self._wind_down(rec)
        result = self._call_result(rec, tool, kind, value, limit, connected[0])
        result.duration_s = time.monotonic() - started
        return result

    def _call_result(
        self, rec: _Server, tool: str, kind: str, value: Any, limit: float, connected: bool
    ) -> ToolResult:
        config = rec.config
        if kind == "ok":
            rec.failures = 0
            return sdk.to_result(value, config.id, tool)

        def error(text: str, code: str) -> ToolResult:
            return ToolResult(config.id, tool, text=text, is_error=True, error=code)

        if kind == "cancelled":
            return error(f"The call of {tool} was stopped by the user.", "cancelled")
        if kind == "timeout":
            if connected:
                return error(
                    f"The tool {tool} of “{config.name}” did not answer within {limit:g} s; "
                    "the call was stopped.",
                    "timeout",
                )
            return error(f"“{config.name}” did not start in time.", "timeout")
        if isinstance(value, ToolsError):
            return error(str(value), "unavailable")
        if isinstance(value, BaseException) and not sdk.connection_lost(value):
            return error(f"“{config.name}” refused the call: {sdk.describe(value)}.", "protocol")
        tail = sdk.last_lines(rec.stderr)
        said = f" It said: “{tail}”." if tail else ""
        return error(f"“{config.name}” stopped while running {tool}.{said}", "crashed")


def _running(name: str, tools: int) -> str:
    return f"“{name}” is running ({tools} tool{'s' if tools != 1 else ''})."


async def _settle(ended: asyncio.Event, timeout: float = 0.2) -> None:
    """Give a server's last stderr lines a moment to arrive (its pipe may close just after)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(ended.wait(), timeout)


def _retrieve(future: asyncio.Future[Any]) -> None:
    """Mark a start's failure as seen (nobody may be waiting for it)."""
    if not future.cancelled():
        future.exception()


def _keyring_get(user: str) -> str | None:
    from nebula_desktop.secrets import get_key

    return get_key(user)
