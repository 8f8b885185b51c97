"""Cancellable HTTP plumbing: a requests adapter that remembers each call's sockets.

A thread blocked in ``recv`` is not woken by ``close()`` from another thread on Linux, but it is
by ``shutdown()``. So every connection the calling thread uses is registered with the current
:class:`CallGuard`, and the guard's watcher shuts those sockets down the moment the caller's
cancel event is set — whether the call is waiting for headers, reading the stream or anywhere
in between. Keep-alive connections are registered too, as each request starts.

Also which proxy a request goes through (:func:`proxy_for`), decided exactly as requests decides
it, so that whoever warns about a key in clear text asks about the route the key really takes.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies, prepend_scheme_if_needed, select_proxy
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.poolmanager import PoolManager
from urllib3.util.connection import allowed_gai_family

__all__ = ["CallGuard", "TrackingAdapter", "proxy_for", "request_proxies"]

_local = threading.local()
_POLL = 0.05  # seconds between checks of the cancel event: well inside the 0.5 s promise


class CallGuard:
    """Scope of one HTTP exchange on the calling thread; cancels it by closing its sockets."""

    def __init__(self, cancel: threading.Event | None) -> None:
        self._cancel = cancel
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self.cancelled = False

    def __enter__(self) -> CallGuard:
        _local.guard = self
        if self._cancel is not None:
            if self._cancel.is_set():
                self.cancelled = True
            else:
                threading.Thread(target=self._watch, name="nebula-cancel", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        _local.guard = None
        self._done.set()

    def track(self, sock: socket.socket) -> None:
        """Remember `sock` as used by this call (closed at once if already cancelled)."""
        with self._lock:
            if sock not in self._socks:
                self._socks.append(sock)
            cancelled = self.cancelled
        if cancelled:
            _shutdown(sock)

    def set_read_timeout(self, seconds: float) -> None:
        """Shorten the idle timeout of this call's sockets (waiting for trailing chunks)."""
        with self._lock:
            socks = list(self._socks)
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.settimeout(seconds)

    def abort(self) -> None:
        """Mark the call cancelled and shut its sockets down, waking any blocked read."""
        with self._lock:
            self.cancelled = True
            socks = list(self._socks)
        for sock in socks:
            _shutdown(sock)

    def _watch(self) -> None:
        cancel = self._cancel
        assert cancel is not None
        while not self._done.is_set():
            if cancel.wait(_POLL):
                if not self._done.is_set():
                    self.abort()
                return


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _track(sock: socket.socket | None) -> None:
    guard: CallGuard | None = getattr(_local, "guard", None)
    if guard is not None and sock is not None:
        guard.track(sock)


def _new_tracked_conn(conn: HTTPConnection, guard: CallGuard) -> socket.socket:
    """urllib3's ``_new_conn``, but the socket joins the guard *before* the blocking connect.

    So Stop also works while a connect to an unreachable host hangs (shutting a socket down in
    SYN_SENT aborts the connect). Exceptions are mapped exactly as urllib3 does.
    """
    host, port = conn._dns_host, conn.port
    assert port is not None
    try:
        err: OSError | None = None
        for af, socktype, proto, _name, addr in socket.getaddrinfo(
            host.strip("[]"), port, allowed_gai_family(), socket.SOCK_STREAM
        ):
            sock = socket.socket(af, socktype, proto)
            try:
                for opt in conn.socket_options or ():
                    sock.setsockopt(*opt)
                sock.settimeout(conn.timeout)  # urllib3 already resolved its default
                if conn.source_address:
                    sock.bind(conn.source_address)
                guard.track(sock)
                sock.connect(addr)
                return sock
            except OSError as exc:
                err = exc
                sock.close()
        raise err or OSError("getaddrinfo returned no address")
    except socket.gaierror as e:
        raise NameResolutionError(conn.host, conn, e) from e
    except TimeoutError as e:
        msg = f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})"
        raise ConnectTimeoutError(conn, msg) from e
    except OSError as e:
        raise NewConnectionError(conn, f"Failed to establish a new connection: {e}") from e


class _TrackedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        guard: CallGuard | None = getattr(_local, "guard", None)
        return super()._new_conn() if guard is None else _new_tracked_conn(self, guard)

    def connect(self) -> None:
        super().connect()
        _track(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _track(self.sock)  # a reused keep-alive connection does not connect again
        super().request(*args, **kwargs)


# The tracking methods above call super(), so with this order they wrap HTTPSConnection's own
# connect (TLS handshake included) and the HTTPS class needs no copy of them.
class _TrackedHTTPSConnection(_TrackedHTTPConnection, HTTPSConnection):
    pass


class _TrackedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _TrackedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


_POOLS = {"http": _TrackedHTTPPool, "https": _TrackedHTTPSPool}


class TrackingAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections report their sockets to the current CallGuard."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager


def request_proxies(proxy: str | None) -> dict[str, str] | None:
    """The ``proxies`` every request of a client is sent with: the profile's proxy for both
    schemes, or None to let requests use the environment's (``HTTP_PROXY``, ``ALL_PROXY``,
    ``NO_PROXY``, the system's settings).

    Passed with each request rather than set on the session: requests lets the environment
    override session settings, so the profile's explicit choice would silently lose.
    """
    return {"http": proxy, "https": proxy} if proxy else None


def proxy_for(url: str, proxy: str | None = None) -> str | None:
    """The proxy a request to ``url`` goes through (with a scheme), or None for a direct one.

    ``proxy`` is the profile's (empty: none). Decided as ``requests.Session.request`` and the
    adapter decide it: the profile's proxy first, then the environment's unless ``NO_PROXY``
    exempts the host; a proxy typed without a scheme is an http one.
    """
    proxies = dict(request_proxies(proxy) or {})
    for key, value in get_environ_proxies(url, no_proxy=proxies.get("no_proxy")).items():
        proxies.setdefault(key, value)
    chosen = select_proxy(url, proxies)
    if not chosen:
        return None
    # requests' own normalisation (the adapter's), so "10.0.0.5:3128" reads as requests reads it.
    scheme_added: str = prepend_scheme_if_needed(chosen, "http")  # type: ignore[no-untyped-call]
    return scheme_added
