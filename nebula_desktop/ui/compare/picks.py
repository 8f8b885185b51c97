"""Which models a compare asks, the saved setups, and the turn a compare adds to a chat.

Plain data, no widgets: a ``Pick`` is a profile id and a model name
(:class:`nebula_desktop.compare_settings.ModelPick`). The last choice and the saved setups are
settings fields (``Settings.compare_models``, ``Settings.compare_setups``), read back checked
and bounded; here they are filtered to the profiles that still exist when they are used.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nebula_desktop.compare_settings import (
    MAX_MODEL_NAME,
    MAX_MODELS,
    MAX_SETUP_NAME,
    MAX_SETUPS,
    MIN_MODELS,
)
from nebula_desktop.compare_settings import ModelPick as Pick
from nebula_desktop.store import Conversation, Message

__all__ = [
    "MAX_MODELS",
    "MAX_NAME",
    "MAX_SETUPS",
    "MAX_SETUP_NAME",
    "MIN_MODELS",
    "Pick",
    "add_compared_turn",
    "available",
    "choose_version",
    "delete_setup",
    "fork_of",
    "last_picks",
    "remember",
    "save_setup",
    "setup_picks",
    "speed",
]

MAX_NAME = MAX_MODEL_NAME


def available(settings: Any, extra: Sequence[Pick] = ()) -> list[Pick]:
    """Every model the profiles list (their cached model lists), ``extra`` first, no repeats."""
    seen: set[Pick] = set()
    out: list[Pick] = []
    known = {p.id for p in settings.profiles}
    for pick in [*extra, *(Pick(p.id, m) for p in settings.profiles for m in p.models_cache)]:
        if pick.profile_id in known and pick.model and pick not in seen:
            seen.add(pick)
            out.append(pick)
    return out


def _usable(settings: Any, picks: Sequence[Pick]) -> list[Pick]:
    known = {p.id for p in settings.profiles}
    return [p for p in picks if p.profile_id in known][:MAX_MODELS]


def last_picks(settings: Any) -> list[Pick]:
    """The models chosen last time (only those whose profile still exists), at most four."""
    return _usable(settings, settings.compare_models)


def remember(settings: Any, picks: list[Pick]) -> None:
    """Keep ``picks`` as the choice the picker offers next time (saved with the settings)."""
    settings.compare_models = list(picks[:MAX_MODELS])


def setup_picks(settings: Any, name: str) -> list[Pick]:
    """The models of the saved setup ``name`` whose profile still exists (empty: no such
    setup)."""
    return _usable(settings, settings.compare_setups.get(name, []))


def save_setup(settings: Any, name: str, picks: list[Pick]) -> bool:
    """Keep ``picks`` (2–4) as the setup ``name`` (replacing one of that name, keeping its
    place); False when the name is empty or too long, or when there are already
    :data:`MAX_SETUPS` others."""
    name = name.strip()
    setups = settings.compare_setups
    if not 0 < len(name) <= MAX_SETUP_NAME or not MIN_MODELS <= len(picks) <= MAX_MODELS:
        return False
    if name not in setups and len(setups) >= MAX_SETUPS:
        return False
    setups[name] = list(picks)
    return True


def delete_setup(settings: Any, name: str) -> bool:
    """Forget the setup ``name``; False if there was none."""
    return settings.compare_setups.pop(name, None) is not None


def add_compared_turn(conv: Conversation, user: Message, picks: list[Pick]) -> list[Message]:
    """Append ``user`` and one empty answer per pick to ``conv``: the answers are the versions
    of that turn (‹ 1/n ›), in the order of ``picks``, the first one chosen. Returns them."""
    answers = [
        Message(
            role="assistant", content="", model=p.model, complete=False, profile_id=p.profile_id
        )
        for p in picks
    ]
    conv.messages.append(user)
    conv.messages.append(answers[0])
    fork = len(conv.messages) - 1
    for answer in answers[1:]:
        conv.add_branch(fork, [answer])
    conv.switch_branch(fork, 0)
    return answers


def fork_of(conv: Conversation, answers: list[Message]) -> tuple[int, int] | None:
    """(index in ``conv.messages``, version shown) of the turn ``answers`` are the versions of;
    None when the chat no longer shows any of them (a version picked elsewhere, a deletion)."""
    ids = {a.id: position for position, a in enumerate(answers)}
    for index in range(len(conv.messages) - 1, -1, -1):
        position = ids.get(conv.messages[index].id)
        if position is not None:
            return index, position
    return None


def speed(
    usage: dict[str, Any] | None, text: str, first: float | None, end: float | None
) -> float | None:
    """Tokens per second from the first token to the end: the server's completion tokens when
    it counted them, else the offline estimate of ``text``; None when too short to say."""
    if first is None or end is None or end - first < 0.05:
        return None
    tokens = (usage or {}).get("completion_tokens")
    if isinstance(tokens, bool) or not isinstance(tokens, int) or tokens <= 0:
        from nebula_desktop.tokens import text_tokens

        tokens = round(text_tokens(text))
    return round(tokens / (end - first), 1) if tokens else None


def choose_version(conv: Conversation, answers: list[Message], position: int) -> bool:
    """Make ``answers[position]`` the chosen version of its turn; False if the chat no longer
    holds that turn."""
    fork = fork_of(conv, answers)
    if fork is None or not 0 <= position < len(answers):
        return False
    index = fork[0]
    head = conv.messages[index]
    at = head.branch_index
    versions = [*(tail[0] for tail in head.alternatives[:at]), head]
    versions += [tail[0] for tail in head.alternatives[at:]]
    for version, first in enumerate(versions):
        if first is answers[position]:
            return conv.switch_branch(index, version)
    return False
