"""What answers cost: one answer's dollars, a chat's totals, and how a sum is written.

Its own module (``presets`` re-exports the names): a row's usage line and the window's title
need these at the first paint, and must not build the endpoint preset table to get them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nebula_desktop.profile import Profile

__all__ = ["answer_cost", "conversation_totals", "format_cost"]


def answer_cost(message: Any, profile: Profile, chat_model: str | None = None) -> float | None:
    """Dollars one answer cost: priced by the model that answered, else the chat's model (a
    server may report a dated name such as ``gpt-4o-mini-2024-07-18``)."""
    usage = getattr(message, "usage", None)
    cost = profile.cost(getattr(message, "model", None), usage)
    return cost if cost is not None else profile.cost(chat_model, usage)


def conversation_totals(
    messages: list[Any], profile: Profile, chat_model: str | None = None
) -> tuple[int, float | None]:
    """(tokens, dollars) over the answers of a chat; dollars is None when no answer has a price."""
    tokens = 0
    cost: float | None = None
    for message in messages:
        usage = getattr(message, "usage", None)
        if not usage:
            continue
        total = usage.get("total_tokens")
        if not isinstance(total, int):
            prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
            total = (prompt if isinstance(prompt, int) else 0) + (
                completion if isinstance(completion, int) else 0
            )
        tokens += total
        dollars = answer_cost(message, profile, chat_model)
        if dollars is not None:
            cost = (cost or 0.0) + dollars
    return tokens, cost


def format_cost(dollars: float) -> str:
    """ "$0.0123": four decimals for small sums (one answer costs fractions of a cent)."""
    if dollars >= 100:
        return f"${dollars:,.2f}"
    return f"${dollars:.4f}"
