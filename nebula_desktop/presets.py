"""Ready-made data the user starts from: endpoint presets for "Add profile" and helpers for the
saved system prompts (prompt presets) kept in ``Settings.prompt_presets``. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass

from nebula_desktop.costs import answer_cost, conversation_totals, format_cost
from nebula_desktop.settings import DEFAULT_BASE_URL, Profile, Settings

__all__ = [
    "ENDPOINT_PRESETS",
    "EndpointPreset",
    "answer_cost",
    "conversation_totals",
    "delete_preset",
    "endpoint_preset",
    "format_cost",
    "preset_names",
    "preset_text",
    "profile_from_preset",
    "set_preset",
]


@dataclass(frozen=True)
class EndpointPreset:
    """A known kind of OpenAI-compatible server: its usual address, whether it needs a key."""

    id: str  # also the suggested profile id
    name: str
    base_url: str
    needs_key: bool
    local: bool = False
    thinking_inline: bool = False


ENDPOINT_PRESETS: tuple[EndpointPreset, ...] = (
    EndpointPreset("ai-nebula", "ai-nebula", DEFAULT_BASE_URL, True),
    EndpointPreset("openai", "OpenAI", "https://api.openai.com/v1", True),
    EndpointPreset("openrouter", "OpenRouter", "https://openrouter.ai/api/v1", True),
    EndpointPreset("deepseek", "DeepSeek", "https://api.deepseek.com/v1", True),
    # The user fills in the address of their own gateway.
    EndpointPreset("custom", "OpenAI-compatible gateway", "", True),
    EndpointPreset("ollama", "Ollama", "http://localhost:11434/v1", False, local=True),
    EndpointPreset("lm-studio", "LM Studio", "http://localhost:1234/v1", False, local=True),
    EndpointPreset("llama-cpp", "llama.cpp", "http://localhost:8080/v1", False, local=True),
)


def endpoint_preset(preset_id: str) -> EndpointPreset:
    """The preset ``preset_id`` (the ai-nebula one for an unknown id)."""
    for preset in ENDPOINT_PRESETS:
        if preset.id == preset_id:
            return preset
    return ENDPOINT_PRESETS[0]


def profile_from_preset(
    preset: EndpointPreset, taken_ids: set[str], taken_names: set[str]
) -> Profile:
    """A new profile filled from ``preset`` with an id and a name no other profile uses."""
    profile_id, name, n = preset.id, preset.name, 1
    while profile_id in taken_ids or name in taken_names:
        n += 1
        profile_id, name = f"{preset.id}-{n}", f"{preset.name} {n}"
    return Profile(
        id=profile_id,
        name=name,
        base_url=preset.base_url,
        needs_key=preset.needs_key,
        thinking_inline=preset.thinking_inline,
    )


# -- prompt presets ----------------------------------------------------------------------------


def preset_names(settings: Settings) -> list[str]:
    """Names of the saved system prompts, in the user's order."""
    return [p.get("name", "") for p in settings.prompt_presets]


def preset_text(settings: Settings, name: str) -> str | None:
    """The text of the preset ``name`` (None when there is none by that name)."""
    for preset in settings.prompt_presets:
        if preset.get("name") == name:
            return preset.get("text", "")
    return None


def set_preset(settings: Settings, name: str, text: str, old_name: str | None = None) -> None:
    """Add or replace a preset (``old_name``: the one being renamed); keeps the default in step."""
    name = name.strip()
    if not name:
        raise ValueError("A prompt preset needs a name.")
    target = old_name if old_name is not None else name
    if name != target and preset_text(settings, name) is not None:
        raise ValueError(f"There is already a preset named “{name}”.")
    for preset in settings.prompt_presets:
        if preset.get("name") == target:
            preset["name"], preset["text"] = name, text
            break
    else:
        if preset_text(settings, name) is not None:
            raise ValueError(f"There is already a preset named “{name}”.")
        settings.prompt_presets.append({"name": name, "text": text})
    if old_name is not None and settings.default_prompt_preset == old_name:
        settings.default_prompt_preset = name


def delete_preset(settings: Settings, name: str) -> None:
    """Remove a preset; when it was the default, new chats start without a system prompt."""
    settings.prompt_presets[:] = [p for p in settings.prompt_presets if p.get("name") != name]
    if settings.default_prompt_preset == name:
        settings.default_prompt_preset = ""
