"""``proxy_for`` names the proxy the client really uses: checked on the wire, with a loopback
server in the role of the proxy (requests for a host that is never contacted land there)."""

from __future__ import annotations

import pytest

from nebula_desktop.api import ChatClient, proxy_for
from tests.servers import LoopbackServer, sse_reply
from tests.unit.api.conftest import USER


@pytest.fixture(autouse=True)
def no_environment_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def test_an_environment_proxy_is_used_for_a_local_server_and_named(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = f"http://127.0.0.1:{server.port}"
    monkeypatch.setenv("HTTP_PROXY", proxy)
    url = "http://localhost:9/v1"  # nothing listens on port 9: only the proxy can answer
    assert proxy_for(url + "/chat/completions", None) == proxy
    server.queue(sse_reply(["via the environment's proxy"]))
    with ChatClient(url, api_key="sk-proxy-test") as client:
        assert client.chat("m", USER).content == "via the environment's proxy"
    assert server.requests[0].target == "http://localhost:9/v1/chat/completions"
    assert server.requests[0].headers["Authorization"] == "Bearer sk-proxy-test"


def test_no_proxy_sends_a_local_server_direct_and_names_no_proxy(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens: must be skipped
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert proxy_for(server.base_url + "/chat/completions", None) is None
    server.queue(sse_reply(["direct"]))
    with ChatClient(server.base_url) as client:
        assert client.chat("m", USER).content == "direct"


def test_the_profile_proxy_wins_even_for_a_host_no_proxy_exempts(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "localhost")  # exempts from the environment's proxy only
    proxy = f"127.0.0.1:{server.port}"  # as typed, without a scheme
    url = "http://localhost:9/v1"
    assert proxy_for(url + "/chat/completions", proxy) == f"http://{proxy}"
    server.queue(sse_reply(["via the profile's proxy"]))
    with ChatClient(url, proxy=proxy) as client:
        assert client.chat("m", USER).content == "via the profile's proxy"
    assert server.requests[0].target == "http://localhost:9/v1/chat/completions"
