"""Stop: the user's cancel ends the call promptly, closes the connection, keeps the text."""

from __future__ import annotations

import threading
import time

from nebula_desktop.api import ChatResult
from tests.servers import LoopbackServer, Reply, sse_reply
from tests.unit.api.conftest import USER

# The contract promises 0.5 s; the margin absorbs a loaded two-core CI machine. The server
# would otherwise hang for minutes, so this still proves the cancel, not the speed.
BUDGET = 1.0


def cancel_when(condition: threading.Event, cancel: threading.Event) -> list[float]:
    """Set `cancel` once `condition` is set; returns [time of cancel]."""
    stamp: list[float] = []

    def run() -> None:
        condition.wait(10)
        stamp.append(time.monotonic())
        cancel.set()

    threading.Thread(target=run, daemon=True).start()
    return stamp


def arrived(server: LoopbackServer, n: int = 1) -> threading.Event:
    ev = threading.Event()

    def wait() -> None:
        server.wait_requests(n, timeout=10)
        ev.set()

    threading.Thread(target=wait, daemon=True).start()
    return ev


def test_cancel_while_waiting_for_headers(server: LoopbackServer, client) -> None:
    server.queue(Reply(200, {}, [b"x"], head_delay=120))
    cancel = threading.Event()
    stamp = cancel_when(arrived(server), cancel)
    r = client.chat("m", USER, cancel=cancel)
    assert time.monotonic() - stamp[0] < BUDGET
    assert isinstance(r, ChatResult) and r.cancelled and not r.complete and r.content == ""
    assert server.requests[0].client_closed.wait(5)


def test_cancel_mid_stream_returns_the_partial_answer(server, client) -> None:
    reply = sse_reply(["Hello", " there"], finish_reason=None, done=False)
    reply.hang = True
    server.queue(reply)
    cancel = threading.Event()
    got_text = threading.Event()
    stamp = cancel_when(got_text, cancel)

    def on_delta(kind: str, text: str) -> None:
        if "there" in text:
            got_text.set()

    r = client.chat("m", USER, cancel=cancel, on_delta=on_delta)
    assert time.monotonic() - stamp[0] < BUDGET
    assert r.cancelled and not r.complete
    assert r.content == "Hello there"
    assert server.requests[0].client_closed.wait(5)


def test_cancel_during_retry_wait(server, client) -> None:
    server.default["/v1/chat/completions"] = Reply.json(
        429, {"error": {"message": "slow down"}}, {"retry-after": "30"}
    )
    cancel = threading.Event()
    stamp = cancel_when(arrived(server), cancel)
    r = client.chat("m", USER, cancel=cancel)
    assert time.monotonic() - stamp[0] < BUDGET
    assert r.cancelled and len(server.requests) == 1


def test_already_cancelled_sends_nothing(server, client) -> None:
    cancel = threading.Event()
    cancel.set()
    r = client.chat("m", USER, cancel=cancel)
    assert r.cancelled and server.requests == []


def test_cancel_event_set_after_the_answer_changes_nothing(server, client) -> None:
    server.queue(sse_reply(["done"]))
    cancel = threading.Event()
    r = client.chat("m", USER, cancel=cancel)
    cancel.set()
    assert r.complete and not r.cancelled


def test_client_still_works_after_a_cancel(server, client) -> None:
    reply = sse_reply(["a"], finish_reason=None, done=False)
    reply.hang = True
    server.queue(reply)
    cancel = threading.Event()
    cancel_when(arrived(server), cancel)
    assert client.chat("m", USER, cancel=cancel).cancelled
    server.queue(sse_reply(["fresh"]))
    assert client.chat("m", USER).content == "fresh"


def test_cancel_model_list(server, client) -> None:
    import pytest

    from nebula_desktop.api import APIError

    server.queue(Reply(200, {}, [b"{}"], head_delay=120), path="/v1/models")
    cancel = threading.Event()
    cancel_when(arrived(server), cancel)
    with pytest.raises(APIError) as info:
        client.list_models(cancel=cancel)
    assert info.value.code == "cancelled"


def test_keep_alive_connection_is_reused_and_still_cancellable() -> None:
    with LoopbackServer(keep_alive=True) as server:
        from nebula_desktop.api import ChatClient

        client = ChatClient(server.base_url, max_retries=0, timeout=30)
        server.queue(sse_reply(["one"]))
        server.queue(Reply.json(200, {"choices": [{"message": {"content": "two"}}]}))
        assert client.chat("m", USER).content == "one"
        assert client.chat("m", USER, stream=False).content == "two"
        hanging = sse_reply(["three"], finish_reason=None, done=False)
        hanging.hang = True
        server.queue(hanging)
        cancel = threading.Event()
        got = threading.Event()
        stamp = cancel_when(got, cancel)
        r = client.chat("m", USER, cancel=cancel, on_delta=lambda k, t: got.set())
        assert time.monotonic() - stamp[0] < BUDGET
        assert r.cancelled and r.content == "three"
        ports = {rec.client_port for rec in server.requests}
        assert len(ports) == 1  # one TCP connection carried all three requests
        client.close()


def test_cancel_while_the_connect_hangs() -> None:
    import socket

    import pytest

    from nebula_desktop.api import ChatClient

    # A listener that never accepts, its queue filled: the kernel drops further SYNs, so a
    # connect hangs as it does towards an unreachable host.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        fillers.append(s)
    probe = socket.socket()
    probe.settimeout(0.3)
    try:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            pytest.skip("this kernel accepts the connection; cannot make a connect hang")
    except TimeoutError:
        pass
    finally:
        probe.close()
    client = ChatClient(f"http://127.0.0.1:{port}/v1", max_retries=0, connect_timeout=60)
    cancel = threading.Event()
    started = threading.Event()
    stamp = cancel_when(started, cancel)
    threading.Timer(0.2, started.set).start()
    try:
        r = client.chat("m", USER, cancel=cancel)
        assert time.monotonic() - stamp[0] < BUDGET
        assert r.cancelled and not r.complete
    finally:
        client.close()
        for s in fillers:
            s.close()
        listener.close()
