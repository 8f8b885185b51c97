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
"""

from __future__ import annotations

import math
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, NamedTuple

SCHEMA_VERSION = 4
MAX_BRANCH_DEPTH = 200  # nested forks deeper than this are a damaged file, not a chat

_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
PREVIEW_LIMIT = 120
# 3000-01-01 UTC: every OS's date functions take it; a later time is damage, not a chat.
MAX_TIMESTAMP = 32_503_680_000.0


def new_id() -> str:
    """A fresh id (uuid4 hex): valid as a file name on every OS."""
    return uuid.uuid4().hex


def validate_id(conv_id: object) -> str:
    """Return ``conv_id`` if it is a safe id, else raise ValueError (ids never escape a folder)."""
    if not isinstance(conv_id, str) or _ID_RE.fullmatch(conv_id) is None:
        raise ValueError(f"invalid conversation id: {conv_id!r}")
    return conv_id


def _json_copy(value: Any) -> Any:
    """A copy of a JSON-like value sharing no dict or list with it (strings are immutable).

    ``to_dict`` results never alias a message's own containers, so a dict kept from an earlier
    ``to_dict`` still shows the message as it was then (``loader.dump_bytes`` relies on it).
    """
    if type(value) is dict:
        return {key: _json_copy(item) for key, item in value.items()}
    if type(value) is list:
        return [_json_copy(item) for item in value]
    return value


def _str(d: dict[str, Any], key: str, default: str | None = None) -> str:
    value = d.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be text")
    return value


def _opt_str(d: dict[str, Any], key: str) -> str | None:
    value = d.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key!r} must be text or null")
    return value


def _num(d: dict[str, Any], key: str, default: float) -> float:
    value = d.get(key, default)
    # bool is an int subclass; a `true` timestamp is a shape error, not 1.0.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key!r} must be a number")
    try:
        number = float(value)
    except OverflowError:  # a 400-digit integer is valid JSON
        raise ValueError(f"{key!r} is out of range") from None
    if not math.isfinite(number):
        raise ValueError(f"{key!r} must be a finite number")
    return number


def clamp_timestamp(value: int | float, default: float) -> float:
    """A Unix time every date function accepts: NaN is ``default``; anything else (a
    400-digit integer, ``1e300``, ``Infinity``, a negative time) is brought into
    ``[0, MAX_TIMESTAMP]``."""
    if value != value:  # NaN
        return default
    if value > MAX_TIMESTAMP:  # int/float comparison is exact: no OverflowError
        return MAX_TIMESTAMP
    if value < 0:
        return 0.0
    return float(value)


def _time(d: dict[str, Any], key: str, default: float) -> float:
    value = d.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key!r} must be a number")
    return clamp_timestamp(value, default)


def _opt_num(d: dict[str, Any], key: str) -> float | None:
    if d.get(key) is None:
        return None
    return _num(d, key, 0.0)


def _bool(d: dict[str, Any], key: str, default: bool) -> bool:
    value = d.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{key!r} must be true or false")
    return value


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
            d["attachments"] = [_json_copy(a) for a in self.attachments]
        if self.tool_calls:
            d["tool_calls"] = [_json_copy(t) for t in self.tool_calls]
        if self.alternatives:
            d["alternatives"] = [[m.to_dict() for m in tail] for tail in self.alternatives]
            d["branch_index"] = self.branch_index
        if self.context_break:
            d["context_break"] = True
        if self.tool_call_id is not None:
            d["tool_call_id"] = self.tool_call_id
        if self.tool_info is not None:
            d["tool_info"] = _json_copy(self.tool_info)
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
            "usage": _json_copy(self.usage),
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
            role=_str(d, "role"),
            content=_str(d, "content", ""),
            reasoning=_str(d, "reasoning", ""),
            id=_str(d, "id") if "id" in d else new_id(),
            created_at=_time(d, "created_at", 0.0),
            model=_opt_str(d, "model"),
            usage=usage,
            finish_reason=_opt_str(d, "finish_reason"),
            complete=_bool(d, "complete", True),
            error=_opt_str(d, "error"),
            request_id=_opt_str(d, "request_id"),
            reasoning_seconds=_opt_num(d, "reasoning_seconds"),
            attachments=[dict(a) for a in attachments],
            tool_calls=[dict(t) for t in tool_calls],
            alternatives=alternatives,
            branch_index=max(0, min(branch_index, len(alternatives))),
            context_break=_bool(d, "context_break", False),
            tool_call_id=_opt_str(d, "tool_call_id"),
            tool_info=dict(tool_info) if tool_info is not None else None,
            profile_id=_opt_str(d, "profile_id"),
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
        created = _time(d, "created_at", 0.0)
        return cls(
            id=validate_id(d.get("id")),
            title=_str(d, "title", ""),
            created_at=created,
            updated_at=_time(d, "updated_at", created),
            model=_str(d, "model", "") if d.get("model") is not None else "",
            profile_id=_opt_str(d, "profile_id"),
            system_prompt=_opt_str(d, "system_prompt"),
            temperature=_num(d, "temperature", 0.7),
            max_tokens=max_tokens,
            messages=[Message.from_dict(m) for m in raw_messages],
            pinned=_bool(d, "pinned", False),
            draft=_str(d, "draft", "") if d.get("draft") is not None else "",
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


IMAGE_MARK = "[image]"  # a picture in a preview (the list may show it translated)

# A picture inside one line: a Markdown image (whose data: URI may be cut off, as in a preview
# stored by an older version) or a bare data: URI. Alt text and address lengths are bounded;
# a data: URI is skipped whole (a C-speed scan), however long.
_IMAGE = re.compile(
    r"!\[[^\]\n]{0,300}\]\(\s*data:[^)\s]*\)?"
    r"|!\[[^\]\n]{0,300}\]\([^)\s]{1,2000}\)"
    r"|\bdata:[\w.+-]{1,100}/[\w.+-]{1,100}[^,\s]{0,200},[^)\s]*"
)
_IMAGE_START = re.compile(r"!\[|\bdata:")
# Code fences, backticks, heading marks, bold: dropped without leaving a space behind, so
# "**bold**, a list" reads "bold, a list".
_MARKUP = re.compile(r"```[\w+-]*|`|^#{1,6}[ \t]+|\*\*|__")
_NOT_SPACE = re.compile(r"\S")
_PREVIEW_LINES = 200  # non-blank lines looked at, at most (lines of bare marks show nothing)
_PREVIEW_HEAD = 2048  # characters of prose looked at per line: far more than a preview shows


def _visible(text: str, start: int, end: int) -> str:
    """The start of the line ``text[start:end]`` as shown: pictures as ``IMAGE_MARK``."""
    parts: list[str] = []
    budget = _PREVIEW_HEAD
    pos = start
    while pos < end and budget > 0:
        stop = min(end, pos + budget)
        found = _IMAGE_START.search(text, pos, stop)
        image = _IMAGE.match(text, found.start(), end) if found is not None else None
        if found is None:
            parts.append(text[pos:stop])
            break
        cut = found.start() if image is not None else found.end()
        parts.append(text[pos:cut])
        budget -= cut - pos
        if image is not None:
            parts.append(IMAGE_MARK)
            budget -= len(IMAGE_MARK)
            cut = image.end()
        pos = cut
    return "".join(parts)


def preview_text(text: str) -> str:
    """One calm line of at most ``PREVIEW_LIMIT`` characters from a message's Markdown.

    Bounded whatever the message: blank lines are skipped in one scan, at most
    ``_PREVIEW_LINES`` lines and ``_PREVIEW_HEAD`` characters of each are read, and a picture's
    data is skipped, not copied.
    """
    words: list[str] = []
    size = 0
    pos = 0
    for _line in range(_PREVIEW_LINES):
        found = _NOT_SPACE.search(text, pos)
        if found is None or size > PREVIEW_LIMIT:
            break
        end = text.find("\n", found.start())
        end = len(text) if end < 0 else end
        for word in _MARKUP.sub("", _visible(text, found.start(), end)).split():
            words.append(word[:PREVIEW_LIMIT])
            size += len(words[-1]) + 1
            if size > PREVIEW_LIMIT:
                break
        pos = end
    line_text = " ".join(words)
    if len(line_text) > PREVIEW_LIMIT:
        line_text = line_text[: PREVIEW_LIMIT - 1] + "…"
    return line_text


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


def migrate(d: dict[str, Any]) -> dict[str, Any]:
    """Bring an older file's dict up to :data:`SCHEMA_VERSION` (returns a new dict).

    Version 0 (before ``schema_version`` existed): messages carried ``text`` instead of
    ``content`` and had no ids; timestamps were named ``created``/``updated``.
    Version 1 → 2: messages may carry ``attachments``, ``alternatives`` and ``branch_index``;
    a version-1 file has none, so its messages become the one chosen path unchanged.
    Version 2 → 3: a conversation may carry ``context_limit`` and a message ``context_break``;
    a version-2 file has neither, so it sends its whole history as before.
    Version 3 → 4: a message may carry ``tool_call_id`` and ``tool_info``; a version-3 file has
    no tool results, so nothing changes.
    """
    version = d.get("schema_version", 0)
    out = dict(d)
    if version == 0:
        if "created_at" not in out and "created" in out:
            out["created_at"] = out.pop("created")
        if "updated_at" not in out and "updated" in out:
            out["updated_at"] = out.pop("updated")
        messages = out.get("messages", [])
        if isinstance(messages, list):
            migrated = []
            for m in messages:
                if isinstance(m, dict):
                    m = dict(m)
                    if "content" not in m and "text" in m:
                        m["content"] = m.pop("text")
                    m.setdefault("id", new_id())
                    m.setdefault("created_at", out.get("created_at", 0.0))
                migrated.append(m)
            out["messages"] = migrated
        version = 1
    if version == 1:
        version = 2
    if version == 2:
        version = 3
    if version == 3:
        version = 4
    out["schema_version"] = version
    return out
