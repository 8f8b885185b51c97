"""``UsageLine``: what the open chat has used and cost, in the status bar and on each answer.

"1,234 tokens this chat · $0.0123" sits at the right of the status bar; ``answer_cost`` prices one
answer with the open chat's profile, for the footer the message view draws under it. Both read
the prices from the settings at each call, so a change in the settings dialog shows at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QWidget

from nebula_desktop.store import Conversation, Message
from nebula_desktop.ui.common.app_context import AppContext


def usage_text(conv: Any, settings: Any) -> str:
    """ "1,234 tokens this chat · $0.0123" for ``conv`` (empty before any usage)."""
    from nebula_desktop.costs import conversation_totals, format_cost

    if conv is None:
        return ""
    profile = settings.profile(conv.profile_id or settings.default_profile_id)
    tokens, cost = conversation_totals(conv.messages, profile, conv.model)
    text = (
        QCoreApplication.translate("MainWindow", "{tokens} tokens this chat").format(
            tokens=f"{tokens:,}"
        )
        if tokens
        else ""
    )
    if cost is not None:
        text += f" · {format_cost(cost)}"
    return text


class UsageLine(QLabel):
    """The status bar's usage of the chat ``current()`` returns (the one on screen)."""

    def __init__(
        self, ctx: AppContext, current: Callable[[], Conversation | None], parent: QWidget
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._current = current
        self.setAccessibleName(QCoreApplication.translate("MainWindow", "Usage of this chat"))

    def refresh(self) -> None:
        """Show the open chat's tokens and cost now (empty before any usage)."""
        self.setText(usage_text(self._current(), self._ctx.settings))

    def answer_cost(self, message: Message) -> float | None:
        """What one answer cost with the prices of the profile that answered it (a compared
        answer's own, else the open chat's; None: no price set)."""
        from nebula_desktop.costs import answer_cost

        conv = self._current()
        settings = self._ctx.settings
        profile = settings.profile(
            message.profile_id
            or (conv.profile_id if conv is not None else None)
            or settings.default_profile_id
        )
        return answer_cost(message, profile, conv.model if conv is not None else None)
