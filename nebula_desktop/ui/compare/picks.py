"""Which models a compare asks, where the last choice is kept, and the turn it adds to a chat.

Plain data, no widgets: a ``Pick`` is a profile id and a model name; the last choice is kept in
the settings file (``compare_models``, an entry the settings reader keeps as it is) and read back
with every entry checked, so a hand-edited file never breaks the picker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nebula_desktop.store import Conversation, Message

MIN_MODELS = 2
MAX_MODELS = 4
SETTINGS_KEY = "compare_models"
MAX_NAME = 200  # longer model names are damage, not a model


@dataclass(frozen=True)
class Pick:
    """One model to ask: ``model`` on the endpoint profile ``profile_id``."""

    profile_id: str
    model: str


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


def last_picks(settings: Any) -> list[Pick]:
    """The models chosen last time (only those whose profile still exists), at most four."""
    raw = settings.unknown_fields.get(SETTINGS_KEY)
    known = {p.id for p in settings.profiles}
    picks: list[Pick] = []
    for item in raw if isinstance(raw, list) else []:
        if len(picks) >= MAX_MODELS:
            break
        if not isinstance(item, dict):
            continue
        profile_id, model = item.get("profile_id"), item.get("model")
        if (
            isinstance(profile_id, str)
            and profile_id in known
            and isinstance(model, str)
            and 0 < len(model) <= MAX_NAME
        ):
            pick = Pick(profile_id, model)
            if pick not in picks:
                picks.append(pick)
    return picks


def remember(settings: Any, picks: list[Pick]) -> None:
    """Keep ``picks`` as the choice the picker offers next time (saved with the settings)."""
    settings.unknown_fields[SETTINGS_KEY] = [
        {"profile_id": p.profile_id, "model": p.model} for p in picks[:MAX_MODELS]
    ]


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
