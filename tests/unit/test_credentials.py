"""One rule for credentials in settings: names, values and URLs, checked in linear time."""

from __future__ import annotations

import time

import pytest

from nebula_desktop.credentials import (
    is_credential_name,
    looks_like_credential,
    scrub_data,
    scrub_url,
)

KEY = "sk-live-abcdefghijklmnopqrstuvwxyz012345"


@pytest.mark.parametrize(
    "name",
    [
        "api_key", "apiKey", "APIKEY", "X-Api-Key", "Authorization", "Proxy-Authorization",
        "auth", "X-Auth", "X-Auth-Token", "authToken", "credentials", "passwd", "password",
        "cookie", "Set-Cookie", "my_bearer", "client_secret", "OpenAI_Token", "access_token",
    ],
)  # fmt: skip
def test_credential_names_are_recognised(name: str) -> None:
    assert is_credential_name(name)


@pytest.mark.parametrize(
    "name",
    ["needs_key", "max_tokens", "max_completion_tokens", "author", "keyboard", "X-Title",
     "HTTP-Referer", "base_url", "proxy", "ca_bundle", "theme", "prompt_presets"],
)  # fmt: skip
def test_ordinary_setting_and_header_names_are_not_credentials(name: str) -> None:
    assert not is_credential_name(name)


@pytest.mark.parametrize(
    "value",
    [
        f"Bearer {KEY}",
        "bearer abcdef0123456789",
        KEY,
        f"my key is {KEY}, keep it safe",
        f"https://user:{KEY}@llm.example.com/v1",
        "http://alice:hunter2@proxy.example.com:3128",
        f"https://llm.example.com/v1?key={KEY}",
        f"https://llm.example.com/v1?x=1&access_token={KEY}",
        "https%3A%2F%2Fuser%3Apass%40host%2Fv1",
        "ghp_" + "a1" * 18,
        "AKIAABCDEFGHIJKLMNOP",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
    ],
)
def test_credential_values_are_recognised(value: str) -> None:
    assert looks_like_credential(value)


@pytest.mark.parametrize(
    "value",
    [
        "Translate everything into French.",
        "https://llm.ai-nebula.com/v1",
        "http://proxy.example.com:3128",
        "https://example.com/@someone?page=2",
        "task-1234567890abcdef",
        "Basic authentication is fine",
        "sk-learn",
        "mailto:someone@example.com",
        "",
    ],
)
def test_ordinary_values_are_not_credentials(value: str) -> None:
    assert not looks_like_credential(value)


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        (f"https://user:{KEY}@llm.example.com/v1", "https://llm.example.com/v1"),
        ("http://alice:hunter2@proxy:3128", "http://proxy:3128"),
        (f"https://h/v1?key={KEY}&x=1#t", "https://h/v1?x=1#t"),
        (f"https://h/v1#access_token={KEY}", "https://h/v1"),
        (f"https://h/v1/{KEY}/chat", ""),  # a key in the path cannot be cut out
        ("https://llm.ai-nebula.com/v1", "https://llm.ai-nebula.com/v1"),
        ("http://127.0.0.1:8080/v1?a=1&b=2", "http://127.0.0.1:8080/v1?a=1&b=2"),
        ("", ""),
    ],
)
def test_a_url_loses_its_credentials_and_nothing_else(url: str, clean: str) -> None:
    assert scrub_url(url) == clean


def test_unknown_data_keeps_what_is_not_a_credential_and_names_what_went() -> None:
    dropped: list[str] = []
    data = {
        "plugin": {"colour": "blue", "client_secret": "x", "list": [1, f"Bearer {KEY}", "ok"]},
        "mirror": f"https://bob:{KEY}@mirror.example.com/v1",
        "note": "plain text",
    }
    clean = scrub_data(data, dropped)
    assert clean == {
        "plugin": {"colour": "blue", "list": [1, "ok"]},
        "mirror": "https://mirror.example.com/v1",
        "note": "plain text",
    }
    assert sorted(dropped) == ["mirror", "plugin.client_secret", "plugin.list[1]"]
    assert KEY not in repr(dropped)


def test_deeply_nested_unknown_data_is_walked_without_recursion() -> None:
    deep: object = {"api_key": KEY, "x": 1}
    for _ in range(50_000):  # far past Python's recursion limit
        deep = {"d": [deep]}
    dropped: list[str] = []
    clean = scrub_data(deep, dropped)
    for _ in range(50_000):
        clean = clean["d"][0]
    assert clean == {"x": 1}
    assert len(dropped) == 1


def _seconds(value: str) -> float:
    start = time.perf_counter()
    looks_like_credential(value)
    return time.perf_counter() - start


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "unit",
    ["sk-", "a", "a://", "bearer ", "Bearer " + " " * 10 + "x", "eyJaaaaaaaaa.", "?key=&"],
)
def test_checking_a_value_costs_the_same_per_character_however_long(unit: str) -> None:
    small = min(_seconds(unit * 20_000) for _ in range(3))
    large = min(_seconds(unit * 200_000) for _ in range(3))
    ratio = large / max(small, 1e-6)
    assert ratio < 40  # 10x the input: linear is ~10x, quadratic would be ~100x
