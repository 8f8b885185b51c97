"""Reading a streamed chat answer (server-sent events) off the wire.

The body is read as raw bytes with ``read1`` so each network read is handed over at once
(tokens arrive promptly), decoded by our own SSE decoder, accumulated, and reported through
``on_delta`` once per read and kind. It ends on ``[DONE]``, on the end of the body, or shortly
after ``finish_reason`` (some servers never send ``[DONE]``); junk that is not a stream, a
transport failure or the caller's cancel end it with the partial answer attached.

Memory is bounded whatever the server sends: one event (the lines of an event whose blank line
never comes included) holds at most 8 MB, and so does junk before the first chat event; past
that the answer ends as incomplete with a sentence. The answer's text itself is not capped: it
is on screen as it grows, and Stop ends it.
"""

from __future__ import annotations

import json
from typing import NoReturn

import requests

from nebula_desktop.api._transport import CallGuard
from nebula_desktop.api.accumulate import Accumulator, AnswerTooLarge, DeltaBatch, DeltaCallback
from nebula_desktop.api.errors import (
    CUT_OFF_DETAILS,
    NOT_A_STREAM_DETAILS,
    OVERSIZED_EVENT_DETAILS,
    OVERSIZED_IMAGE_DETAILS,
    APIConnectionError,
    APIError,
    APITimeoutError,
    error_from_payload,
    redact,
)
from nebula_desktop.api.result import ChatResult
from nebula_desktop.api.retry import Cancelled
from nebula_desktop.api.sse import SSEDecoder
from nebula_desktop.api.transport_errors import PERMANENT, describe

READ_SIZE = 65536  # read1 returns whatever has arrived, up to this: no waiting to fill it
# A stream that sends this much before its first chat event is junk (a misconfigured proxy, a
# binary download), and one event bigger than this is a runaway: end it with an error instead
# of holding it in memory or waiting forever. Real events are a few hundred bytes; the largest
# seen, ~1 MB.
MAX_EVENT = 8 * 1024 * 1024
_TRAILER_GRACE = 2.0  # after finish_reason, how long to wait for usage / [DONE]
_JSON_SPACE = " \t\n\r"  # what JSON allows after a value


def read_stream(
    resp: requests.Response,
    guard: CallGuard,
    on_delta: DeltaCallback | None,
    rid: str | None,
    timeout: float,
    secret: str | None,
) -> ChatResult:
    """Read the whole streamed answer of ``resp``; raise an ``APIError`` (with ``partial``).

    ``timeout`` is the client's read timeout (the trailer wait never exceeds it); ``secret``
    (the API key) is redacted from any error text.
    """
    batch = DeltaBatch(on_delta) if on_delta is not None else None
    acc = Accumulator(batch.add if batch is not None else None)
    try:
        return _read_events(resp, guard, acc, batch, rid, timeout, secret)
    except AnswerTooLarge as exc:
        raise APIError(
            str(exc), status_code=resp.status_code, request_id=rid, partial=acc.result(rid)
        ) from None
    finally:
        if batch is not None:
            batch.flush()  # what arrived before an error or a cancel is still reported


def connection_error(exc: BaseException, secret: str | None) -> APIConnectionError:
    """The product's error for a transport failure (timeouts are ``APITimeoutError``)."""
    details = redact(describe(exc), secret)
    cls = APITimeoutError if details == "timed out" else APIConnectionError
    # A malformed URL or header fails the same way every time: don't wait to repeat it.
    return cls(details, retryable=details not in PERMANENT)


def _read_events(
    resp: requests.Response,
    guard: CallGuard,
    acc: Accumulator,
    batch: DeltaBatch | None,
    rid: str | None,
    timeout: float,
    secret: str | None,
) -> ChatResult:
    decoder = SSEDecoder(limit=MAX_EVENT)
    read1 = resp.raw.read1
    feed = decoder.feed
    loads = json.loads
    # Each event is one JSON object: raw_decode runs json's C scanner without the Python
    # layers of json.loads around it (~1.0 instead of ~1.7 µs for a typical chunk).
    raw_decode = json.JSONDecoder().raw_decode
    add = acc.add
    trailer = False
    noise = 0  # bytes received before the first chat event
    while True:
        try:
            chunk = read1(READ_SIZE, decode_content=True)
        except Exception as exc:  # any transport failure ends the stream
            if guard.cancelled:
                raise Cancelled(acc.result(rid, cancelled=True)) from None
            if acc.finish_reason is not None and acc.finish_reason != "error":
                return acc.result(rid)  # the answer was whole; only the trailer is missing
            err = connection_error(exc, secret)
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
        if noise > MAX_EVENT:
            _junk(NOT_A_STREAM_DETAILS, resp, acc, rid)
        for payload in payloads:
            if payload[:1] != "{":
                if payload == "[DONE]":
                    if acc.finish_reason is not None:
                        drain(resp, guard)
                    return _stream_end(acc, rid, guard)
                continue
            try:
                obj, end = raw_decode(payload)
            except (ValueError, RecursionError):  # nested too deep is damaged too
                continue  # a damaged event must not lose the rest of the answer
            if end != len(payload) and payload[end:].strip(_JSON_SPACE):
                continue  # more after the object: json.loads would refuse it too
            if obj.get("error"):
                if trailer:
                    # The answer already finished; a gateway's trailing complaint (often
                    # about usage accounting) must not turn a whole answer into a failure.
                    continue
                raise error_from_payload(
                    obj, request_id=rid, secret=secret, partial=acc.result(rid)
                )
            add(obj)
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
                guard.set_read_timeout(min(timeout, _TRAILER_GRACE))
        if decoder.overflow:  # after the events completed before it: they are the answer's
            _junk(
                _oversized(decoder.dropped_head) if noise < 0 else NOT_A_STREAM_DETAILS,
                resp,
                acc,
                rid,
            )
        if batch is not None:
            batch.flush()
    for payload in decoder.close():
        if payload == "[DONE]":
            break
        try:
            obj = loads(payload)
        except (ValueError, RecursionError):
            continue
        if isinstance(obj, dict) and obj.get("error") and not trailer:
            raise error_from_payload(obj, request_id=rid, secret=secret, partial=acc.result(rid))
        acc.add(obj)
    return _stream_end(acc, rid, guard)


def _oversized(head: bytes) -> str:
    """What to say of an event past the cap: an image (a generated picture sent in one event)
    or anything else."""
    if b"data:image/" in head or b'"image_url"' in head or b'"images"' in head:
        return OVERSIZED_IMAGE_DETAILS
    return OVERSIZED_EVENT_DETAILS


def _junk(details: str, resp: requests.Response, acc: Accumulator, rid: str | None) -> NoReturn:
    """End the stream (never retried: the same junk would come again) with what arrived."""
    raise APIError(details, status_code=resp.status_code, request_id=rid, partial=acc.result(rid))


def _stream_end(acc: Accumulator, rid: str | None, guard: CallGuard) -> ChatResult:
    """The result at the end of the stream; raises when it was cancelled or cut off."""
    if guard.cancelled:
        raise Cancelled(acc.result(rid, cancelled=True))
    result = acc.result(rid)
    if result.complete:
        return result
    details = CUT_OFF_DETAILS if acc.received else "the server ended the stream without an answer"
    raise APIError(details, status_code=200, request_id=rid, partial=result)


def drain(resp: requests.Response, guard: CallGuard) -> None:
    """Read the few bytes after ``[DONE]`` so the keep-alive connection can be reused.

    Saves a TCP and TLS handshake on the next message. A server that keeps the body open is
    given a fraction of a second, then the connection is simply closed.
    """
    guard.set_read_timeout(0.2)
    try:
        for _ in range(4):
            if not resp.raw.read1(READ_SIZE, decode_content=True):
                resp.raw.release_conn()
                return
    except Exception:  # the answer is complete; the connection is expendable
        return
