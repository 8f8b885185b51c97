"""Typed API errors and their classification from HTTP replies and stream payloads.

Classification uses the HTTP status and ``error.code`` only, never the message text: gateways
answer in English or Chinese (``无效的令牌``) and reword messages between releases.
``str(error)`` is the product's user-facing message; ``details`` is the phrase behind it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nebula_desktop.api.result import ChatResult

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "error_from_payload",
    "error_from_response",
    "redact",
    "status_phrase",
]

HTML_200_DETAILS = (
    "the server returned a web page, not an API response — check that the base URL ends with /v1"
)
CUT_OFF_DETAILS = "the answer was cut off before it finished"
NOT_A_STREAM_DETAILS = (
    "the server's reply is not a chat stream (it sent data no chat client can read)"
)
# Caps on what a server can make the client hold (8 MB: far above any real event or answer).
OVERSIZED_EVENT_DETAILS = (
    "the server sent an event larger than 8 MB (no chat answer needs one that big)"
)
OVERSIZED_IMAGE_DETAILS = (
    "the server sent an image larger than 8 MB in its stream (the most one event may carry); "
    "the answer ends here"
)
OVERSIZED_BODY_DETAILS = (
    "the server's reply is larger than 8 MB (no chat answer needs one that big)"
)

# Statuses worth a second try before any answer arrived (as the official SDK, minus 524: a
# Cloudflare timeout while the origin may still be generating — and billing — the answer).
RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})

_EXPLANATIONS = {
    400: "the server rejected the request",
    401: "the API key was not accepted",
    403: "access denied",
    404: "check that the base URL ends with /v1",
    408: "the server timed out waiting for the request",
    413: "request too large",
    429: "rate limited — try again shortly",
    500: "the server had an internal error",
    502: "the gateway or upstream is unavailable",
    503: "the gateway or upstream is unavailable",
    504: "the gateway or upstream is unavailable",
    520: "the gateway or upstream is unavailable",
    521: "the gateway or upstream is unavailable",
    522: "the gateway or upstream is unavailable",
    523: "the gateway or upstream is unavailable",
    524: "the upstream took too long to answer",
}
_EXTRA_PHRASES = {520: "Web Server Error", 521: "Web Server Is Down", 522: "Connection Timed Out",
                  523: "Origin Is Unreachable", 524: "A Timeout Occurred"}  # fmt: skip

_BEARER = re.compile(r"(?i)bearer\s+\S+")
_MAX_DETAILS = 600


class APIError(Exception):
    """Base of every error the client raises.

    Attributes: ``status_code`` (HTTP status or None), ``code`` (``error.code`` from the body),
    ``request_id`` (for support tickets), ``retryable``, ``partial`` (the ChatResult received
    before a mid-stream failure) and ``details`` (the short phrase shown to the user).
    """

    def __init__(
        self,
        details: str,
        *,
        status_code: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        retryable: bool = False,
        partial: ChatResult | None = None,
        model: str | None = None,
    ) -> None:
        super().__init__(details)
        self.details = details
        self.status_code = status_code
        self.code = code
        self.request_id = request_id
        self.retryable = retryable
        self.partial = partial
        self.model = model
        # The reply's headers (Retry-After, x-should-retry) for the retry logic.
        self.response_headers: Mapping[str, str] = {}

    def __str__(self) -> str:
        return f"API request failed: {self.details}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code!r}, code={self.code!r}, "
            f"request_id={self.request_id!r}, details={self.details!r})"
        )


class AuthenticationError(APIError):
    """401: the key is wrong, missing, expired or exhausted."""

    def __str__(self) -> str:
        return "Error: Invalid or unauthorized API key"


class PermissionDeniedError(APIError):
    """403: balance exhausted or the key may not use this model."""


class NotFoundError(APIError):
    """Unknown model (404, or new-api's 503 ``model_not_found``), or a wrong URL."""

    # False when the 404 came from a plain web server (HTML or empty body): then the base URL
    # is wrong, and blaming the model would send the user looking in the wrong place.
    from_api: bool = True

    def __str__(self) -> str:
        if self.model and self.from_api:
            return f"Error: Model {self.model} does not exist"
        return super().__str__()


class BadRequestError(APIError):
    """400/422: the request was rejected (for example the context is too long)."""


class RateLimitError(APIError):
    """429: too many requests; retried first."""


class InternalServerError(APIError):
    """5xx: the gateway or upstream failed."""


class APIConnectionError(APIError):
    """No usable reply: DNS, refused, TLS, reset, or the connection dropped mid-answer."""

    def __str__(self) -> str:
        return "Error: Cannot connect to API server"


class APITimeoutError(APIConnectionError):
    """The connect timeout, or no byte for longer than the read timeout."""

    def __str__(self) -> str:
        return "Error: Cannot connect to API server (timed out)"


def redact(text: str, secret: str | None) -> str:
    """`text` without the key, bearer tokens, or more than a screenful of characters."""
    if secret:
        text = text.replace(secret, "***")
    text = _BEARER.sub("Bearer ***", text)
    # Some upstreams put whole stack traces in error.message; the chat shows a sentence.
    return text if len(text) <= _MAX_DETAILS else text[: _MAX_DETAILS - 1].rstrip() + "…"


def status_phrase(status: int) -> str:
    """A short phrase for a status whose body says nothing useful (empty, HTML, plain text)."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = _EXTRA_PHRASES.get(status, "Error")
    explanation = _EXPLANATIONS.get(status)
    if explanation is None and status >= 500:
        explanation = "the gateway or upstream is unavailable"
    return f"{status} {phrase}" + (f" ({explanation})" if explanation else "")


def _code_of(error: dict[str, Any]) -> str | None:
    code = error.get("code")
    if code is None or code == "":
        return None
    return str(code)


def _message_of(payload: Any) -> str | None:
    """The server's message from the shapes seen in the wild; None when there is none."""
    if not isinstance(payload, dict):
        return None
    err = payload.get("error")
    if isinstance(err, dict):
        msg = err.get("message")
        if isinstance(msg, str) and msg.strip():
            return msg.strip()
    elif isinstance(err, str) and err.strip():
        return err.strip()
    detail = payload.get("detail")  # FastAPI / vLLM / llama-cpp-python style
    if isinstance(detail, str) and detail.strip():
        return detail.strip()
    if isinstance(detail, list) and detail:
        msgs = [str(d.get("msg")) for d in detail if isinstance(d, dict) and d.get("msg")]
        if msgs:
            return "; ".join(msgs)
    msg = payload.get("message")
    if isinstance(msg, str) and msg.strip():
        return msg.strip()
    return None


def _classify(status: int | None, code: str | None) -> tuple[type[APIError], bool]:
    """(class, retryable) for a status and error code."""
    if code == "model_not_found":
        return NotFoundError, False
    if status is None:
        return APIError, False
    if status == 400 or status == 422:
        return BadRequestError, False
    if status == 401:
        return AuthenticationError, False
    if status == 403:
        return PermissionDeniedError, False
    if status == 404:
        return NotFoundError, False
    if status == 429:
        return RateLimitError, True
    if status >= 500:
        return InternalServerError, status in RETRYABLE_STATUSES
    return APIError, status in RETRYABLE_STATUSES


def error_from_response(
    status: int,
    content_type: str,
    body: bytes,
    *,
    request_id: str | None = None,
    model: str | None = None,
    secret: str | None = None,
) -> APIError:
    """The typed error for a non-2xx reply (or a 2xx one that is not a usable answer)."""
    payload: Any = None
    is_html = "html" in content_type.lower() or body.lstrip()[:1] == b"<"
    if body and not is_html:
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):  # nested too deep: not a readable body either
            payload = None
    message = _message_of(payload)
    code: str | None = None
    if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
        code = _code_of(payload["error"])
    if 200 <= status < 300:
        details = HTML_200_DETAILS if is_html else (message or "the reply was not a chat answer")
        cls: type[APIError] = APIError
        retryable = False
        if message is not None:
            cls, retryable = _classify(None, code)
    else:
        cls, retryable = _classify(status, code)
        details = message or status_phrase(status)
    err = cls(
        redact(details, secret),
        status_code=status,
        code=code,
        request_id=request_id,
        retryable=retryable,
        model=model,
    )
    if isinstance(err, NotFoundError):
        err.from_api = message is not None or code is not None
    return err


def error_from_payload(
    payload: dict[str, Any],
    *,
    status: int | None = 200,
    request_id: str | None = None,
    model: str | None = None,
    secret: str | None = None,
    partial: ChatResult | None = None,
) -> APIError:
    """The error for a ``{"error": ...}`` payload that arrived inside a stream."""
    err_obj = payload.get("error")
    code = _code_of(err_obj) if isinstance(err_obj, dict) else None
    # A stream error's own status (some gateways put one in the object) decides the class.
    inner = err_obj.get("status") if isinstance(err_obj, dict) else None
    inner_status = inner if isinstance(inner, int) and inner >= 400 else None
    cls, _ = _classify(inner_status, code)
    details = _message_of(payload) or "the server reported an error while answering"
    # Never retried: the answer had started and tokens were billed.
    return cls(
        redact(details, secret),
        status_code=status,
        code=code,
        request_id=request_id,
        retryable=False,
        partial=partial,
        model=model,
    )
