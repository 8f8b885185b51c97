"""How many tokens a model takes in one request (its context window), for the composer's
warning: the profile's own figure for the model first, else a table of common models.

The table holds the windows as published by the vendors in their model documentation (OpenAI,
Anthropic, Google, DeepSeek, Meta, Alibaba's Qwen, Mistral, xAI, Cohere, Moonshot, Zhipu);
they change, so check them there, and a profile can set its own figure for any model
(``Profile.context_windows``, edited like prices). A server may also run a model with a
smaller window than the vendor's (a local llama.cpp or Ollama often does): the profile's
figure is the place for that too.

Names are matched without case, after any ``vendor/`` path (``openai/gpt-4o``,
``meta-llama/Llama-3.3-70B-Instruct``), by the longest known prefix that ends where the name
does or at a separator (``-``, ``.``, ``:``, ``@``, ``_``, a space): ``gpt-4o-2024-08-06`` is
``gpt-4o``, ``llama3.1:8b`` is ``llama3.1``, and ``gpt-4`` does not claim ``gpt-4o``.
"""

from __future__ import annotations

from nebula_desktop.profile import Profile

__all__ = ["KNOWN_WINDOWS", "context_window", "known_window"]

K = 1000
KI = 1024

KNOWN_WINDOWS: dict[str, int] = {
    # OpenAI
    "gpt-3.5-turbo": 16_385,
    "gpt-4": 8_192,
    "gpt-4-32k": 32_768,
    "gpt-4-turbo": 128 * K,
    "gpt-4o": 128 * K,
    "gpt-4o-mini": 128 * K,
    "chatgpt-4o": 128 * K,
    "gpt-4.1": 1_047_576,
    "gpt-4.5": 128 * K,
    "gpt-5": 400 * K,
    "o1": 200 * K,
    "o1-mini": 128 * K,
    "o1-preview": 128 * K,
    "o3": 200 * K,
    "o3-mini": 200 * K,
    "o4-mini": 200 * K,
    # Anthropic (Claude 2 had 100K; every Claude 3 and 4 model 200K)
    "claude": 200 * K,
    "claude-2": 100 * K,
    "claude-instant": 100 * K,
    # Google
    "gemini-pro": 32_760,
    "gemini-1.0-pro": 32_760,
    "gemini-1.5-pro": 2 * KI * KI,
    "gemini-1.5-flash": KI * KI,
    "gemini-2.0": KI * KI,
    "gemini-2.5": KI * KI,
    "gemma-2": 8_192,
    "gemma2": 8_192,
    "gemma-3": 128 * K,
    "gemma3": 128 * K,
    # DeepSeek (its API serves 128K since V3.1; 64K before)
    "deepseek-chat": 128 * K,
    "deepseek-reasoner": 128 * K,
    "deepseek-v3": 128 * K,
    "deepseek-r1": 128 * K,
    # Meta
    "llama-3": 8_192,
    "llama3": 8_192,
    "llama-3.1": 128 * KI,
    "llama3.1": 128 * KI,
    "llama-3.2": 128 * KI,
    "llama3.2": 128 * KI,
    "llama-3.3": 128 * KI,
    "llama3.3": 128 * KI,
    # Alibaba's Qwen (open models: their native window; the hosted ones as served)
    "qwen2": 32 * KI,
    "qwen2.5": 32 * KI,
    "qwen3": 32 * KI,
    "qwen-max": 32 * KI,
    "qwen-plus": 128 * KI,
    "qwen-turbo": 1_000_000,
    # Mistral
    "mistral-large": 128 * K,
    "mistral-medium": 128 * K,
    "mistral-small": 32 * K,
    "mistral-7b": 32 * KI,
    "mistral-nemo": 128 * K,
    "open-mistral-nemo": 128 * K,
    "codestral": 256 * K,
    "mixtral-8x7b": 32 * KI,
    "mixtral-8x22b": 64 * KI,
    # Others
    "grok-2": 128 * KI,
    "grok-3": 128 * KI,
    "grok-4": 256 * K,
    "command-r": 128 * K,
    "command-r-plus": 128 * K,
    "moonshot-v1-8k": 8 * KI,
    "moonshot-v1-32k": 32 * KI,
    "moonshot-v1-128k": 128 * KI,
    "kimi-k2": 128 * KI,
    "glm-4": 128 * K,
    "phi-4": 16 * KI,
    "smollm2": 8 * KI,
}

_SEPARATORS = frozenset("-.:@_ ")
_LONGEST = max(map(len, KNOWN_WINDOWS))


def known_window(model: str) -> int | None:
    """The published context window of ``model`` from the table (None when unknown)."""
    name = model.strip().lower().rsplit("/", 1)[-1]
    for end in range(min(len(name), _LONGEST), 0, -1):  # the longest prefix first
        if end < len(name) and name[end] not in _SEPARATORS:
            continue
        window = KNOWN_WINDOWS.get(name[:end])
        if window is not None:
            return window
    return None


def context_window(profile: Profile | None, model: str | None) -> int | None:
    """How many tokens ``model`` takes in one request through ``profile``: the profile's own
    figure for the model, else the table's (None when neither knows it)."""
    if not model:
        return None
    if profile is not None and model in profile.context_windows:
        return profile.context_windows[model]
    return known_window(model)
