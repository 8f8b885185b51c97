"""Damaged or odd imports never crash: they give conversations the store accepts, or a
readable ExchangeError."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nebula_desktop.exchange import ExchangeError
from nebula_desktop.exchange.chatgpt_import import import_chatgpt
from nebula_desktop.exchange.json_import import import_nebula
from nebula_desktop.store import Conversation
from tests.unit.exchange.chatgpt_fixture import chatgpt_export

json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


def _check(conversations: list[Conversation]) -> None:
    for conv in conversations:
        again = Conversation.from_dict(conv.to_dict())  # what the store will write and read
        assert again.to_dict() == conv.to_dict()


@settings(max_examples=80, deadline=None)
@given(json_values)
def test_random_json_as_chatgpt_export(value: Any) -> None:
    try:
        _check(import_chatgpt(value))
    except ExchangeError as exc:
        assert str(exc)


@settings(max_examples=80, deadline=None)
@given(st.randoms(use_true_random=False), json_values)
def test_damaged_chatgpt_nodes(rnd: random.Random, junk: Any) -> None:
    export = chatgpt_export()
    for conv in export:
        nodes = list(conv["mapping"].values())
        for _ in range(3):
            node = rnd.choice(nodes)
            message = node.get("message")
            where = message if isinstance(message, dict) and rnd.random() < 0.7 else node
            if not where:
                continue  # an empty object put there by an earlier round
            key = rnd.choice(sorted(where))
            where[key] = junk
    try:
        _check(import_chatgpt(export))
    except ExchangeError as exc:
        assert str(exc)


@settings(max_examples=80, deadline=None)
@given(json_values)
def test_random_json_as_our_export(value: Any) -> None:
    envelope = {"format": "nebula-desktop-export", "version": 1, "conversations": [value]}
    try:
        _check(import_nebula(envelope))
    except ExchangeError as exc:
        assert str(exc)
