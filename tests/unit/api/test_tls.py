"""HTTPS: a private CA bundle is honoured, an untrusted certificate is explained, Stop works."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nebula_desktop.api import APIConnectionError, ChatClient
from tests.servers import LoopbackServer, make_cert, sse_reply
from tests.unit.api.conftest import USER

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    return make_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def https(cert: tuple[str, str]) -> Iterator[LoopbackServer]:
    with LoopbackServer(tls=cert) as srv:
        yield srv


def test_private_ca_bundle_is_trusted(https: LoopbackServer, cert: tuple[str, str]) -> None:
    https.queue(sse_reply(["secure 你好"]))
    client = ChatClient(https.base_url, api_key="k", ca_bundle=cert[0])
    assert client.chat("m", USER).content == "secure 你好"
    client.close()


def test_untrusted_certificate_is_explained(https: LoopbackServer) -> None:
    client = ChatClient(https.base_url, api_key="k", max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        client.chat("m", USER)
    assert str(info.value) == "Error: Cannot connect to API server"
    assert info.value.details == "the server's TLS certificate could not be verified"
    client.close()


def test_cancel_mid_stream_over_https(https: LoopbackServer, cert: tuple[str, str]) -> None:
    reply = sse_reply(["over TLS"], finish_reason=None, done=False)
    reply.hang = True
    https.queue(reply)
    client = ChatClient(https.base_url, ca_bundle=cert[0], timeout=60)
    cancel = threading.Event()
    stamp: list[float] = []

    def on_delta(kind: str, text: str) -> None:
        stamp.append(time.monotonic())
        cancel.set()

    r = client.chat("m", USER, cancel=cancel, on_delta=on_delta)
    assert time.monotonic() - stamp[0] < 1.0
    assert r.cancelled and r.content == "over TLS"
    assert https.requests[0].client_closed.wait(5)
    client.close()


def test_cert_file_is_a_file(cert: tuple[str, str]) -> None:
    assert Path(cert[0]).read_text().startswith("-----BEGIN CERTIFICATE-----")


def test_profile_ca_bundle_wins_over_requests_ca_bundle_env(
    https: LoopbackServer, cert: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import certifi

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    https.queue(sse_reply(["ok"]))
    client = ChatClient(https.base_url, ca_bundle=cert[0])
    assert client.chat("m", USER).content == "ok"
    client.close()
