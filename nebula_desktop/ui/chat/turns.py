"""How asking again changes a conversation: the answer a retry, Continue or Regenerate writes
into (a new version when later turns would otherwise be lost) and the history it sends.

Plain data over the store's ``Conversation``; the controller decides when, and shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nebula_desktop.context import continue_messages, request_messages
from nebula_desktop.store import Conversation, Message
from nebula_desktop.ui.chat.request import reset_answer

CONTINUE_PROMPT = "Continue exactly where you stopped."


def index_of(conv: Conversation | None, message_id: str) -> int | None:
    """Where message ``message_id`` is in the messages ``conv`` shows (None: not there)."""
    if conv is None:
        return None
    for index, message in enumerate(conv.messages):
        if message.id == message_id:
            return index
    return None


def last_of(conv: Conversation | None, role: str) -> Message | None:
    """The last message of ``role`` shown in ``conv``."""
    found = [m for m in conv.messages if m.role == role] if conv is not None else []
    return found[-1] if found else None


@dataclass
class Redo:
    """The answer to stream again, what to send, and the text it keeps (Continue)."""

    message: Message
    history: list[dict[str, Any]]
    base_content: str
    base_reasoning: str
    branched: bool  # a new version was added: the view must show the messages again


def redo_answer(conv: Conversation, index: int, keep: bool, model: str | None) -> Redo:
    """Prepare the assistant message at ``index`` to be asked again (``keep``: continued).

    When turns follow it, they stay as the earlier version ("‹ 1/2 ›"), never deleted: the
    answer is a fresh version (with the text so far when continuing).
    """
    message = conv.messages[index]
    branched = len(conv.messages) > index + 1
    if branched:
        fresh = Message(
            role="assistant",
            content=message.content if keep else "",
            reasoning=message.reasoning if keep else "",
            model=message.model,
            complete=False,
        )
        conv.add_branch(index, [fresh])
        message = fresh
    base_content = base_reasoning = ""
    if keep and message.content:
        history = continue_messages(conv, index, CONTINUE_PROMPT)
        base_content, base_reasoning = message.content, message.reasoning
    else:
        history = request_messages(conv, index)
    reset_answer(message, model or message.model, keep=bool(base_content))
    return Redo(message, history, base_content, base_reasoning, branched)


def new_version(
    conv: Conversation, index: int, model: str | None
) -> tuple[Message, list[dict[str, Any]]]:
    """Add an empty answer as a new version of the one at ``index``; (it, what to send)."""
    answer = Message(
        role="assistant",
        content="",
        model=model or conv.messages[index].model,
        complete=False,
    )
    conv.add_branch(index, [answer])
    return answer, request_messages(conv, index)
