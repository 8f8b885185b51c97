"""Compare's settings: the last picks and the saved setups are real fields that survive a
restart, and a hand-edited or damaged file is read back checked and bounded, never broken."""

from __future__ import annotations

import json
from pathlib import Path

from nebula_desktop.compare_settings import MAX_MODELS, MAX_SETUPS, ModelPick
from nebula_desktop.settings import Settings, SettingsStore

CLAUDE = {"profile_id": "ai-nebula", "model": "claude-sonnet-4"}
GPT = {"profile_id": "ai-nebula", "model": "gpt-4o"}
GEMINI = {"profile_id": "other", "model": "gemini-2.5-pro"}


def _load(tmp_path: Path, data: dict[str, object]) -> tuple[Settings, SettingsStore]:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "settings.json").write_text(json.dumps(data), encoding="utf-8")
    store = SettingsStore(config)
    return store.load(), store


def test_picks_and_setups_survive_a_restart(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "config")
    s = store.load()
    s.compare_models = [ModelPick("ai-nebula", "gpt-4o"), ModelPick("other", "gemini-2.5-pro")]
    s.compare_setups = {
        "Claude vs GPT vs Gemini": [
            ModelPick("ai-nebula", "claude-sonnet-4"),
            ModelPick("ai-nebula", "gpt-4o"),
            ModelPick("other", "gemini-2.5-pro"),
        ]
    }
    store.save(s)
    again = SettingsStore(tmp_path / "config")
    back = again.load()
    assert back.compare_models == s.compare_models
    assert back.compare_setups == s.compare_setups
    assert again.problems == [] and back.unknown_fields == {}
    raw = json.loads((tmp_path / "config" / "settings.json").read_text(encoding="utf-8"))
    assert raw["compare_setups"]["Claude vs GPT vs Gemini"][2] == GEMINI


def test_the_choice_kept_by_earlier_versions_is_read_into_the_field(tmp_path: Path) -> None:
    s, store = _load(tmp_path, {"compare_models": [CLAUDE, GPT]})
    assert s.compare_models == [ModelPick(**CLAUDE), ModelPick(**GPT)]
    assert store.problems == [] and "compare_models" not in s.unknown_fields


def test_a_damaged_compare_entry_is_left_out_with_one_notice_and_bounded(tmp_path: Path) -> None:
    many = [{"profile_id": "p", "model": f"m{i}"} for i in range(100_000)]
    setups: dict[str, object] = {f"setup {i}": [CLAUDE, GPT] for i in range(MAX_SETUPS + 30)}
    setups = {
        "one model only": [CLAUDE],
        "not a list": "gpt-4o",
        "   ": [CLAUDE, GPT],
        "x" * 500: [CLAUDE, GPT],
        "Good": [CLAUDE, 7, {"model": "no profile"}, GPT, GPT],
        **setups,
    }
    s, store = _load(tmp_path, {"compare_models": many, "compare_setups": setups})
    assert s.compare_models == [ModelPick("p", f"m{i}") for i in range(MAX_MODELS)]
    assert len(s.compare_setups) <= MAX_SETUPS
    assert s.compare_setups["Good"] == [ModelPick(**CLAUDE), ModelPick(**GPT)]
    assert not {"one model only", "not a list", "", "x" * 500} & set(s.compare_setups)
    notices = "\n".join(store.problems)
    assert "models last picked for Compare" in notices and "compare setups" in notices
    assert len(store.problems) == 2

    _, store = _load(tmp_path, {"compare_models": {"not": "a list"}, "compare_setups": []})
    assert len(store.problems) == 2  # a wrong type: defaults, said once each, nothing raised


def test_a_model_or_setup_named_like_a_key_is_dropped_from_disk(tmp_path: Path) -> None:
    key = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0" * 2
    data = {
        "compare_models": [CLAUDE, {"profile_id": "ai-nebula", "model": key}],
        "compare_setups": {key: [CLAUDE, GPT], "Fine": [GPT, GEMINI]},
    }
    s, store = _load(tmp_path, data)
    assert s.compare_models == [ModelPick(**CLAUDE)]
    assert list(s.compare_setups) == ["Fine"]
    text = (tmp_path / "config" / "settings.json").read_text(encoding="utf-8")
    assert key not in text  # rewritten at once
    assert key not in "\n".join(store.problems)
