"""The chat controller's streaming request: the worker thread, its deltas, saves while it runs,
and its end (finished, failed or stopped)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from nebula_desktop.ui.chat.request import apply_error, apply_result
from nebula_desktop.ui.chat.worker import ChatWorker, WorkerThread

if TYPE_CHECKING:
    from nebula_desktop.store import Conversation, Message

STOPPED = "stopped"  # finish_reason recorded when the user pressed Stop
_SAVE_INTERVAL_MS = 3000


@dataclass
class ActiveRequest:
    """The one streaming request."""

    request_id: str
    conv: Conversation
    message: Message
    base_content: str = ""
    base_reasoning: str = ""
    # Deltas for a conversation that is not on screen; folded into the Message when saving.
    pending: list[tuple[str, str]] = field(default_factory=list)


class RunHost(Protocol):
    """What a :class:`ChatRun` uses of the ``ChatController`` that owns it (described here, so
    this module does not import the controller that imports it)."""

    conv: Conversation | None
    view: Any  # the MessageView
    composer: Any
    titler: Any
    busy_changed: Any  # Signal(bool)

    def save(self, conv: Conversation, touch: bool = True) -> None: ...
    def request_params(
        self, conv: Conversation, messages: list[dict[str, str]]
    ) -> dict[str, Any]: ...


class ChatRun(QObject):
    """Runs one request at a time for a ``ChatController`` on its ``ChatWorker`` thread.

    Deltas go to the controller's view while their conversation is shown and wait in
    ``active.pending`` while it is not; the answer is saved every few seconds while it streams
    and once more when it ends.
    """

    _chat_request = Signal(str, dict)

    def __init__(self, controller: RunHost, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctl = controller
        self.active: ActiveRequest | None = None
        self._chat = WorkerThread(ChatWorker(), "chat-worker")
        self.worker: ChatWorker = self._chat.worker  # type: ignore[assignment]
        self._chat_request.connect(self.worker.start_chat)
        self.worker.delta.connect(self._on_worker_delta)
        self.worker.finished.connect(self._on_worker_finished)
        self.worker.failed.connect(self._on_worker_failed)
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(_SAVE_INTERVAL_MS)
        self._save_timer.timeout.connect(self._on_save_timer_timeout)

    def start(
        self,
        conv: Conversation,
        message: Message,
        history: list[dict[str, str]],
        base_content: str = "",
        base_reasoning: str = "",
    ) -> None:
        """Stream an answer into ``message`` (continuing ``base_content`` when given)."""
        ctl = self._ctl
        request_id = uuid.uuid4().hex
        self.active = ActiveRequest(request_id, conv, message, base_content, base_reasoning)
        ctl.save(conv)
        ctl.view.set_streaming(message.id)
        ctl.view.scroll_to_bottom()
        ctl.composer.set_streaming(True)
        ctl.busy_changed.emit(True)
        self._save_timer.start()
        self._chat_request.emit(request_id, ctl.request_params(conv, history))

    def stop(self) -> bool:
        """Stop the streaming answer now, keeping what arrived; False if nothing streamed."""
        active = self.active
        if active is None:
            return False
        self.worker.cancel(active.request_id)
        self.sync(active)
        active.message.complete = False
        active.message.error = None
        active.message.finish_reason = STOPPED
        self._finish(active)
        return True

    def drop(self, conv_id: str) -> None:
        """The conversation was deleted: cancel its request without saving anything."""
        active = self.active
        if active is not None and active.conv.id == conv_id:
            self.worker.cancel(active.request_id)
            self.active = None
            self._save_timer.stop()
            self._ctl.view.set_streaming(None)
            self._ctl.composer.set_streaming(False)
            self._ctl.busy_changed.emit(False)

    def shutdown(self) -> None:
        """Stop the worker thread (after :meth:`stop`)."""
        self._save_timer.stop()
        self._chat.stop()

    def sync(self, active: ActiveRequest) -> None:
        """Bring every received character into the Message object."""
        if active.conv is self._ctl.conv:
            self._ctl.view.flush_stream()
        else:
            self.fold_pending(active)

    @staticmethod
    def fold_pending(active: ActiveRequest) -> None:
        """Append the deltas kept while the conversation was off screen to its Message."""
        if not active.pending:
            return
        parts, active.pending = active.pending, []
        message = active.message
        message.reasoning += "".join(text for kind, text in parts if kind == "reasoning")
        message.content += "".join(text for kind, text in parts if kind == "content")

    def _finish(self, active: ActiveRequest) -> None:
        ctl = self._ctl
        self.active = None
        self._save_timer.stop()
        if active.conv is ctl.conv:
            ctl.view.set_streaming(None)
            ctl.view.refresh_message(active.message.id)
        ctl.composer.set_streaming(False)
        ctl.busy_changed.emit(False)
        ctl.save(active.conv)

    # -- worker slots ------------------------------------------------------------------------
    def _active_for(self, request_id: str) -> ActiveRequest | None:
        """The running request if the worker's report is about it.

        Reports for any other id come from a stopped request still draining: Stop already kept
        what arrived, so they are ignored.
        """
        active = self.active
        return active if active is not None and active.request_id == request_id else None

    def _on_worker_delta(self, request_id: str, kind: str, text: str) -> None:
        active = self._active_for(request_id)
        if active is None:
            return
        if active.conv is self._ctl.conv:
            self._ctl.view.stream_append(active.message.id, kind, text)
        else:
            active.pending.append((kind, text))

    def _on_worker_finished(self, request_id: str, result: dict[str, Any]) -> None:
        active = self._active_for(request_id)
        if active is None:
            return
        self.sync(active)
        apply_result(active.message, result, active.base_content, active.base_reasoning)
        self._finish(active)
        self._ctl.titler.answer_finished(active.conv, active.message)

    def _on_worker_failed(self, request_id: str, error: dict[str, Any]) -> None:
        active = self._active_for(request_id)
        if active is None:
            return
        self.sync(active)
        apply_error(active.message, error, active.base_content, active.base_reasoning)
        self._finish(active)

    def _on_save_timer_timeout(self) -> None:
        active = self.active
        if active is not None:
            self.sync(active)
            self._ctl.save(active.conv)
