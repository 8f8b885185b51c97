"""Retries: only transient failures, only before any answer arrived, as the server asks."""

from __future__ import annotations

import pytest

from nebula_desktop.api import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from nebula_desktop.api.transport_errors import retry_after as _retry_after
from tests.servers import LoopbackServer, Reply, sse_reply
from tests.unit.api.conftest import USER

QUICK = {"retry-after-ms": "30"}


def error(status: int, code: str = "", headers: dict[str, str] | None = None) -> Reply:
    return Reply.json(status, {"error": {"message": f"err {status}", "code": code}}, headers)


def test_429_with_retry_after_is_retried_then_succeeds(server: LoopbackServer, client) -> None:
    server.queue(error(429, headers={"retry-after-ms": "50"}))
    server.queue(error(429, headers={"Retry-After": "0.05"}))
    server.queue(sse_reply(["third time lucky"]))
    r = client.chat("m", USER)
    assert r.content == "third time lucky"
    assert len(server.requests) == 3


def test_at_most_two_retries_by_default(server, client) -> None:
    server.default["/v1/chat/completions"] = error(503, headers=QUICK)
    with pytest.raises(InternalServerError):
        client.chat("m", USER)
    assert len(server.requests) == 3


def test_max_retries_zero_sends_once(server, make_client) -> None:
    server.default["/v1/chat/completions"] = error(429, headers=QUICK)
    with pytest.raises(RateLimitError):
        make_client(max_retries=0).chat("m", USER)
    assert len(server.requests) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 413, 422])
def test_client_errors_are_not_retried(server, client, status) -> None:
    server.default["/v1/chat/completions"] = error(status, headers=QUICK)
    with pytest.raises(APIError):
        client.chat("m", USER)
    assert len(server.requests) == 1


def test_401_not_retried(server, client) -> None:
    server.default["/v1/chat/completions"] = error(401, headers=QUICK)
    with pytest.raises(AuthenticationError):
        client.chat("m", USER)
    assert len(server.requests) == 1


def test_503_model_not_found_never_retried_even_if_the_server_says_so(server, client) -> None:
    headers = {**QUICK, "x-should-retry": "true"}
    server.default["/v1/chat/completions"] = error(503, "model_not_found", headers)
    with pytest.raises(NotFoundError):
        client.chat("m", USER)
    assert len(server.requests) == 1


def test_524_is_never_retried(server, client) -> None:
    page = Reply(524, {"Content-Type": "text/html", **QUICK}, [b"<html>timeout</html>"])
    server.default["/v1/chat/completions"] = page
    with pytest.raises(InternalServerError) as info:
        client.chat("m", USER)
    assert len(server.requests) == 1 and not info.value.retryable
    assert "524" in str(info.value) and "<" not in str(info.value)


def test_x_should_retry_false_stops_retries(server, client) -> None:
    headers = {**QUICK, "x-should-retry": "false"}
    server.default["/v1/chat/completions"] = error(503, headers=headers)
    with pytest.raises(InternalServerError):
        client.chat("m", USER)
    assert len(server.requests) == 1


def test_x_should_retry_true_retries_an_otherwise_final_status(server, client) -> None:
    server.queue(error(400, headers={**QUICK, "x-should-retry": "true"}))
    server.queue(sse_reply(["ok"]))
    assert client.chat("m", USER).content == "ok"
    assert len(server.requests) == 2


def test_nothing_is_retried_after_partial_output(server, client) -> None:
    dropped = sse_reply(["billed ", "text"])
    dropped.abort_after = 2
    server.queue(dropped)
    server.queue(sse_reply(["should never be requested"]))
    with pytest.raises(APIConnectionError) as info:
        client.chat("m", USER)
    assert info.value.partial is not None and info.value.partial.content == "billed "
    assert len(server.requests) == 1


def test_a_reset_before_any_answer_is_retried(server, client) -> None:
    reset = sse_reply(["never seen"])
    reset.abort_after = 0
    server.queue(reset)
    server.queue(sse_reply(["second try"]))
    assert client.chat("m", USER).content == "second try"
    assert len(server.requests) == 2


def test_midstream_error_payload_is_not_retried(server, client) -> None:
    body = b'data: {"error":{"message":"overloaded","type":"server_error"}}\n\ndata: [DONE]\n\n'
    server.queue(Reply(200, {"Content-Type": "text/event-stream"}, [body]))
    server.queue(sse_reply(["nope"]))
    with pytest.raises(APIError, match="overloaded"):
        client.chat("m", USER)
    assert len(server.requests) == 1


def test_retries_send_the_same_request(server, client) -> None:
    server.queue(error(502, headers=QUICK))
    server.queue(sse_reply(["ok"]))
    client.chat("m", USER, max_tokens=9)
    first, second = server.wait_requests(2)
    assert first.body == second.body


def test_model_list_is_retried_too(server, client) -> None:
    server.queue(error(502, headers=QUICK), path="/v1/models")
    server.queue(Reply.json(200, {"data": [{"id": "b"}, {"id": "a"}]}), path="/v1/models")
    assert client.list_models() == ["a", "b"]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0"}, None),
        ({"retry-after": "120"}, None),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_parsing(headers, expected) -> None:
    assert _retry_after(headers) == expected


def test_retry_after_http_date() -> None:
    import time
    from email.utils import formatdate

    wait = _retry_after({"retry-after": formatdate(time.time() + 30, usegmt=True)})
    assert wait is not None and 25 < wait <= 31
