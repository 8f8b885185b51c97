"""P6: SSE parsing throughput of nebula_desktop.api against a raw `requests` loop.

Both read the same 100k-event stream from a loopback server. The raw loop is the least a correct
client must do (split events, json-decode each payload, take the content delta); the ratio says
what our parser's robustness (CR/CRLF, comments, split UTF-8, think tags, tool calls) costs.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from nebula_desktop.api import ChatClient


def build_stream(events: int) -> bytes:
    pieces = []
    for i in range(events):
        chunk = {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": 1779787815,
            "model": "bench-model",
            "choices": [{"index": 0, "delta": {"content": f"tok{i % 97} "}, "finish_reason": None}],
            "usage": None,
        }
        pieces.append(b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n")
    final = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
    }
    pieces.append(b"data: " + json.dumps(final).encode() + b"\n\ndata: [DONE]\n\n")
    return b"".join(pieces)


class _Server:
    def __init__(self, body: bytes) -> None:
        payload = body

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                view = memoryview(payload)
                for start in range(0, len(payload), 16384):
                    self.wfile.write(view[start : start + 16384])

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _raw_loop(base_url: str) -> tuple[int, int]:
    resp = requests.post(
        base_url + "/chat/completions",
        json={"model": "bench-model", "messages": [], "stream": True},
        stream=True,
        timeout=60,
    )
    events = 0
    buf = b""
    parts: list[str] = []
    for data in resp.iter_content(chunk_size=8192):
        buf += data
        *complete, buf = buf.split(b"\n\n")
        for event in complete:
            if not event.startswith(b"data: "):
                continue
            payload = event[6:]
            if payload == b"[DONE]":
                continue
            chunk = json.loads(payload)
            choices = chunk.get("choices") or []
            if choices:
                content = (choices[0].get("delta") or {}).get("content")
                if content:
                    parts.append(content)
            events += 1
    resp.close()
    return events, len("".join(parts))


def _client_loop(base_url: str) -> tuple[int, int]:
    count = 0
    chars = 0

    def on_delta(kind: str, text: str) -> None:
        # The client may hand over several events' text in one call (it coalesces), so the
        # text itself is what is compared with the raw loop, not the number of calls.
        nonlocal count, chars
        count += 1
        chars += len(text)

    client = ChatClient(base_url=base_url, api_key="bench", max_retries=0, timeout=60)
    result = client.chat("bench-model", [{"role": "user", "content": "x"}], on_delta=on_delta)
    client.close()
    assert result.complete, "benchmark stream did not complete"
    return count, chars


def run(events: int = 100_000, repeats: int = 5) -> dict[str, Any]:
    body = build_stream(events)
    raw_times: list[float] = []
    ours_times: list[float] = []
    with _Server(body) as base_url:
        _raw_loop(base_url)  # warm-up both paths
        _client_loop(base_url)
        for _ in range(repeats):
            t = time.perf_counter()
            n_raw, raw_chars = _raw_loop(base_url)
            raw_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            n_ours, ours_chars = _client_loop(base_url)
            ours_times.append(time.perf_counter() - t)
    if ours_chars != raw_chars:
        raise RuntimeError(f"the client delivered {ours_chars} chars, the raw loop {raw_chars}")
    raw_times.sort()
    ours_times.sort()
    raw_eps = n_raw / raw_times[len(raw_times) // 2]
    ours_eps = events / ours_times[len(ours_times) // 2]
    return {
        "events": events,
        "delta_callbacks": n_ours,
        "answer_chars": ours_chars,
        "stream_mb": round(len(body) / 1e6, 1),
        "raw_events_per_s": round(raw_eps),
        "ours_events_per_s": round(ours_eps),
        "ratio": round(ours_eps / raw_eps, 3),
    }
