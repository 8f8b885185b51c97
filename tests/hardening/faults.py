"""Raw-socket servers on 127.0.0.1 that misbehave in ways an HTTP server library will not.

Each accepted connection is handed to a behaviour function on its own daemon thread. The server
counts connections (so a test can count retries on the wire) and stops every behaviour promptly
when the test ends.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

__all__ = [
    "RawServer",
    "closed_port",
    "event",
    "http_head",
    "read_request",
]

Behaviour = Callable[["Conn"], None]


class Conn:
    """One accepted connection as a behaviour sees it."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.path = ""  # the request's path, once read
        self.sock = sock
        self.stop = stop
        self.client_gone = threading.Event()
        self.sent = 0  # body bytes written so far

    def send(self, data: bytes) -> bool:
        """Write `data`; False once the client went away or the server is stopping."""
        if self.stop.is_set():
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            self.client_gone.set()
            return False
        self.sent += len(data)
        return True

    def chunk(self, data: bytes) -> bool:
        """Write one chunk of a ``Transfer-Encoding: chunked`` body."""
        return self.send(b"%x\r\n%s\r\n" % (len(data), data)) if data else True

    def wait(self, seconds: float) -> bool:
        """Idle for `seconds`; False if the server stops or the client closes meanwhile."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self.stop.wait(min(0.05, left)) or self.peer_closed():
                return False
        return True

    def peer_closed(self) -> bool:
        """True when the client closed its side (what a cancel does)."""
        try:
            self.sock.setblocking(False)
            try:
                data = self.sock.recv(1, socket.MSG_PEEK)
            finally:
                self.sock.setblocking(True)
        except BlockingIOError:
            return False
        except OSError:
            self.client_gone.set()
            return True
        if data == b"":
            self.client_gone.set()
            return True
        return False

    def reset(self) -> None:
        """Close with RST (SO_LINGER 0): the client sees 'connection reset by peer'."""
        with contextlib.suppress(OSError):
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.sock.close()


class RawServer:
    """Accepts TCP connections on 127.0.0.1 and runs `behaviour` for each one."""

    def __init__(
        self, behaviour: Behaviour, read_first: bool = True, paths: set[str] | None = None
    ) -> None:
        self.behaviour = behaviour
        self.read_first = read_first  # read the HTTP request before misbehaving
        # Only requests for these paths misbehave; others (the app's model list) get a short
        # well-formed answer, so a window test's side requests cannot eat the fault.
        self.paths = paths
        self.connections = 0
        self.requests: list[bytes] = []  # each request's head and body as received
        self.conns: list[Conn] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._listener.close()

    def chat_conns(self) -> list[Conn]:
        """The connections that carried a chat request, in order."""
        with self._lock:
            return [c for c in self.conns if c.path.endswith("/chat/completions")]

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._run, args=(sock,), daemon=True).start()

    def _run(self, sock: socket.socket) -> None:
        conn = Conn(sock, self._stop)
        with self._lock:
            self.conns.append(conn)
        try:
            if self.read_first:
                request = read_request(sock)
                with self._lock:
                    self.requests.append(request)
                parts = request.split(b" ", 2)
                conn.path = parts[1].decode("latin-1") if len(parts) > 2 else ""
                if self.paths is not None and conn.path not in self.paths:
                    body = json.dumps({"data": [{"id": "test-model"}]}).encode()
                    length = str(len(body))
                    json_head = {"Content-Type": "application/json", "Content-Length": length}
                    head = http_head(200, json_head, chunked=False)
                    conn.send(head + body)
                    return
            self.behaviour(conn)
        except OSError:
            conn.client_gone.set()
        finally:
            with contextlib.suppress(OSError):
                sock.close()


def read_request(sock: socket.socket) -> bytes:
    """The whole HTTP request (head plus Content-Length body) from `sock`."""
    sock.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            return data
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        piece = sock.recv(65536)
        if not piece:
            break
        body += piece
    sock.settimeout(None)
    return head + b"\r\n\r\n" + body


def http_head(
    status: int = 200, headers: dict[str, str] | None = None, chunked: bool = True
) -> bytes:
    """A status line and headers (chunked SSE by default; the connection closes after)."""
    lines = [f"HTTP/1.1 {status} X"]
    merged = {"Content-Type": "text/event-stream", "Connection": "close"}
    if chunked:
        merged["Transfer-Encoding"] = "chunked"
    merged.update(headers or {})
    lines += [f"{k}: {v}" for k, v in merged.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def event(content: str | None = None, finish: str | None = None) -> bytes:
    """One SSE chat-completion chunk."""
    delta: dict[str, Any] = {} if content is None else {"content": content}
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    payload = {"id": "c", "object": "chat.completion.chunk", "model": "m", "choices": [choice]}
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


@contextlib.contextmanager
def closed_port() -> Iterator[str]:
    """A base URL where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield f"http://127.0.0.1:{port}/v1"
