"""Item 10 of issue 11: whether a key would travel in clear text considers the proxy on the way.

An http:// request through an http (or SOCKS) proxy on another computer shows its headers, the
``Authorization`` one included, to that proxy and to every network in between, even when the
server is this computer. An https:// base URL goes through a proxy inside a CONNECT tunnel, and
an https:// proxy is reached over TLS: those keep the key encrypted on the network.
No traffic is sent here: the addresses are only classified.
"""

from __future__ import annotations

import pytest

from nebula_desktop.profile import ClearTextHop, Profile, clear_text_hop

REMOTE_PROXY = "http://10.0.0.5:3128"


@pytest.fixture(autouse=True)
def no_environment_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def profile(base_url: str, proxy: str = "", needs_key: bool = True) -> Profile:
    return Profile(id="p", name="p", base_url=base_url, proxy=proxy, needs_key=needs_key)


@pytest.mark.parametrize(
    ("base_url", "proxy", "host"),
    [
        ("http://localhost:11434/v1", REMOTE_PROXY, "10.0.0.5:3128"),
        ("http://127.0.0.1:8080/v1", "10.0.0.5:3128", "10.0.0.5:3128"),  # no scheme: http
        ("http://localhost:1234/v1", "socks5://proxy.example.com:1080", "proxy.example.com:1080"),
        ("http://localhost:1234/v1", "socks5h://proxy.example.com", "proxy.example.com"),
        # The proxy's password is never shown (nor kept in the answer).
        ("http://[::1]:8000/v1", "http://me:hunter2@gw.example.com:8080", "gw.example.com:8080"),
    ],
)
def test_plain_http_through_a_proxy_on_another_computer_sends_the_key_in_clear(
    base_url: str, proxy: str, host: str
) -> None:
    p = profile(base_url, proxy)
    assert p.sends_key_in_clear()
    assert p.clear_text_hop() == ClearTextHop(host=host, via_proxy=True)


@pytest.mark.parametrize(
    "variables",
    [
        {"HTTP_PROXY": REMOTE_PROXY},
        {"http_proxy": REMOTE_PROXY},
        {"ALL_PROXY": "socks5://10.0.0.5:1080"},
        {"HTTP_PROXY": REMOTE_PROXY, "NO_PROXY": "example.org"},  # does not cover localhost
    ],
)
def test_an_environment_proxy_counts_when_the_profile_has_none(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    hop = clear_text_hop("http://localhost:11434/v1", "")
    assert hop is not None and hop.via_proxy and hop.host.startswith("10.0.0.5:")


@pytest.mark.parametrize(
    ("base_url", "proxy"),
    [
        ("https://api.example.com/v1", REMOTE_PROXY),  # CONNECT: the key is inside TLS
        ("https://api.example.com/v1", "socks5://10.0.0.5:1080"),
        ("http://localhost:11434/v1", "https://proxy.example.com:3129"),  # TLS to the proxy
        ("http://localhost:11434/v1", "http://127.0.0.1:3128"),  # a proxy on this computer
        ("http://localhost:11434/v1", ""),
    ],
)
def test_no_false_alarm_when_the_key_stays_encrypted_or_on_this_computer(
    base_url: str, proxy: str
) -> None:
    assert clear_text_hop(base_url, proxy) is None
    assert not profile(base_url, proxy).sends_key_in_clear()


def test_no_proxy_exempts_a_local_server_from_the_environment_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", REMOTE_PROXY)
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    assert clear_text_hop("http://localhost:11434/v1", "") is None


def test_the_server_itself_is_named_when_it_is_on_another_computer() -> None:
    assert clear_text_hop("http://api.example.com/v1", "http://127.0.0.1:3128") == ClearTextHop(
        host="api.example.com", via_proxy=False
    )


def test_a_profile_without_a_key_sends_none() -> None:
    keyless = profile("http://localhost:11434/v1", REMOTE_PROXY, needs_key=False)
    assert not keyless.sends_key_in_clear() and keyless.clear_text_hop() is None
