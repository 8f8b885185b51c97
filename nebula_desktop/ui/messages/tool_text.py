"""What a tool result (a ``role: "tool"`` message) shows in the chat: folded, one line — the tool,
its server, how long it took and how much it returned — and, unfolded, the arguments and the
result as code blocks (the Markdown renderer makes them inert text: a tool's output is untrusted).
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP

from nebula_desktop.ui.common.i18n import translate

if TYPE_CHECKING:
    from nebula_desktop.store import Message

MAX_SHOWN = 64 * 1024  # characters of arguments or result shown unfolded
_TICKS = re.compile(r"`{3,}")
_STATES = {
    "denied": QT_TRANSLATE_NOOP("MessageDelegate", "denied"),
    "cancelled": QT_TRANSLATE_NOOP("MessageDelegate", "stopped"),
    "timeout": QT_TRANSLATE_NOOP("MessageDelegate", "timed out"),
}


def _size(n: int) -> str:
    if n < 1024:
        return translate("MessageDelegate", "{n} bytes").format(n=n)
    if n < 1024 * 1024:
        return translate("MessageDelegate", "{n} KB").format(n=f"{n / 1024:.1f}")
    return translate("MessageDelegate", "{n} MB").format(n=f"{n / (1024 * 1024):.1f}")


def _info(msg: Message) -> dict[str, Any]:
    info = msg.tool_info
    return info if isinstance(info, dict) else {}


def tool_summary(msg: Message) -> str:
    """The folded line: "get_current_time · Time · 0.4 s · 96 bytes" (and "· denied" etc.)."""
    info = _info(msg)
    parts = [str(info.get("name") or translate("MessageDelegate", "Tool result"))[:100]]
    if info.get("server"):
        parts.append(str(info["server"])[:100])
    duration = info.get("duration_s")
    if isinstance(duration, int | float) and not isinstance(duration, bool) and duration > 0:
        parts.append(translate("MessageDelegate", "{seconds} s").format(seconds=f"{duration:.1f}"))
    size = info.get("size")
    if isinstance(size, int) and not isinstance(size, bool):
        parts.append(_size(max(0, size)))
    state = _STATES.get(str(info.get("error") or ""))
    if state is not None:
        parts.append(translate("MessageDelegate", state))
    elif info.get("error") or msg.content.startswith("Error"):
        parts.append(translate("MessageDelegate", "failed"))
    return " · ".join(parts)


def _fenced(text: str, language: str = "") -> str:
    """``text`` as a code block whose fence no run of backticks inside can close."""
    if len(text) > MAX_SHOWN:
        text = text[:MAX_SHOWN] + "\n…"
    longest = max((len(m.group()) for m in _TICKS.finditer(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def tool_details(msg: Message) -> str:
    """The unfolded text (Markdown): the arguments the model wrote and what the tool returned."""
    arguments = str(_info(msg).get("arguments") or "")
    if len(arguments) <= MAX_SHOWN:
        with contextlib.suppress(ValueError, RecursionError):
            arguments = json.dumps(json.loads(arguments or "{}"), ensure_ascii=False, indent=2)
    arguments_title = translate("MessageDelegate", "Arguments")
    result_title = translate("MessageDelegate", "Result")
    return (
        f"**{arguments_title}**\n\n{_fenced(arguments, 'json')}\n\n"
        f"**{result_title}**\n\n{_fenced(msg.content)}"
    )
