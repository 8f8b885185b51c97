"""ChatClient: chat completions and model lists from any OpenAI-compatible server.

One ``requests.Session`` per client (keep-alive, TLS reuse). Streams are read by ``_stream``
(raw ``read1`` reads, our own SSE decoder); retries follow ``retry`` (protocol.md: only before
any part of the answer arrived, only for transient failures, honouring Retry-After hints).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import requests

from nebula_desktop.api._stream import READ_SIZE, connection_error, read_stream
from nebula_desktop.api._transport import CallGuard, TrackingAdapter, request_proxies
from nebula_desktop.api.accumulate import Accumulator, AnswerTooLarge, DeltaCallback
from nebula_desktop.api.errors import (
    HTML_200_DETAILS,
    OVERSIZED_BODY_DETAILS,
    APIConnectionError,
    APIError,
    AuthenticationError,
    error_from_payload,
    error_from_response,
)
from nebula_desktop.api.result import ChatResult
from nebula_desktop.api.retry import Cancelled, with_retries

__all__ = ["ChatClient"]

_T = TypeVar("_T")
# Whole bodies are parsed as JSON, which can take 25 times their size in memory (a body of
# "{}," repeated), so they are capped before parsing: a non-streamed answer or a model list at
# 8 MB (more than any real one; bigger is an error that says so), an error reply at 1 MB (only
# its message is shown; a longer one is cut, and its status speaks instead).
_MAX_BODY = 8 * 1024 * 1024
_MAX_ERROR_BODY = 1024 * 1024
_REQUEST_ID_HEADERS = ("x-oneapi-request-id", "x-request-id", "request-id", "x-generation-id")


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
        self._proxies = request_proxies(proxy)
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
        # A lone surrogate in an earlier answer goes out as the JSON escape it came in as.
        data = json.dumps(body, ensure_ascii=False).encode("utf-8", "backslashreplace")
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
        except Cancelled as c:
            return c.partial or ChatResult(cancelled=True)

    def list_models(self, cancel: threading.Event | None = None) -> list[str]:
        """Sorted model ids from ``GET {base_url}/models``.

        Raises an APIError (code ``"cancelled"``) when `cancel` stops it.
        """
        url = self.base_url + "/models"

        def attempt(guard: CallGuard) -> list[str]:
            resp = self._send(guard, "GET", url, None, "application/json")
            try:
                if not 200 <= resp.status_code < 300:
                    raise self._http_error(resp, self._read(resp, guard, _MAX_ERROR_BODY), None)
                body = self._read(resp, guard, _MAX_BODY)
                ctype = resp.headers.get("Content-Type", "")
                rid = _request_id(resp.headers)
                payload: Any = None
                if "html" not in ctype.lower():
                    _check_size(body, resp)
                    try:
                        payload = json.loads(body)
                    except (ValueError, RecursionError):
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
        except Cancelled:
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
                raise Cancelled() from None
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
            raise self._http_error(resp, self._read(resp, guard, _MAX_ERROR_BODY), model)
        if stream and "json" not in ctype and "html" not in ctype:
            return read_stream(resp, guard, on_delta, rid, self.timeout, self._api_key)
        # Non-stream, or a server that ignored stream=true and answered in one piece.
        body = self._read(resp, guard, _MAX_BODY)
        payload: Any = None
        if "html" not in ctype:
            _check_size(body, resp)
            try:
                payload = json.loads(body)
            except (ValueError, RecursionError):
                payload = None
        if not isinstance(payload, dict) or payload.get("error") or not payload.get("choices"):
            raise self._http_error(resp, body, model)
        acc = Accumulator(on_delta)
        try:
            acc.add(payload)
        except AnswerTooLarge as exc:
            raise APIError(
                str(exc), status_code=resp.status_code, request_id=rid, partial=acc.result(rid)
            ) from None
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

    def _read(self, resp: requests.Response, guard: CallGuard, cap: int) -> bytes:
        """The whole body, or, when it is longer than ``cap``, a little more than ``cap``."""
        parts: list[bytes] = []
        size = 0
        try:
            while size <= cap:
                chunk = resp.raw.read1(READ_SIZE, decode_content=True)
                if not chunk:
                    if not guard.cancelled:
                        resp.raw.release_conn()  # the body ended cleanly: keep the connection
                    break
                parts.append(chunk)
                size += len(chunk)
        except Exception as exc:
            if guard.cancelled:
                raise Cancelled() from None
            err = self._connection_error(exc)
            err.request_id = _request_id(resp.headers)
            raise err from None
        if guard.cancelled:
            raise Cancelled()
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
        return connection_error(exc, self._api_key)

    # -- retries -------------------------------------------------------------------------------

    def _with_retries(
        self, attempt: Callable[[CallGuard], _T], cancel: threading.Event | None
    ) -> _T:
        if self._key_unsendable:
            raise AuthenticationError(
                "the API key contains characters that cannot be sent (check for stray symbols)"
            )
        return with_retries(attempt, cancel, self.max_retries)


def _check_size(body: bytes, resp: requests.Response) -> None:
    """Refuse a body cut at the cap: parsing it would only give a misleading error."""
    if len(body) > _MAX_BODY:
        raise APIError(
            OVERSIZED_BODY_DETAILS,
            status_code=resp.status_code,
            request_id=_request_id(resp.headers),
        )


def _sendable(key: str) -> bool:
    """True if `key` fits in an HTTP header (printable ASCII, no spaces inside)."""
    return key.isascii() and key.isprintable() and " " not in key


def _request_id(headers: Mapping[str, str]) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None
