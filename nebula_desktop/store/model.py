"""The conversation data model and its JSON shape (schema version 4).

``from_dict`` is strict about shape: a file that does not look like a conversation raises
:class:`ValueError` so the store can quarantine it instead of half-loading it.

Branches (schema 2): ``Conversation.messages`` is always the *chosen* path, so every reader
(previews, search, export, the request builder) sees a plain list. A message where the path
forks carries the other versions of the rest of the conversation from that point in
``alternatives`` (each a list of messages, itself possibly forking further) and its own place
among all versions in ``branch_index``. Flipping swaps the tail in and out, losing nothing.

Context (schema 3): ``Conversation.context_limit`` caps how many messages a request sends (None:
all) and ``Message.context_break`` puts a divider below a message: nothing up to and including
it is sent (see :mod:`nebula_desktop.context`). Both are written only when set, so a chat that
uses neither has the same JSON as in schema 2.

Tools (schema 4): a tool round is stored one ``Message`` per wire message: the assistant's
``tool_calls``, then one ``role: "tool"`` message per result carrying ``tool_call_id`` (and
``tool_info``: the tool's name, server, arguments, duration and size, for display). Both are
written only when set.

The checked reading of each field is :mod:`.fields`'s, the list preview :mod:`.preview`'s, the
schema version and the migration of older files :mod:`.schema`'s (all importable from here).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from nebula_desktop.store.fields import (
    MAX_TIMESTAMP,
    clamp_timestamp,
    json_copy,
    new_id,
    read_bool,
    read_num,
    read_opt_num,
    read_opt_str,
    read_str,
    read_time,
    validate_id,
)
from nebula_desktop.store.preview import IMAGE_MARK, PREVIEW_LIMIT, preview_text
from nebula_desktop.store.schema import SCHEMA_VERSION, migrate

__all__ = [
    "IMAGE_MARK",
    "MAX_BRANCH_DEPTH",
    "MAX_TIMESTAMP",
    "PREVIEW_LIMIT",
    "SCHEMA_VERSION",
    "Conversation",
    "ConversationSummary",
    "Message",
    "clamp_timestamp",
    "make_preview",
    "migrate",
    "new_id",
    "preview_text",
    "validate_id",
]

MAX_BRANCH_DEPTH = 200  # nested forks deeper than this are a damaged file, not a chat


@dataclass
class Message:
    """One chat message; ``error`` holds the product message of a failed reply."""

    role: str
    content: str
    reasoning: str = ""
    id: str = field(default_factory=new_id)
    created_at: float = field(default_factory=time.time)
    model: str | None = None
    usage: dict[str, Any] | None = None
    finish_reason: str | None = None
    complete: bool = True
    error: str | None = None
    request_id: str | None = None
    reasoning_seconds: float | None = None
    # Attachments: dicts with name, mime, data (base64), width, height (see attachments.py).
    attachments: list[dict[str, Any]] = field(default_factory=list)
    # Tool calls the model emitted (OpenAI shape), shown read-only under the answer.
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    # The other versions of the conversation from this message on (see the module docstring).
    alternatives: list[list[Message]] = field(default_factory=list)
    branch_index: int = 0
    # The "Clear context" divider sits below this message: it and everything above stay out of
    # the next requests (schema 3; written only when set).
    context_break: bool = False
    # A tool result (role "tool", schema 4): the id of the call it answers, and what the chat
    # shows of it folded ({"name", "server", "arguments", "duration_s", "size", "error"}).
    tool_call_id: str | None = None
    tool_info: dict[str, Any] | None = None
    # The endpoint profile that answered, when it is not necessarily the chat's own (an answer
    # from Compare). Written only when set, so no schema bump: older readers ignore the key.
    profile_id: str | None = None

    @property
    def branch_count(self) -> int:
        """How many versions fork at this message (1 when it has no alternatives)."""
        return len(self.alternatives) + 1

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of this message (branch and attachment keys only when used)."""
        d = self._base_dict()
        if self.attachments:
            d["attachments"] = [json_copy(a) for a in self.attachments]
        if self.tool_calls:
            d["tool_calls"] = [json_copy(t) for t in self.tool_calls]
        if self.alternatives:
            d["alternatives"] = [[m.to_dict() for m in tail] for tail in self.alternatives]
            d["branch_index"] = self.branch_index
        if self.context_break:
            d["context_break"] = True
        if self.tool_call_id is not None:
            d["tool_call_id"] = self.tool_call_id
        if self.tool_info is not None:
            d["tool_info"] = json_copy(self.tool_info)
        if self.profile_id is not None:
            d["profile_id"] = self.profile_id
        return d

    def _base_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "content": self.content,
            "reasoning": self.reasoning,
            "created_at": self.created_at,
            "model": self.model,
            "usage": json_copy(self.usage),
            "finish_reason": self.finish_reason,
            "complete": self.complete,
            "error": self.error,
            "request_id": self.request_id,
            "reasoning_seconds": self.reasoning_seconds,
        }

    @classmethod
    def from_dict(cls, d: object, depth: int = 0) -> Message:
        """Build a message from its JSON shape; raise ValueError if the shape is wrong."""
        if not isinstance(d, dict):
            raise ValueError("a message must be an object")
        usage = d.get("usage")
        if usage is not None and not isinstance(usage, dict):
            raise ValueError("'usage' must be an object or null")
        attachments = d.get("attachments") or []
        if not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments):
            raise ValueError("'attachments' must be a list of objects")
        tool_calls = d.get("tool_calls") or []
        if not isinstance(tool_calls, list) or not all(isinstance(t, dict) for t in tool_calls):
            raise ValueError("'tool_calls' must be a list of objects")
        raw_alts = d.get("alternatives") or []
        if not isinstance(raw_alts, list) or not all(isinstance(t, list) and t for t in raw_alts):
            raise ValueError("'alternatives' must be a list of non-empty lists")
        if raw_alts and depth >= MAX_BRANCH_DEPTH:
            raise ValueError("branches are nested too deeply")
        alternatives = [[cls.from_dict(m, depth + 1) for m in tail] for tail in raw_alts]
        tool_info = d.get("tool_info")
        if tool_info is not None and not isinstance(tool_info, dict):
            raise ValueError("'tool_info' must be an object or null")
        branch_index = d.get("branch_index", len(alternatives)) if alternatives else 0
        if isinstance(branch_index, bool) or not isinstance(branch_index, int):
            raise ValueError("'branch_index' must be a whole number")
        return cls(
            role=read_str(d, "role"),
            content=read_str(d, "content", ""),
            reasoning=read_str(d, "reasoning", ""),
            id=read_str(d, "id") if "id" in d else new_id(),
            created_at=read_time(d, "created_at", 0.0),
            model=read_opt_str(d, "model"),
            usage=usage,
            finish_reason=read_opt_str(d, "finish_reason"),
            complete=read_bool(d, "complete", True),
            error=read_opt_str(d, "error"),
            request_id=read_opt_str(d, "request_id"),
            reasoning_seconds=read_opt_num(d, "reasoning_seconds"),
            attachments=[dict(a) for a in attachments],
            tool_calls=[dict(t) for t in tool_calls],
            alternatives=alternatives,
            branch_index=max(0, min(branch_index, len(alternatives))),
            context_break=read_bool(d, "context_break", False),
            tool_call_id=read_opt_str(d, "tool_call_id"),
            tool_info=dict(tool_info) if tool_info is not None else None,
            profile_id=read_opt_str(d, "profile_id"),
        )


@dataclass
class Conversation:
    """A conversation as stored in one JSON file. ``read_only`` is never written to disk."""

    id: str
    title: str
    created_at: float
    updated_at: float
    model: str = ""
    profile_id: str | None = None
    system_prompt: str | None = None
    temperature: float = 0.7
    max_tokens: int | None = None
    messages: list[Message] = field(default_factory=list)
    pinned: bool = False
    draft: str = ""
    # How many messages of the path a request sends, the question counting as one (None: all;
    # see nebula_desktop.context). Schema 3; written only when set.
    context_limit: int | None = None
    read_only: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of this conversation, including ``schema_version``."""
        d = {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "title": self.title,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "model": self.model,
            "profile_id": self.profile_id,
            "system_prompt": self.system_prompt,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "pinned": self.pinned,
            "draft": self.draft,
        }
        if self.context_limit is not None:
            d["context_limit"] = self.context_limit
        d["messages"] = [m.to_dict() for m in self.messages]
        return d

    @classmethod
    def from_dict(cls, d: object) -> Conversation:
        """Build a conversation from its JSON shape; raise ValueError if the shape is wrong."""
        if not isinstance(d, dict):
            raise ValueError("the file does not hold a JSON object")
        raw_messages = d.get("messages", [])
        if not isinstance(raw_messages, list):
            raise ValueError("'messages' must be a list")
        max_tokens = d.get("max_tokens")
        if max_tokens is not None and (
            isinstance(max_tokens, bool) or not isinstance(max_tokens, int)
        ):
            raise ValueError("'max_tokens' must be a whole number or null")
        context_limit = d.get("context_limit")
        if context_limit is not None and (
            isinstance(context_limit, bool)
            or not isinstance(context_limit, int)
            or context_limit < 1
        ):
            raise ValueError("'context_limit' must be a whole number of at least 1, or null")
        created = read_time(d, "created_at", 0.0)
        return cls(
            id=validate_id(d.get("id")),
            title=read_str(d, "title", ""),
            created_at=created,
            updated_at=read_time(d, "updated_at", created),
            model=read_str(d, "model", "") if d.get("model") is not None else "",
            profile_id=read_opt_str(d, "profile_id"),
            system_prompt=read_opt_str(d, "system_prompt"),
            temperature=read_num(d, "temperature", 0.7),
            max_tokens=max_tokens,
            messages=[Message.from_dict(m) for m in raw_messages],
            pinned=read_bool(d, "pinned", False),
            draft=read_str(d, "draft", "") if d.get("draft") is not None else "",
            context_limit=context_limit,
        )

    def add_branch(self, index: int, tail: list[Message]) -> None:
        """Replace the path from ``index`` on with ``tail``, keeping the old path as a version.

        Regenerate passes ``[new answer]``; edit & resend passes ``[edited question, answer]``.
        The new version becomes the last one and the chosen one. A "Clear context" divider
        below the last turn stays below it when that turn is regenerated or edited and resent:
        the new version's last message carries it too (the old version keeps its own).
        """
        if not 0 <= index < len(self.messages) or not tail:
            raise IndexError("no message to branch from")
        if index >= len(self.messages) - 2 and self.messages[-1].context_break:
            tail[-1].context_break = True
        versions = self._versions(index)
        versions.append(tail)
        self._choose(index, versions, len(versions) - 1)

    def switch_branch(self, index: int, position: int) -> bool:
        """Follow version ``position`` (0-based) of the fork at ``index``; False if none."""
        if not 0 <= index < len(self.messages):
            return False
        head = self.messages[index]
        if not head.alternatives or not 0 <= position < head.branch_count:
            return False
        if position == head.branch_index:
            return True
        self._choose(index, self._versions(index), position)
        return True

    def _versions(self, index: int) -> list[list[Message]]:
        """Every version of the path from ``index`` on, in order (the fork data is taken off
        the head so each version's head is plain)."""
        head = self.messages[index]
        others, position = head.alternatives, head.branch_index
        head.alternatives, head.branch_index = [], 0
        current = self.messages[index:]
        return [*others[:position], current, *others[position:]]

    def _choose(self, index: int, versions: list[list[Message]], position: int) -> None:
        chosen = versions[position]
        head = chosen[0]
        head.alternatives = versions[:position] + versions[position + 1 :]
        head.branch_index = position
        self.messages[index:] = chosen

    def summary(self) -> ConversationSummary:
        """The list-row view of this conversation."""
        return ConversationSummary(
            id=self.id,
            title=self.title,
            preview=make_preview(self.messages),
            created_at=self.created_at,
            updated_at=self.updated_at,
            pinned=self.pinned,
            message_count=len(self.messages),
            model=self.model,
        )

    def search_text(self) -> str:
        """Lower-cased title and message text, the haystack for ``ConversationStore.search``."""
        parts = [self.title]

        def collect(messages: list[Message]) -> None:
            # Every version counts: the user wrote the branches too.
            for m in messages:
                if m.role != "tool":  # a tool's output is not the user's chat
                    parts.append(m.content)
                for tail in m.alternatives:
                    collect(tail)

        collect(self.messages)
        return "\n".join(parts).lower()


class ConversationSummary(NamedTuple):
    """One row of the conversation list, served from the index without parsing the file.

    Immutable; change a field with ``summary._replace(title=...)``. A named tuple (not a
    dataclass) so the index can build 10,000 of them at start without running Python code
    per row (``tuple.__new__`` over the parsed columns, see ``index.read_index``).
    """

    id: str
    title: str
    preview: str
    created_at: float
    updated_at: float
    pinned: bool
    message_count: int
    model: str


def make_preview(messages: list[Message]) -> str:
    """The last message with text, as one calm line (see ``preview_text``); tool results are
    skipped."""
    for message in reversed(messages):
        if message.role == "tool":
            continue
        text = preview_text(message.content)
        if text:
            return text
    return ""
