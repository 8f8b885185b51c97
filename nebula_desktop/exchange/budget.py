"""How much one import or restore may hold in memory, counted as each conversation is read.

An import (and a restore, which reads the whole backup before it asks) keeps every conversation
it read until they are saved. What a conversation costs is counted as it is added: the objects
(measured: a message is ~470 bytes before its text) and the text. Over a limit, the whole job
is refused with a sentence saying which limit; nothing has been written by then.

Real data fits: a text-heavy ChatGPT export of 107 MB (3,300 chats, 56,000 messages with every
version) keeps ~116 MB; a backup of the benchmark data folder (10,000 chats) ~92 MB. With one
conversation being parsed (at most json_stream.MAX_PIECE_BYTES), a job stays under ~300 MB.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from nebula_desktop.exchange.common import ExchangeError
from nebula_desktop.store import Conversation, Message

MAX_CONVERSATIONS = 50_000
MAX_MESSAGES = 250_000  # every version of every message counts
MAX_KEPT_BYTES = 150 * 1024 * 1024
# Notices listed one by one before the rest are only counted.
MAX_NOTICES = 20

_MESSAGE_COST = 600  # a Message, its attribute dict and its empty lists (measured ~470)
_CONVERSATION_COST = 1200


class LimitError(ExchangeError):
    """The whole import or restore is over a limit; ``str()`` says which, for the user."""


def _json_size(value: Any) -> int:
    """Memory of a JSON-like value (dicts, lists, strings, numbers), walked without recursion."""
    size = 0
    stack = [value]
    while stack:
        item = stack.pop()
        size += sys.getsizeof(item)
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return size


def footprint(conv: Conversation) -> tuple[int, int]:
    """(messages, bytes) a conversation holds, every branch version included."""
    size = _CONVERSATION_COST + sum(
        sys.getsizeof(text or "") for text in (conv.id, conv.title, conv.system_prompt, conv.draft)
    )
    count = 0
    stack: list[list[Message]] = [conv.messages]
    while stack:
        for m in stack.pop():
            count += 1
            size += _MESSAGE_COST + sys.getsizeof(m.content) + sys.getsizeof(m.reasoning)
            size += sys.getsizeof(m.id)
            if m.usage or m.attachments or m.tool_calls:
                size += _json_size([m.usage, m.attachments, m.tool_calls])
            stack.extend(m.alternatives)
    return count, size


def short_title(text: str, limit: int = 60) -> str:
    """A title on one line, cut to ``limit`` characters, for a sentence."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def skipped_notice(index: int, item: object, why: str) -> str:
    """The sentence for a conversation of an import that was skipped (its place and title)."""
    title = item.get("title") if isinstance(item, dict) else None
    name = f" (“{short_title(title)}”)" if isinstance(title, str) and title.strip() else ""
    why = why.rstrip(".").replace("A conversation in the file ", "it ", 1)
    return f"Conversation {index + 1}{name} was skipped: {why}."


@dataclass
class Notices:
    """Sentences for the user about what an import or restore skipped or changed."""

    lines: list[str] = field(default_factory=list)
    more: int = 0

    def add(self, text: str) -> None:
        if len(self.lines) < MAX_NOTICES:
            self.lines.append(text)
        else:
            self.more += 1

    def as_list(self) -> list[str]:
        """The sentences, with the count of those not listed."""
        tail = [f"…and {self.more:,} more."] if self.more else []
        return [*self.lines, *tail]


@dataclass
class Budget:
    """What one import or restore has kept so far; :meth:`add` refuses past the limits."""

    source: str  # "notes.json", "The backup"
    job: str = "import"  # "import" or "restore"
    conversations: int = 0
    messages: int = 0
    kept_bytes: int = 0

    def _refuse(self, what: str) -> LimitError:
        done = "imported" if self.job == "import" else "restored"
        return LimitError(
            f"{self.source} holds more than {what}, more than one {self.job} can take; "
            f"nothing was {done}."
        )

    def add(self, conv: Conversation) -> None:
        """Count ``conv``; raise :class:`LimitError` if the job is now over a limit."""
        messages, size = footprint(conv)
        self.conversations += 1
        self.messages += messages
        self.kept_bytes += size
        if self.conversations > MAX_CONVERSATIONS:
            raise self._refuse(f"{MAX_CONVERSATIONS:,} conversations")
        if self.messages > MAX_MESSAGES:
            raise self._refuse(f"{MAX_MESSAGES:,} messages")
        if self.kept_bytes > MAX_KEPT_BYTES:
            raise self._refuse(f"{MAX_KEPT_BYTES // (1024 * 1024)} MB of chats")
