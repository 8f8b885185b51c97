"""``RequestEstimate``: the composer's "≈ 1,234 tokens · $0.0021" for the next request.

What a send of the draft would carry now (``context.draft_messages``: the system prompt, the
history the chat's limit and divider allow, the draft and its attachments), estimated offline
and fitted to the profile and model by what earlier answers reported
(``tokens.Calibration``), priced with the profile's prices, and compared with the model's
context window. It is worked out after a pause (``DEBOUNCE_MS``), never on each key: the
estimate is linear in the chat's text.

While Compare is on (``set_compared``), the next send goes to every compared model: the line
shows the total, each model estimated with its own calibration and priced with its own
profile ("≈ 3 × 1,234 tokens · $0.0063").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from nebula_desktop.store import Conversation, Message

DEBOUNCE_MS = 300  # after the last change (a key, an attachment, a setting), then estimate
# History estimates kept (one per profile and model): a compare of up to four models and the
# chat's own model reuse theirs while the draft changes.
HISTORY_CACHE = 5


@dataclass(frozen=True)
class Estimate:
    """One estimate of the next request, as the composer shows it."""

    tokens: int
    cost: float | None = None  # dollars; None when the profile has no price for the model
    window: int | None = None  # the model's context window in tokens; None when unknown
    calibrated: bool = False  # fitted to the prompt tokens this profile and model reported
    model: str = ""
    # Compare on: one estimate per compared model; ``tokens`` and ``cost`` are then their
    # totals (``cost`` None unless every model has a price), ``window`` the smallest one passed.
    parts: tuple[Estimate, ...] = ()

    @property
    def count(self) -> int:
        """How many requests the send makes (the compared models, else 1)."""
        return len(self.parts) or 1

    @property
    def too_big(self) -> bool:
        """Whether the request passes the model's context window (any model's, comparing)."""
        if self.parts:
            return any(p.too_big for p in self.parts)
        return self.window is not None and self.tokens > self.window

    @classmethod
    def total(cls, parts: list[Estimate]) -> Estimate:
        """The estimate of one send to every model of ``parts``."""
        costs = [p.cost for p in parts]
        passed = [p.window for p in parts if p.too_big and p.window is not None]
        return cls(
            tokens=sum(p.tokens for p in parts),
            cost=sum(c for c in costs if c is not None) if None not in costs else None,
            window=min(passed) if passed else None,
            calibrated=all(p.calibrated for p in parts),
            model=", ".join(p.model for p in parts),
            parts=tuple(parts),
        )


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
        self._history: dict[tuple[Any, ...], int] = {}
        self._compared: list[tuple[str, str]] = []
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
        tokens = self._history.pop(key, None)
        if tokens is None:
            tokens = calibration.estimate(history, profile_id, model)
        self._history[key] = tokens  # now the most recent
        while len(self._history) > HISTORY_CACHE:
            del self._history[next(iter(self._history))]
        # Each estimate counts the reply's overhead once: take the extra one off.
        reply = calibration.estimate([], profile_id, model)
        return int(tokens + calibration.estimate(draft, profile_id, model) - reply)

    def set_compared(self, targets: list[tuple[str, str]]) -> None:
        """Estimate the next send to each ``(profile id, model)`` (Compare on), or to the chat's
        model (an empty list); shown at once."""
        self._compared = list(targets)
        self.refresh()

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
        messages = draft_messages(conv, Message("user", draft, attachments=list(attachments)))
        calibration = Calibration(settings.token_ratios)
        targets = self._compared or [
            (self._header.profile_id() or conv.profile_id or "", self._header.model_name())
        ]
        parts = []
        for profile_id, name in targets:
            profile = settings.profile(profile_id)
            model = name or conv.model or profile.default_model
            tokens = self._estimate(calibration, messages, profile.id, model)
            parts.append(
                Estimate(
                    tokens=tokens,
                    cost=estimate_cost(profile, model, tokens),
                    window=context_window(profile, model),
                    calibrated=calibration.ratio(profile.id, model) is not None,
                    model=model,
                )
            )
        estimate = parts[0] if len(parts) == 1 else Estimate.total(parts)
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
