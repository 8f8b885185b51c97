"""What reading a stream costs (issue 14, P6): everything the client does with an event —
splitting, decoding, thinking tags, surrogate pairs, caps, coalescing — costs less than what the
barest loop does with it (split on blank lines, ``json.loads`` each payload), on any machine.

CPU time of the reading thread is compared, both loops measured in turn in the same run, so
neither the loopback server's thread nor the other processes of a busy machine count.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
import requests

from nebula_desktop.api import ChatClient
from nebula_desktop.api._stream import READ_SIZE
from tests.servers import LoopbackServer, Reply

EVENTS = 20_000
SSE = {"Content-Type": "text/event-stream"}


def _stream(events: int) -> tuple[bytes, str]:
    """A fast local model's answer: one short token per event (the shape P6 measures)."""
    base = {"id": "chatcmpl-cost", "object": "chat.completion.chunk", "created": 1779787815}
    pieces, text = [], []
    for i in range(events):
        token = f"tok{i % 97} "
        text.append(token)
        choice = {"index": 0, "delta": {"content": token}, "finish_reason": None}
        chunk = {**base, "model": "m", "choices": [choice], "usage": None}
        pieces.append(b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n")
    last = {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    pieces.append(b"data: " + json.dumps(last).encode() + b"\n\ndata: [DONE]\n\n")
    return b"".join(pieces), "".join(text)


def _bare_loop(url: str) -> str:
    """The least a client must do: read, split events, decode each one's JSON."""
    resp = requests.post(url + "/chat/completions", json={}, stream=True, timeout=30)
    buf, parts = b"", []
    for data in resp.iter_content(chunk_size=READ_SIZE):  # the client's own read size
        buf += data
        *complete, buf = buf.split(b"\n\n")
        for event in complete:
            payload = event[6:]
            if event.startswith(b"data: ") and payload != b"[DONE]":
                choices = json.loads(payload).get("choices")
                if choices and choices[0]["delta"].get("content"):
                    parts.append(choices[0]["delta"]["content"])
    resp.close()
    return "".join(parts)


def _cpu(run: Callable[[], str], expected: str) -> float:
    start = time.thread_time()
    text = run()
    spent = time.thread_time() - start
    assert text == expected  # nothing is lost to go faster
    return spent


@pytest.mark.timeout(60)
def test_reading_a_fast_stream_costs_less_cpu_than_a_bare_json_loop() -> None:
    body, text = _stream(EVENTS)
    with LoopbackServer(keep_alive=True) as server:
        server.default["/v1/chat/completions"] = Reply(200, SSE, [body])
        client = ChatClient(server.base_url, max_retries=0, timeout=30)
        seen: list[str] = []

        def ours() -> str:
            seen.clear()
            result = client.chat("m", [], on_delta=lambda kind, t: seen.append(t))
            assert result.complete and result.content == "".join(seen)
            return result.content

        def bare() -> str:
            return _bare_loop(server.base_url)

        ours(), bare()  # warm up both (connections, imports)
        mine: list[float] = []
        theirs: list[float] = []
        for i in range(5):  # in turn, each one first every other round
            if i % 2:
                mine.append(_cpu(ours, text))
            theirs.append(_cpu(bare, text))
            if not i % 2:
                mine.append(_cpu(ours, text))
        client.close()
    mine.sort(), theirs.sort()
    ratio = mine[2] / theirs[2]
    # Was 1.05-1.16 (the client's own work cost as much again as the JSON decoding).
    assert ratio < 0.85, f"client {mine[2] * 1e3:.0f} ms vs bare loop {theirs[2] * 1e3:.0f} ms"
