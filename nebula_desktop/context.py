"""What a chat request sends as its conversation: the messages of the chosen path that the
chat's "Clear context" divider and message limit allow, as the API wants them.

The rules, for every request (send, Edit & resend, Regenerate, Retry, Continue):

- The system prompt is always sent, first.
- The path ends with the user's question: the question being answered is always sent.
- An answer with no text (one that failed before any text came) carries nothing: it is never
  sent and never counted.
- A divider (``Message.context_break`` on message *i*): nothing up to and including *i* goes.
- A limit (``Conversation.context_limit`` = N): the last N messages that would be sent, the
  question counting as one.
- Both apply: the later start wins. A cut never starts on an answer (an assistant or tool
  message: it would answer nothing): it moves forward to the next question.
- Tool rounds (a question answered through tools): the question being answered is the last user
  message, followed by the assistant's ``tool_calls`` and their ``tool`` results; neither a
  divider nor a limit cuts after that question, and a cut never starts on a ``tool`` message, so
  a ``tool_calls`` message always goes with its results. On the wire an assistant message keeps
  its ``tool_calls`` only when every result follows it, and a result goes only after its call
  (anything else is refused by the APIs): a turn stopped half-way sends what it said, not its
  unanswered calls.
- Images go as content parts, the user's only: an answer's images (taken out of its text into
  its attachments, ``nebula_desktop.answer_images``) are never sent back, neither as parts nor
  as base64 left in its text (replaced by ``[image]``). A document attached to a message (an
  attachment with a ``text`` field: its extracted text) is inlined into the request only, as a
  fenced block headed by its name, never into the message the user sees.

Token and cost estimates of such a list are in :mod:`nebula_desktop.tokens`
(``estimate_tokens`` is re-exported here).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nebula_desktop.answer_images import strip_inline_images
from nebula_desktop.attachments import inline_text_files, message_content
from nebula_desktop.store import Conversation, Message
from nebula_desktop.tokens import estimate_tokens

__all__ = [
    "build_history",
    "continue_messages",
    "draft_messages",
    "estimate_tokens",
    "request_messages",
    "sent_range",
]

_ANSWER_ROLES = frozenset({"assistant", "tool"})


def request_messages(conv: Conversation, upto: int | None = None) -> list[dict[str, Any]]:
    """The ``messages`` list of the next request of ``conv``.

    ``upto=None`` (a send): the path's last message is the question; a trailing empty,
    incomplete answer (the one about to stream) is ignored. ``upto=i`` (Regenerate or Retry of
    the answer at ``i``): the messages before ``i``, with the same rules. The draft is never read.
    """
    path = conv.messages if upto is None else conv.messages[: max(0, upto)]
    if path and _pending_answer(path[-1]):
        path = path[:-1]
    return _as_request(conv, path)


def continue_messages(conv: Conversation, index: int, prompt: str) -> list[dict[str, Any]]:
    """What Continue sends for the answer at ``index``: the messages before it (as
    :func:`request_messages` with ``upto=index``), then the answer so far and ``prompt`` (the
    request to go on). Those two are the answer being completed, not history: the limit does
    not count them. Without text so far it is a Retry (:func:`request_messages`)."""
    messages = request_messages(conv, index)
    partial = conv.messages[index].content if 0 <= index < len(conv.messages) else ""
    if partial:
        messages += [
            {"role": "assistant", "content": strip_inline_images(partial)},
            {"role": "user", "content": prompt},
        ]
    return messages


def draft_messages(conv: Conversation, draft: Message) -> list[dict[str, Any]]:
    """The ``messages`` list a send of ``draft`` (the composer's text and attachments, as the
    message it would become) would carry now: what the composer's estimate prices."""
    return _as_request(conv, [*conv.messages, draft])


def build_history(conv: Conversation, upto: int) -> list[dict[str, Any]]:
    """The messages a request for the answer at ``upto`` sends: ``request_messages(conv,
    upto)`` (kept for the callers of the time before limits and dividers)."""
    return request_messages(conv, upto)


def sent_range(conv: Conversation, upto: int | None = None) -> tuple[int, int]:
    """``(first, end)``: the slice of ``conv.messages`` the request of :func:`request_messages`
    draws from (messages before ``first`` are out; answers without text inside are skipped),
    so a view can grey out what will not be sent."""
    path = conv.messages if upto is None else conv.messages[: max(0, upto)]
    if path and _pending_answer(path[-1]):
        path = path[:-1]
    return _first_sent(path, conv.context_limit), len(path)


def _pending_answer(message: Message) -> bool:
    return message.role == "assistant" and not message.complete and not message.content


def _carries_nothing(message: Message) -> bool:
    # An answer that failed before any text came (and asked for no tool) has nothing to send.
    return message.role == "assistant" and not message.content.strip() and not message.tool_calls


def _first_sent(path: Sequence[Message], limit: int | None) -> int:
    """Index in ``path`` of the first message the request sends (``len(path)`` if none)."""
    # The question being answered: the last user message (tool rounds may follow it).
    question = next((i for i in range(len(path) - 1, -1, -1) if path[i].role == "user"), None)
    last = len(path) - 1 if question is None else question
    start = 0
    for i, message in enumerate(path):
        if message.context_break:
            # Below the question itself it would leave nothing to answer: the question goes.
            start = min(i + 1, last)
    sendable = [i for i in range(start, len(path)) if not _carries_nothing(path[i])]
    if not sendable:
        return len(path)
    base = max(0, len(sendable) - max(1, limit)) if limit is not None else 0
    if question is not None and question >= start:
        # The limit never cuts into the turn being answered (its tool rounds included).
        base = min(base, sendable.index(question))
    if start == 0 and base == 0:
        return sendable[0]  # nothing cut: a chat that opens with a greeting sends it
    cut = base
    while cut < len(sendable) and path[sendable[cut]].role in _ANSWER_ROLES:
        cut += 1
    # No question after the cut (a path that does not end with one): the limit alone decides.
    return sendable[cut if cut < len(sendable) else base]


def _as_request(conv: Conversation, path: Sequence[Message]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    if conv.system_prompt:
        messages.append({"role": "system", "content": conv.system_prompt})
    sent = [m for m in path[_first_sent(path, conv.context_limit) :] if not _carries_nothing(m)]
    answered = _answered_calls(sent)
    pending: set[str] = set()  # ids of the calls whose results may follow
    for i, message in enumerate(sent):
        if message.role == "tool":
            if message.tool_call_id in pending:
                pending.discard(message.tool_call_id)
                messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": message.tool_call_id,
                        "content": message.content,
                    }
                )
            continue
        pending = set()
        entry: dict[str, Any] = {"role": message.role, "content": _content(message)}
        if message.role == "assistant" and message.tool_calls and answered[i]:
            entry["tool_calls"] = [dict(call) for call in message.tool_calls]
            entry["content"] = strip_inline_images(message.content) or None
            pending = {str(call.get("id")) for call in message.tool_calls}
        elif not message.content.strip() and message.role == "assistant":
            continue  # only calls, never answered: nothing to send
        messages.append(entry)
    return messages


def _answered_calls(sent: Sequence[Message]) -> list[bool]:
    """For each message of ``sent``: True for an assistant message with tool calls whose every
    call has its ``tool`` result right after it (before the next non-tool message)."""
    out = [False] * len(sent)
    for i, message in enumerate(sent):
        if message.role != "assistant" or not message.tool_calls:
            continue
        ids = [call.get("id") for call in message.tool_calls]
        results: set[str | None] = set()
        j = i + 1
        while j < len(sent) and sent[j].role == "tool":
            results.add(sent[j].tool_call_id)
            j += 1
        out[i] = all(isinstance(c, str) and c in results for c in ids) and len(set(ids)) == len(ids)
    return out


def _content(message: Message) -> str | list[dict[str, Any]]:
    """A message's ``content`` in a request: its documents inlined, its images as parts (an
    answer's images never: they came from the server, see the module's rules)."""
    if message.role == "assistant":
        return strip_inline_images(message.content)
    documents = [
        (str(a.get("name") or "document"), a["text"])
        for a in message.attachments
        if isinstance(a.get("text"), str)
    ]
    text = inline_text_files(message.content, documents) if documents else message.content
    return message_content(text, message.attachments)
