"""Plain data that crosses from the tools host to its callers: tools, results, server states."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ServerState", "ToolImage", "ToolResult", "ToolSpec", "b64_size"]


def b64_size(data: str) -> int:
    """The decoded size of base64 ``data`` in bytes, without decoding it."""
    return len(data) * 3 // 4 - data[-2:].count("=")


@dataclass(frozen=True)
class ToolSpec:
    """One tool a server offers, as it described itself (its text is untrusted)."""

    server_id: str
    name: str
    description: str = ""
    input_schema: dict[str, Any] = field(default_factory=dict)
    title: str = ""


@dataclass(frozen=True)
class ToolImage:
    """An image a tool returned: base64 ``data`` of type ``mime`` (for the UI, not the model)."""

    mime: str
    data: str

    @property
    def size(self) -> int:
        """Decoded size in bytes (from the base64 length, without decoding)."""
        return b64_size(self.data)


@dataclass
class ToolResult:
    """What one tool call gave back, or why it gave nothing.

    ``text`` joins the text parts (at most ``MAX_KEPT_CHARS`` of them are kept, the rest counted
    in ``cut_chars``); ``images`` are kept as data for the UI. ``is_error`` is True both for a
    tool that reported a failure and for a call that failed (then ``text`` is our sentence and
    ``error`` names the kind: ``"timeout"``, ``"cancelled"``, ``"crashed"``, ``"unavailable"``,
    ``"protocol"``). ``size`` is the number of bytes the server returned.
    """

    server_id: str
    tool: str
    text: str = ""
    images: list[ToolImage] = field(default_factory=list)
    is_error: bool = False
    error: str = ""
    duration_s: float = 0.0
    size: int = 0
    cut_chars: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        """True when Stop (or the caller) ended the call."""
        return self.error == "cancelled"

    @property
    def timed_out(self) -> bool:
        """True when the server did not answer within its timeout."""
        return self.error == "timeout"


# Server states (``ServerState.status``).
IDLE = "idle"  # configured, not started (nothing starts until used)
STARTING = "starting"
RUNNING = "running"
CRASHED = "crashed"  # ran, then stopped by itself; restarted on the next use after a back-off
FAILED = "failed"  # could not be started or reached; tried again on the next use
STOPPED = "stopped"  # closed by us (the host stopped, or its settings changed)


@dataclass(frozen=True)
class ServerState:
    """One line about a server for Settings → Tools and the chat (``message`` is a sentence)."""

    server_id: str
    status: str = IDLE
    message: str = ""
    tools: int = 0
    retry_in_s: float = 0.0
