"""Tool messages in the text exports (Markdown, HTML): what both show, bounded.

An assistant's ``tool_calls`` become one line each ("Tool call: get_current_time({…})"); a
``role: "tool"`` result a folded block with a one-line summary (duration, size, and "denied" or
"stopped" when it did not run), its text shown as written — inert code, since a tool's output is
untrusted — and cut after :data:`MAX_EXPORTED_RESULT` characters with a line saying how much was
left out. The JSON export keeps everything (``Message.to_dict``).
"""

from __future__ import annotations

from typing import Any

from nebula_desktop.store import Message

MAX_EXPORTED_RESULT = 4_000  # characters of a tool result shown in a text export
MAX_EXPORTED_ARGUMENTS = 300  # characters of a call's arguments on its line
_STATES = {"denied": "denied", "cancelled": "stopped", "timeout": "timed out"}


def _info(message: Message) -> dict[str, Any]:
    return message.tool_info if isinstance(message.tool_info, dict) else {}


def call_lines(message: Message) -> list[str]:
    """One "name({arguments})" per tool call of an assistant message (arguments cut short)."""
    out = []
    for call in message.tool_calls:
        function = call.get("function") if isinstance(call, dict) else None
        function = function if isinstance(function, dict) else {}
        name = str(function.get("name") or "tool")[:100]
        arguments = function.get("arguments")
        arguments = arguments if isinstance(arguments, str) else ""
        arguments = arguments.replace("\r", " ").replace("\n", " ")  # one line
        if len(arguments) > MAX_EXPORTED_ARGUMENTS:
            arguments = arguments[:MAX_EXPORTED_ARGUMENTS] + "…"
        out.append(f"{name}({arguments})")
    return out


def result_title(message: Message) -> str:
    """The details after "Tool result" in a result's heading: "get_current_time · Time"."""
    info = _info(message)
    return " · ".join(str(info[k])[:100] for k in ("name", "server") if info.get(k))


def result_summary(message: Message) -> str:
    """The folded line of a result: "Result · 0.4 s · 96 bytes" (and "· denied" etc.)."""
    info = _info(message)
    parts = ["Result"]
    duration = info.get("duration_s")
    if isinstance(duration, int | float) and not isinstance(duration, bool) and duration > 0:
        parts.append(f"{duration:.1f} s")
    size = info.get("size")
    if isinstance(size, int) and not isinstance(size, bool):
        parts.append(f"{max(0, size)} bytes")
    error = str(info.get("error") or "")
    if error in _STATES:
        parts.append(_STATES[error])
    elif error or message.content.startswith("Error"):
        parts.append("failed")
    return " · ".join(parts)


def result_text(message: Message) -> tuple[str, str]:
    """The result's text, cut to :data:`MAX_EXPORTED_RESULT` characters, and the line saying
    what was cut ("" when nothing was)."""
    text = message.content
    if len(text) <= MAX_EXPORTED_RESULT:
        return text, ""
    left = len(text) - MAX_EXPORTED_RESULT
    return text[
        :MAX_EXPORTED_RESULT
    ], f"… {left:,} more characters (the JSON export keeps them all)"


def fenced(text: str) -> str:
    """``text`` as a Markdown code block whose fence no run of backticks inside can close."""
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


def code_span(text: str) -> str:
    """``text`` as a Markdown inline code span that no backticks inside can end."""
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"
