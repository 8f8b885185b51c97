"""P6: SSE parsing throughput of nebula_desktop.api against a raw `requests` loop.

Both read the same 100k-event stream from a loopback server. The raw loop is the least a correct
client must do (split events, json-decode each payload, take the content delta); the ratio says
what our parser's robustness (CR/CRLF, comments, split UTF-8, think tags, tool calls) costs.

So that the figure holds on any machine, only the two loops differ:
- the server is a process of its own (``python -m benchmarks.sse_bench --serve N``): in a thread
  of the measuring process it took the GIL from whichever loop was running, by amounts that
  depend on the machine's scheduler, not on the parser;
- both loops read with the same size (the client's ``READ_SIZE``; the raw loop read 8 KiB at a
  time before, which cost it ~2,400 more trips through urllib3 per run);
- they run in turn, each one first every other round, and medians are compared: wall time
  (``ratio``) and the CPU time of the reading thread (``cpu_ratio``, which other processes on a
  busy machine barely move).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

from nebula_desktop.api import ChatClient
from nebula_desktop.api._stream import READ_SIZE


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


def serve(events: int) -> None:
    """The server process: print ``port size``, then serve the stream until stdin closes."""
    payload = build_stream(events)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)  # one sendall: the kernel paces it, no Python per piece

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print(httpd.server_address[1], len(payload), flush=True)
    sys.stdin.read()  # the benchmark closes it when done (or dies, which closes it too)


class _Server:
    """The stream served by a child process, for the duration of a ``with`` block."""

    def __init__(self, events: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.sse_bench", "--serve", str(events)],
            cwd=Path(__file__).resolve().parents[1],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        port, size = self.proc.stdout.readline().split()
        self.size = int(size)
        self.base_url = f"http://127.0.0.1:{int(port)}/v1"

    def __enter__(self) -> _Server:
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _raw_loop(base_url: str) -> str:
    resp = requests.post(
        base_url + "/chat/completions",
        json={"model": "bench-model", "messages": [], "stream": True},
        stream=True,
        timeout=60,
    )
    buf = b""
    parts: list[str] = []
    for data in resp.iter_content(chunk_size=READ_SIZE):
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
    resp.close()
    return "".join(parts)


def _client_loop(base_url: str) -> str:
    # The client may hand over several events' text in one call (it coalesces), so the text
    # itself is what is compared with the raw loop, not the number of calls.
    parts: list[str] = []
    client = ChatClient(base_url=base_url, api_key="bench", max_retries=0, timeout=60)
    result = client.chat(
        "bench-model", [{"role": "user", "content": "x"}], on_delta=lambda k, t: parts.append(t)
    )
    client.close()
    assert result.complete, "benchmark stream did not complete"
    return "".join(parts)


def _timed(loop: Callable[[str], str], base_url: str) -> tuple[float, float, str]:
    """Wall and reading-thread CPU seconds of one run, and the text it delivered."""
    wall, cpu = time.perf_counter(), time.thread_time()
    text = loop(base_url)
    return time.perf_counter() - wall, time.thread_time() - cpu, text


def run(events: int = 100_000, repeats: int = 7) -> dict[str, Any]:
    raw: list[tuple[float, float]] = []
    ours: list[tuple[float, float]] = []
    with _Server(events) as server:
        expected = _raw_loop(server.base_url)  # warm up both paths
        _client_loop(server.base_url)
        for i in range(repeats):
            order = [(raw, _raw_loop), (ours, _client_loop)]
            for times, loop in order if i % 2 == 0 else order[::-1]:
                wall, cpu, text = _timed(loop, server.base_url)
                if text != expected:
                    raise RuntimeError(
                        f"{loop.__name__} delivered {len(text)} chars, expected {len(expected)}"
                    )
                times.append((wall, cpu))
    raw_wall = statistics.median(t[0] for t in raw)
    ours_wall = statistics.median(t[0] for t in ours)
    raw_cpu = statistics.median(t[1] for t in raw)
    ours_cpu = statistics.median(t[1] for t in ours)
    return {
        "events": events,
        "answer_chars": len(expected),
        "stream_mb": round(server.size / 1e6, 1),
        "read_size": READ_SIZE,
        "raw_events_per_s": round(events / raw_wall),
        "ours_events_per_s": round(events / ours_wall),
        "raw_cpu_us_per_event": round(raw_cpu / events * 1e6, 2),
        "ours_cpu_us_per_event": round(ours_cpu / events * 1e6, 2),
        "cpu_ratio": round(raw_cpu / ours_cpu, 3),
        "ratio": round(raw_wall / ours_wall, 3),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="P6's stream server (run by the benchmark)")
    parser.add_argument("--serve", type=int, required=True, metavar="EVENTS")
    serve(parser.parse_args().serve)
