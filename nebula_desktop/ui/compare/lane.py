"""One model of a compare: its answer, the run that streams it, and its timings.

The run is a ``ChatRun`` the window hands in (one long-lived worker thread each, see
``docs/compare.md``); the lane drives it like the chat controller drives its own: start, stop,
retry. It only adds the clock: the time to the first token and the speed, written into the
answer's ``usage`` when the stream ends so they survive a restart.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from nebula_desktop.store import Conversation, Message
from nebula_desktop.ui.compare.picks import Pick, speed

STATS_EVERY_S = 0.25  # the live figures of a streaming column change at most this often
TTFT_KEY = "ttft_ms"  # in Message.usage: milliseconds from sending to the first token
SPEED_KEY = "tokens_per_s"  # in Message.usage: tokens per second after the first token

ParamsFor = Callable[[Pick, Conversation, list[dict[str, Any]]], dict[str, Any]]


class CompareLane(QObject):
    """Streams one model's answer into its ``Message`` and times it.

    ``text_changed(message_id)`` follows the run's coalesced flushes (~30 ms); ``state_changed``
    says it started or ended (buttons change); ``stats_changed`` says the time to first token
    or the speed changed (at most every ``STATS_EVERY_S`` while streaming).
    """

    text_changed = Signal(str)
    state_changed = Signal()
    stats_changed = Signal()

    def __init__(
        self,
        run: Any,
        pick: Pick,
        answer: Message,
        conv: Conversation,
        history: list[dict[str, Any]],
        params_for: ParamsFor,
        save: Callable[[Conversation], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.run = run
        self.pick = pick
        self.answer = answer
        self.conv = conv
        self._history = history
        self._params_for = params_for
        self._save = save
        self.started_at: float | None = None
        self.first_at: float | None = None
        self.ended_at: float | None = None
        self._stats_at = 0.0
        self._watching = False
        run.changed.connect(self._on_run_changed)
        run.ended.connect(self._on_run_ended)
        run.save_due.connect(self._on_run_save_due)

    # -- state ---------------------------------------------------------------------------------
    @property
    def streaming(self) -> bool:
        """Whether this lane's answer is streaming now."""
        active = self.run.active
        return active is not None and active.message is self.answer

    def ttft(self) -> float | None:
        """Seconds from sending to the first token (None before it arrived)."""
        if self.first_at is not None and self.started_at is not None:
            return self.first_at - self.started_at
        value = (self.answer.usage or {}).get(TTFT_KEY)
        return value / 1000 if isinstance(value, int | float) and value >= 0 else None

    def tokens_per_s(self) -> float | None:
        """Tokens per second: live (from the text so far) while streaming, else as stored."""
        if self.streaming and self.first_at is not None:
            seconds = time.monotonic() - self.first_at
            chars = len(self.answer.content) + len(self.answer.reasoning)
            return round(chars / 4 / seconds, 1) if seconds >= 0.2 and chars else None
        value = (self.answer.usage or {}).get(SPEED_KEY)
        return float(value) if isinstance(value, int | float) and value >= 0 else None

    # -- actions -------------------------------------------------------------------------------
    def start(self) -> bool:
        """Ask the model (again: a retry replaces the answer's text); False if busy."""
        if self.run.active is not None:
            return False
        answer = self.answer
        answer.content = answer.reasoning = ""
        answer.reasoning_seconds = None
        answer.tool_calls = []
        answer.error = answer.finish_reason = answer.request_id = None
        answer.usage = None
        answer.complete = False
        answer.model = self.pick.model
        self.started_at = time.monotonic()
        self.first_at = self.ended_at = None
        if not self._watching:
            # Only until the first token: one queued call per chunk costs nothing after that.
            self.run.worker.delta.connect(self._on_worker_delta)
            self._watching = True
        self.run.start(self.conv, answer, self._params_for(self.pick, self.conv, self._history))
        self.state_changed.emit()
        return True

    def stop(self) -> None:
        """Stop this answer now, keeping what arrived (marked stopped)."""
        if self.streaming:
            self.run.stop()

    def drop(self, conv_id: str) -> None:
        """The chat was deleted: cancel without saving."""
        if self.streaming:
            self.run.drop(conv_id)

    def detach(self) -> None:
        """Let go of the run (it goes back to the window's pool); stop it first."""
        self.stop()
        self._unwatch()
        for signal, slot in (
            (self.run.changed, self._on_run_changed),
            (self.run.ended, self._on_run_ended),
            (self.run.save_due, self._on_run_save_due),
        ):
            with contextlib.suppress(RuntimeError, TypeError):  # already gone
                signal.disconnect(slot)

    # -- the run's signals ---------------------------------------------------------------------
    def _unwatch(self) -> None:
        if self._watching:
            self._watching = False
            with contextlib.suppress(RuntimeError, TypeError):
                self.run.worker.delta.disconnect(self._on_worker_delta)

    @Slot(str, str, str)
    def _on_worker_delta(self, request_id: str, _kind: str, text: str) -> None:
        active = self.run.active
        if not text or active is None or active.message is not self.answer:
            return
        if active.request_id == request_id and self.first_at is None:
            self.first_at = time.monotonic()
            self._unwatch()
            self.stats_changed.emit()

    def _on_run_changed(self, message_id: str) -> None:
        if message_id != self.answer.id:
            return
        self.text_changed.emit(message_id)
        now = time.monotonic()
        if now - self._stats_at >= STATS_EVERY_S:
            self._stats_at = now
            self.stats_changed.emit()

    def _on_run_ended(self, _conv: Conversation, message_id: str) -> None:
        if message_id != self.answer.id:
            return
        self._unwatch()
        self.ended_at = time.monotonic()
        figures: dict[str, Any] = {}
        ttft = self.ttft()
        if ttft is not None:
            figures[TTFT_KEY] = round(ttft * 1000)
            text = self.answer.content + self.answer.reasoning
            tokens_per_s = speed(self.answer.usage, text, self.first_at, self.ended_at)
            if tokens_per_s is not None:
                figures[SPEED_KEY] = tokens_per_s
        if figures:
            # Saved with the answer (the run saves right after it ends).
            self.answer.usage = {**(self.answer.usage or {}), **figures}
        self.state_changed.emit()
        self.stats_changed.emit()

    def _on_run_save_due(self, conv: Conversation) -> None:
        if conv is self.conv:
            self._save(conv)
