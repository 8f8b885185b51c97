"""What a chat request sends as its conversation: the messages of the chosen path, as the API
wants them."""

from __future__ import annotations

from typing import Any

from nebula_desktop.attachments import message_content
from nebula_desktop.store import Conversation


def build_history(conv: Conversation, upto: int) -> list[dict[str, Any]]:
    """System prompt plus every turn of the chosen path before ``upto``, skipping error-only
    empty answers; messages with images go as content parts, the rest as plain strings."""
    messages: list[dict[str, Any]] = []
    if conv.system_prompt:
        messages.append({"role": "system", "content": conv.system_prompt})
    for message in conv.messages[:upto]:
        if message.role == "assistant" and not message.content.strip():
            continue  # an answer that failed before any text carries nothing to send
        content = message_content(message.content, message.attachments)
        messages.append({"role": message.role, "content": content})
    return messages
