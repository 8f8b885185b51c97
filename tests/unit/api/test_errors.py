"""What the user reads when a request fails: the product's messages, never raw HTML or keys."""

from __future__ import annotations

import socket

import pytest

from nebula_desktop.api import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ChatClient,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from tests.servers import LoopbackServer, Reply, sse_reply
from tests.unit.api.conftest import KEY, USER

NGINX_503 = (
    b"<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n"
    b"<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body></html>"
)


def fail(server: LoopbackServer, client: ChatClient, reply: Reply, **kw) -> APIError:
    server.default["/v1/chat/completions"] = reply
    with pytest.raises(APIError) as info:
        client.chat("gpt-x", USER, **kw)
    return info.value


def test_empty_429_is_a_rate_limit_with_a_status_phrase(server, make_client) -> None:
    err = fail(server, make_client(max_retries=0), Reply(429, {}, []))
    assert isinstance(err, RateLimitError) and err.retryable
    assert (
        str(err) == "API request failed: 429 Too Many Requests (rate limited — try again shortly)"
    )


def test_html_503_shows_a_phrase_not_the_page(server, make_client) -> None:
    err = fail(
        server, make_client(max_retries=0), Reply(503, {"Content-Type": "text/html"}, [NGINX_503])
    )
    assert isinstance(err, InternalServerError)
    assert str(err) == (
        "API request failed: 503 Service Unavailable (the gateway or upstream is unavailable)"
    )


def test_html_error_labelled_as_event_stream_is_still_an_error(server, make_client) -> None:
    reply = Reply(502, {"Content-Type": "text/event-stream"}, [b"<html>bad gateway</html>"])
    err = fail(server, make_client(max_retries=0), reply)
    assert isinstance(err, InternalServerError) and "<" not in str(err)


def test_json_error_on_an_event_stream_status_500(server, make_client) -> None:
    body = b'{"error":{"message":"upstream error: do request failed","code":"do_request_failed"}}'
    reply = Reply(500, {"Content-Type": "text/event-stream"}, [body])
    err = fail(server, make_client(max_retries=0), reply)
    assert str(err) == "API request failed: upstream error: do request failed"


def test_200_with_error_object_is_an_error(server, client) -> None:
    reply = Reply.json(200, {"error": {"message": "quota exhausted", "code": "insufficient_quota"}})
    err = fail(server, client, reply, stream=False)
    assert str(err) == "API request failed: quota exhausted"
    assert err.code == "insufficient_quota" and len(server.requests) == 1


def test_200_json_without_choices_is_an_error(server, client) -> None:
    err = fail(server, client, Reply.json(200, {"object": "something else"}), stream=False)
    assert type(err) is APIError and str(err).startswith("API request failed: ")


@pytest.mark.parametrize("status", [200, 500])
def test_json_nested_too_deep_is_a_sentence_not_a_crash(server, make_client, status) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000  # valid JSON, too deep for any parser's stack
    reply = Reply(status, {"Content-Type": "application/json"}, [deep])
    err = fail(server, make_client(max_retries=0), reply, stream=False)
    assert str(err).startswith("API request failed: ") and "[[" not in str(err)
    server.queue(Reply(200, {"Content-Type": "application/json"}, [deep]), path="/v1/models")
    with pytest.raises(APIError, match=r"^API request failed: "):  # as any unreadable body
        make_client().list_models()


def test_fastapi_detail_401_is_an_authentication_error(server, client) -> None:
    err = fail(server, client, Reply.json(401, {"detail": "Invalid API Key"}))
    assert isinstance(err, AuthenticationError)
    assert str(err) == "Error: Invalid or unauthorized API key"
    assert err.details == "Invalid API Key"


def test_fastapi_validation_detail_list(server, client) -> None:
    detail = [{"loc": ["body", "messages"], "msg": "field required", "type": "missing"}]
    err = fail(server, client, Reply.json(422, {"detail": detail}))
    assert isinstance(err, BadRequestError) and str(err) == "API request failed: field required"


def test_plain_text_error_body(server, make_client) -> None:
    reply = Reply(500, {"Content-Type": "text/plain"}, [b"Internal Server Error"])
    err = fail(server, make_client(max_retries=0), reply)
    assert (
        str(err)
        == "API request failed: 500 Internal Server Error (the server had an internal error)"
    )


def test_413_from_nginx_says_request_too_large(server, client) -> None:
    reply = Reply(
        413, {"Content-Type": "text/html"}, [b"<html>413 Request Entity Too Large</html>"]
    )
    err = fail(server, client, reply)
    assert "request too large" in str(err) and not err.retryable


def test_403_quota_is_permission_denied_with_server_details(server, client) -> None:
    body = {"error": {"message": "用户额度不足", "code": "insufficient_user_quota"}}
    err = fail(server, client, Reply.json(403, body))
    assert isinstance(err, PermissionDeniedError)
    assert str(err) == "API request failed: 用户额度不足" and len(server.requests) == 1


def test_context_too_long_is_bad_request(server, client) -> None:
    body = {
        "error": {"message": "maximum context length is 8192", "code": "context_length_exceeded"}
    }
    err = fail(server, client, Reply.json(400, body))
    assert isinstance(err, BadRequestError) and err.code == "context_length_exceeded"
    assert len(server.requests) == 1


def test_404_html_blames_the_base_url_not_the_model(server, client) -> None:
    err = fail(server, client, Reply(404, {"Content-Type": "text/html"}, [b"<h1>Not Found</h1>"]))
    assert isinstance(err, NotFoundError)
    assert "does not exist" not in str(err) and "/v1" in str(err)


def test_request_id_from_x_request_id(server, client) -> None:
    reply = Reply.json(400, {"error": {"message": "bad"}}, {"x-request-id": "req_abc"})
    assert fail(server, client, reply).request_id == "req_abc"


def test_connection_refused_is_cannot_connect(make_client) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = ChatClient(f"http://127.0.0.1:{port}/v1", api_key=KEY, max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        client.chat("m", USER)
    assert str(info.value) == "Error: Cannot connect to API server"
    assert info.value.details == "connection refused" and info.value.retryable
    client.close()


def test_no_reply_within_timeout_is_timed_out(server, make_client) -> None:
    server.queue(Reply(200, {}, [b"late"], head_delay=30))
    with pytest.raises(APITimeoutError) as info:
        make_client(timeout=0.2, max_retries=0).chat("m", USER)
    assert str(info.value) == "Error: Cannot connect to API server (timed out)"
    assert isinstance(info.value, APIConnectionError)


def test_invalid_base_url_is_a_connection_error() -> None:
    client = ChatClient("llm.example.com/v1", max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        client.chat("m", USER)
    assert info.value.details == "the base URL is not valid"


@pytest.mark.parametrize(
    "reply",
    [
        Reply.json(401, {"error": {"message": f"Incorrect API key provided: {KEY}"}}),
        Reply.json(400, {"detail": f"bad header Authorization: Bearer {KEY}"}),
        sse_reply([f"echo {KEY}"], finish_reason=None, done=False),
    ],
    ids=["401-echo", "detail-echo", "partial-stream"],
)
def test_the_key_never_appears_in_an_error(server, client, reply) -> None:
    err = fail(server, client, reply)
    for text in (str(err), repr(err), err.details, str(err.args)):
        assert KEY not in text
    assert KEY not in repr(client)


def test_the_key_is_not_in_a_midstream_error(server, client) -> None:
    body = (
        b'data: {"choices":[{"delta":{"content":"a"}}]}\n\n'
        b'data: {"error":{"message":"bad key ' + KEY.encode() + b'"}}\n\n'
    )
    err = fail(server, client, Reply(200, {"Content-Type": "text/event-stream"}, [body]))
    assert KEY not in str(err) and KEY not in repr(err) and "***" in err.details


def test_models_list_errors_are_typed(server, client) -> None:
    server.queue(Reply.json(401, {"error": {"message": "no"}}), path="/v1/models")
    with pytest.raises(AuthenticationError):
        client.list_models()
    server.queue(Reply(200, {"Content-Type": "text/html"}, [b"<html></html>"]), path="/v1/models")
    with pytest.raises(APIError, match="base URL ends with /v1"):
        client.list_models()


def test_pasted_key_with_trailing_newline_is_trimmed(server, make_client) -> None:
    server.queue(sse_reply(["ok"]))
    make_client(api_key=f"  {KEY}\n").chat("m", USER)
    assert server.requests[0].headers["Authorization"] == f"Bearer {KEY}"


def test_key_that_http_cannot_carry_is_an_authentication_error(server, make_client) -> None:
    with pytest.raises(AuthenticationError) as info:
        make_client(api_key="sk-abc\u200bdef").chat("m", USER)
    assert "cannot be sent" in info.value.details
    assert server.requests == []


def test_bad_extra_header_is_explained(server, make_client) -> None:
    with pytest.raises(APIConnectionError) as info:
        make_client(extra_headers={"X-Team": "ünïcödé ☃"}).chat("m", USER)
    assert "header" in info.value.details and not info.value.retryable


def test_non_stream_finish_reason_error_is_a_failure(server, client) -> None:
    completion = {"choices": [{"message": {"content": "half"}, "finish_reason": "error"}]}
    err = fail(server, client, Reply.json(200, completion), stream=False)
    assert err.partial is not None and err.partial.content == "half"
    assert len(server.requests) == 1


def test_huge_server_message_is_shortened(server, client) -> None:
    err = fail(server, client, Reply.json(400, {"error": {"message": "trace line\n" * 5000}}))
    assert len(err.details) <= 600 and err.details.endswith("…")
