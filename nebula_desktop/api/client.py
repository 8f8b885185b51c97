"""ChatClient: chat completions and model lists from any OpenAI-compatible server.

One ``requests.Session`` per client (keep-alive, TLS reuse). Streams are read as raw bytes with
``read1`` so each network read is handed over at once (tokens arrive promptly) and decoded by
our own SSE decoder. Retries follow protocol.md: only before any part of the answer arrived,
only for transient failures, honouring the server's Retry-After hints.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import requests

from nebula_desktop.api._transport import CallGuard, TrackingAdapter
from nebula_desktop.api.accumulate import Accumulator, DeltaBatch, DeltaCallback
from nebula_desktop.api.errors import (
    CUT_OFF_DETAILS,
    HTML_200_DETAILS,
    NOT_A_STREAM_DETAILS,
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    error_from_payload,
    error_from_response,
    redact,
)
from nebula_desktop.api.result import ChatResult
from nebula_desktop.api.sse import SSEDecoder
from nebula_desktop.api.transport_errors import PERMANENT, describe, retry_after

__all__ = ["ChatClient"]

_T = TypeVar("_T")
log = logging.getLogger(__name__)
_READ_SIZE = 65536  # read1 returns whatever has arrived, up to this: no waiting to fill it
_MAX_BODY = 8 * 1024 * 1024  # error and non-stream bodies: enough for any real answer
# A stream that sends this much before its first chat event, or one line longer than this, is
# junk (a misconfigured proxy, a binary download): end it with an error instead of holding it
# in memory or waiting forever. Real events are a few hundred bytes; the largest seen, ~1 MB.
_MAX_NOISE = _MAX_BODY
_TRAILER_GRACE = 2.0  # after finish_reason, how long to wait for usage / [DONE]
_REQUEST_ID_HEADERS = ("x-oneapi-request-id", "x-request-id", "request-id", "x-generation-id")


class _Cancelled(Exception):
    """Internal: the caller's cancel event stopped the call."""

    def __init__(self, partial: ChatResult | None = None) -> None:
        super().__init__("cancelled")
        self.partial = partial


class ChatClient:
    """A client for one OpenAI-compatible endpoint (base URL normally ending in ``/v1``)."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        max_retries: int = 2,
        timeout: float = 60.0,
        connect_timeout: float = 10.0,
        extra_headers: Mapping[str, str] | None = None,
        proxy: str | None = None,
        ca_bundle: str | None = None,
    ) -> None:
        self.base_url = base_url.strip().rstrip("/")
        # Keys pasted from a web page often carry a trailing newline or space.
        self._api_key = (api_key or "").strip() or None
        # A key that HTTP cannot carry would otherwise fail deep in http.client as a confusing
        # "cannot connect"; it is a key problem and is reported as one.
        self._key_unsendable = bool(self._api_key) and not _sendable(self._api_key or "")
        self.max_retries = max(0, int(max_retries))
        self.timeout = float(timeout)
        self.connect_timeout = float(connect_timeout)
        self._session = requests.Session()
        adapter = TrackingAdapter()
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        headers = {"User-Agent": "nebula-desktop", "Accept-Encoding": "gzip, deflate"}
        headers.update(extra_headers or {})
        if self._api_key and not self._key_unsendable:
            headers["Authorization"] = f"Bearer {self._api_key}"
        self._session.headers.update(headers)
        # Passed with every request, not set on the session: requests lets REQUESTS_CA_BUNDLE
        # and HTTP(S)_PROXY from the environment override session settings, so the profile's
        # explicit choices would silently lose. Without them the environment applies.
        self._proxies = {"http": proxy, "https": proxy} if proxy else None
        self._verify: bool | str = ca_bundle or True

    def __repr__(self) -> str:  # never the key
        return f"ChatClient(base_url={self.base_url!r}, api_key={'***' if self._api_key else None})"

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()

    def __enter__(self) -> ChatClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public calls --------------------------------------------------------------------------

    def chat(
        self,
        model: str,
        messages: list[dict[str, Any]],
        temperature: float | None = 0.7,
        stream: bool = True,
        on_delta: DeltaCallback | None = None,
        cancel: threading.Event | None = None,
        **extra_body: Any,
    ) -> ChatResult:
        """Send one chat request; return the answer or raise an APIError subclass.

        With `cancel` set mid-way the partial answer comes back with ``cancelled=True``.
        """
        body: dict[str, Any] = {"model": model, "messages": messages}
        if temperature is not None:
            body["temperature"] = temperature
        body["stream"] = bool(stream)
        if stream:
            body["stream_options"] = {"include_usage": True}
        body.update(extra_body)
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        url = self.base_url + "/chat/completions"
        accept = "text/event-stream" if stream else "application/json"

        def attempt(guard: CallGuard) -> ChatResult:
            resp = self._send(guard, "POST", url, data, accept)
            try:
                return self._chat_reply(resp, guard, stream, on_delta, model)
            finally:
                resp.close()

        try:
            return self._with_retries(attempt, cancel)
        except _Cancelled as c:
            return c.partial or ChatResult(cancelled=True)

    def list_models(self, cancel: threading.Event | None = None) -> list[str]:
        """Sorted model ids from ``GET {base_url}/models``.

        Raises an APIError (code ``"cancelled"``) when `cancel` stops it.
        """
        url = self.base_url + "/models"

        def attempt(guard: CallGuard) -> list[str]:
            resp = self._send(guard, "GET", url, None, "application/json")
            try:
                body = self._read_body(resp, guard)
                ctype = resp.headers.get("Content-Type", "")
                rid = _request_id(resp.headers)
                if not 200 <= resp.status_code < 300:
                    raise self._http_error(resp, body, None)
                payload: Any = None
                if "html" not in ctype.lower():
                    try:
                        payload = json.loads(body)
                    except ValueError:
                        payload = None
                entries = payload.get("data") if isinstance(payload, dict) else payload
                if not isinstance(entries, list):
                    if isinstance(payload, dict) and payload.get("error"):
                        raise error_from_payload(payload, request_id=rid, secret=self._api_key)
                    details = HTML_200_DETAILS if payload is None else "no model list in the reply"
                    raise APIError(details, status_code=resp.status_code, request_id=rid)
                ids = {
                    m["id"] for m in entries if isinstance(m, dict) and isinstance(m.get("id"), str)
                }
                return sorted(ids)
            finally:
                resp.close()

        try:
            return self._with_retries(attempt, cancel)
        except _Cancelled:
            raise APIError("cancelled", code="cancelled") from None

    # -- one exchange --------------------------------------------------------------------------

    def _send(
        self, guard: CallGuard, method: str, url: str, data: bytes | None, accept: str
    ) -> requests.Response:
        headers = {"Accept": accept}
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            return self._session.request(
                method,
                url,
                data=data,
                headers=headers,
                stream=True,
                timeout=(self.connect_timeout, self.timeout),
                proxies=self._proxies,
                verify=self._verify,
            )
        except Exception as exc:
            if guard.cancelled:
                raise _Cancelled() from None
            raise self._connection_error(exc) from None

    def _chat_reply(
        self,
        resp: requests.Response,
        guard: CallGuard,
        stream: bool,
        on_delta: DeltaCallback | None,
        model: str,
    ) -> ChatResult:
        rid = _request_id(resp.headers)
        ctype = resp.headers.get("Content-Type", "").lower()
        if not 200 <= resp.status_code < 300:
            raise self._http_error(resp, self._read_body(resp, guard), model)
        if stream and "json" not in ctype and "html" not in ctype:
            return self._read_stream(resp, guard, on_delta, rid)
        # Non-stream, or a server that ignored stream=true and answered in one piece.
        body = self._read_body(resp, guard)
        payload: Any = None
        if "html" not in ctype:
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
        if not isinstance(payload, dict) or payload.get("error") or not payload.get("choices"):
            raise self._http_error(resp, body, model)
        acc = Accumulator(on_delta)
        acc.add(payload)
        result = acc.result(rid)
        if result.finish_reason == "error":
            raise APIError(
                "the server reported an error while answering",
                status_code=resp.status_code,
                request_id=rid,
                partial=result,
            )
        if result.finish_reason is None:
            # Many local servers omit finish_reason in one-piece replies; the reply is whole.
            result.complete = True
        return result

    def _read_stream(
        self,
        resp: requests.Response,
        guard: CallGuard,
        on_delta: DeltaCallback | None,
        rid: str | None,
    ) -> ChatResult:
        batch = DeltaBatch(on_delta) if on_delta is not None else None
        acc = Accumulator(batch.add if batch is not None else None)
        try:
            return self._read_events(resp, guard, acc, batch, rid)
        finally:
            if batch is not None:
                batch.flush()  # what arrived before an error or a cancel is still reported

    def _read_events(
        self,
        resp: requests.Response,
        guard: CallGuard,
        acc: Accumulator,
        batch: DeltaBatch | None,
        rid: str | None,
    ) -> ChatResult:
        decoder = SSEDecoder()
        read1 = resp.raw.read1
        feed = decoder.feed
        loads = json.loads
        trailer = False
        noise = 0  # bytes received before the first chat event
        while True:
            try:
                chunk = read1(_READ_SIZE, decode_content=True)
            except Exception as exc:  # any transport failure ends the stream
                if guard.cancelled:
                    raise _Cancelled(acc.result(rid, cancelled=True)) from None
                if acc.finish_reason is not None and acc.finish_reason != "error":
                    return acc.result(rid)  # the answer was whole; only the trailer is missing
                err = self._connection_error(exc)
                err.partial = acc.result(rid)
                err.request_id = rid
                err.retryable = not acc.received
                raise err from None
            if not chunk:
                resp.raw.release_conn()  # the body ended cleanly: keep the connection
                break
            if noise >= 0:
                noise += len(chunk)
            payloads = feed(chunk)
            if noise > _MAX_NOISE or decoder.pending > _MAX_NOISE:
                raise APIError(
                    NOT_A_STREAM_DETAILS,
                    status_code=resp.status_code,
                    request_id=rid,
                    partial=acc.result(rid),
                )
            for payload in payloads:
                if payload == "[DONE]":
                    if acc.finish_reason is not None:
                        _drain(resp, guard)
                    return self._stream_end(acc, rid, guard)
                if not payload or payload[0] != "{":
                    continue
                try:
                    obj = loads(payload)
                except ValueError:
                    continue  # a damaged event must not lose the rest of the answer
                if obj.get("error"):
                    if trailer:
                        # The answer already finished; a gateway's trailing complaint (often
                        # about usage accounting) must not turn a whole answer into a failure.
                        continue
                    raise error_from_payload(
                        obj, request_id=rid, secret=self._api_key, partial=acc.result(rid)
                    )
                acc.add(obj)
                noise = -1  # a chat event arrived: from now on only a runaway line is junk
                if acc.finish_reason is not None and not trailer:
                    if acc.finish_reason == "error":
                        raise APIError(
                            "the server reported an error while answering",
                            status_code=resp.status_code,
                            request_id=rid,
                            partial=acc.result(rid),
                        )
                    # Some servers never send [DONE] and keep the connection open: wait only
                    # briefly for the usage chunk instead of the full idle timeout.
                    trailer = True
                    guard.set_read_timeout(min(self.timeout, _TRAILER_GRACE))
            if batch is not None:
                batch.flush()
        for payload in decoder.close():
            if payload == "[DONE]":
                break
            try:
                obj = loads(payload)
            except ValueError:
                continue
            if isinstance(obj, dict) and obj.get("error") and not trailer:
                raise error_from_payload(
                    obj, request_id=rid, secret=self._api_key, partial=acc.result(rid)
                )
            acc.add(obj)
        return self._stream_end(acc, rid, guard)

    def _stream_end(self, acc: Accumulator, rid: str | None, guard: CallGuard) -> ChatResult:
        if guard.cancelled:
            raise _Cancelled(acc.result(rid, cancelled=True))
        result = acc.result(rid)
        if result.complete:
            return result
        details = (
            CUT_OFF_DETAILS if acc.received else "the server ended the stream without an answer"
        )
        raise APIError(details, status_code=200, request_id=rid, partial=result)

    def _read_body(self, resp: requests.Response, guard: CallGuard) -> bytes:
        parts: list[bytes] = []
        size = 0
        try:
            while size < _MAX_BODY:
                chunk = resp.raw.read1(_READ_SIZE, decode_content=True)
                if not chunk:
                    if not guard.cancelled:
                        resp.raw.release_conn()  # the body ended cleanly: keep the connection
                    break
                parts.append(chunk)
                size += len(chunk)
        except Exception as exc:
            if guard.cancelled:
                raise _Cancelled() from None
            err = self._connection_error(exc)
            err.request_id = _request_id(resp.headers)
            raise err from None
        if guard.cancelled:
            raise _Cancelled()
        return b"".join(parts)

    def _http_error(self, resp: requests.Response, body: bytes, model: str | None) -> APIError:
        err = error_from_response(
            resp.status_code,
            resp.headers.get("Content-Type", ""),
            body,
            request_id=_request_id(resp.headers),
            model=model,
            secret=self._api_key,
        )
        err.response_headers = resp.headers
        return err

    def _connection_error(self, exc: BaseException) -> APIConnectionError:
        details = redact(describe(exc), self._api_key)
        cls = APITimeoutError if details == "timed out" else APIConnectionError
        # A malformed URL or header fails the same way every time: don't wait to repeat it.
        return cls(details, retryable=details not in PERMANENT)

    # -- retries -------------------------------------------------------------------------------

    def _with_retries(
        self, attempt: Callable[[CallGuard], _T], cancel: threading.Event | None
    ) -> _T:
        if self._key_unsendable:
            raise AuthenticationError(
                "the API key contains characters that cannot be sent (check for stray symbols)"
            )
        tries = 0
        while True:
            if cancel is not None and cancel.is_set():
                raise _Cancelled()
            try:
                with CallGuard(cancel) as guard:
                    if guard.cancelled:
                        raise _Cancelled()
                    return attempt(guard)
            except APIError as err:
                delay = self._retry_delay(err, tries)
                if delay is None:
                    raise
                tries += 1
                # Never the message text or the key: status, code, request id and the wait.
                log.info(
                    "retry %d/%d in %.2f s after %s (status %s, code %s, request id %s)",
                    tries, self.max_retries, delay, type(err).__name__,
                    err.status_code, err.code, err.request_id,
                )  # fmt: skip
                if cancel is not None:
                    if cancel.wait(delay):
                        raise _Cancelled() from None
                else:
                    time.sleep(delay)

    def _retry_delay(self, err: APIError, tries: int) -> float | None:
        """Seconds to wait before trying again, or None when this error must not be retried."""
        if tries >= self.max_retries:
            return None
        if err.partial is not None and (
            err.partial.content or err.partial.reasoning or err.partial.tool_calls
        ):
            return None  # never after partial output: the answer was billed and shown
        if err.status_code == 524 or err.code == "model_not_found":
            return None
        headers = err.response_headers
        should = (headers.get("x-should-retry") or "").strip().lower()
        if should == "false":
            return None
        if not err.retryable and should != "true":
            return None
        hinted = retry_after(headers)
        if hinted is not None:
            return hinted
        return min(0.5 * 2.0**tries, 8.0) * (1.0 - 0.25 * random.random())


def _sendable(key: str) -> bool:
    """True if `key` fits in an HTTP header (printable ASCII, no spaces inside)."""
    return key.isascii() and key.isprintable() and " " not in key


def _drain(resp: requests.Response, guard: CallGuard) -> None:
    """Read the few bytes after ``[DONE]`` so the keep-alive connection can be reused.

    Saves a TCP and TLS handshake on the next message. A server that keeps the body open is
    given a fraction of a second, then the connection is simply closed.
    """
    guard.set_read_timeout(0.2)
    try:
        for _ in range(4):
            if not resp.raw.read1(_READ_SIZE, decode_content=True):
                resp.raw.release_conn()
                return
    except Exception:  # the answer is complete; the connection is expendable
        return


def _request_id(headers: Mapping[str, str]) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None
