"""Markdown export: readable in any editor or on a forge; export-only (not re-imported)."""

from __future__ import annotations

from collections.abc import Iterable

from nebula_desktop.exchange.common import format_time
from nebula_desktop.exchange.tool_export import (
    call_lines,
    code_span,
    fenced,
    result_summary,
    result_text,
    result_title,
)
from nebula_desktop.exchange.versions import VersionHeading, walk_versions
from nebula_desktop.store import Conversation, Message

ROLE_NAMES = {"user": "You", "assistant": "Assistant", "system": "System", "tool": "Tool result"}


def _heading(message: Message) -> str:
    name = ROLE_NAMES.get(message.role, message.role.capitalize() or "Message")
    tool = result_title(message) if message.role == "tool" else ""
    details = [d for d in (message.model or "", tool, format_time(message.created_at)) if d]
    return f"### {name}" + (f" · {' · '.join(details)}" if details else "")


def attachment_names(message: Message) -> str:
    """ "photo.png, notes.txt" — attachments are named, their data stays in the JSON export."""
    names = [str(a.get("name") or "attachment") for a in message.attachments]
    return ", ".join(names)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def conversation_markdown(conv: Conversation) -> str:
    """One conversation as Markdown: title, details, system prompt, then every message (every
    version where the chat forks, each under a heading naming it and its model)."""
    out = [f"# {conv.title or 'Untitled'}", ""]
    details = [d for d in (conv.model, format_time(conv.created_at)) if d]
    if details:
        out += [f"*{' · '.join(details)}*", ""]
    if conv.system_prompt:
        out += ["**System prompt:**", "", _quote(conv.system_prompt), ""]
    for message in walk_versions(conv.messages):
        if isinstance(message, VersionHeading):
            out += [f"## {message.label()}", ""]
            continue
        out += [_heading(message), ""]
        if message.reasoning:
            out += ["<details><summary>Thinking</summary>", "", message.reasoning, "", "</details>"]
            out.append("")
        if message.role == "tool":
            out += _tool_result(message)
        elif message.content:
            out += [message.content, ""]
        if message.tool_calls:
            out += [f"- Tool call: {code_span(line)}" for line in call_lines(message)] + [""]
        if message.attachments:
            out += [f"*Attached: {attachment_names(message)}*", ""]
        if message.error:
            out += [f"*Error: {message.error}*", ""]
        elif not message.complete:
            out += ["*(incomplete answer)*", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _tool_result(message: Message) -> list[str]:
    """A tool's result, folded: its summary, then its text as a code block (cut short)."""
    text, cut = result_text(message)
    lines = [f"<details><summary>{result_summary(message)}</summary>", "", fenced(text), ""]
    if cut:
        lines += [f"*{cut}*", ""]
    return [*lines, "</details>", ""]


def export_markdown(conversations: Iterable[Conversation]) -> str:
    """Several conversations in one Markdown file, separated by rules."""
    return "\n---\n\n".join(conversation_markdown(c) for c in conversations)
