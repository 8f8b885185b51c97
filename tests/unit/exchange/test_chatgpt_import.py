"""Importing ChatGPT's conversations.json: the path the user saw, readable, re-import safe."""

from __future__ import annotations

import json
from pathlib import Path

from nebula_desktop.exchange import add_to_store
from nebula_desktop.exchange.chatgpt_import import count_dropped, import_chatgpt
from nebula_desktop.exchange.exporter import read_import
from nebula_desktop.store import ConversationStore
from tests.unit.exchange.chatgpt_fixture import T0, chatgpt_export


def test_import_keeps_the_path_chatgpt_showed() -> None:
    monads, hello = import_chatgpt(chatgpt_export())
    assert [(m.role, m.content) for m in monads.messages] == [
        ("user", "What is a monad?"),
        ("assistant", "A monad is a **monoid** in the category of endofunctors."),
        ("user", "[image]\n\nWhat does this diagram show?"),
        ("assistant", "It shows bind.\n\nAnd return."),
    ]
    assert monads.title == "Monads"
    assert monads.model == "gpt-4o"
    assert monads.messages[1].model == "gpt-4o"
    assert monads.messages[0].created_at == T0 + 1
    assert monads.created_at == T0
    assert [(m.role, m.content) for m in hello.messages] == [
        ("user", "Hi"),
        ("assistant", "Hello!"),
    ]


def test_hidden_system_and_tool_nodes_are_not_shown() -> None:
    monads, _ = import_chatgpt(chatgpt_export())
    text = "\n".join(m.content for m in monads.messages)
    assert "Call me Ada" not in text
    assert "results…" not in text
    assert "search(" not in text
    assert {m.role for m in monads.messages} == {"user", "assistant"}


def test_untitled_chat_and_missing_times_get_sensible_values() -> None:
    _, hello = import_chatgpt(chatgpt_export())
    assert hello.title == "ChatGPT chat"
    # The question had no create_time: it takes the conversation's start.
    assert hello.messages[0].created_at == T0 + 99
    assert hello.updated_at >= hello.messages[-1].created_at


def test_the_other_branch_is_counted_as_dropped() -> None:
    # The store has no message alternatives: the first answer of the regenerate is left out.
    assert count_dropped(chatgpt_export()) == 1


def test_importing_the_same_export_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps(chatgpt_export()), encoding="utf-8")
    with ConversationStore(tmp_path / "data") as store:
        first = add_to_store(store, read_import(export).conversations)
        second = add_to_store(store, read_import(export).conversations)
        assert len(first.added) == 2
        assert second.added == [] and second.skipped == 2
        assert len(store.list()) == 2
        titles = {s.title for s in store.list()}
    assert titles == {"Monads", "ChatGPT chat"}


def test_import_result_reports_kind_and_dropped_branches(tmp_path: Path) -> None:
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps(chatgpt_export()), encoding="utf-8")
    result = read_import(export)
    assert result.kind == "chatgpt"
    assert result.dropped_branches == 1


def test_broken_nodes_do_not_crash_the_import() -> None:
    raw = chatgpt_export()[0]
    raw["mapping"]["u2"]["message"]["content"] = {"content_type": "text", "parts": None}
    raw["mapping"]["a1b"]["message"]["author"] = "assistant"  # wrong shape: skipped
    raw["mapping"]["a2"]["message"]["create_time"] = "yesterday"
    (conv,) = import_chatgpt(raw)
    assert [m.content for m in conv.messages] == [
        "What is a monad?",
        "It shows bind.\n\nAnd return.",
    ]


def test_cyclic_parent_chain_stops() -> None:
    raw = chatgpt_export()[1]
    raw["mapping"]["r2"]["parent"] = "ans"  # damaged: a cycle
    raw["current_node"] = "ans"
    (conv,) = import_chatgpt(raw)
    assert [m.content for m in conv.messages] == ["Hi", "Hello!"]
