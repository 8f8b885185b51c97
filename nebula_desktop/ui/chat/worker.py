"""The streaming worker: one long-lived QObject in a QThread that runs ``ChatClient.chat``.

It never touches a widget. Requests arrive by queued signal (``start_chat``), results leave as
plain-data signals. Cancel is a ``threading.Event`` set directly from the GUI thread, so Stop
works while the worker thread is blocked inside the network read.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QThread, Signal, Slot

from nebula_desktop.client_factory import client_from_params

log = logging.getLogger(__name__)

_STUCK: list[WorkerThread] = []


# The worker builds its clients with the app's one client factory (kept under its old name).
make_client = client_from_params


def error_dict(error: BaseException) -> dict[str, Any]:
    """Plain-data description of a failure, including whatever partial answer arrived."""
    partial = getattr(error, "partial", None)
    message = str(error) or type(error).__name__
    if not _is_api_error(error) and type(error).__name__ != "KeyringUnavailableError":
        # A bug, not a server answer: say so rather than show a bare "KeyError: 'x'".
        message = QCoreApplication.translate(
            "ChatWorker", "Unexpected error ({error}); details are in the log."
        ).format(error=f"{type(error).__name__}: {error}")
    return {
        "message": message,
        "error_class": type(error).__name__,
        "status_code": getattr(error, "status_code", None),
        "request_id": getattr(error, "request_id", None) or getattr(partial, "request_id", None),
        "retryable": bool(getattr(error, "retryable", False)),
        "content": getattr(partial, "content", "") or "",
        "reasoning": getattr(partial, "reasoning", "") or "",
        "finish_reason": getattr(partial, "finish_reason", None),
        "usage": getattr(partial, "usage", None),
        "images": list(getattr(partial, "images", None) or []),
        "images_dropped": int(getattr(partial, "images_dropped", 0) or 0),
    }


class _DeltaRelay:
    """Forwards deltas from the worker thread and notes when thinking started and ended.

    No coalescing here on purpose: text held back on this thread would be stranded while the
    next network read blocks (a stalled stream). The view coalesces on a 30 ms timer instead,
    and one queued signal per chunk costs the same whatever the answer's length.
    """

    def __init__(self, worker: ChatWorker, request_id: str) -> None:
        self._worker = worker
        self._request_id = request_id
        self.first_reasoning: float | None = None
        self.first_content: float | None = None

    def add(self, kind: str, text: str) -> None:
        if not text:
            return
        if kind == "reasoning" and self.first_reasoning is None:
            self.first_reasoning = time.monotonic()
        elif kind == "content" and self.first_content is None:
            self.first_content = time.monotonic()
        self._worker.delta.emit(self._request_id, kind, text)

    def reasoning_seconds(self) -> float | None:
        if self.first_reasoning is None:
            return None
        end = self.first_content if self.first_content is not None else time.monotonic()
        return round(max(0.0, end - self.first_reasoning), 1)


class ChatWorker(QObject):
    """Runs chat requests on its own thread and reports by signal (plain data only)."""

    delta = Signal(str, str, str)  # request_id, kind ("content"|"reasoning"), text
    finished = Signal(str, dict)  # request_id, result
    failed = Signal(str, dict)  # request_id, error

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._cancels: dict[str, threading.Event] = {}
        self._cancelled_early: set[str] = set()
        self._busy = False

    @property
    def busy(self) -> bool:
        """True while a request runs (thread-safe read)."""
        with self._lock:
            return self._busy

    def cancel(self, request_id: str) -> None:
        """Stop ``request_id`` now; safe to call from any thread, also before it started."""
        with self._lock:
            event = self._cancels.get(request_id)
            if event is None:
                self._cancelled_early.add(request_id)
            else:
                event.set()

    @Slot(str, dict)
    def start_chat(self, request_id: str, params: dict[str, Any]) -> None:
        """Run one chat request to the end (called on the worker thread by queued signal)."""
        event = threading.Event()
        with self._lock:
            if self._busy:  # cannot normally happen: the queue serialises, the UI disables Send
                self.failed.emit(request_id, _refused())
                return
            self._busy = True
            self._cancels[request_id] = event
            if request_id in self._cancelled_early:
                self._cancelled_early.discard(request_id)
                event.set()
        buffer = _DeltaRelay(self, request_id)
        client = None
        report: tuple[Any, dict[str, Any]] | None = None
        try:
            if event.is_set():
                report = (self.finished, _cancelled_result())
                return
            client = make_client(params)
            # Profile options such as ai-nebula's nebula_thinking_to_content.
            extra: dict[str, Any] = dict(params.get("extra_body") or {})
            if params.get("max_tokens"):
                extra["max_tokens"] = int(params["max_tokens"])
            result = client.chat(
                params["model"],
                params["messages"],
                temperature=float(params.get("temperature", 0.7)),
                stream=True,
                on_delta=buffer.add,
                cancel=event,
                **extra,
            )
            report = (self.finished, _result_dict(result, buffer.reasoning_seconds()))
        except Exception as error:  # every failure travels as data; bugs are logged too
            details = error_dict(error)
            details["reasoning_seconds"] = buffer.reasoning_seconds()
            if _is_api_error(error):
                log.warning(
                    "chat failed: %s (status %s, request id %s)",
                    details["error_class"],
                    details["status_code"],
                    details["request_id"],
                )
            else:
                log.exception("unexpected error while talking to the server")
            report = (self.failed, details)
        finally:
            if client is not None:
                client.close()
            with self._lock:
                self._cancels.pop(request_id, None)
                self._busy = False
            # Said once the worker is free again: whoever hears it may ask for the next request.
            if report is not None:
                signal, data = report
                signal.emit(request_id, data)


def _is_api_error(error: BaseException) -> bool:
    try:
        from nebula_desktop.api import APIError
    except ImportError:  # pragma: no cover - the package always ships api/
        return False
    return isinstance(error, APIError)


def _result_dict(result: Any, reasoning_seconds: float | None) -> dict[str, Any]:
    return {
        "content": result.content or "",
        "reasoning": result.reasoning or "",
        "finish_reason": result.finish_reason,
        "usage": result.usage,
        "request_id": result.request_id,
        "model": result.model,
        "complete": bool(result.complete),
        "cancelled": bool(getattr(result, "cancelled", False)),
        "reasoning_seconds": reasoning_seconds,
        "tool_calls": list(getattr(result, "tool_calls", None) or []),
        "images": list(getattr(result, "images", None) or []),
        "images_dropped": int(getattr(result, "images_dropped", 0) or 0),
    }


def _cancelled_result() -> dict[str, Any]:
    return {
        "content": "",
        "reasoning": "",
        "finish_reason": None,
        "usage": None,
        "request_id": None,
        "model": None,
        "complete": False,
        "cancelled": True,
        "reasoning_seconds": None,
    }


def _refused() -> dict[str, Any]:
    return {
        # Translated when shown, like the other texts stored with a message.
        "message": QT_TRANSLATE_NOOP(
            "MessageDelegate", "Another answer is still streaming; stop it first."
        ),
        "error_class": "Busy",
        "status_code": None,
        "request_id": None,
        "retryable": True,
        "content": "",
        "reasoning": "",
        "finish_reason": None,
        "usage": None,
    }


class WorkerThread:
    """Owns a worker object and the QThread it lives in; started once, stopped once."""

    def __init__(self, worker: QObject, name: str) -> None:
        self.worker = worker
        self.thread = QThread()
        self.thread.setObjectName(name)
        worker.moveToThread(self.thread)
        self.thread.start()

    def stop(self, timeout_ms: int = 5000) -> None:
        """Quit the event loop and wait; cancellation of running requests is the caller's job."""
        if self.thread.isRunning():
            self.thread.quit()
            if not self.thread.wait(timeout_ms):
                # Still blocked (e.g. a keyring prompt): destroying a running QThread aborts
                # the process, so keep it alive until exit instead.
                log.warning("worker thread %s did not stop in time", self.thread.objectName())
                _STUCK.append(self)
