"""MCP tools as OpenAI ``tools``, and tool results as ``role: "tool"`` messages.

Function names must match ``[a-zA-Z0-9_-]{1,64}`` and be unique in one request, while two servers
may both have a ``search`` tool: a name is ``<server>__<tool>`` made valid, shortened with a hash
when needed, and :class:`ToolCatalog` maps it back. What a server says (descriptions, schemas,
results) is untrusted and bounded here before it goes into a request: descriptions and schemas
are capped, and a result's text is cut at :data:`MAX_RESULT_CHARS` with a line saying what was
cut. Images a tool returns stay with the result for the UI; the model is told they were shown.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nebula_desktop.tools.errors import BadArguments
from nebula_desktop.tools.model import ToolResult, ToolSpec

__all__ = [
    "MAX_ARGUMENT_CHARS",
    "MAX_DESCRIPTION_CHARS",
    "MAX_FUNCTION_NAME",
    "MAX_RESULT_CHARS",
    "MAX_SCHEMA_CHARS",
    "MAX_TOOLS",
    "ToolCatalog",
    "build_catalog",
    "denied_message",
    "function_name",
    "parse_arguments",
    "result_attachments",
    "tool_message",
]

MAX_FUNCTION_NAME = 64
# A tool's text sent back to the model (characters). 64 K is ~16 K tokens: enough for a page of
# search results or a file, small enough to leave room for the conversation.
MAX_RESULT_CHARS = 64 * 1024
MAX_DESCRIPTION_CHARS = 2048
MAX_SCHEMA_CHARS = 32 * 1024
MAX_TOOLS = 128  # OpenAI's limit of tools in one request
MAX_ARGUMENT_CHARS = 1024 * 1024

_INVALID = re.compile(r"[^A-Za-z0-9_-]")
_SEPARATOR = "__"


def _valid(text: str) -> str:
    return _INVALID.sub("_", text)


def function_name(server_id: str, tool: str, taken: set[str] | None = None) -> str:
    """A valid, unique OpenAI function name for ``tool`` of ``server_id`` (added to ``taken``).

    ``<server>__<tool>`` with every other character replaced by ``_``; when that is too long or
    already taken, it is shortened and ends with 8 hex digits of a hash of the real pair.
    """
    used = taken if taken is not None else set()
    name = f"{_valid(server_id)}{_SEPARATOR}{_valid(tool)}"
    if len(name) > MAX_FUNCTION_NAME or name in used:
        digest = hashlib.sha256(f"{server_id}\0{tool}".encode()).hexdigest()
        n = 0
        while True:
            suffix = f"_{digest[n : n + 8]}"
            candidate = name[: MAX_FUNCTION_NAME - len(suffix)] + suffix
            if candidate not in used:
                name = candidate
                break
            n += 1
    used.add(name)
    return name


@dataclass
class ToolCatalog:
    """The ``tools`` of one chat request, and which server tool each function name means."""

    tools: list[dict[str, Any]] = field(default_factory=list)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def lookup(self, function: str) -> tuple[str, str] | None:
        """``(server_id, tool name)`` for a function name the model called, or None."""
        return self.names.get(function)


def _schema(spec: ToolSpec) -> tuple[dict[str, Any], str]:
    """The parameters schema to send (an object schema) and a notice when it was replaced."""
    schema = spec.input_schema if isinstance(spec.input_schema, dict) else {}
    try:
        size = len(json.dumps(schema, ensure_ascii=False))
    except (TypeError, ValueError, RecursionError):
        return {"type": "object", "properties": {}}, "its input schema is not JSON"
    if size > MAX_SCHEMA_CHARS:
        return {"type": "object", "properties": {}}, "its input schema is too large"
    if schema.get("type") != "object":
        rest = {k: v for k, v in schema.items() if k != "type"}
        schema = {"type": "object", "properties": {}, **rest}
    if not isinstance(schema.get("properties", {}), dict):
        schema = {**schema, "properties": {}}
    return schema, ""


def build_catalog(servers: Iterable[tuple[str, Sequence[ToolSpec]]]) -> ToolCatalog:
    """OpenAI ``tools`` for the tools of each ``(server_name, specs)``, at most :data:`MAX_TOOLS`.

    Each entry is ``{"type": "function", "function": {"name", "description", "parameters"}}``;
    the description starts with the server's name so the model (and the user reading a request
    log) knows whose tool it is.
    """
    catalog = ToolCatalog()
    taken: set[str] = set()
    dropped = 0
    for server_name, specs in servers:
        for spec in specs:
            if len(catalog.tools) >= MAX_TOOLS:
                dropped += 1
                continue
            name = function_name(spec.server_id, spec.name, taken)
            parameters, problem = _schema(spec)
            if problem:
                catalog.notices.append(
                    f"The tool {spec.name} of “{server_name}” is offered without its parameters: "
                    f"{problem}."
                )
            description = (spec.description or spec.title or spec.name).strip()
            if len(description) > MAX_DESCRIPTION_CHARS:
                description = description[:MAX_DESCRIPTION_CHARS] + "…"
            catalog.tools.append(
                {
                    "type": "function",
                    "function": {
                        "name": name,
                        "description": f"[{server_name}] {description}",
                        "parameters": parameters,
                    },
                }
            )
            catalog.names[name] = (spec.server_id, spec.name)
    if dropped:
        catalog.notices.append(
            f"{dropped} tools were left out: a request can offer at most {MAX_TOOLS} tools."
        )
    return catalog


def parse_arguments(text: str | None) -> dict[str, Any]:
    """The arguments of a tool call as the model streamed them (a JSON object, or nothing).

    Raises :class:`BadArguments` with a sentence the model can act on.
    """
    if text is None or not text.strip():
        return {}
    if len(text) > MAX_ARGUMENT_CHARS:
        raise BadArguments("The tool arguments are too large (over 1 MB).")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadArguments(f"The tool arguments are not valid JSON: {exc}.") from None
    if not isinstance(value, dict):
        raise BadArguments("The tool arguments must be a JSON object.")
    return value


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def tool_message(
    tool_call_id: str, result: ToolResult, limit: int = MAX_RESULT_CHARS
) -> dict[str, Any]:
    """The ``role: "tool"`` message that sends ``result`` back to the model.

    Its text is cut at ``limit`` characters with a last line saying how much was cut; images
    are described in a line each (the user sees them; the model is not sent them). A failed
    call's text starts with ``Error:`` so the model can tell.
    """
    text = result.text
    lines: list[str] = []
    cut = result.cut_chars
    if len(text) > limit:
        cut += len(text) - limit
        text = text[:limit]
    for i, image in enumerate(result.images, 1):
        lines.append(f"[image {i}: {image.mime}, {_size(image.size)}, shown to the user]")
    lines.extend(f"[{note}]" for note in result.notes)
    if cut:
        total = len(result.text) + result.cut_chars
        lines.append(
            f"[… cut: {cut:,} more characters of this tool's output were not sent "
            f"({total:,} in all)]"
        )
    if result.is_error and not text.startswith("Error"):
        text = f"Error: {text}" if text else "Error: the tool failed without saying why."
    if not text and not lines:
        text = "(the tool returned nothing)"
    content = "\n".join([text, *lines]) if text else "\n".join(lines)
    return {"role": "tool", "tool_call_id": tool_call_id, "content": content}


def denied_message(tool_call_id: str) -> dict[str, Any]:
    """The ``role: "tool"`` message for a call the user denied."""
    return {
        "role": "tool",
        "tool_call_id": tool_call_id,
        "content": "Error: the user denied this tool call. Do not try it again unless asked.",
    }


def result_attachments(result: ToolResult) -> list[dict[str, Any]]:
    """The result's images as message attachments (``name``, ``mime``, ``data``; ``width`` and
    ``height`` are 0 until the UI decodes them)."""
    out = []
    for i, image in enumerate(result.images, 1):
        ext = image.mime.rpartition("/")[2] or "bin"
        name = f"{result.tool}-{i}.{ext}"
        out.append({"name": name, "mime": image.mime, "data": image.data, "width": 0, "height": 0})
    return out
