"""Fixtures for the API client tests: a loopback server and a client pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from nebula_desktop.api import ChatClient
from tests.servers import LoopbackServer

KEY = "sk-test-SECRET-0123456789abcdef"
USER = [{"role": "user", "content": "hi"}]


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A fresh loopback server per test."""
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def make_client(server: LoopbackServer) -> Iterator[Callable[..., ChatClient]]:
    """Build clients for `server` (closed after the test)."""
    made: list[ChatClient] = []

    def make(**kwargs: Any) -> ChatClient:
        kwargs.setdefault("api_key", KEY)
        kwargs.setdefault("timeout", 5.0)
        client = ChatClient(server.base_url, **kwargs)
        made.append(client)
        return client

    yield make
    for c in made:
        c.close()


@pytest.fixture
def client(make_client: Callable[..., ChatClient]) -> ChatClient:
    """A client with the default retries and a short idle timeout."""
    return make_client()
