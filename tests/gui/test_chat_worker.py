"""The streaming worker on its own thread, against a real loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal

from nebula_desktop.ui.chat.worker import ChatWorker, WorkerThread
from tests.gui.helpers import wait_for
from tests.servers import LoopbackServer, Reply, sse_reply


class Client(QObject):
    """Talks to the worker like the controller: queued requests, results on the GUI thread.

    ``reported`` follows the worker's ``finished``/``failed`` on the GUI thread, after every
    delta before it (waiting on the worker's own signal would wake the test on its thread).
    """

    request = Signal(str, dict)
    reported = Signal()
    got_delta = Signal()

    def __init__(self, worker: ChatWorker) -> None:
        super().__init__()
        self.deltas: list[tuple[str, str]] = []
        self.finished: dict[str, Any] | None = None
        self.failed: dict[str, Any] | None = None
        self.request.connect(worker.start_chat)
        # Bound methods of a GUI-thread QObject: Qt queues these calls to this thread.
        worker.delta.connect(self.on_delta)
        worker.finished.connect(self.on_finished)
        worker.failed.connect(self.on_failed)

    def on_delta(self, _rid: str, kind: str, text: str) -> None:
        self.deltas.append((kind, text))
        self.got_delta.emit()

    def on_finished(self, _rid: str, result: dict[str, Any]) -> None:
        self.finished = result
        self.reported.emit()

    def on_failed(self, _rid: str, error: dict[str, Any]) -> None:
        self.failed = error
        self.reported.emit()

    def text(self, kind: str = "content") -> str:
        return "".join(t for k, t in self.deltas if k == kind)


@pytest.fixture
def worker() -> Iterator[ChatWorker]:
    owner = WorkerThread(ChatWorker(), "test-chat-worker")
    yield owner.worker  # type: ignore[misc]
    owner.stop()


def params(server: LoopbackServer, **extra: Any) -> dict[str, Any]:
    base = {
        "base_url": server.base_url,
        "profile_id": "test",
        "api_key": "sk-test-worker-key",
        "model": "test-model",
        "messages": [{"role": "user", "content": "hi"}],
        "temperature": 0.7,
        "max_tokens": None,
    }
    base.update(extra)
    return base


def test_streamed_answer_arrives_in_order_then_finishes(qtbot: Any, worker: ChatWorker) -> None:
    with LoopbackServer() as server:
        server.queue(sse_reply(["Hel", "lo", " 你好"], reasoning=["think"]))
        client = Client(worker)
        with qtbot.waitSignal(client.reported, timeout=10000):
            client.request.emit("r1", params(server, max_tokens=50))
        result = client.finished
        assert result is not None
        assert result["content"] == "Hello 你好"
        assert result["complete"] is True
        assert result["request_id"] == "req-test"
        assert client.text() == "Hello 你好"
        assert client.text("reasoning") == "think"
        sent = server.requests[0]
        assert sent.json["max_tokens"] == 50
        assert sent.headers["Authorization"] == "Bearer sk-test-worker-key"


def test_max_tokens_zero_is_not_sent(qtbot: Any, worker: ChatWorker) -> None:
    with LoopbackServer() as server:
        server.queue(sse_reply(["ok"]))
        client = Client(worker)
        with qtbot.waitSignal(client.reported, timeout=10000):
            client.request.emit("r1", params(server, max_tokens=0))
        assert client.finished is not None
        assert "max_tokens" not in server.requests[0].json


def test_stop_ends_a_stalled_stream_and_keeps_the_partial(qtbot: Any, worker: ChatWorker) -> None:
    with LoopbackServer() as server:
        reply = sse_reply(["first words"], finish_reason=None, done=False)
        reply.hang = True
        server.queue(reply)
        client = Client(worker)
        client.request.emit("r1", params(server))
        wait_for(qtbot, client.got_delta, lambda: client.text() == "first words", 10000)
        with qtbot.waitSignal(client.reported, timeout=5000):
            worker.cancel("r1")  # from the GUI thread, while the worker blocks in a read
        result = client.finished
        assert result is not None
        assert result["cancelled"] is True
        assert result["complete"] is False
        assert not worker.busy


def test_auth_failure_is_reported_as_data(qtbot: Any, worker: ChatWorker) -> None:
    with LoopbackServer() as server:
        err = {"error": {"message": "无效的令牌", "type": "new_api_error", "code": ""}}
        server.queue(Reply.json(401, err, {"X-Oneapi-Request-Id": "req-401"}))
        client = Client(worker)
        with qtbot.waitSignal(client.reported, timeout=10000):
            client.request.emit("r1", params(server))
        error = client.failed
        assert error is not None
        assert error["message"] == "Error: Invalid or unauthorized API key"
        assert error["error_class"] == "AuthenticationError"
        assert error["status_code"] == 401
        assert error["request_id"] == "req-401"
        assert error["content"] == ""
