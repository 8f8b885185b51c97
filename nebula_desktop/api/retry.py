"""Retry policy for one API call (protocol.md): when to try again, and how long to wait.

Only before any part of the answer arrived, only for transient failures (connection trouble,
429, 5xx other than 524), never for a model that does not exist, honouring the server's
``x-should-retry`` and ``Retry-After`` hints; otherwise exponential back-off with jitter.
The caller's cancel event is honoured between tries too.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from nebula_desktop.api._transport import CallGuard
from nebula_desktop.api.errors import APIError
from nebula_desktop.api.result import ChatResult
from nebula_desktop.api.transport_errors import retry_after

__all__ = ["Cancelled", "retry_delay", "with_retries"]

_T = TypeVar("_T")
log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Internal to ``api``: the caller's cancel event stopped the call."""

    def __init__(self, partial: ChatResult | None = None) -> None:
        super().__init__("cancelled")
        self.partial = partial


def with_retries(
    attempt: Callable[[CallGuard], _T], cancel: threading.Event | None, max_retries: int
) -> _T:
    """Run ``attempt`` with a fresh ``CallGuard``, again after a retryable ``APIError``.

    Raises ``Cancelled`` when ``cancel`` is set before or between tries (or the attempt saw it).
    """
    tries = 0
    while True:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        try:
            with CallGuard(cancel) as guard:
                if guard.cancelled:
                    raise Cancelled()
                return attempt(guard)
        except APIError as err:
            delay = retry_delay(err, tries, max_retries)
            if delay is None:
                raise
            tries += 1
            # Never the message text or the key: status, code, request id and the wait.
            log.info(
                "retry %d/%d in %.2f s after %s (status %s, code %s, request id %s)",
                tries, max_retries, delay, type(err).__name__,
                err.status_code, err.code, err.request_id,
            )  # fmt: skip
            if cancel is not None:
                if cancel.wait(delay):
                    raise Cancelled() from None
            else:
                time.sleep(delay)


def retry_delay(err: APIError, tries: int, max_retries: int) -> float | None:
    """Seconds to wait before trying again, or None when this error must not be retried."""
    if tries >= max_retries:
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
