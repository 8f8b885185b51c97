"""Exports: JSON round-trips losslessly; Markdown and HTML are readable, safe and key-free."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nebula_desktop.exchange import ExchangeError, add_to_store
from nebula_desktop.exchange.exporter import export_sources, read_import, render
from nebula_desktop.exchange.json_import import import_nebula
from nebula_desktop.store import Conversation, ConversationStore, Message

KEY = "sk-test-THIS-KEY-MUST-NEVER-APPEAR-0123456789"

HOSTILE = (
    "Look: [click](javascript:alert(1)) <script>alert(2)</script> "
    "![pic](https://tracker.example/p.png) [mail](mailto:a@b.c) [web](https://example.com/x)\n\n"
    "```python\nprint('hi')\n```\n"
)


def _conv(conv_id: str = "c1", title: str = "Monads / functors: a <chat>") -> Conversation:
    return Conversation(
        id=conv_id,
        title=title,
        created_at=1_700_000_000.0,
        updated_at=1_700_000_500.5,
        model="gpt-4o",
        profile_id="ai-nebula",
        system_prompt="Be brief.",
        temperature=0.3,
        max_tokens=512,
        pinned=True,
        draft="half-typed",
        messages=[
            Message("user", "What is a monad?", id="m1", created_at=1_700_000_001.0),
            Message(
                "assistant",
                HOSTILE,
                reasoning="Think of **bind**.",
                id="m2",
                created_at=1_700_000_002.0,
                model="gpt-4o",
                usage={"prompt_tokens": 5, "completion_tokens": 7},
                finish_reason="stop",
                request_id="req-1",
                reasoning_seconds=1.5,
            ),
            Message(
                "assistant",
                "partial",
                id="m3",
                created_at=1_700_000_003.0,
                complete=False,
                error="Error: Cannot connect",
            ),
        ],
    )


def test_json_export_then_import_gives_equal_conversations(tmp_path: Path) -> None:
    convs = [_conv("c1"), _conv("c2", "Second")]
    (path,) = export_sources(convs, "json", tmp_path / "chats.json")
    envelope = json.loads(path.read_text(encoding="utf-8"))
    assert envelope["format"] == "nebula-desktop-export" and envelope["version"] == 1
    result = read_import(path)
    assert result.kind == "nebula"
    assert [c.to_dict() for c in result.conversations] == [c.to_dict() for c in convs]


def test_json_round_trip_through_a_fresh_store_keeps_every_field(tmp_path: Path) -> None:
    original = _conv()
    (path,) = export_sources([original], "json", tmp_path / "one.json")
    with ConversationStore(tmp_path / "data") as store:
        report = add_to_store(store, read_import(path).conversations)
        assert report.added == ["c1"]
        assert store.load("c1").to_dict() == original.to_dict()


def test_import_into_a_store_that_has_a_different_chat_with_that_id_keeps_both(
    tmp_path: Path,
) -> None:
    with ConversationStore(tmp_path / "data") as store:
        mine = store.create(title="Mine")
        other = _conv(mine.id, "From elsewhere")
        report = add_to_store(store, [other])
        assert report.renamed == 1 and report.added[0] != mine.id
        assert store.load(mine.id).title == "Mine"
        assert store.load(report.added[0]).title == "From elsewhere"


def test_a_single_conversation_file_from_a_data_folder_imports(tmp_path: Path) -> None:
    path = tmp_path / "c1.json"
    path.write_text(json.dumps(_conv().to_dict()), encoding="utf-8")
    (conv,) = read_import(path).conversations
    assert conv.to_dict() == _conv().to_dict()


@pytest.mark.parametrize(
    "content",
    [b"not json", b"\xff\xfe", b'{"format": "nebula-desktop-export", "version": 99}', b"[1, 2]"],
)
def test_bad_import_files_give_a_readable_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ExchangeError) as info:
        read_import(path)
    assert str(info.value)


def test_damaged_conversation_in_an_export_is_reported() -> None:
    with pytest.raises(ExchangeError, match="damaged"):
        import_nebula({"format": "nebula-desktop-export", "version": 1, "conversations": [{}]})


@pytest.mark.parametrize("fmt", ["markdown", "json", "html"])
def test_exports_never_contain_a_key(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The key exists in the environment and in a session; conversations never hold it.
    monkeypatch.setenv("NEBULA_API_KEY", KEY)
    text = render([_conv()], fmt)
    assert KEY not in text
    assert "sk-" not in text
    assert "api_key" not in text.lower()


def test_markdown_export_reads_like_the_chat() -> None:
    text = render([_conv()], "markdown")
    assert text.startswith("# Monads / functors: a <chat>\n")
    assert "### You" in text and "### Assistant · gpt-4o" in text
    assert "What is a monad?" in text
    assert "```python\nprint('hi')\n```" in text
    assert "> Be brief." in text
    assert "<summary>Thinking</summary>" in text
    assert "*Error: Error: Cannot connect*" in text


def test_html_export_is_self_contained_and_safe() -> None:
    page = render([_conv()], "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert not re.search(r"\ssrc\s*=", page, re.I)  # nothing to fetch
    assert "<link" not in page.lower() and "@import" not in page and "url(" not in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    # javascript:, mailto: and copy links are gone; the image is a plain link, never loaded.
    assert hrefs == ["https://tracker.example/p.png", "https://example.com/x"]
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "&lt;script&gt;" in page  # shown as text
    assert "&lt;chat&gt;" in page  # the title is escaped


def test_html_export_highlights_code_like_the_app() -> None:
    page = render([_conv()], "html")
    # Pygments inline styles, the same as render_markdown gives the message view.
    assert '<span style="color: #008000">print</span>' in page
    assert "Copy</a>" not in page


def test_one_file_per_chat_uses_titles_and_never_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "Same.md").write_text("keep me", encoding="utf-8")
    convs = [_conv("a", "Same"), _conv("b", "Same"), _conv("c", "a/b:c")]
    written = export_sources(convs, "markdown", out, one_file_per_chat=True)
    assert [p.name for p in written] == ["Same (2).md", "Same (3).md", "a b c.md"]
    assert (out / "Same.md").read_text(encoding="utf-8") == "keep me"
    assert all(p.parent == out for p in written)


def test_export_reads_conversation_files_without_the_store(tmp_path: Path) -> None:
    with ConversationStore(tmp_path / "data") as store:
        conv = store.create(title="On disk")
        conv.messages.append(Message("user", "hello"))
        store.save(conv)
        path = store.conversations_dir / f"{conv.id}.json"
    (out,) = export_sources([path], "json", tmp_path / "x.json")
    (back,) = read_import(out).conversations
    assert back.title == "On disk" and back.messages[0].content == "hello"


def _compared(conv: Conversation) -> Conversation:
    """``conv`` with its answer compared across three models, the second one chosen."""
    conv.messages[1].content = "gpt says hi"
    del conv.messages[2:]
    for model in ("claude-sonnet-4", "gemini-2.5-pro"):
        conv.add_branch(1, [Message("assistant", f"{model.split('-')[0]} says hi", model=model)])
    conv.switch_branch(1, 1)
    return conv


def test_markdown_and_html_show_every_version_at_a_fork_headed_by_its_model() -> None:
    conv = _compared(_conv())
    for fmt in ("markdown", "html"):
        text = render([conv], fmt)
        answers = [text.index(f"{name} says hi") for name in ("gpt", "claude", "gemini")]
        headings = [
            text.index("Version 1 of 3 · gpt-4o"),
            text.index("Version 2 of 3 · claude-sonnet-4 · chosen"),
            text.index("Version 3 of 3 · gemini-2.5-pro"),
        ]
        # Each answer once, in version order, right under its own heading.
        assert headings[0] < answers[0] < headings[1] < answers[1] < headings[2] < answers[2]
        assert all(text.count(f"{name} says hi") == 1 for name in ("gpt", "claude", "gemini"))
        assert text.index("What is a monad?") < headings[0]  # the shared question comes once


def test_text_exports_walk_forks_inside_versions_in_order() -> None:
    conv = _compared(_conv())
    conv.messages.append(Message("user", "and then?"))
    conv.messages.append(Message("assistant", "first follow-up", model="claude-sonnet-4"))
    conv.add_branch(3, [Message("assistant", "second follow-up", model="claude-opus-4")])
    text = render([conv], "markdown")
    order = [
        "Version 1 of 3 · gpt-4o",
        "gpt says hi",
        "Version 2 of 3 · claude-sonnet-4 · chosen",
        "claude says hi",
        "and then?",
        "Version 2 of 3 › 1 of 2 · claude-sonnet-4",
        "first follow-up",
        "Version 2 of 3 › 2 of 2 · claude-opus-4 · chosen",
        "second follow-up",
        "Version 3 of 3 · gemini-2.5-pro",
        "gemini says hi",
    ]
    places = [text.index(part) for part in order]
    assert places == sorted(places)
    assert text.count("and then?") == 1


def test_attachments_are_named_in_text_exports_and_kept_in_json() -> None:
    conv = _conv()
    conv.messages[0].attachments = [
        {"name": "diagram.png", "mime": "image/png", "data": "iVBORw0KGgo=", "width": 1}
    ]
    for fmt in ("markdown", "html"):
        text = render([conv], fmt)
        assert "diagram.png" in text and "iVBORw0KGgo=" not in text
    (back,) = import_nebula(json.loads(render([conv], "json")))
    assert back.messages[0].attachments == conv.messages[0].attachments
