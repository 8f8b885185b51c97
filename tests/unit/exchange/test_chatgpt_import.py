"""Importing ChatGPT's conversations.json: the path the user saw, readable, re-import safe."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from nebula_desktop.exchange import ExchangeError, add_to_store
from nebula_desktop.exchange.chatgpt_import import import_chatgpt
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


def test_the_regenerated_answer_is_kept_as_a_branch_alternative() -> None:
    monads, _ = import_chatgpt(chatgpt_export())
    fork = monads.messages[1]
    # ChatGPT showed the second of two answers: "‹ 2/2 ›", the first one a flip away.
    assert fork.branch_count == 2 and fork.branch_index == 1
    assert [[m.content for m in tail] for tail in fork.alternatives] == [["First try: a burrito."]]
    assert monads.switch_branch(1, 0)
    assert [m.content for m in monads.messages] == ["What is a monad?", "First try: a burrito."]
    assert monads.switch_branch(1, 1)
    assert monads.messages[-1].content == "It shows bind.\n\nAnd return."


def test_an_edited_first_question_forks_at_the_first_message() -> None:
    raw = chatgpt_export()[1]
    mapping = raw["mapping"]
    mapping["r2"]["children"] = ["q", "q2"]
    mapping["q2"] = {
        "id": "q2",
        "parent": "r2",
        "children": [],
        "message": {
            "id": "q2",
            "author": {"role": "user"},
            "create_time": T0 + 200,
            "content": {"content_type": "text", "parts": ["Hi again (edited)"]},
        },
    }
    raw["current_node"] = "q2"
    (conv,) = import_chatgpt(raw)
    assert [m.content for m in conv.messages] == ["Hi again (edited)"]
    assert conv.messages[0].branch_index == 1
    assert [[m.content for m in t] for t in conv.messages[0].alternatives] == [["Hi", "Hello!"]]


def test_branches_survive_the_store_and_a_json_round_trip(tmp_path: Path) -> None:
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps(chatgpt_export()), encoding="utf-8")
    with ConversationStore(tmp_path / "data") as store:
        (first, _second) = add_to_store(store, read_import(export).conversations).added
        assert store.load(first).messages[1].branch_count == 2
    with ConversationStore(tmp_path / "data") as store:  # read back from the file
        assert store.load(first).messages[1].alternatives[0][0].content == "First try: a burrito."


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


def test_import_result_reports_the_kind(tmp_path: Path) -> None:
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps(chatgpt_export()), encoding="utf-8")
    assert read_import(export).kind == "chatgpt"


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


def test_the_chatgpt_data_export_zip_imports_directly(tmp_path: Path) -> None:
    export = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr("chat.html", "<html></html>")
        zf.writestr("../conversations.json", "[]")  # a hostile path is never used as a path
        zf.writestr("conversations.json", json.dumps(chatgpt_export()))
        zf.writestr("user.json", "{}")
    result = read_import(export)
    assert result.kind == "chatgpt"
    assert [c.title for c in result.conversations] == ["Monads", "ChatGPT chat"]


def test_a_zip_without_conversations_json_is_explained(tmp_path: Path) -> None:
    export = tmp_path / "photos.zip"
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr("a.jpg", "x")
    with pytest.raises(ExchangeError, match=r"holds no conversations\.json"):
        read_import(export)
