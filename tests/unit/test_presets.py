"""Endpoint presets, prompt presets, prices and the plain-http rule (no Qt)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nebula_desktop.presets import (
    ENDPOINT_PRESETS,
    answer_cost,
    conversation_totals,
    delete_preset,
    endpoint_preset,
    format_cost,
    preset_names,
    preset_text,
    profile_from_preset,
    set_preset,
)
from nebula_desktop.settings import Profile, Settings, SettingsStore, is_plain_http_remote
from nebula_desktop.store import Message
from nebula_desktop.ui.chat.request import profile_params


def test_every_preset_named_in_the_issue_is_offered_and_local_ones_need_no_key() -> None:
    urls = {p.name: (p.base_url, p.needs_key) for p in ENDPOINT_PRESETS}
    assert urls == {
        "ai-nebula": ("https://llm.ai-nebula.com/v1", True),
        "OpenAI": ("https://api.openai.com/v1", True),
        "OpenRouter": ("https://openrouter.ai/api/v1", True),
        "DeepSeek": ("https://api.deepseek.com/v1", True),
        "OpenAI-compatible gateway": ("", True),
        "Ollama": ("http://localhost:11434/v1", False),
        "LM Studio": ("http://localhost:1234/v1", False),
        "llama.cpp": ("http://localhost:8080/v1", False),
    }
    assert endpoint_preset("nope").id == "ai-nebula"


def test_a_second_profile_from_the_same_preset_gets_its_own_id_and_name() -> None:
    first = profile_from_preset(endpoint_preset("ollama"), set(), set())
    second = profile_from_preset(endpoint_preset("ollama"), {first.id}, {first.name})
    assert (first.id, first.name) == ("ollama", "Ollama")
    assert (second.id, second.name) == ("ollama-2", "Ollama 2")
    assert second.needs_key is False


def test_new_settings_survive_a_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    settings = store.load()
    profile = settings.profile()
    profile.thinking_inline = True
    profile.prices = {"gpt-4o-mini": {"input": 0.15, "output": 0.6}}
    settings.prompt_presets = [{"name": "Terse", "text": "Be terse."}]
    settings.default_prompt_preset = "Terse"
    settings.plain_http_allowed.add(profile.id)  # session-only: never written
    store.save(settings)
    raw = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))
    assert "plain_http_allowed" not in raw
    again = SettingsStore(tmp_path).load()
    assert again.profile().thinking_inline is True
    assert again.profile().prices == {"gpt-4o-mini": {"input": 0.15, "output": 0.6}}
    assert again.default_prompt_text() == "Be terse."
    assert again.plain_http_allowed == set()


def test_broken_prices_and_presets_fall_back_with_a_notice(tmp_path: Path) -> None:
    data = {
        "profiles": [
            {
                "id": "p",
                "name": "P",
                "base_url": "https://x.example/v1",
                "prices": {"a": {"input": -1, "output": 2}, "b": "free"},
            }
        ],
        "prompt_presets": [{"name": 3}],
    }
    (tmp_path / "settings.json").write_text(json.dumps(data), encoding="utf-8")
    store = SettingsStore(tmp_path)
    settings = store.load()
    assert settings.profile().prices == {"a": {"input": 0.0, "output": 2.0}}
    assert settings.prompt_presets == []
    assert len(store.problems) == 3


def test_prompt_presets_add_rename_keep_the_default_and_delete() -> None:
    settings = Settings()
    set_preset(settings, "Coder", "You write Python.")
    set_preset(settings, "Poet", "Rhyme.")
    settings.default_prompt_preset = "Coder"
    set_preset(settings, "Pythonista", "You write Python 3.", old_name="Coder")
    assert preset_names(settings) == ["Pythonista", "Poet"]
    assert settings.default_prompt_text() == "You write Python 3."
    with pytest.raises(ValueError):
        set_preset(settings, "Poet", "dup", old_name="Pythonista")
    with pytest.raises(ValueError):
        set_preset(settings, "  ", "no name")
    delete_preset(settings, "Pythonista")
    assert preset_text(settings, "Pythonista") is None
    assert settings.default_prompt_text() == ""


def test_cost_uses_the_answering_model_then_the_chat_model() -> None:
    profile = Profile(id="p", name="P", base_url="https://x.example/v1")
    profile.prices = {"gpt-4o-mini": {"input": 0.15, "output": 0.6}}
    usage = {"prompt_tokens": 2000, "completion_tokens": 1000, "total_tokens": 3000}
    dated = Message(role="assistant", content="x", model="gpt-4o-mini-2024-07-18", usage=usage)
    assert answer_cost(dated, profile) is None
    assert answer_cost(dated, profile, "gpt-4o-mini") == pytest.approx(0.0009)
    other = Message(role="assistant", content="y", model="unpriced", usage=usage)
    tokens, cost = conversation_totals([dated, other, Message("user", "q")], profile, "x")
    assert (tokens, cost) == (6000, None)
    tokens, cost = conversation_totals([dated, other], profile, "gpt-4o-mini")
    assert tokens == 6000 and cost == pytest.approx(0.0018)
    assert format_cost(0.0009) == "$0.0009"
    assert format_cost(1234.5) == "$1,234.50"


@pytest.mark.parametrize(
    ("url", "clear"),
    [
        ("http://api.example.com/v1", True),
        ("http://10.0.0.5:8000/v1", True),
        ("https://api.example.com/v1", False),
        ("http://localhost:11434/v1", False),
        ("http://127.0.0.1:1234/v1", False),
        ("http://[::1]:8080/v1", False),
    ],
)
def test_plain_http_to_another_computer_is_recognised(url: str, clear: bool) -> None:
    assert is_plain_http_remote(url) is clear


def test_no_key_goes_to_a_plain_http_remote_until_allowed() -> None:
    settings = Settings()
    profile = settings.profile()
    profile.base_url = "http://api.example.com/v1"
    params = profile_params(settings, profile.id, {profile.id: "sk-secret"})
    assert "api_key" not in params and params["needs_key"] is False
    settings.plain_http_allowed.add(profile.id)
    params = profile_params(settings, profile.id, {profile.id: "sk-secret"})
    assert params["api_key"] == "sk-secret" and params["needs_key"] is True


def test_thinking_inline_profile_asks_for_the_flag() -> None:
    settings = Settings()
    assert "extra_body" not in profile_params(settings, None, {})
    settings.profile().thinking_inline = True
    assert profile_params(settings, None, {})["extra_body"] == {"nebula_thinking_to_content": True}
