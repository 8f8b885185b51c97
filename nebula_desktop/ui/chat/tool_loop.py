"""``ToolLoop``: a chat turn that goes through tools, round by round, with the user's approval.

When the chat has MCP servers enabled, a request carries their tools (listed on the tools host's
thread first, then remembered). When an answer ends with ``tool_calls``, the turn pauses on the
:class:`~nebula_desktop.ui.chat.tool_card.ToolCard`: each call runs only once the user allows it
(or allowed that tool for good), on the host's own thread; its result is stored as a
``role: "tool"`` message and, once every call of the round has one, the next round is sent by
itself — up to the chat's limit of rounds. Deny gives the model a refusal; Stop ends the whole
turn (a running call is cancelled within 0.5 s) and every call left without a result gets one
saying so, so the history stays valid for the next request.

A turn owns several runs: each round's answer is its own ``Message``, streamed by ``ChatRun``
like any other; this object drives the turn, whose state and messages are in
:mod:`~nebula_desktop.ui.chat.tool_turn`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6 import QtWidgets
from PySide6.QtCore import QObject, Signal

from nebula_desktop.context import request_messages
from nebula_desktop.store import Conversation, Message
from nebula_desktop.ui.chat.tool_turn import (
    ASKING,
    CONTINUING,
    LISTING,
    RUNNING,
    SKIPPED_CALL,
    STOPPED_CALL,
    STREAMING,
    TOO_MANY_ROUNDS,
    ToolCall,
    ToolTurn,
    look_up,
    result_message,
    sized_images,
    with_tools,
)

if TYPE_CHECKING:
    from nebula_desktop.tools.session import CatalogResult, ToolsSession
    from nebula_desktop.ui.chat.tool_card import ToolCard

log = logging.getLogger(__name__)


class _Bridge(QObject):
    """Carries results from the tools host's thread to the GUI thread (queued signals)."""

    catalog_done = Signal(int, object)  # turn token, CatalogResult
    call_done = Signal(int, object)  # turn token, concurrent.futures.Future[ToolResult]


class ToolLoop(QObject):
    """The tool rounds of the chat's turns; ``busy`` while a turn waits, asks or runs a tool."""

    busy_changed = Signal(bool)
    status_message = Signal(str)

    def __init__(
        self,
        session: ToolsSession,
        settings: Any,
        save_settings: Callable[[], None],
        view: Any,
        composer: Any,
        current: Callable[[], Conversation | None],
        start: Callable[[Conversation, Message, list[dict[str, Any]]], None],
        save: Callable[[Conversation], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._settings = settings
        self._save_settings = save_settings
        self._view = view
        self._composer = composer
        self._current = current
        self._start = start
        self._save = save
        # The approval card is built the first time a chat with tools needs it, and placed in
        # the window by ``card_host`` (the window sets it): most sessions never show it.
        self._card: ToolCard | None = None
        self.card_host: Callable[[ToolCard], None] | None = None
        self._bridge = _Bridge(self)
        self._bridge.catalog_done.connect(self._on_bridge_catalog_done)
        self._bridge.call_done.connect(self._on_bridge_call_done)
        self._turn: ToolTurn | None = None
        self._tokens = 0
        # The future of the call running now (None: none runs); Stop cancels it.
        self.running_call: Any = None
        self.plain_http_question: QtWidgets.QMessageBox | None = None  # open while it asks

    @property
    def card(self) -> ToolCard:
        """The approval card (built and placed in the window on first use)."""
        if self._card is None:
            from nebula_desktop.ui.chat.tool_card import ToolCard

            card = self._card = ToolCard()
            card.allow_once.connect(self._on_card_allow_once)
            card.always_allow.connect(self._on_card_always_allow)
            card.deny.connect(self._on_card_deny)
            if self.card_host is not None:
                self.card_host(card)
        return self._card

    def _card_idle(self) -> None:
        if self._card is not None:
            self._card.idle()

    @property
    def busy(self) -> bool:
        """True from the start of a turn with tools until its last answer or Stop."""
        return self._turn is not None

    # -- the controller's entry points -------------------------------------------------------

    def begin(
        self,
        conv: Conversation,
        answer: Message,
        params: dict[str, Any],
        go: Callable[[dict[str, Any]], None],
    ) -> None:
        """Start the request of ``answer`` through ``go(params)``, with the chat's tools added
        (listed first when needed); without enabled servers it is ``go(params)`` at once."""
        turn = self._turn
        if turn is not None and turn.conv is conv and turn.state == CONTINUING:
            turn.answer = answer
            turn.state = STREAMING
            go(with_tools(params, turn.catalog))
            return
        if turn is not None:
            self._end(stopped=True)
        if not self.session.enabled_for(conv.id):
            go(params)
            return
        self._tokens += 1
        turn = self._turn = ToolTurn(conv, answer, self._tokens)
        turn.pending_start = (params, go)
        self.card.dismiss_notice()
        self._composer.set_streaming(True)
        self._set_busy(True)
        if conv is self._current():
            self._view.set_streaming(answer.id)
        self._list_tools(turn)

    def answer_finished(self, conv: Conversation, message: Message) -> None:
        """A round's answer is complete (``ChatRun.finished``): run its tool calls, or end."""
        turn = self._turn
        if turn is None or turn.conv is not conv or turn.state != STREAMING:
            return
        catalog = turn.catalog
        if not message.tool_calls or catalog is None or not catalog.catalog.tools:
            self._end()
            return
        turn.rounds += 1
        turn.calls = [
            look_up(call, catalog) for call in message.tool_calls if isinstance(call, dict)
        ]
        turn.count = len(turn.calls)
        self._composer.set_streaming(True)
        self._set_busy(True)
        self._next_call()

    def answer_failed(self, conv: Conversation, _message: Message) -> None:
        """A round's request failed (``ChatRun.failed``): the turn ends with it."""
        turn = self._turn
        if turn is not None and turn.conv is conv and turn.state == STREAMING:
            self._end()

    def stop(self) -> bool:
        """Stop: end the turn now. A running call is cancelled; every call left without a
        result gets one saying it did not run. False if no turn was going on."""
        if self._turn is None:
            return False
        self._end(stopped=True)
        return True

    def drop(self, conv_id: str) -> None:
        """The chat was deleted: forget its turn without saving anything."""
        turn = self._turn
        if turn is not None and turn.conv.id == conv_id:
            if turn.cancel is not None:
                turn.cancel.set()
            self._turn = None
            self._close_question()
            self._card_idle()
            self._set_busy(False)

    def shutdown(self) -> None:
        """On quit: stop the turn and close every server."""
        self.stop()
        self.session.stop()

    # -- the steps -----------------------------------------------------------------------------

    def _list_tools(self, turn: ToolTurn) -> None:
        token = turn.token
        future = self.session.submit_catalog(turn.conv.id)
        if not future.done():
            self.card.show_running(self.tr("Starting the tools…"))
        future.add_done_callback(lambda f: self._bridge.catalog_done.emit(token, f.result()))

    def _on_bridge_catalog_done(self, token: int, result: CatalogResult) -> None:
        turn = self._turn
        if turn is None or turn.token != token or turn.state != LISTING:
            return
        ask = [(s, e) for s, e in result.refused if s.id not in turn.declined]
        if ask:
            self._ask_plain_http(turn, result, *ask[0])
            return
        for problem in result.problems:
            self.card.add_notice(problem)
            log.info("tools: %s", problem)
        turn.catalog = result
        turn.state = STREAMING
        self._card_idle()
        pending, turn.pending_start = turn.pending_start, None
        if pending is not None:
            params, go = pending
            go(with_tools(params, result))

    def _ask_plain_http(
        self, turn: ToolTurn, result: CatalogResult, server: Any, refusal: Any
    ) -> None:
        """A plain-http server on another computer: ask (not blocking) before it is used; a yes
        allows it for the session and lists the tools again, a no leaves it out of this turn."""
        from nebula_desktop.ui.common.plain_http import tools_plain_http_box

        parent = self._view.window() if hasattr(self._view, "window") else None
        box = tools_plain_http_box(parent, server.name, refusal.host, refusal.via_proxy)
        self.plain_http_question = box
        token = turn.token

        def answered(_code: int) -> None:
            self.plain_http_question = None
            current = self._turn
            if current is None or current.token != token or current.state != LISTING:
                return  # Stop (or another turn) came first
            if box.clickedButton() is box.button(QtWidgets.QMessageBox.StandardButton.Yes):
                self.session.allow_plain_http(server.id)
                self._list_tools(current)
            else:
                current.declined.add(server.id)
                self._on_bridge_catalog_done(token, result)

        box.finished.connect(answered)
        box.open()

    def _close_question(self) -> None:
        box, self.plain_http_question = self.plain_http_question, None
        if box is not None:
            box.reject()

    def _next_call(self) -> None:
        turn = self._turn
        if turn is None:
            return
        if not turn.calls:
            self._round_done()
            return
        call = turn.current = turn.calls.pop(0)
        if call.error:
            self._record(call, call.error, error="refused")
            self._next_call()
            return
        if self._always_allowed(call):
            self._run(call)
            return
        turn.state = ASKING
        position = turn.count - len(turn.calls)
        self.card.ask(call.server_name, call.tool, call.arguments_text, position, turn.count)

    def _always_allowed(self, call: ToolCall) -> bool:
        # Read from the settings each time: revoking in Settings → Tools applies at once.
        return any(
            s.id == call.server_id and call.tool in s.always_allowed for s in self.session.servers()
        )

    def _on_card_allow_once(self) -> None:
        turn = self._turn
        if turn is not None and turn.state == ASKING and turn.current is not None:
            self._run(turn.current)

    def _on_card_always_allow(self) -> None:
        turn = self._turn
        if turn is None or turn.state != ASKING or turn.current is None:
            return
        call = turn.current
        if self.session.always_allow(call.server_id, call.tool) is not None:
            try:
                self._save_settings()
            except OSError as error:  # allowed for this session all the same
                self.status_message.emit(str(error))
        self._run(call)

    def _on_card_deny(self) -> None:
        turn = self._turn
        if turn is None or turn.state != ASKING or turn.current is None:
            return
        from nebula_desktop.tools.convert import denied_message

        call = turn.current
        self._record(call, denied_message(call.call_id)["content"], error="denied")
        self._next_call()

    def _run(self, call: ToolCall) -> None:
        turn = self._turn
        assert turn is not None
        from nebula_desktop.tools.errors import ToolsError

        turn.state = RUNNING
        turn.cancel = threading.Event()
        turn.started = time.monotonic()
        self.card.show_running(
            self.tr("Running {tool} of “{server}”… (Stop ends it)").format(
                tool=call.tool, server=call.server_name
            )
        )
        try:
            future = self.session.host().submit_call(
                call.server_id, call.tool, call.arguments, cancel=turn.cancel
            )
        except ToolsError as exc:
            self._record(call, f"Error: {exc}", error="unavailable")
            self._next_call()
            return
        token = turn.token
        self.running_call = future
        future.add_done_callback(lambda f: self._bridge.call_done.emit(token, f))

    def _on_bridge_call_done(self, token: int, future: Any) -> None:
        turn = self._turn
        if turn is None or turn.token != token or turn.state != RUNNING or turn.current is None:
            return  # a stopped turn: Stop already recorded this call
        from nebula_desktop.tools.convert import result_attachments, tool_message

        call = turn.current
        try:
            result = future.result()
        except Exception as exc:  # the host's loop went away (quit)
            self._record(call, f"Error: the tool call failed ({type(exc).__name__}).", "failed")
        else:
            content = tool_message(call.call_id, result)["content"]
            if result.error in ("crashed", "unavailable", "timeout"):
                self.card.add_notice(result.text)
            self._record(
                call,
                content,
                error=result.error or ("failed" if result.is_error else ""),
                duration=result.duration_s,
                size=result.size,
                attachments=sized_images(result_attachments(result)),
            )
        self._next_call()

    def _record(
        self,
        call: ToolCall,
        content: str,
        error: str = "",
        duration: float | None = None,
        size: int | None = None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> None:
        """Store the result of ``call`` as a ``tool`` message after the round's answer."""
        turn = self._turn
        assert turn is not None
        if duration is None:
            duration = time.monotonic() - turn.started if turn.state == RUNNING else 0.0
        message = result_message(call, content, error, duration, size, attachments)
        turn.conv.messages.append(message)
        if turn.conv is self._current():
            self._view.append_message(message)
        turn.current = None
        turn.cancel = None
        self.running_call = None
        self._save(turn.conv)

    def _round_done(self) -> None:
        turn = self._turn
        assert turn is not None
        self._card_idle()
        conv = turn.conv
        model = turn.answer.model
        limit = int(getattr(self._settings, "tool_max_rounds", 10) or 10)
        if turn.rounds >= limit:
            line = Message(
                role="assistant",
                content="",
                model=model,
                complete=False,
                error=str(TOO_MANY_ROUNDS),
            )
            conv.messages.append(line)
            if conv is self._current():
                self._view.append_message(line)
            self._save(conv)
            self._end()
            return
        answer = Message(role="assistant", content="", model=model, complete=False)
        conv.messages.append(answer)
        if conv is self._current():
            self._view.append_message(answer)
        turn.state = CONTINUING
        self._start(conv, answer, request_messages(conv))

    def _end(self, stopped: bool = False) -> None:
        turn, self._turn = self._turn, None
        if turn is None:
            return
        self._close_question()
        if stopped:
            if turn.cancel is not None:
                turn.cancel.set()  # the host ends the call within 0.5 s
            self._turn = turn  # _record needs it
            if turn.state in (ASKING, RUNNING) and turn.current is not None:
                content = STOPPED_CALL if turn.state == RUNNING else SKIPPED_CALL
                self._record(turn.current, content, error="cancelled")
            for call in turn.calls:
                self._record(call, SKIPPED_CALL, error="cancelled")
            turn.calls = []
            self._turn = None
            if turn.state == LISTING:
                from nebula_desktop.ui.chat.run import STOPPED

                turn.answer.finish_reason = STOPPED
                if turn.conv is self._current():
                    self._view.set_streaming(None)
                    self._view.refresh_message(turn.answer.id)
                self._save(turn.conv)
        self._card_idle()
        self._composer.set_streaming(False)
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.busy_changed.emit(busy)
