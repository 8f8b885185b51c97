"""Every recorded gateway exchange, replayed over loopback, gives what its case file expects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nebula_desktop.api import (
    APIError,
    AuthenticationError,
    ChatClient,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from tests.conftest import CASES_DIR
from tests.servers import LoopbackServer, case_reply, load_case
from tests.unit.api.conftest import USER


def case(name: str) -> dict[str, Any]:
    (path,) = CASES_DIR.glob(f"{name}_*.json")
    return load_case(path)


def fast_retry(c: dict[str, Any]) -> dict[str, Any]:
    """The case with a tiny retry-after-ms so retries do not make the suite slow."""
    c = dict(c)
    c["headers"] = {**c["headers"], "retry-after-ms": "20"}
    return c


def replay(server: LoopbackServer, client: ChatClient, c: dict[str, Any], **kw: Any) -> Any:
    server.default["/v1/chat/completions"] = case_reply(c)
    stream = "stream" in c["name"] and "nonstream" not in c["name"]
    return client.chat("gpt-5-foo", USER, stream=stream, **kw)


def test_every_recorded_case_has_a_test_here() -> None:
    names = {p.name.split("_")[0] for p in CASES_DIR.glob("*.json")}
    source = Path(__file__).read_text(encoding="utf-8")
    missing = sorted(n for n in names if f'case("{n}")' not in source)
    assert not missing, f"recorded cases without a replay test: {missing}"


def test_01_nonstream_answer_text_usage_and_request_id(server, client) -> None:
    r = replay(server, client, case("01"))
    assert r.content == "Hello! How can I help you today?"
    assert r.finish_reason == "stop" and r.complete
    assert r.usage["total_tokens"] == 18
    assert r.request_id == "202605260930154829130575f0c8a1eQm3xT9bK"


def test_03_stream_concatenates_deltas_and_takes_usage_from_empty_choices(server, client) -> None:
    pieces: list[tuple[str, str]] = []
    r = replay(server, client, case("03"), on_delta=lambda k, t: pieces.append((k, t)))
    assert r.content == "Hello! How can I help?"
    assert "".join(t for k, t in pieces if k == "content") == r.content
    assert r.finish_reason == "stop" and r.complete
    assert r.usage is not None and r.usage["total_tokens"] > 0


def test_04_claude_thinking_goes_apart_from_the_answer(server, client) -> None:
    kinds: list[str] = []
    r = replay(server, client, case("04"), on_delta=lambda k, t: kinds.append(k))
    assert r.reasoning.startswith("The user wants a haiku about rain.")
    assert r.content.startswith("Soft rain on the roof")
    assert "haiku" not in r.content
    assert kinds.index("content") > kinds.index("reasoning")
    assert r.usage is not None and r.model == "claude-sonnet-4-20250514"


def test_06_openrouter_comments_skipped_and_reasoning_field_used(server, client) -> None:
    r = replay(server, client, case("06"))
    assert r.content == "Hi there!"
    assert r.reasoning == "Need a short greeting."
    assert r.usage is not None and r.usage["cost"] == 0.000261


def test_07_crlf_line_ends_and_ping_comments(server, client) -> None:
    r = replay(server, client, case("07"))
    assert r.content == "Line one and line two."
    assert r.complete


def test_09_data_line_and_done_split_across_reads(server, client) -> None:
    c = case("09")
    assert len(c["chunk_byte_offsets"]) > 1
    r = replay(server, client, c)
    assert r.content == "The quick brown fox jumps over the lazy dog."
    assert r.complete


def test_11_tool_call_fragments_are_joined_by_index(server, client) -> None:
    r = replay(server, client, case("11"))
    assert r.finish_reason == "tool_calls" and r.content == ""
    (call,) = r.tool_calls
    assert call["id"] == "call_Qx7mZ2pL9vB4nR1tY6wK"
    assert call["function"]["name"] == "get_weather"
    assert json.loads(call["function"]["arguments"]) == {"city": "Paris"}


def test_12_finish_reason_without_done_is_a_complete_answer(server, client) -> None:
    r = replay(server, client, case("12"))
    assert r.content == "Short answer." and r.complete


def test_12_finish_reason_then_silence_does_not_wait_for_the_idle_timeout(
    server: LoopbackServer, make_client: Any
) -> None:
    # The same stream but the server keeps the connection open: the client must not hang for
    # the whole read timeout waiting for [DONE].
    reply = case_reply(case("12"))
    reply.hang = True
    server.queue(reply)
    client = make_client(timeout=60.0)
    r = client.chat("m", USER)
    assert r.content == "Short answer." and r.complete


def test_14_midstream_error_raises_with_the_partial_answer_and_is_not_resent(
    server, client
) -> None:
    with pytest.raises(APIError) as info:
        replay(server, client, case("14"))
    err = info.value
    assert "The server had an error processing your request" in str(err)
    assert err.partial is not None and err.partial.content == "Here is the first part"
    assert not err.partial.complete
    assert err.request_id == "202605260930154829130575f0c8a1eQm3xT9bK"
    assert len(server.requests) == 1


def test_18_multiline_data_and_ignored_fields(server, client) -> None:
    r = replay(server, client, case("18"))
    assert r.content == "multi-line" and r.complete


@pytest.mark.parametrize("name", ["21", "24"])
def test_401_is_an_authentication_error_and_not_retried(server, client, name) -> None:
    with pytest.raises(AuthenticationError) as info:
        replay(server, client, case(name))
    assert str(info.value) == "Error: Invalid or unauthorized API key"
    assert info.value.status_code == 401 and info.value.request_id
    assert len(server.requests) == 1


def test_21_newapi_empty_code_is_none(server, client) -> None:
    with pytest.raises(AuthenticationError) as info:
        replay(server, client, case("21"))
    assert info.value.code is None


def test_24_openai_code_is_kept(server, client) -> None:
    with pytest.raises(AuthenticationError) as info:
        replay(server, client, case("24"))
    assert info.value.code == "invalid_api_key"


def test_25_unknown_model_404(server, client) -> None:
    with pytest.raises(NotFoundError) as info:
        replay(server, client, case("25"))
    assert str(info.value) == "Error: Model gpt-5-foo does not exist"
    assert len(server.requests) == 1


def test_26_newapi_503_model_not_found_is_not_found_and_never_retried(server, client) -> None:
    with pytest.raises(NotFoundError) as info:
        replay(server, client, case("26"))
    assert str(info.value) == "Error: Model gpt-5-foo does not exist"
    assert info.value.status_code == 503 and not info.value.retryable
    assert len(server.requests) == 1


def test_28_chinese_rate_limit_is_retried_then_shown(server, make_client) -> None:
    client = make_client(max_retries=1)
    with pytest.raises(RateLimitError) as info:
        replay(server, client, fast_retry(case("28")))
    assert str(info.value).startswith("API request failed: 您已达到请求数限制")
    assert len(server.requests) == 2


def test_28_rate_limit_without_retry_after_backs_off_then_succeeds(server, make_client) -> None:
    from tests.servers import sse_reply

    server.queue(case_reply(case("28")))
    server.queue(sse_reply(["ok"]))
    r = make_client(max_retries=1).chat("m", USER)
    assert r.content == "ok" and len(server.requests) == 2


def test_30_azure_retry_after_ms_is_honoured_and_string_code_kept(server, client) -> None:
    c = case("30")
    assert c["headers"]["retry-after-ms"] == "6437"
    with pytest.raises(RateLimitError) as info:
        replay(server, client, fast_retry(c))
    assert info.value.code == "429"
    assert len(server.requests) == 3  # the first try and two retries


def test_30_retry_after_header_value_is_read_from_the_reply() -> None:
    from nebula_desktop.api.transport_errors import retry_after as _retry_after

    assert _retry_after(case("30")["headers"]) == pytest.approx(6.437)


def test_34_nginx_html_502_is_retried_and_never_shown_as_html(server, client) -> None:
    with pytest.raises(InternalServerError) as info:
        replay(server, client, fast_retry(case("34")))
    msg = str(info.value)
    assert msg == "API request failed: 502 Bad Gateway (the gateway or upstream is unavailable)"
    assert "<" not in msg
    assert len(server.requests) == 3


def test_37_newapi_500_is_retried_then_succeeds(server, client) -> None:
    from tests.servers import sse_reply

    server.queue(case_reply(fast_retry(case("37"))))
    server.queue(sse_reply(["recovered"]))
    assert client.chat("m", USER).content == "recovered"
    assert len(server.requests) == 2


def test_38_html_page_on_200_says_to_check_the_base_url(server, client) -> None:
    for stream in (True, False):
        server.queue(case_reply(case("38")))
        with pytest.raises(APIError) as info:
            client.chat("m", USER, stream=stream)
        assert "check that the base URL ends with /v1" in str(info.value)
        assert "<" not in str(info.value)


def test_42_model_list_is_sorted_ids(server, client) -> None:
    server.queue(case_reply(case("42")), path="/v1/models")
    assert client.list_models() == [
        "claude-sonnet-4-20250514",
        "deepseek-reasoner",
        "gemini-2.5-pro",
        "gpt-4o",
        "kimi-k2.5",
    ]
    assert server.requests[0].headers["Authorization"] == f"Bearer {client._api_key}"
