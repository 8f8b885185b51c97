"""HTTP client for OpenAI-compatible chat-completions servers (no Qt).

See docs/contracts.md for the public surface; everything else in this package is internal.
"""

from __future__ import annotations

from nebula_desktop.api._transport import proxy_for
from nebula_desktop.api.client import ChatClient
from nebula_desktop.api.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from nebula_desktop.api.result import ChatResult

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ChatClient",
    "ChatResult",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "proxy_for",
]
