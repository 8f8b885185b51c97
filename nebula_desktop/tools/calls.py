"""Listing a server's tools and calling one, bounded by a deadline and Stop (no Qt).

:class:`Calls` runs on the host's loop thread. A call never raises for a server's trouble: it
returns a :class:`ToolResult` with ``is_error`` and a sentence (timeouts, Stop, crashes
included), so a failing server is one line in the chat. Stop (the ``cancel`` event, or
cancelling the future) ends a running call within 0.5 s; a call that outlives its server's
``timeout_s`` (default 60 s) ends with an error result.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

from nebula_desktop.tools import sdk
from nebula_desktop.tools.errors import ServerUnavailable, ToolsError
from nebula_desktop.tools.model import RUNNING, ToolResult, ToolSpec
from nebula_desktop.tools.server_run import ServerRecord, ServerRuns, running_message

__all__ = ["CANCEL_POLL_S", "Calls"]

T = TypeVar("T")

CANCEL_POLL_S = 0.05  # how often a running call looks at its Stop event
# Time for a cancelled request to send its courtesy cancel before the call returns.
_CANCEL_GRACE_S = 0.3
# Extra time for a start beyond the server's own timeout (resolving the command, the keyring).
_START_GRACE_S = 10.0


class Calls:
    """The listings and tool calls running on the loop, over the servers of ``runs``."""

    def __init__(self, runs: ServerRuns) -> None:
        self._runs = runs
        self._work: set[asyncio.Future[Any]] = set()  # running calls and listings

    def cancel_all(self) -> None:
        """Cancel every running call and listing (but the task asking)."""
        current = asyncio.current_task()
        for task in list(self._work):
            if task is not current:
                task.cancel()

    async def list_tools(self, server_id: str) -> list[ToolSpec]:
        """Start the server if needed and list its tools (ToolsError: a sentence why not)."""
        runs = self._runs
        rec = runs.record(server_id)
        deadline = [time.monotonic() + rec.config.timeout_s + _START_GRACE_S]

        async def work() -> list[ToolSpec]:
            session = await runs.session(rec)
            deadline[0] = time.monotonic() + rec.config.timeout_s
            return await sdk.list_all_tools(session, rec.config.id)

        kind, value = await self._guard(work(), None, deadline)
        if kind == "ok" and isinstance(value, list):
            rec.failures = 0
            rec.tools = len(value)
            if rec.session is not None:
                message = running_message(rec.config.name, rec.tools)
                runs.set_state(server_id, RUNNING, message, rec.tools)
            return value
        if kind == "timeout":
            raise ServerUnavailable(
                f"“{rec.config.name}” did not list its tools within {rec.config.timeout_s:g} s."
            )
        if isinstance(value, ToolsError):
            raise value
        problem = value if isinstance(value, BaseException) else Exception("no answer")
        if sdk.connection_lost(problem):
            await runs.wind_down(rec)
        raise ServerUnavailable(
            f"“{rec.config.name}” could not list its tools: {sdk.describe(problem)}."
        )

    async def call(
        self,
        server_id: str,
        tool: str,
        arguments: dict[str, Any],
        timeout: float | None,
        cancel: threading.Event | None,
    ) -> ToolResult:
        """Call ``tool``; the result says what happened (it does not raise)."""
        runs = self._runs
        started = time.monotonic()
        try:
            rec = runs.record(server_id)
        except ToolsError as exc:
            return ToolResult(server_id, tool, text=str(exc), is_error=True, error="unavailable")
        config = rec.config
        limit = timeout if timeout is not None else config.timeout_s
        deadline = [started + config.timeout_s + _START_GRACE_S]
        connected = [False]

        async def work() -> Any:
            session = await runs.session(rec)
            connected[0] = True
            deadline[0] = time.monotonic() + limit
            return await session.call_tool(tool, arguments)

        kind, value = await self._guard(work(), cancel, deadline)
        if isinstance(value, BaseException) and sdk.connection_lost(value):
            await runs.wind_down(rec)
        result = _call_result(rec, tool, kind, value, limit, connected[0])
        result.duration_s = time.monotonic() - started
        return result

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


def _call_result(
    rec: ServerRecord, tool: str, kind: str, value: Any, limit: float, connected: bool
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
