"""The loopback test server itself: other suites rely on these promises."""

from __future__ import annotations

import time

import requests

from tests.conftest import CASES_DIR
from tests.servers import LoopbackServer, Reply, case_reply, sse_reply


def test_unqueued_path_gets_a_json_500() -> None:
    with LoopbackServer() as srv:
        r = requests.post(srv.base_url + "/chat/completions", json={}, timeout=5)
    assert r.status_code == 500 and "no reply queued" in r.json()["error"]["message"]


def test_queue_is_fifo_then_default() -> None:
    with LoopbackServer() as srv:
        srv.queue(Reply.json(200, {"n": 1}), path="/v1/x")
        srv.queue(lambda rec: Reply.json(200, {"echo": rec.json}), path="/v1/x")
        srv.default["/v1/x"] = Reply.json(200, {"n": "default"})
        url = srv.base_url + "/x"
        got = [requests.post(url, json={"a": i}, timeout=5).json() for i in range(3)]
        assert srv.wait_requests(3)[1].json == {"a": 1}
    assert got == [{"n": 1}, {"echo": {"a": 1}}, {"n": "default"}]


def test_stop_is_prompt_even_when_a_reply_hangs() -> None:
    srv = LoopbackServer().start()
    srv.queue(Reply(200, {}, [b"x"], hang=True))
    resp = requests.post(srv.base_url + "/chat/completions", stream=True, timeout=5)
    assert resp.raw.read(1) == b"x"
    started = time.monotonic()
    srv.stop()
    assert time.monotonic() - started < 1.5
    resp.close()


def test_case_reply_writes_the_recorded_body_in_its_pieces() -> None:
    (path,) = CASES_DIR.glob("09_*.json")
    reply = case_reply(path)
    assert len(reply.chunks) == 5 and reply.delay == 0.05
    with LoopbackServer() as srv:
        srv.queue(reply)
        body = requests.post(srv.base_url + "/chat/completions", timeout=5).content
    assert body.endswith(b"data: [DONE]\n\n")


def test_sse_reply_ends_with_usage_and_done() -> None:
    reply = sse_reply(["a"], usage={"total_tokens": 1})
    assert b'"choices": []' in reply.chunks[-2] and reply.chunks[-1] == b"data: [DONE]\n\n"
