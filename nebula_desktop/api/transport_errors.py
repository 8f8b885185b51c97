"""Reading a failure: how long the server asks us to wait, and what went wrong on the wire."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

import requests
import urllib3.exceptions

__all__ = ["PERMANENT", "describe", "retry_after"]

BAD_HEADER = "a request header is not valid (check the extra headers)"
BAD_URL = "the base URL is not valid"
PERMANENT = frozenset({BAD_HEADER, BAD_URL})  # failures that no retry can fix


def retry_after(headers: Mapping[str, str]) -> float | None:
    """The server's requested wait when 0 < wait <= 60 s (retry-after-ms first)."""
    wait: float | None = None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            wait = float(ms) / 1000.0
        except ValueError:
            wait = None
    if wait is None:
        after = headers.get("retry-after")
        if after:
            try:
                wait = float(after)
            except ValueError:
                try:
                    wait = float(parsedate_to_datetime(after).timestamp()) - time.time()
                except (TypeError, ValueError, IndexError):
                    wait = None
    if wait is not None and 0 < wait <= 60:
        return wait
    return None


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc` and everything it wraps (requests → urllib3 → socket/ssl), breadth first."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < 20:
        e = todo.pop(0)
        if any(e is s for s in seen):
            continue
        seen.append(e)
        for nxt in (e.__cause__, e.__context__, getattr(e, "reason", None), *e.args):
            if isinstance(nxt, BaseException):
                todo.append(nxt)
    return seen


def describe(exc: BaseException) -> str:
    """A short phrase for a transport failure (never the raw text: it may hold a proxy URL)."""
    chain = _causes(exc)
    if any(isinstance(e, (requests.exceptions.InvalidHeader, UnicodeError)) for e in chain):
        return BAD_HEADER
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused"
    if any(isinstance(e, (socket.gaierror, urllib3.exceptions.NameResolutionError)) for e in chain):
        return "the server name could not be resolved"
    if any(isinstance(e, ssl.SSLCertVerificationError) for e in chain):
        return "the server's TLS certificate could not be verified"
    if any(isinstance(e, (ssl.SSLError, requests.exceptions.SSLError)) for e in chain):
        return "the TLS handshake failed"
    if any(isinstance(e, requests.exceptions.ProxyError) for e in chain):
        return "the proxy could not be reached"
    if any(isinstance(e, ConnectionResetError) for e in chain):
        return "the connection was reset"
    # urllib3's NewConnectionError derives from ConnectTimeoutError: not a timeout by itself.
    timeouts = (requests.Timeout, urllib3.exceptions.TimeoutError, socket.timeout, TimeoutError)
    if any(
        isinstance(e, timeouts) and not isinstance(e, urllib3.exceptions.NewConnectionError)
        for e in chain
    ):
        return "timed out"
    if any(isinstance(e, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                          requests.exceptions.InvalidSchema)) for e in chain):  # fmt: skip
        return BAD_URL
    if any(isinstance(e, urllib3.exceptions.ProtocolError) for e in chain):
        return "the connection was lost before the answer finished"
    return "the connection failed"
