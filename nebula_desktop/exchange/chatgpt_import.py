"""Import the ChatGPT data export (``conversations.json``).

Each conversation holds ``mapping``: a tree of nodes ``{id, message, parent, children}`` and
``current_node``, the leaf the user last looked at. The conversation we build is the path from
the root to ``current_node`` — what ChatGPT showed. Our store keeps one linear list of messages,
so sibling branches (earlier regenerations and edits) are not imported; :func:`count_dropped`
says how many nodes that leaves out, so the UI can tell the user.

Kept: user and assistant text. Skipped: system and tool nodes, hidden nodes (custom
instructions, memory), assistant messages addressed to a tool (``recipient`` other than
``all``), ``thoughts``/``reasoning_recap`` bookkeeping, and empty messages. Images in
multimodal messages become the text ``[image]``. Consecutive assistant parts (split around a
tool call) are joined into one answer.
"""

from __future__ import annotations

import math
import re
from typing import Any

from nebula_desktop.exchange.common import ExchangeError
from nebula_desktop.store import Conversation, Message
from nebula_desktop.store.model import new_id, validate_id

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SKIPPED_TYPES = {"thoughts", "reasoning_recap", "user_editable_context", "model_editable_context"}
# Deep trees are walked iteratively; this only stops a cyclic (damaged) parent chain.
_MAX_DEPTH = 100_000


def is_chatgpt_export(d: object) -> bool:
    """Whether decoded JSON looks like ChatGPT's ``conversations.json`` (or one of its items)."""
    if isinstance(d, dict):
        return isinstance(d.get("mapping"), dict)
    return (
        isinstance(d, list)
        and bool(d)
        and all(isinstance(item, dict) and isinstance(item.get("mapping"), dict) for item in d[:5])
    )


def _time(value: object, fallback: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return fallback
    number = float(value)
    return number if math.isfinite(number) and number > 0 else fallback


def _conv_id(raw: dict[str, Any]) -> str:
    for key in ("conversation_id", "id"):
        value = raw.get(key)
        if isinstance(value, str) and _UUID.fullmatch(value):
            # Our ids are uuid hex; the same source id always maps to the same id, so a second
            # import of the same export is recognised and skipped.
            return value.replace("-", "").lower()
        if isinstance(value, str):
            try:
                return validate_id(value)
            except ValueError:
                continue
    return new_id()


def _part_text(part: object) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, dict):
        kind = part.get("content_type", "")
        if isinstance(kind, str) and ("image" in kind or kind == "image_asset_pointer"):
            return "[image]"
        if isinstance(kind, str) and "audio" in kind:
            text = part.get("text")
            return text if isinstance(text, str) and text else "[audio]"
        text = part.get("text")
        if isinstance(text, str):
            return text
        return "[attachment]"
    return ""


def _content_text(content: object) -> str:
    if not isinstance(content, dict):
        return ""
    kind = content.get("content_type")
    if kind in _SKIPPED_TYPES:
        return ""
    parts = content.get("parts")
    if isinstance(parts, list):
        texts = [_part_text(p) for p in parts]
        return "\n\n".join(t for t in texts if t.strip())
    text = content.get("text")
    if isinstance(text, str):
        if kind == "code":
            language = content.get("language")
            lang = language if isinstance(language, str) and language != "unknown" else ""
            return f"```{lang}\n{text}\n```"
        return text
    return ""


def current_path(mapping: dict[str, Any], current: object) -> list[dict[str, Any]]:
    """Nodes from the root to ``current`` (or, without it, along the last children)."""
    node = mapping.get(current) if isinstance(current, str) else None
    if not isinstance(node, dict):
        return _last_child_path(mapping)
    path: list[dict[str, Any]] = []
    seen: set[str] = set()
    while isinstance(node, dict) and len(path) < _MAX_DEPTH:
        node_id = node.get("id")
        if not isinstance(node_id, str) or node_id in seen:
            break
        seen.add(node_id)
        path.append(node)
        parent = node.get("parent")
        node = mapping.get(parent) if isinstance(parent, str) else None
    path.reverse()
    return path


def _last_child_path(mapping: dict[str, Any]) -> list[dict[str, Any]]:
    roots = [n for n in mapping.values() if isinstance(n, dict) and not n.get("parent")]
    node = roots[0] if roots else None
    path: list[dict[str, Any]] = []
    seen: set[int] = set()
    while isinstance(node, dict) and id(node) not in seen and len(path) < _MAX_DEPTH:
        seen.add(id(node))
        path.append(node)
        children = node.get("children")
        child = children[-1] if isinstance(children, list) and children else None
        node = mapping.get(child) if isinstance(child, str) else None
    return path


def _message_of(node: dict[str, Any], fallback_time: float) -> Message | None:
    raw = node.get("message")
    if not isinstance(raw, dict):
        return None
    author = raw.get("author")
    role = author.get("role") if isinstance(author, dict) else None
    if role not in ("user", "assistant"):
        return None  # system, tool
    raw_metadata = raw.get("metadata")
    metadata: dict[str, Any] = raw_metadata if isinstance(raw_metadata, dict) else {}
    if metadata.get("is_visually_hidden_from_conversation"):
        return None
    recipient = raw.get("recipient")
    if role == "assistant" and recipient not in (None, "all"):
        return None  # a call to a tool (browser, python), not shown as an answer
    text = _content_text(raw.get("content"))
    if not text.strip():
        return None
    msg_id = raw.get("id") if isinstance(raw.get("id"), str) else node.get("id")
    model = metadata.get("model_slug")
    return Message(
        role=role,
        content=text,
        id=msg_id if isinstance(msg_id, str) and msg_id else new_id(),
        created_at=_time(raw.get("create_time"), fallback_time),
        model=model if isinstance(model, str) and role == "assistant" else None,
        complete=raw.get("status") in (None, "finished_successfully"),
    )


def conversation_from_chatgpt(raw: object) -> Conversation:
    """One item of ``conversations.json`` → Conversation (the current path)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("mapping"), dict):
        raise ExchangeError("A ChatGPT conversation in the file has no message tree.")
    created = _time(raw.get("create_time"), 0.0)
    updated = _time(raw.get("update_time"), created)
    messages: list[Message] = []
    last_time = created
    for node in current_path(raw["mapping"], raw.get("current_node")):
        message = _message_of(node, last_time)
        if message is None:
            continue
        last_time = message.created_at
        previous = messages[-1] if messages else None
        if previous is not None and previous.role == message.role == "assistant":
            previous.content += "\n\n" + message.content
            previous.complete = message.complete
            previous.model = previous.model or message.model
            continue
        messages.append(message)
    title = raw.get("title")
    slug = raw.get("default_model_slug")
    model = slug if isinstance(slug, str) else ""
    if not model:
        model = next((m.model for m in reversed(messages) if m.model), "") or ""
    return Conversation(
        id=_conv_id(raw),
        title=title.strip() if isinstance(title, str) and title.strip() else "ChatGPT chat",
        created_at=created or (messages[0].created_at if messages else 0.0),
        updated_at=max(updated, last_time),
        model=model,
        messages=messages,
    )


def import_chatgpt(d: object) -> list[Conversation]:
    """Every conversation of a decoded ``conversations.json`` (a list, or a single item)."""
    items = [d] if isinstance(d, dict) else d
    if not isinstance(items, list):
        raise ExchangeError("This is not a ChatGPT export.")
    return [conversation_from_chatgpt(item) for item in items]


def count_dropped(d: object) -> int:
    """How many message nodes lie off the current path (other branches), summed over chats."""
    items = [d] if isinstance(d, dict) else d if isinstance(d, list) else []
    dropped = 0
    for raw in items:
        if not isinstance(raw, dict) or not isinstance(raw.get("mapping"), dict):
            continue
        mapping = raw["mapping"]
        on_path = {n.get("id") for n in current_path(mapping, raw.get("current_node"))}
        dropped += sum(
            1
            for key, node in mapping.items()
            if key not in on_path and isinstance(node, dict) and _message_of(node, 0.0) is not None
        )
    return dropped
