"""One MCP server's run on the host's loop thread: start, serve, crash, back-off (no Qt).

:class:`ServerRuns` keeps a :class:`ServerRecord` per server the host has used. A server starts
when a call first needs its session (``starting`` → ``running``), is ``crashed`` when it stops by
itself (started again on the next use, after a back-off of 1, 2, 4… up to 60 s) and ``failed``
when it could not be started (a sentence says why: "command not found: npx", a missing secret, a
plain-http server not allowed, its last stderr lines). The state lines go to the host through
the ``set_state`` callback it gives; everything here runs on the loop thread.

Every server's stderr goes to the log line by line (``nebula_desktop.tools.server``), with the
secrets it was started with redacted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from nebula_desktop.logging_setup import redact, register_secret
from nebula_desktop.profile import clear_text_hop
from nebula_desktop.secrets import KeyringUnavailableError
from nebula_desktop.tools import resolve, sdk
from nebula_desktop.tools.errors import (
    CommandNotFound,
    MissingSecret,
    PlainHttpRefused,
    ServerUnavailable,
    ToolsError,
)
from nebula_desktop.tools.keyring_refs import resolve_references
from nebula_desktop.tools.model import CRASHED, FAILED, RUNNING, STARTING, STOPPED
from nebula_desktop.tools.server_settings import McpServerConfig

__all__ = [
    "BACKOFF_BASE_S",
    "BACKOFF_MAX_S",
    "STDERR_KEPT",
    "ServerRecord",
    "ServerRuns",
    "launch_key",
    "running_message",
]

log = logging.getLogger("nebula_desktop.tools.host")
server_log = logging.getLogger("nebula_desktop.tools.server")

BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 60.0
STDERR_KEPT = 20
# How long a call that lost its server waits for the crash to be recorded.
_WIND_DOWN_S = 2.0
# Config problems: retrying at once is right (the user may just have fixed them).
_NO_BACKOFF = (CommandNotFound, MissingSecret, PlainHttpRefused)


class StateSetter(Protocol):
    """The host's record of a server's state line (``retry_at`` is a monotonic time)."""

    def __call__(
        self, server_id: str, status: str, message: str, tools: int = 0, retry_at: float = 0.0
    ) -> None: ...


def launch_key(config: McpServerConfig) -> tuple[Any, ...]:
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


def running_message(name: str, tools: int) -> str:
    """The state line of a running server."""
    return f"“{name}” is running ({tools} tool{'s' if tools != 1 else ''})."


class ServerRecord:
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


class ServerRuns:
    """The records of the servers in use and the task that runs each; loop thread only.

    ``config_of(id)`` is the server's current settings (None: not configured), ``set_state``
    records its state line, ``plain_http_allowed(id)`` says whether the user agreed to plain
    http for it, ``get_secret(user)`` reads a ``keyring:`` reference (None: the system keyring).
    """

    def __init__(
        self,
        config_of: Callable[[str], McpServerConfig | None],
        set_state: StateSetter,
        plain_http_allowed: Callable[[str], bool],
        get_secret: Callable[[str], str | None] | None,
        backoff: tuple[float, float],
    ) -> None:
        self.records: dict[str, ServerRecord] = {}
        self.set_state = set_state
        self._config_of = config_of
        self._plain_http_allowed = plain_http_allowed
        self._get_secret = get_secret
        self._backoff = backoff

    def record(self, server_id: str) -> ServerRecord:
        """The record of a configured server (made on first use); ServerUnavailable if none."""
        config = self._config_of(server_id)
        if config is None:
            raise ServerUnavailable(f"There is no tools server “{server_id}” in the settings.")
        rec = self.records.get(server_id)
        if rec is None:
            rec = self.records[server_id] = ServerRecord(config)
        return rec

    def reconcile(self, configs: Mapping[str, McpServerConfig]) -> None:
        """Close the servers that are gone or whose launch settings changed."""
        for server_id, rec in list(self.records.items()):
            config = configs.get(server_id)
            if config is not None and launch_key(config) == launch_key(rec.config):
                rec.config = config
                continue
            rec.closing.set()
            del self.records[server_id]

    def close_one(self, server_id: str) -> None:
        """Close one server now (it starts again on its next use)."""
        rec = self.records.pop(server_id, None)
        if rec is not None:
            rec.closing.set()
        self.set_state(server_id, STOPPED, "Stopped.")

    def close_all(self) -> list[asyncio.Task[None]]:
        """Ask every server to close; the tasks that run them (to wait for)."""
        runners = []
        for rec in list(self.records.values()):
            rec.closing.set()
            if rec.task is not None:
                runners.append(rec.task)
        return runners

    async def session(self, rec: ServerRecord) -> Any:
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

    async def wind_down(self, rec: ServerRecord) -> None:
        """After a lost connection: let the server's last stderr lines arrive and its runner
        record the crash, so the caller's next look at the state agrees with its result."""
        rec.lost.set()
        await _settle(rec.stderr_ended)  # its last words explain the crash
        if rec.task is not None and not rec.task.done():
            await asyncio.wait({rec.task}, timeout=_WIND_DOWN_S)

    async def _serve(self, rec: ServerRecord, ready: asyncio.Future[Any]) -> None:
        """Run one server from start to end (the contexts it opens must close in this task)."""
        config = rec.config
        self.set_state(config.id, STARTING, f"Starting “{config.name}”…")
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
                    message = running_message(config.name, rec.tools)
                    self.set_state(config.id, RUNNING, message, rec.tools)
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

    async def _open(self, rec: ServerRecord, stack: contextlib.AsyncExitStack) -> Any:
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
            hop = clear_text_hop(resolved.url)
            if hop is not None and not self._plain_http_allowed(config.id):
                raise PlainHttpRefused(config.name, hop.host, hop.via_proxy)

        def on_stderr(line: str) -> None:
            line = redact(line)
            rec.stderr.append(line)
            server_log.info("%s: %s", config.id, line)

        return await sdk.open_session(
            config, resolved, stack, rec.lost, on_stderr, rec.stderr_ended, command, path
        )

    def _finish(
        self,
        rec: ServerRecord,
        ready: asyncio.Future[Any],
        ran: bool,
        problem: BaseException | None,
    ) -> None:
        config = rec.config
        current = self.records.get(config.id) is rec
        if rec.closing.is_set() or not current:
            if not ready.done():
                ready.set_exception(ServerUnavailable(f"“{config.name}” was stopped."))
            if current:
                self.set_state(config.id, STOPPED, "Stopped.")
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
        self.set_state(config.id, status, message, rec.tools, rec.retry_at)
        if not ready.done():
            ready.set_exception(
                problem if isinstance(problem, ToolsError) else ServerUnavailable(message)
            )


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
