"""Import the ChatGPT data export (``conversations.json``).

Each conversation holds ``mapping``: a tree of nodes ``{id, message, parent, children}`` and
``current_node``, the leaf the user last looked at. The conversation we build is the path from
the root to ``current_node`` — what ChatGPT showed. Sibling branches (earlier regenerations
and edits) become branch alternatives (``Message.alternatives``, schema 2): where the tree
forks, the chosen version's first message carries the other versions of the rest of the chat,
so "‹ 1/2 ›" flips between them just as in ChatGPT.

Kept: user and assistant text. Skipped: system and tool nodes, hidden nodes (custom
instructions, memory), assistant messages addressed to a tool (``recipient`` other than
``all``), ``thoughts``/``reasoning_recap`` bookkeeping, and empty messages. Images in
multimodal messages become the text ``[image]``. Consecutive assistant parts (split around a
tool call) are joined into one answer.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import Any

from nebula_desktop.exchange.budget import short_title, skipped_notice
from nebula_desktop.exchange.common import ExchangeError
from nebula_desktop.store import Conversation, Message
from nebula_desktop.store.model import clamp_timestamp, new_id, validate_id

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SKIPPED_TYPES = {"thoughts", "reasoning_recap", "user_editable_context", "model_editable_context"}
# Nodes read per conversation: a chain longer than any real chat is cut here, and the import
# says so. Every walk is iterative, so depth alone never fails.
MAX_NODES = 100_000
# The store refuses alternatives nested deeper than MAX_BRANCH_DEPTH; stay well inside it (a
# fork on the chosen path does not nest: only its other versions are one level deeper).
_MAX_FORK_DEPTH = 100

# A walk step either returns its messages or asks for a sub-walk and gets its result back.
_Walk = Generator["_Walk", list[Message] | None, list[Message]]


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
    number = clamp_timestamp(value, fallback)
    return number if number > 0 else fallback


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
    while isinstance(node, dict):  # every node once: the mapping bounds the walk
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
    while isinstance(node, dict) and id(node) not in seen:
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


class _TreeReader:
    """Turns ChatGPT's node tree into our chosen path plus branch alternatives.

    Nodes that are not shown (system, tool, hidden) are transparent: their children count as
    children of their parent. Where a shown node has several shown children, the path forks:
    each child starts one version of the rest of the conversation. The walk keeps its own stack
    (:func:`_run`), so a chat with thousands of forks cannot overflow Python's.
    """

    def __init__(self, mapping: dict[str, Any], chosen: set[str], fallback_time: float) -> None:
        self.mapping = mapping
        self.chosen = chosen
        self.fallback_time = fallback_time
        self.seen: set[str] = set()  # every node is read once, so a damaged cycle ends
        self.cut = False  # more than MAX_NODES nodes: the rest was not read
        self.dropped = False  # versions nested deeper than _MAX_FORK_DEPTH were left out

    def message(self, node_id: str) -> Message | None:
        node = self.mapping.get(node_id)
        return _message_of(node, self.fallback_time) if isinstance(node, dict) else None

    def children_of(self, node_id: str) -> list[str]:
        node = self.mapping.get(node_id)
        children = node.get("children") if isinstance(node, dict) else None
        return [c for c in children if isinstance(c, str)] if isinstance(children, list) else []

    def shown_children(self, node_id: str) -> list[tuple[str, Message]]:
        """The shown nodes directly below ``node_id``, looking through hidden ones, in order."""
        out: list[tuple[str, Message]] = []
        stack = [iter(self.children_of(node_id))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                continue
            if child in self.seen:
                continue
            if len(self.seen) >= MAX_NODES:
                self.cut = True
                break
            self.seen.add(child)
            message = self.message(child)
            if message is None:
                stack.append(iter(self.children_of(child)))
            else:
                out.append((child, message))
        return out

    def versions(self, kids: list[tuple[str, Message]], depth: int) -> _Walk:
        """The path through a fork: the chosen version, the others as its alternatives."""
        position = next(
            (i for i, (kid, _m) in enumerate(kids) if kid in self.chosen), len(kids) - 1
        )
        if depth >= _MAX_FORK_DEPTH:  # versions nested deeper than any real chat: keep one
            self.dropped = True
            chosen_only = yield self.tail(*kids[position], depth)
            assert chosen_only is not None
            return chosen_only
        tails: list[list[Message]] = []
        for i, (kid, message) in enumerate(kids):
            # The chosen version goes on at this level; the others are nested one deeper.
            tail = yield self.tail(kid, message, depth if i == position else depth + 1)
            assert tail is not None
            tails.append(tail)
        chosen = tails[position]
        chosen[0].alternatives = [t for i, t in enumerate(tails) if i != position and t]
        chosen[0].branch_index = position if chosen[0].alternatives else 0
        return chosen

    def tail(self, node_id: str, message: Message, depth: int) -> _Walk:
        """Messages from ``node_id`` down, forking where the tree forks."""
        out: list[Message] = []
        while True:
            kids = self.shown_children(node_id)
            # An answer split around a tool call reads as one answer.
            while message.role == "assistant" and len(kids) == 1 and kids[0][1].role == "assistant":
                node_id, more = kids[0]
                message.content += "\n\n" + more.content
                message.complete = more.complete
                message.model = message.model or more.model
                kids = self.shown_children(node_id)
            out.append(message)
            if len(kids) == 1:
                node_id, message = kids[0]
                continue
            if kids:
                rest = yield self.versions(kids, depth)
                assert rest is not None
                out.extend(rest)
            return out


def _run(walk: _Walk) -> list[Message]:
    """Run a walk and every sub-walk it asks for on an explicit stack (no recursion)."""
    stack = [walk]
    result: list[Message] | None = None
    while True:
        try:
            stack.append(stack[-1].send(result))
            result = None
        except StopIteration as done:
            stack.pop()
            result = done.value
            if not stack:
                return done.value  # type: ignore[no-any-return]


def conversation_from_chatgpt(raw: object, notices: list[str] | None = None) -> Conversation:
    """One item of ``conversations.json`` → Conversation (the path ChatGPT showed, with the
    other branches as alternatives). A chat over :data:`MAX_NODES` nodes is cut there and a
    sentence saying so is added to ``notices``."""
    if not isinstance(raw, dict) or not isinstance(raw.get("mapping"), dict):
        raise ExchangeError("A ChatGPT conversation in the file has no message tree.")
    mapping: dict[str, Any] = raw["mapping"]
    created = _time(raw.get("create_time"), 0.0)
    updated = _time(raw.get("update_time"), created)
    path = current_path(mapping, raw.get("current_node"))
    chosen = {n["id"] for n in path if isinstance(n.get("id"), str)}
    reader = _TreeReader(mapping, chosen, created)
    roots = [k for k, n in mapping.items() if isinstance(n, dict) and not n.get("parent")]
    messages: list[Message] = []
    # The top of the current path is the root (in a damaged, cyclic tree the only top there is).
    root = path[0]["id"] if path else roots[0] if roots else None
    if isinstance(root, str):
        reader.seen.add(root)
        first = reader.message(root)
        kids = [(root, first)] if first is not None else reader.shown_children(root)
        if len(kids) == 1:
            messages = _run(reader.tail(*kids[0], 0))
        elif kids:
            messages = _run(reader.versions(kids, 0))
    title = raw.get("title")
    slug = raw.get("default_model_slug")
    model = slug if isinstance(slug, str) else ""
    if not model:
        model = next((m.model for m in reversed(messages) if m.model), "") or ""
    last_time = max((m.created_at for m in messages), default=created)
    shown_title = title.strip() if isinstance(title, str) and title.strip() else "ChatGPT chat"
    if reader.cut and notices is not None:
        notices.append(
            f"“{short_title(shown_title)}” has more than {MAX_NODES:,} entries; only the first "
            f"{MAX_NODES:,} were imported."
        )
    if reader.dropped and notices is not None:
        notices.append(
            f"“{short_title(shown_title)}” has versions nested more than {_MAX_FORK_DEPTH} deep; "
            "only the chosen one of those was imported."
        )
    return Conversation(
        id=_conv_id(raw),
        title=shown_title,
        created_at=created or (messages[0].created_at if messages else 0.0),
        updated_at=max(updated, last_time),
        model=model,
        messages=messages,
    )


def import_chatgpt(d: object, notices: list[str] | None = None) -> list[Conversation]:
    """Every conversation of a decoded ``conversations.json`` (a list, or a single item).

    A conversation that cannot be read is skipped (a sentence in ``notices``); only when none
    can be read is it an :class:`ExchangeError`.
    """
    items = [d] if isinstance(d, dict) else d
    if not isinstance(items, list):
        raise ExchangeError("This is not a ChatGPT export.")
    out: list[Conversation] = []
    errors: list[ExchangeError] = []
    for index, item in enumerate(items):
        try:
            out.append(conversation_from_chatgpt(item, notices))
        except ExchangeError as exc:
            errors.append(exc)
            if notices is not None:
                notices.append(skipped_notice(index, item, str(exc)))
    if errors and not out:
        raise errors[0]
    return out
