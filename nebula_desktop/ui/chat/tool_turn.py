"""The state of one chat turn that goes through tools, and what it writes: the calls of a round
looked up in the turn's catalog, the ``role: "tool"`` message that records each call's outcome,
and the request parameters that carry the tools.

:class:`~nebula_desktop.ui.chat.tool_loop.ToolLoop` drives a turn (the card, the host, Stop);
this module holds no Qt object and decides nothing about the flow.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP

from nebula_desktop.store import Conversation, Message

if TYPE_CHECKING:
    from nebula_desktop.tools.session import CatalogResult

LISTING, STREAMING, ASKING, RUNNING, CONTINUING = (
    "listing",
    "streaming",
    "asking",
    "running",
    "continuing",
)
# Stored with the message in English and translated when shown (context "MessageDelegate").
TOO_MANY_ROUNDS = QT_TRANSLATE_NOOP(
    "MessageDelegate",
    "Stopped: this answer used as many tool rounds as allowed (Settings → Tools). "
    "Retry lets it go on.",
)
# What the model is told about calls that did not run (English: the model reads it).
STOPPED_CALL = "Error: the user stopped this tool call."
SKIPPED_CALL = "Error: the user stopped the turn before this tool call ran."
MAX_KEPT_ARGUMENTS = 16_000  # characters of a call's arguments kept with its result, for display


@dataclass
class ToolCall:
    """One tool call of a round, looked up in the turn's catalog."""

    call_id: str
    function: str
    arguments_text: str
    server_id: str = ""
    server_name: str = ""
    tool: str = ""
    arguments: dict[str, Any] | None = None
    error: str = ""  # why it cannot run (unknown tool, bad arguments): told to the model


@dataclass
class ToolTurn:
    """A turn between the user's question and the last answer, across its tool rounds."""

    conv: Conversation
    answer: Message
    token: int
    state: str = LISTING
    catalog: CatalogResult | None = None
    rounds: int = 0
    calls: list[ToolCall] = field(default_factory=list)
    count: int = 0
    current: ToolCall | None = None
    cancel: threading.Event | None = None
    started: float = 0.0
    pending_start: tuple[dict[str, Any], Callable[[dict[str, Any]], None]] | None = None
    # Plain-http servers the user said no to in this turn (asked again in the next one).
    declined: set[str] = field(default_factory=set)


def look_up(call: dict[str, Any], catalog: CatalogResult | None) -> ToolCall:
    """A streamed ``tool_calls`` entry as a :class:`ToolCall`: its server and tool from the
    catalog, its arguments parsed; ``error`` says (to the model) why it cannot run."""
    from nebula_desktop.tools.convert import parse_arguments
    from nebula_desktop.tools.errors import BadArguments

    function = call.get("function")
    function = function if isinstance(function, dict) else {}
    name = str(function.get("name") or "")
    raw = function.get("arguments")
    text = raw if isinstance(raw, str) else ""
    item = ToolCall(str(call.get("id") or ""), name, text)
    found = catalog.catalog.lookup(name) if catalog is not None else None
    if found is None:
        item.error = f"Error: there is no tool named {name[:100]!r} in this chat."
        return item
    item.server_id, item.tool = found
    server = catalog.servers.get(item.server_id) if catalog is not None else None
    item.server_name = server.name if server is not None else item.server_id
    try:
        item.arguments = parse_arguments(text)
    except BadArguments as exc:
        item.error = f"Error: {exc}"
    return item


def result_message(
    call: ToolCall,
    content: str,
    error: str,
    duration: float,
    size: int | None,
    attachments: list[dict[str, Any]] | None,
) -> Message:
    """The ``role: "tool"`` message answering ``call``, with what the chat shows folded."""
    info = {
        "name": call.tool or call.function,
        "server": call.server_name,
        "arguments": call.arguments_text[:MAX_KEPT_ARGUMENTS],
        "duration_s": round(duration, 2),
        "size": len(content.encode("utf-8")) if size is None else size,
        "error": error,
    }
    return Message(
        role="tool",
        content=content,
        tool_call_id=call.call_id,
        tool_info=info,
        attachments=attachments or [],
    )


def with_tools(params: dict[str, Any], catalog: CatalogResult | None) -> dict[str, Any]:
    """``params`` with the catalog's ``tools`` in the request body (through ``extra_body``)."""
    if catalog is None or not catalog.catalog.tools:
        return params
    out = dict(params)
    extra = dict(out.get("extra_body") or {})
    extra["tools"] = catalog.catalog.tools
    out["extra_body"] = extra
    return out


def sized_images(attachments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tool images with their width and height read from the image's header (not decoded), so
    their thumbnails keep their proportions like an answer's images."""
    from PySide6.QtCore import QBuffer, QByteArray  # (their types: not at start-up)
    from PySide6.QtGui import QImageReader

    from nebula_desktop.attachments import image_bytes

    for attachment in attachments:
        buffer = QBuffer()
        buffer.setData(QByteArray(image_bytes(attachment)))
        size = QImageReader(buffer).size()  # invalid (-1) when it is not an image Qt reads
        if size.isValid():
            attachment["width"], attachment["height"] = size.width(), size.height()
    return attachments
