"""``RequestEstimate``: the composer's "≈ 1,234 tokens · $0.0021" for the next request.

What a send of the draft would carry now (``context.draft_messages``: the system prompt, the
history the chat's limit and divider allow, the draft and its attachments), estimated offline
and fitted to the profile and model by what earlier answers reported
(``tokens.Calibration``), priced with the profile's prices, and compared with the model's
context window. It is worked out after a pause (``DEBOUNCE_MS``), never on each key: the
estimate is linear in the chat's text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from nebula_desktop.store import Conversation, Message

DEBOUNCE_MS = 300  # after the last change (a key, an attachment, a setting), then estimate


@dataclass(frozen=True)
class Estimate:
    """One estimate of the next request, as the composer shows it."""

    tokens: int
    cost: float | None = None  # dollars; None when the profile has no price for the model
    window: int | None = None  # the model's context window in tokens; None when unknown
    calibrated: bool = False  # fitted to the prompt tokens this profile and model reported
    model: str = ""

    @property
    def too_big(self) -> bool:
        """Whether the request passes the model's context window."""
        return self.window is not None and self.tokens > self.window


class RequestEstimate(QObject):
    """Keeps ``composer``'s estimate line up to date for the chat ``current()`` returns."""

    updated = Signal(object)  # the Estimate now shown (None: the line is empty)

    def __init__(
        self,
        ctx: Any,
        composer: Any,
        header: Any,
        current: Callable[[], Conversation | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._composer = composer
        self._header = header
        self._current = current
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        # The history's estimate, kept while the history is the same: typing then costs only
        # the draft (a 2,000-message chat takes ~200 ms to estimate whole).
        self._history_key: tuple[Any, ...] | None = None
        self._history_tokens = 0
        changed = getattr(composer, "draft_changed", None)
        if changed is not None:
            changed.connect(self.schedule)

    def _estimate(
        self, calibration: Any, messages: list[dict[str, Any]], profile_id: str, model: str
    ) -> int:
        """``calibration.estimate`` of ``messages`` (the history, then the draft), the history's
        part reused while it is unchanged."""
        history, draft = messages[:-1], messages[-1:]
        key = (
            profile_id,
            model,
            calibration.ratio(profile_id, model),
            tuple((m["role"], _signature(m["content"])) for m in history),
        )
        if key != self._history_key:
            self._history_key = key
            self._history_tokens = calibration.estimate(history, profile_id, model)
        # Each estimate counts the reply's overhead once: take the extra one off.
        reply = calibration.estimate([], profile_id, model)
        return int(self._history_tokens + calibration.estimate(draft, profile_id, model) - reply)

    def schedule(self) -> None:
        """Estimate again once things have been quiet for ``DEBOUNCE_MS``."""
        self._timer.start()

    def refresh(self) -> None:
        """Estimate now and show it (an empty line when there is nothing to send)."""
        self._timer.stop()
        if not hasattr(self._composer, "set_estimate"):
            return
        conv = self._current()
        draft = self._composer.text()
        attachments = self._composer.attachments() if hasattr(self._composer, "attachments") else []
        empty = not (draft.strip() or attachments)
        if conv is None:
            # No chat yet: sending creates one with the bar's settings (system prompt, limit).
            conv = Conversation(id="", title="", created_at=0, updated_at=0)
            if hasattr(self._header, "apply_to"):
                self._header.apply_to(conv)
        if conv.read_only or (empty and not conv.messages):
            self._composer.set_estimate(None)
            self.updated.emit(None)
            return
        from nebula_desktop.context import draft_messages
        from nebula_desktop.context_windows import context_window
        from nebula_desktop.tokens import Calibration, estimate_cost

        settings = self._ctx.settings
        profile = settings.profile(self._header.profile_id() or conv.profile_id)
        model = self._header.model_name() or conv.model or profile.default_model
        messages = draft_messages(conv, Message("user", draft, attachments=list(attachments)))
        calibration = Calibration(settings.token_ratios)
        tokens = self._estimate(calibration, messages, profile.id, model)
        estimate = Estimate(
            tokens=tokens,
            cost=estimate_cost(profile, model, tokens),
            window=context_window(profile, model),
            calibrated=calibration.ratio(profile.id, model) is not None,
            model=model,
        )
        self._composer.set_estimate(estimate)
        self.updated.emit(estimate)


def _signature(content: Any) -> Any:
    """What identifies a request message's content for the history cache: its text, or for
    content parts each part's text (an image by its data URL, compared as a string)."""
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else []
    return tuple(
        str(p.get("text") or p.get("image_url") or "") if isinstance(p, dict) else "" for p in parts
    )
