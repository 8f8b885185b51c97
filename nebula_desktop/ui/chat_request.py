"""What a request sends: the history of a conversation and the connection of its profile.

Plain data only, so the worker threads never look at settings, store objects or widgets.
"""

from __future__ import annotations

from typing import Any

from nebula_desktop.store import Conversation


def build_history(conv: Conversation, upto: int) -> list[dict[str, str]]:
    """System prompt plus every turn before ``upto``, skipping error-only empty answers."""
    messages: list[dict[str, str]] = []
    if conv.system_prompt:
        messages.append({"role": "system", "content": conv.system_prompt})
    for message in conv.messages[:upto]:
        if message.role == "assistant" and not message.content.strip():
            continue  # an answer that failed before any text carries nothing to send
        messages.append({"role": message.role, "content": message.content})
    return messages


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
