"""The core client against a real third-party server (llama.cpp), not a recording."""

from __future__ import annotations

import threading
import time

import pytest

from nebula_desktop.api import AuthenticationError, ChatClient

from .conftest import RealServer

pytestmark = pytest.mark.realserver


def test_models_are_listed_by_the_real_server(real_server: RealServer) -> None:
    client = ChatClient(real_server.base_url, api_key=real_server.api_key)
    assert real_server.model in client.list_models()


def test_streamed_multi_turn_chat_completes(real_server: RealServer) -> None:
    client = ChatClient(real_server.base_url, api_key=real_server.api_key, timeout=120)
    pieces: list[str] = []
    history = [
        {"role": "system", "content": "You are a helpful assistant. Answer briefly."},
        {"role": "user", "content": "Name one colour."},
    ]
    first = client.chat(
        real_server.model, history, temperature=0.0, max_tokens=24,
        on_delta=lambda kind, text: pieces.append(text),
    )  # fmt: skip
    assert first.complete and first.finish_reason in {"stop", "length"}
    assert first.content and first.content == "".join(pieces)
    history += [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": "And another one?"},
    ]
    second = client.chat(real_server.model, history, temperature=0.0, max_tokens=24)
    assert second.complete and second.content


def test_wrong_key_gets_the_product_auth_message(real_server: RealServer) -> None:
    client = ChatClient(real_server.base_url, api_key="sk-wrong-key", max_retries=2)
    with pytest.raises(AuthenticationError) as info:
        client.chat(real_server.model, [{"role": "user", "content": "hi"}], max_tokens=4)
    assert str(info.value) == "Error: Invalid or unauthorized API key"
    assert "sk-wrong-key" not in repr(info.value)


def test_cancel_mid_answer_keeps_partial_and_returns_fast(real_server: RealServer) -> None:
    client = ChatClient(real_server.base_url, api_key=real_server.api_key, timeout=120)
    cancel = threading.Event()
    got_text = threading.Event()

    def on_delta(kind: str, text: str) -> None:
        if text.strip():
            got_text.set()

    holder: dict[str, object] = {}

    def run() -> None:
        holder["result"] = client.chat(
            real_server.model,
            [{"role": "user", "content": "Write a long story about the sea."}],
            max_tokens=400, on_delta=on_delta, cancel=cancel,
        )  # fmt: skip

    worker = threading.Thread(target=run)
    worker.start()
    assert got_text.wait(120), "no text streamed"
    t = time.monotonic()
    cancel.set()
    worker.join(5)
    assert not worker.is_alive()
    assert time.monotonic() - t < 1.0  # the promise is 0.5 s; slack for a busy two-core CI box
    result = holder["result"]
    assert result.cancelled and not result.complete and result.content  # type: ignore[attr-defined]
