"""What Compare keeps in ``settings.json``: the models picked last and the saved setups.

``compare_models`` is a list of ``{"profile_id": …, "model": …}`` (2–4 of them once picked);
``compare_setups`` maps a setup's name ("Claude vs GPT vs Gemini") to such a list. Both are read
back checked and bounded before any work is done on them, so a hand-edited or damaged file
costs nothing and breaks nothing: a wrong entry is left out with one notice, and a model or
setup name that reads like a key is dropped (and the file rewritten at once, see
:mod:`nebula_desktop.settings`). Profiles that no longer exist are filtered when the picks are
used, not here (a profile can come back with an import).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nebula_desktop.credentials import looks_like_credential

MIN_MODELS = 2
MAX_MODELS = 4
MAX_SETUPS = 50  # a menu, not a database
MAX_MODEL_NAME = 200  # longer model names are damage, not a model
MAX_SETUP_NAME = 80
MODELS_NOTICE = (
    "Some of the models last picked for Compare in settings.json were not valid and were left out."
)
SETUPS_NOTICE = (
    "Some saved compare setups in settings.json were not valid (each needs a name and 2–4 "
    "models) and were left out."
)


@dataclass(frozen=True)
class ModelPick:
    """One model to ask: ``model`` on the endpoint profile ``profile_id``."""

    profile_id: str
    model: str

    def to_dict(self) -> dict[str, str]:
        """The JSON shape of this pick."""
        return {"profile_id": self.profile_id, "model": self.model}


def picks_to_json(picks: list[ModelPick]) -> list[dict[str, str]]:
    """``picks`` as written to the settings file."""
    return [p.to_dict() for p in picks]


def _pick(raw: object) -> ModelPick | None:
    if not isinstance(raw, dict):
        return None
    profile_id, model = raw.get("profile_id"), raw.get("model")
    if not isinstance(profile_id, str) or not profile_id or len(profile_id) > MAX_MODEL_NAME:
        return None
    if not isinstance(model, str) or not 0 < len(model) <= MAX_MODEL_NAME:
        return None
    return ModelPick(profile_id, model)


def _picks(raw: object, dropped: list[str], where: str) -> tuple[list[ModelPick], bool]:
    """(the valid picks of ``raw``, in order without repeats, at most four; whether any was
    wrong). A list longer than four is damage: only its first four entries are looked at."""
    if not isinstance(raw, list):
        return [], True
    picks: list[ModelPick] = []
    damaged = len(raw) > MAX_MODELS
    for item in raw[:MAX_MODELS]:
        pick = _pick(item)
        if pick is None:
            damaged = True
        elif looks_like_credential(pick.model) or looks_like_credential(pick.profile_id):
            dropped.append(f"{where} (a model named like a key)")
        elif pick not in picks:
            picks.append(pick)
    return picks, damaged


def read_compare_models(raw: object, problems: list[str], dropped: list[str]) -> list[ModelPick]:
    """The ``compare_models`` of a settings file (missing: none)."""
    if raw is None:
        return []
    picks, damaged = _picks(raw, dropped, "compare_models")
    if damaged:
        problems.append(MODELS_NOTICE)
    return picks


def read_compare_setups(
    raw: object, problems: list[str], dropped: list[str]
) -> dict[str, list[ModelPick]]:
    """The ``compare_setups`` of a settings file: at most :data:`MAX_SETUPS` named lists of
    2–4 picks (missing: none)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(SETUPS_NOTICE)
        return {}
    setups: dict[str, list[ModelPick]] = {}
    damaged = len(raw) > MAX_SETUPS
    for number, (name, items) in enumerate(raw.items()):
        if number >= MAX_SETUPS:
            break
        if not isinstance(name, str) or not 0 < len(name.strip()) <= MAX_SETUP_NAME:
            damaged = True
            continue
        if looks_like_credential(name):
            dropped.append("compare_setups (a setup named like a key)")
            continue
        picks, wrong = _picks(items, dropped, "compare_setups")
        if wrong or len(picks) < MIN_MODELS:
            damaged = True
        if len(picks) >= MIN_MODELS:
            setups[name.strip()] = picks
    if damaged:
        problems.append(SETUPS_NOTICE)
    return setups


def setups_to_json(setups: dict[str, list[ModelPick]]) -> dict[str, Any]:
    """``setups`` as written to the settings file."""
    return {name: picks_to_json(picks) for name, picks in setups.items()}
