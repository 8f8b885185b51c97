"""Streams as users see them: text arrives promptly, nothing received is ever lost."""

from __future__ import annotations

import json
import threading

import pytest

from nebula_desktop.api import APIConnectionError, APIError, ChatResult
from tests.servers import LoopbackServer, Reply, sse_reply
from tests.unit.api.conftest import USER

SSE = {"Content-Type": "text/event-stream"}


def event(delta: dict, finish: str | None = None) -> bytes:
    chunk = {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n"


def test_chinese_split_mid_character_is_not_mangled(server: LoopbackServer, client) -> None:
    body = event({"content": "你好"}) + event({}, "stop") + b"data: [DONE]\n\n"
    cut = body.index("你".encode()) + 1  # inside the three bytes of 你
    server.queue(Reply(200, SSE, [body[:cut], body[cut : cut + 2], body[cut + 2 :]]))
    r = client.chat("m", USER)
    assert r.content == "你好" and r.complete


def test_first_words_after_a_byte_order_mark_are_kept(server: LoopbackServer, client) -> None:
    # Some Windows-hosted gateways start the stream with a UTF-8 BOM; SSE says to skip it.
    body = "\ufeff".encode() + event({"content": "First"}) + event({"content": " words"})
    server.queue(Reply(200, SSE, [body[:2], body[2:] + event({}, "stop") + b"data: [DONE]\n\n"]))
    r = client.chat("m", USER)
    assert r.content == "First words" and r.complete


def test_damaged_events_are_skipped_and_the_answer_kept(server: LoopbackServer, client) -> None:
    nested = b'{"choices": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"  # too deep for json
    body = (
        event({"content": "Hello"})
        + b'data: {"choices": [{"delta": {"content": "lost"}}]} trailing\n\n'
        + b"data: " + nested + b"\n\n"
        + b'data: {"choices": [{"delta": {"content": " world"}}]} \t\n\n'  # JSON allows it
        + event({}, "stop")
        + b"data: [DONE]\n\n"
    )  # fmt: skip
    server.queue(Reply(200, SSE, [body]))
    r = client.chat("m", USER)
    assert r.content == "Hello world" and r.complete


def test_event_stream_without_charset_is_decoded_as_utf8(server, client) -> None:
    server.queue(sse_reply(["héllo ", "wörld ", "😀"]))
    assert client.chat("m", USER).content == "héllo wörld 😀"


def test_first_token_reaches_the_caller_before_the_stream_ends(server, client) -> None:
    # The server sends one token and then waits; the caller must see it while it waits.
    seen = threading.Event()
    release = threading.Event()

    def reply(_rec):
        return Reply(200, SSE, [event({"content": "first"})], hang=True)

    server.queue(reply)
    cancel = threading.Event()

    def on_delta(kind: str, text: str) -> None:
        seen.set()
        cancel.set()
        release.set()

    r = client.chat("m", USER, on_delta=on_delta, cancel=cancel)
    assert seen.is_set() and r.content == "first" and r.cancelled


def test_truncated_stream_without_finish_reason_raises_and_keeps_the_text(server, client) -> None:
    server.queue(sse_reply(["Once upon", " a time"], finish_reason=None, done=False))
    with pytest.raises(APIError) as info:
        client.chat("m", USER)
    err = info.value
    assert "cut off" in str(err)
    assert isinstance(err.partial, ChatResult)
    assert err.partial.content == "Once upon a time" and not err.partial.complete
    assert len(server.requests) == 1


def test_done_without_finish_reason_is_incomplete(server, client) -> None:
    server.queue(sse_reply(["half"], finish_reason=None, done=True))
    with pytest.raises(APIError) as info:
        client.chat("m", USER)
    assert info.value.partial is not None and info.value.partial.content == "half"


def test_dropped_connection_mid_answer_keeps_partial_and_is_not_retried(server, client) -> None:
    reply = sse_reply(["Partial ", "answer"])
    reply.abort_after = 3  # role chunk and both content chunks, then a reset
    server.queue(reply)
    with pytest.raises(APIConnectionError) as info:
        client.chat("m", USER)
    err = info.value
    assert str(err) == "Error: Cannot connect to API server"
    assert err.partial is not None and err.partial.content == "Partial answer"
    assert not err.partial.complete
    assert len(server.requests) == 1


def test_half_line_at_eof_is_incomplete(server, client) -> None:
    body = event({"content": "kept"}) + b'data: {"choices":[{"delta":{"content":"lo'
    server.queue(Reply(200, SSE, [body]))
    with pytest.raises(APIError) as info:
        client.chat("m", USER)
    assert info.value.partial is not None and info.value.partial.content == "kept"


def test_bare_error_line_without_data_prefix_is_an_error_with_partial(server, client) -> None:
    body = (
        event({"content": "Some text"})
        + b'{"error":{"message":"upstream closed","type":"new_api_error","code":"bad_response"}}\n'
    )
    server.queue(Reply(200, SSE, [body]))
    with pytest.raises(APIError) as info:
        client.chat("m", USER)
    err = info.value
    assert str(err) == "API request failed: upstream closed"
    assert err.code == "bad_response"
    assert err.partial is not None and err.partial.content == "Some text"


def test_bare_error_line_at_eof_without_newline(server, client) -> None:
    body = event({"content": "x"}) + b'{"error":{"message":"boom"}}'
    server.queue(Reply(200, SSE, [body]))
    with pytest.raises(APIError, match="boom"):
        client.chat("m", USER)


def test_finish_reason_error_is_a_failure(server, client) -> None:
    body = event({"content": "abc"}) + event({}, "error") + b"data: [DONE]\n\n"
    server.queue(Reply(200, SSE, [body]))
    with pytest.raises(APIError) as info:
        client.chat("m", USER)
    assert info.value.partial is not None and info.value.partial.content == "abc"
    assert not info.value.partial.complete


def test_length_finish_reason_is_reported(server, client) -> None:
    server.queue(sse_reply(["cut by the limit"], finish_reason="length"))
    r = client.chat("m", USER)
    assert r.finish_reason == "length" and r.complete


def test_inline_think_tags_straddling_chunks_become_reasoning(server, client) -> None:
    pieces = ["<thi", "nk>Let me th", "ink.</th", "ink>\n\nThe answer", " is 4."]
    server.queue(sse_reply(pieces))
    deltas: list[tuple[str, str]] = []
    r = client.chat("m", USER, on_delta=lambda k, t: deltas.append((k, t)))
    assert r.reasoning == "Let me think."
    assert r.content == "The answer is 4."
    assert all("<" not in t for _, t in deltas)


def test_very_long_line_is_accepted(server, client) -> None:
    big = "x" * 400_000
    body = event({"content": big}) + event({}, "stop") + b"data: [DONE]\n\n"
    chunks = [body[i : i + 1000] for i in range(0, len(body), 1000)]
    server.queue(Reply(200, SSE, chunks))
    assert client.chat("m", USER).content == big


def test_streaming_request_sends_usage_option_and_bearer_key(server, client) -> None:
    server.queue(sse_reply(["ok"]))
    client.chat("gpt-4o", USER, temperature=0.2, max_tokens=50)
    rec = server.requests[0]
    assert rec.method == "POST" and rec.path == "/v1/chat/completions"
    assert rec.json["stream"] is True
    assert rec.json["stream_options"] == {"include_usage": True}
    assert rec.json["max_tokens"] == 50 and rec.json["temperature"] == 0.2
    assert rec.json["messages"] == USER and rec.json["model"] == "gpt-4o"
    assert rec.headers["Authorization"].startswith("Bearer sk-")


def test_no_key_sends_no_authorization_header(server, make_client) -> None:
    server.queue(sse_reply(["ok"]))
    make_client(api_key=None).chat("m", USER)
    server.queue(sse_reply(["ok"]))
    make_client(api_key="").chat("m", USER)
    assert all("Authorization" not in r.headers for r in server.requests)


def test_extra_headers_are_sent(server, make_client) -> None:
    server.queue(sse_reply(["ok"]))
    make_client(extra_headers={"X-Title": "Nebula"}).chat("m", USER)
    assert server.requests[0].headers["X-Title"] == "Nebula"


def test_non_stream_reply_to_a_stream_request_is_accepted(server, client) -> None:
    completion = {
        "choices": [{"message": {"content": "whole"}, "finish_reason": "stop"}],
        "model": "m",
    }
    server.queue(Reply.json(200, completion))
    r = client.chat("m", USER)
    assert r.content == "whole" and r.complete


def test_non_stream_call_reports_content_to_on_delta(server, client) -> None:
    completion = {"choices": [{"message": {"content": "hello"}, "finish_reason": "stop"}]}
    server.queue(Reply.json(200, completion))
    seen: list[tuple[str, str]] = []
    r = client.chat("m", USER, stream=False, on_delta=lambda k, t: seen.append((k, t)))
    assert r.content == "hello" and seen == [("content", "hello")]
    assert server.requests[0].json["stream"] is False
    assert "stream_options" not in server.requests[0].json


def test_idle_stream_times_out_with_partial(server, make_client) -> None:
    server.queue(Reply(200, SSE, [event({"content": "slow"})], hang=True))
    client = make_client(timeout=0.3, max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        client.chat("m", USER)
    assert str(info.value) == "Error: Cannot connect to API server (timed out)"
    assert info.value.partial is not None and info.value.partial.content == "slow"


def test_requests_go_through_the_configured_proxy(server: LoopbackServer) -> None:
    from nebula_desktop.api import ChatClient

    # The loopback server plays the proxy: the client must send it the absolute URL of an
    # endpoint it could never reach directly.
    server.queue(sse_reply(["via proxy"]))
    client = ChatClient("http://llm.nebula.invalid/v1", proxy=f"http://127.0.0.1:{server.port}")
    assert client.chat("m", USER).content == "via proxy"
    assert server.requests[0].target == "http://llm.nebula.invalid/v1/chat/completions"
    client.close()


def test_profile_proxy_wins_over_the_environment(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nebula_desktop.api import ChatClient

    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    server.queue(sse_reply(["profile proxy"]))
    client = ChatClient("http://llm.nebula.invalid/v1", proxy=f"http://127.0.0.1:{server.port}")
    assert client.chat("m", USER).content == "profile proxy"
    client.close()


def test_error_after_the_answer_finished_does_not_fail_it(server, client) -> None:
    body = (
        event({"content": "All done."})
        + event({}, "stop")
        + b'data: {"error":{"message":"usage accounting failed"}}\n\n'
        + b"data: [DONE]\n\n"
    )
    server.queue(Reply(200, SSE, [body]))
    r = client.chat("m", USER)
    assert r.content == "All done." and r.complete


def test_an_emoji_split_across_two_events_arrives_whole(server, client) -> None:
    # Some servers cut a UTF-16 surrogate pair between events ("\ud83d" then "\ude00").
    def raw(content: str) -> bytes:  # JSON-escaped like those servers send it
        return (
            b'data: {"choices":[{"index":0,"delta":{"content":"' + content.encode() + b'"}}]}\n\n'
        )

    body = (
        raw("smile \\ud83d")
        + raw("\\ude00 and half \\ud83d")
        + event({}, "stop")
        + b"data: [DONE]\n\n"
    )
    server.queue(Reply(200, SSE, [body]))
    deltas: list[str] = []
    r = client.chat("m", USER, on_delta=lambda _k, t: deltas.append(t))
    assert r.content == "smile 😀 and half \ud83d"  # a half with no partner stays as it came
    assert "".join(deltas) == r.content


def test_a_broken_emoji_in_an_earlier_answer_can_be_sent_again(server, client) -> None:
    server.queue(sse_reply(["fine"]))
    history = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "half \ud83d emoji"},
        {"role": "user", "content": "again"},
    ]
    assert client.chat("m", history).content == "fine"  # used to fail encoding the request
    assert server.requests[0].json["messages"] == history
