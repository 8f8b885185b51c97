"""Item 5 of issue 11: a server cannot make the client hold more than a cap, however it sends.

Each attack runs the client in a child interpreter under a memory ceiling
(``tests/hardening/limits.py``) against a raw server on 127.0.0.1; the answer must end with the
product's sentence, keep what arrived before, and the child's peak memory must stay bounded.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.hardening.faults import Conn, RawServer, event, http_head
from tests.hardening.limits import run_limited

MiB = 1024 * 1024
PEAK_MB = 300  # the interpreter and requests take ~40 MB; the caps allow 8 MB more per kind

CHILD = """
import json
from nebula_desktop.api import APIError, ChatClient

client = ChatClient({url!r}, api_key="sk-limits", max_retries=0, timeout=20)
try:
    result = client.chat("m", [{{"role": "user", "content": "hi"}}])
    print(json.dumps({{"ok": True, "content": result.content[:100]}}))
except APIError as exc:
    partial = exc.partial
    print(json.dumps({{
        "ok": False,
        "message": str(exc),
        "content": partial.content if partial else None,
        "complete": partial.complete if partial else None,
    }}))
"""


def attack(server: RawServer) -> tuple[dict, float]:
    """Chat with ``server`` from a memory-capped child; (what it printed, its peak MB)."""
    run = run_limited(CHILD.format(url=server.base_url), timeout=60)
    assert run.ok, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1]), run.peak_mb


def pouring(first: bytes, piece: bytes, times: int) -> Callable[[Conn], None]:
    """An SSE reply: ``first``, then ``piece`` ``times`` times (as fast as the client reads)."""

    def run(conn: Conn) -> None:
        conn.send(http_head())
        conn.chunk(first)
        for _ in range(times):
            if not conn.chunk(piece):
                return
        conn.send(b"0\r\n\r\n")

    return run


@pytest.mark.timeout(90)
def test_an_event_that_never_ends_stops_at_the_cap_and_keeps_the_answer() -> None:
    # 300 data: lines of 1 MiB and never the blank line that would end the event.
    line = b"data: " + b"x" * MiB + b"\n"
    with RawServer(pouring(event("The answer so far."), line, 300)) as srv:
        out, peak = attack(srv)
    assert out["ok"] is False
    assert out["message"] == (
        "API request failed: the server sent an event larger than 8 MB "
        "(no chat answer needs one that big)"
    )
    assert out["content"] == "The answer so far." and out["complete"] is False
    assert peak < PEAK_MB, f"peak {peak:.0f} MB"
    assert srv.conns[0].sent < 100 * MiB  # the client hung up at the cap, not at the end


TOOL_CALL = (
    b'data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":%d,"id":"call_%d",'
    b'"function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}]}\n\n'
)


def new_tool_calls(conn: Conn) -> None:
    """Tiny events, each one a new tool call (index 0, 1, 2, ...): 1,000,000 of them."""
    conn.send(http_head())
    conn.chunk(event("Let me check."))
    for start in range(0, 1_000_000, 1000):
        if not conn.chunk(b"".join(TOOL_CALL % (i, i) for i in range(start, start + 1000))):
            return
    conn.send(b"0\r\n\r\n")


@pytest.mark.timeout(90)
def test_a_flood_of_tool_calls_ends_with_a_sentence_in_bounded_memory() -> None:
    with RawServer(new_tool_calls) as srv:
        out, peak = attack(srv)
    assert out["ok"] is False
    assert out["message"] == (
        "API request failed: the server sent more than 128 tool calls in one answer"
    )
    assert out["content"] == "Let me check." and out["complete"] is False
    assert peak < PEAK_MB, f"peak {peak:.0f} MB"
