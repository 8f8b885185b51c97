"""Loopback HTTP/1.1 servers for tests: replay recorded gateway replies and inject faults.

Everything runs on 127.0.0.1 with an OS-chosen port, in daemon threads, so tests talk to real
sockets (the wire decides, not a mock) and never leave anything behind.

    with LoopbackServer() as srv:
        srv.queue(sse_reply(["Hel", "lo"]))          # next POST /v1/chat/completions
        client = ChatClient(srv.base_url)
        ...
        srv.requests[0].json["model"]

Replies with several chunks (or a delay, an abort or a hang) are sent with
``Transfer-Encoding: chunked``, each chunk flushed on its own, so a client sees the same read
boundaries a real gateway produces. ``abort_after`` resets the TCP connection (RST) without the
terminating chunk; ``hang`` keeps the connection open and silent until the server stops (or the
client goes away). Connections are closed after each reply (``Connection: close``) unless the
server is made with ``keep_alive=True``.
"""

from __future__ import annotations

import itertools
import json as _json
import select
import socket
import ssl
import struct
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["LoopbackServer", "Recorded", "Reply", "case_reply", "make_cert", "sse_reply"]

CHAT_PATH = "/v1/chat/completions"

# Framing headers are the server's business: a recorded case's own values would lie about the
# body we actually send (we may chunk a body that was recorded with Content-Length, or send a
# gzip-labelled body uncompressed).
_FRAMING_HEADERS = {"content-length", "transfer-encoding", "connection", "content-encoding"}


class Headers(dict[str, str]):
    """A dict of request headers whose look-ups ignore case (keys are stored lowercase)."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__((k.lower(), v) for k, v in items)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)


@dataclass
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    headers: Headers
    body: bytes
    json: Any
    query: str = ""
    target: str = ""  # the request target as sent (an absolute URI when proxied)
    client_port: int = 0  # which TCP connection carried it (keep-alive reuse shows here)
    # Set when the server notices the client closed the connection (during delays or a hang):
    # lets cancel tests prove the connection really went away.
    client_closed: threading.Event = field(default_factory=threading.Event, repr=False)


@dataclass
class Reply:
    """What the server sends back: status, headers and the body in chunks."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    chunks: list[bytes] = field(default_factory=list)
    delay: float = 0.0
    abort_after: int | None = None
    hang: bool = False
    head_delay: float = 0.0  # seconds before the status line (a gateway waiting on upstream)

    @classmethod
    def json(cls, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Reply:
        """A one-piece JSON reply (Content-Type application/json)."""
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        return cls(status, h, [_json.dumps(payload, ensure_ascii=False).encode()])


ReplySource = Reply | Callable[[Recorded], Reply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            parsed = _json.loads(body) if body else None
        except ValueError:
            parsed = None
        # A proxied request carries an absolute URI: record and route by its path.
        target = urlsplit(self.path) if "://" in self.path else None
        raw_path = target.path if target else self.path
        path, _, query = (
            raw_path + ("?" + target.query if target and target.query else "")
        ).partition("?")
        rec = Recorded(self.command, path, Headers(self.headers.items()), body, parsed, query)
        rec.client_port = self.client_address[1]
        rec.target = self.path
        reply = self.server.owner._take(rec)
        keep = self.server.owner.keep_alive and not (reply.hang or reply.abort_after is not None)
        self.close_connection = not keep
        try:
            self._send(reply, rec)
        except OSError:
            self.close_connection = True
            rec.client_closed.set()  # the client went away while we were writing

    def _send(self, reply: Reply, rec: Recorded) -> None:
        if reply.head_delay > 0 and self._wait(reply.head_delay, rec):
            return
        chunks = [c for c in reply.chunks]
        streamed = len(chunks) > 1 or reply.delay > 0 or reply.abort_after is not None or reply.hang
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            if name.lower() not in _FRAMING_HEADERS:
                self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        if streamed:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(sum(len(c) for c in chunks)))
        self.end_headers()
        if not streamed:
            for c in chunks:
                self.wfile.write(c)
            self.wfile.flush()
            return
        self.wfile.flush()
        for i, c in enumerate(chunks):
            if reply.abort_after is not None and i >= reply.abort_after:
                break
            if i and reply.delay > 0 and self._wait(reply.delay, rec):
                return
            if c:  # an empty chunk would be the terminator
                self.wfile.write(b"%x\r\n%s\r\n" % (len(c), c))
                self.wfile.flush()
        if reply.abort_after is not None:
            self._reset()
            return
        if reply.hang:
            self._wait(3600.0, rec)
            return
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _wait(self, seconds: float, rec: Recorded) -> bool:
        """Sleep up to `seconds`; True (stop writing) if the server stops or the client left."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if self.server.owner._stop.wait(min(left, 0.05)):
                return True
            if self._client_gone():
                rec.client_closed.set()
                return True

    def _client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            # socket.socket.recv, not the SSLSocket override: peek at the TCP stream itself.
            return bool(readable) and not socket.socket.recv(self.connection, 1, socket.MSG_PEEK)
        except OSError:
            return True

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST: the client sees a reset
        # connection, as when a gateway process dies mid-answer.
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: LoopbackServer


class LoopbackServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 serving queued replies per path."""

    def __init__(self, keep_alive: bool = False, tls: tuple[str, str] | None = None) -> None:
        # keep_alive: leave connections open after a whole reply, as real gateways do.
        # tls: (certfile, keyfile) to serve HTTPS (see make_cert).
        self.keep_alive = keep_alive
        self._queues: dict[str, deque[ReplySource]] = {}
        self.default: dict[str, ReplySource] = {}
        self.requests: list[Recorded] = []
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self.port: int = self._httpd.server_address[1]
        scheme = "http"
        if tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self._httpd.socket = ctx.wrap_socket(self._httpd.socket, server_side=True)
            scheme = "https"
        self.base_url = f"{scheme}://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> LoopbackServer:
        """Start serving (done by ``with``)."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop promptly, also ending replies that hang."""
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=2)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def queue(self, reply: ReplySource, path: str = CHAT_PATH) -> None:
        """Serve `reply` (a Reply, or a callable taking the Recorded request) once, FIFO."""
        with self._cond:
            self._queues.setdefault(path, deque()).append(reply)

    def wait_requests(self, n: int, timeout: float = 5.0) -> list[Recorded]:
        """Block until at least `n` requests arrived; raise TimeoutError otherwise."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.requests) >= n, timeout):
                raise TimeoutError(f"expected {n} requests, got {len(self.requests)}")
            return list(self.requests)

    def _take(self, rec: Recorded) -> Reply:
        with self._cond:
            self.requests.append(rec)
            self._cond.notify_all()
            q = self._queues.get(rec.path)
            source = q.popleft() if q else self.default.get(rec.path)
        if source is None:
            err = {"message": f"no reply queued for {rec.path}", "type": "test", "code": "none"}
            return Reply.json(500, {"error": err})
        return source(rec) if callable(source) else source


def make_cert(folder: Path) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (needs the openssl command): (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)


def _event(payload: Any) -> bytes:
    return b"data: " + _json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"


def sse_reply(
    contents: Iterable[str],
    reasoning: Iterable[str] = (),
    finish_reason: str | None = "stop",
    usage: dict[str, Any] | None = None,
    model: str = "test-model",
    delay: float = 0.0,
    done: bool = True,
    request_id: str = "req-test",
) -> Reply:
    """A realistic new-api style stream: one SSE event per chunk.

    Role chunk, reasoning deltas, content deltas, a finish chunk (omitted when `finish_reason`
    is None), a usage chunk with ``choices: []`` (`usage` None gives a made-up one) and
    ``data: [DONE]`` (omitted when `done` is False).
    """
    contents, reasoning = list(contents), list(reasoning)
    base = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1779787815}
    base["model"] = model

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return _event({**base, "choices": [choice], "usage": None})

    chunks = [chunk({"role": "assistant", "content": ""})]
    chunks += [chunk({"reasoning_content": r}) for r in reasoning]
    chunks += [chunk({"content": c}) for c in contents]
    if finish_reason is not None:
        chunks.append(chunk({}, finish_reason))
        if usage is None:
            n = len(contents) + len(reasoning)
            usage = {"prompt_tokens": 7, "completion_tokens": n, "total_tokens": 7 + n}
        chunks.append(_event({**base, "choices": [], "usage": usage}))
    if done:
        chunks.append(b"data: [DONE]\n\n")
    headers = {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-cache",
        "X-Oneapi-Request-Id": request_id,
    }
    return Reply(200, headers, chunks, delay=delay)


def load_case(path_or_dict: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """A recorded case as a dict (from a file path or an already-loaded dict)."""
    if isinstance(path_or_dict, Mapping):
        return dict(path_or_dict)
    return dict(_json.loads(Path(path_or_dict).read_text(encoding="utf-8")))


def case_reply(path_or_dict: str | Path | Mapping[str, Any]) -> Reply:
    """The Reply a recorded case describes, written at its ``chunk_byte_offsets``."""
    case = load_case(path_or_dict)
    raw = case.get("body", "")
    body = raw.encode("utf-8") if isinstance(raw, str) else _json.dumps(raw).encode()
    offsets = [0, *case.get("chunk_byte_offsets", []), len(body)]
    chunks = [body[a:b] for a, b in itertools.pairwise(offsets) if b > a]
    delay = float(case.get("chunk_delay_ms", 0)) / 1000.0
    return Reply(int(case["status"]), dict(case.get("headers", {})), chunks, delay=delay)
