"""A hand-built ChatGPT ``conversations.json`` in the shape of a real data export.

Conversation 1 has a hidden system root, custom instructions (hidden), a user question, an
answer that was regenerated (two sibling answers; ``current_node`` points at the second), a
follow-up with an image (multimodal), a tool call to the browser with its tool reply, and an
answer split around the tool call. Conversation 2 is tiny and has no ``current_node``.
"""

from __future__ import annotations

from typing import Any

T0 = 1_700_000_000.0


def _node(
    node_id: str,
    parent: str | None,
    children: list[str],
    role: str | None = None,
    parts: list[Any] | None = None,
    t: float | None = None,
    content_type: str = "text",
    hidden: bool = False,
    recipient: str = "all",
    model: str | None = None,
) -> dict[str, Any]:
    message = None
    if role is not None:
        metadata: dict[str, Any] = {}
        if hidden:
            metadata["is_visually_hidden_from_conversation"] = True
        if model:
            metadata["model_slug"] = model
        message = {
            "id": node_id,
            "author": {"role": role, "name": None, "metadata": {}},
            "create_time": t,
            "update_time": None,
            "content": {"content_type": content_type, "parts": parts or []},
            "status": "finished_successfully",
            "end_turn": True,
            "weight": 1.0,
            "metadata": metadata,
            "recipient": recipient,
        }
    return {"id": node_id, "message": message, "parent": parent, "children": children}


def chatgpt_export() -> list[dict[str, Any]]:
    """Two conversations as ChatGPT exports them."""
    m1 = [
        _node("root", None, ["sys"]),
        _node("sys", "root", ["ctx"], "system", [""], None, hidden=True),
        _node(
            "ctx",
            "sys",
            ["u1"],
            "user",
            ["Call me Ada."],
            T0,
            content_type="user_editable_context",
            hidden=True,
        ),
        _node("u1", "ctx", ["a1", "a1b"], "user", ["What is a monad?"], T0 + 1),
        _node("a1", "u1", [], "assistant", ["First try: a burrito."], T0 + 2, model="gpt-4o"),
        _node(
            "a1b",
            "u1",
            ["u2"],
            "assistant",
            ["A monad is a **monoid** in the category of endofunctors."],
            T0 + 3,
            model="gpt-4o",
        ),
        _node(
            "u2",
            "a1b",
            ["call"],
            "user",
            [
                {
                    "content_type": "image_asset_pointer",
                    "asset_pointer": "file-service://file-abc",
                    "width": 512,
                    "height": 512,
                },
                "What does this diagram show?",
            ],
            T0 + 4,
            content_type="multimodal_text",
        ),
        _node(
            "call",
            "u2",
            ["tool"],
            "assistant",
            ['search("monad diagram")'],
            T0 + 5,
            content_type="code",
            recipient="browser",
        ),
        _node("tool", "call", ["a2"], "tool", ["results…"], T0 + 6),
        _node("a2", "tool", ["a2b"], "assistant", ["It shows bind."], T0 + 7, model="gpt-4o"),
        _node("a2b", "a2", [], "assistant", ["And return."], T0 + 8, model="gpt-4o"),
    ]
    m2 = [
        _node("r2", None, ["q"]),
        _node("q", "r2", ["ans"], "user", ["Hi", ""], None),
        _node("ans", "q", [], "assistant", ["Hello!"], T0 + 100),
    ]
    return [
        {
            "title": "Monads",
            "create_time": T0,
            "update_time": T0 + 8,
            "mapping": {n["id"]: n for n in m1},
            "current_node": "a2b",
            "conversation_id": "6a0c3c6e-1111-4222-8333-444455556666",
            "id": "6a0c3c6e-1111-4222-8333-444455556666",
            "default_model_slug": "gpt-4o",
            "moderation_results": [],
            "is_archived": False,
        },
        {
            "title": "",
            "create_time": T0 + 99,
            "update_time": None,
            "mapping": {n["id"]: n for n in m2},
            "id": "7b0c3c6e-1111-4222-8333-444455556666",
        },
    ]
