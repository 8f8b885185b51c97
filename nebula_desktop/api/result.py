"""The outcome of one chat call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ChatResult"]


@dataclass
class ChatResult:
    """Everything received for one answer.

    ``complete`` is True only when a ``finish_reason`` arrived; ``cancelled`` when the caller's
    cancel event stopped the call (then ``complete`` is False and no error is raised).
    ``tool_calls`` are in the OpenAI shape (``{"id", "type", "function": {"name",
    "arguments"}}``, arguments as the JSON text received). ``images`` are the URLs of images
    the server sent beside the text (content parts, or the ``images`` list of a ``message`` or
    ``delta``), in order; ``images_dropped`` counts those past the accumulator's cap.
    """

    content: str = ""
    reasoning: str = ""
    finish_reason: str | None = None
    usage: dict[str, Any] | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    request_id: str | None = None
    model: str | None = None
    complete: bool = False
    cancelled: bool = False
    images: list[str] = field(default_factory=list)
    images_dropped: int = 0
