"""What a request sends (connection, parameters) and what its outcome writes into the answer.

Requests are plain data, so the worker threads never look at settings, store objects or widgets.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP

from nebula_desktop.answer_images import take_answer_images
from nebula_desktop.store import Conversation, Message


def profile_params(
    settings: Any, profile_id: str | None, session_keys: dict[str, str]
) -> dict[str, Any]:
    """How to reach a profile's server; ``api_key`` only for a session-only key."""
    profile = settings.profile(profile_id or settings.default_profile_id)
    params: dict[str, Any] = {
        "base_url": profile.base_url,
        "profile_id": profile.id,
        "needs_key": profile.needs_key,
        "default_model": profile.default_model,
        "extra_headers": dict(profile.extra_headers),
        "timeout": profile.timeout,
        "proxy": profile.proxy,
        "ca_bundle": profile.ca_bundle,
    }
    if profile.thinking_inline:
        # ai-nebula then sends the thinking as a leading <think>…</think> in the content,
        # which the client splits back into reasoning.
        params["extra_body"] = {"nebula_thinking_to_content": True}
    if profile.sends_key_in_clear() and profile.id not in settings.plain_http_allowed:
        # Until the user agrees (MainWindow asks before a chat request), no key leaves for a
        # plain-http server on another computer: not for the model list, not for titles.
        params["needs_key"] = False
        params["key_withheld"] = True
        return params
    key = session_keys.get(profile.id)
    if key:
        params["api_key"] = key
    return params


def chat_params(
    settings: Any, conv: Conversation, messages: list[dict[str, str]], session_keys: dict[str, str]
) -> dict[str, Any]:
    """Everything the worker needs for one chat request of ``conv``."""
    params = profile_params(settings, conv.profile_id, session_keys)
    params.update(
        model=conv.model or params["default_model"],
        messages=messages,
        temperature=conv.temperature,
        max_tokens=conv.max_tokens,
    )
    return params


# Stored in English with the message and translated when shown (context "MessageDelegate").
CUT_OFF = QT_TRANSLATE_NOOP("MessageDelegate", "The answer was cut off by the token limit.")


def reset_answer(message: Message, model: str | None, keep: bool) -> None:
    """Prepare an answer to be streamed again (``keep``: Continue appends to its text)."""
    if not keep:
        message.content = ""
        message.reasoning = ""
        message.reasoning_seconds = None
        message.tool_calls = []
        message.attachments = []  # the images of the answer being replaced
    message.error = None
    message.complete = False
    message.finish_reason = None
    message.usage = None
    message.request_id = None
    message.model = model


def apply_result(message: Message, result: dict[str, Any], base: str, base_reasoning: str) -> None:
    """A finished request (``ChatWorker.finished``): the worker's text is authoritative."""
    if not result.get("cancelled"):
        message.content = base + result.get("content", "")
        if result.get("reasoning") or not base:
            message.reasoning = base_reasoning + result.get("reasoning", "")
    message.finish_reason = result.get("finish_reason")
    message.usage = result.get("usage")
    message.request_id = result.get("request_id")
    message.model = result.get("model") or message.model
    message.complete = bool(result.get("complete"))
    message.error = None
    if result.get("reasoning_seconds") is not None:
        message.reasoning_seconds = result["reasoning_seconds"]
    if result.get("tool_calls"):
        message.tool_calls = list(result["tool_calls"])
    take_images(message, result)
    if message.finish_reason == "length":
        # Shown on the answer with Continue, which is what the user wants next.
        message.complete = False
        message.error = str(CUT_OFF)  # QT_TRANSLATE_NOOP is typed as returning object


def apply_error(message: Message, error: dict[str, Any], base: str, base_reasoning: str) -> None:
    """A failed request (``ChatWorker.failed``): keep every character, add the product message."""
    partial = base + (error.get("content") or "")
    if len(partial) > len(message.content):
        message.content = partial  # never lose a character the client received
    reasoning = base_reasoning + (error.get("reasoning") or "")
    if len(reasoning) > len(message.reasoning):
        message.reasoning = reasoning
    take_images(message, error)
    message.complete = False
    message.error = error.get("message") or "API request failed"
    message.request_id = error.get("request_id")
    message.finish_reason = error.get("finish_reason")


def take_images(message: Message, outcome: dict[str, Any]) -> None:
    """Move the images of an answer that ended (its Markdown ``data:`` images, and those the
    server sent beside the text: ``outcome["images"]``) into its attachments, leaving
    ``[image N]`` placeholders or a line saying why one is not shown (see answer_images)."""
    urls = outcome.get("images") or []
    dropped = int(outcome.get("images_dropped") or 0)
    if not urls and not dropped and "data:image/" not in message.content:
        return
    kept = sum(1 for a in message.attachments if str(a.get("mime", "")).startswith("image/"))
    message.content, images = take_answer_images(message.content, urls, kept, dropped)
    if images:
        message.attachments = [*message.attachments, *images]
