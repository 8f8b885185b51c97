"""Fitting the token estimate to what servers count: the prompt a request sent is kept until its
answer reports usage, then this profile and model's ratio learns from it (``Calibration``) and
is kept in the settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from nebula_desktop.store import Conversation, Message
from nebula_desktop.ui.common.app_context import AppContext

log = logging.getLogger(__name__)


class PromptCalibration:
    """Learns from the prompt tokens the server counted for the request last sent.

    ``learned()`` follows an answer whose usage taught something (the estimate is shown again);
    ``failed(sentence)`` says the settings holding it could not be saved (it is still used this
    session).
    """

    def __init__(
        self, ctx: AppContext, learned: Callable[[], None], failed: Callable[[str], None]
    ) -> None:
        self.ctx = ctx
        self._learned = learned
        self._failed = failed
        self._sent: tuple[str, str, str, list[dict[str, Any]]] | None = None

    def sent(self, answer_id: str, params: dict[str, Any], messages: list[dict[str, Any]]) -> None:
        """A request for answer ``answer_id`` is about to go out with ``messages``."""
        self._sent = (answer_id, str(params.get("profile_id") or ""), params["model"], messages)

    def answer_finished(self, conv: Conversation, message: Message) -> None:
        """Fit the estimate of the request's profile and model to ``message``'s usage."""
        sent, self._sent = self._sent, None
        if sent is None or sent[0] != message.id or not isinstance(message.usage, dict):
            return
        from nebula_desktop.tokens import Calibration

        _message_id, profile_id, model, messages = sent
        prompt_tokens = message.usage.get("prompt_tokens")
        if not Calibration(self.ctx.settings.token_ratios).observe(
            profile_id, model, messages, prompt_tokens
        ):
            return
        try:
            self.ctx.save_settings()
        except OSError as error:  # the ratio is still used this session
            log.warning("saving the token calibration failed: %s", error)
            self._failed(str(error))
        self._learned()
