"""The run of one request: the answer's ``Message`` and its pending text, the worker thread that
streams it, saves while it runs, and its end (finished, failed or stopped).

``ChatRun`` is the only code that writes a streaming answer. It tells the rest by signal: the
controller connects them to the view (which repaints the row it is told about), the composer,
the titles and the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from nebula_desktop.ui.chat.request import apply_error, apply_result, take_images
from nebula_desktop.ui.chat.worker import ChatWorker, WorkerThread
from nebula_desktop.ui.common.pending_text import PendingText

if TYPE_CHECKING:
    from nebula_desktop.store import Conversation, Message

STOPPED = "stopped"  # finish_reason recorded when the user pressed Stop
SAVE_INTERVAL_MS = 3000  # a streaming answer is saved this often


@dataclass
class ActiveRequest:
    """The one streaming request."""

    request_id: str
    conv: Conversation
    message: Message
    text: PendingText  # streamed pieces not yet folded into ``message``
    base_content: str = ""
    base_reasoning: str = ""


class ChatRun(QObject):
    """Runs one request at a time on its ``ChatWorker`` thread and owns the answer meanwhile.

    Deltas are folded into the answer's ``Message`` every ~30 ms whether or not its chat is on
    screen (``changed``); the answer is due for saving when it starts, every few seconds while
    it streams and when it ends (``save_due``).
    """

    started = Signal(object, str)  # conversation, message id: the answer begins streaming
    changed = Signal(str)  # message id: its text grew
    ended = Signal(object, str)  # conversation, message id: streaming is over, fields are final
    finished = Signal(object, object)  # conversation, message: a complete answer arrived
    failed = Signal(object, object)  # conversation, message: the error is on the message
    save_due = Signal(object)  # conversation to save
    busy_changed = Signal(bool)
    _chat_request = Signal(str, dict)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.active: ActiveRequest | None = None
        self._chat = WorkerThread(ChatWorker(), "chat-worker")
        self.worker: ChatWorker = self._chat.worker  # type: ignore[assignment]
        self._chat_request.connect(self.worker.start_chat)
        self.worker.delta.connect(self._on_worker_delta)
        self.worker.finished.connect(self._on_worker_finished)
        self.worker.failed.connect(self._on_worker_failed)
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(SAVE_INTERVAL_MS)
        self._save_timer.timeout.connect(self._on_save_timer_timeout)

    def start(
        self,
        conv: Conversation,
        message: Message,
        params: dict[str, Any],
        base_content: str = "",
        base_reasoning: str = "",
    ) -> None:
        """Stream an answer into ``message`` (continuing ``base_content`` when given);
        ``params`` is everything the worker needs, as plain data."""
        text = PendingText(message, self)
        text.changed.connect(self.changed)
        import uuid  # (loads platform: when a request starts, not at start-up)

        request_id = uuid.uuid4().hex
        self.active = ActiveRequest(request_id, conv, message, text, base_content, base_reasoning)
        self.save_due.emit(conv)
        self.started.emit(conv, message.id)
        self.busy_changed.emit(True)
        self._save_timer.start()
        self._chat_request.emit(request_id, params)

    def sync(self) -> None:
        """Fold every received character into the answer's Message now."""
        if self.active is not None:
            self.active.text.flush()

    def stop(self) -> bool:
        """Stop the streaming answer now, keeping what arrived; False if nothing streamed."""
        active = self.active
        if active is None:
            return False
        self.worker.cancel(active.request_id)
        active.text.flush()
        take_images(active.message, {})  # the images that arrived whole before Stop
        active.message.complete = False
        active.message.error = None
        active.message.finish_reason = STOPPED
        self._end(active)
        self.save_due.emit(active.conv)
        return True

    def drop(self, conv_id: str) -> None:
        """The conversation was deleted: cancel its request without saving anything."""
        active = self.active
        if active is not None and active.conv.id == conv_id:
            self.worker.cancel(active.request_id)
            active.text.drop()
            self._end(active)

    def shutdown(self) -> None:
        """Stop the worker thread (after :meth:`stop`)."""
        self._save_timer.stop()
        self._chat.stop()

    def _end(self, active: ActiveRequest) -> None:
        self.active = None
        self._save_timer.stop()
        active.text.deleteLater()
        self.ended.emit(active.conv, active.message.id)
        self.busy_changed.emit(False)

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
        if active is not None:
            active.text.append(kind, text)

    def _on_worker_finished(self, request_id: str, result: dict[str, Any]) -> None:
        active = self._active_for(request_id)
        if active is None:
            return
        active.text.flush()
        apply_result(active.message, result, active.base_content, active.base_reasoning)
        self._end(active)
        self.save_due.emit(active.conv)
        self.finished.emit(active.conv, active.message)

    def _on_worker_failed(self, request_id: str, error: dict[str, Any]) -> None:
        active = self._active_for(request_id)
        if active is None:
            return
        active.text.flush()
        apply_error(active.message, error, active.base_content, active.base_reasoning)
        self._end(active)
        self.save_due.emit(active.conv)
        self.failed.emit(active.conv, active.message)

    def _on_save_timer_timeout(self) -> None:
        active = self.active
        if active is not None:
            active.text.flush()
            self.save_due.emit(active.conv)
