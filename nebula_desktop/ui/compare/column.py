"""One column of the compare panel: the model's name, its figures, its buttons and its answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop.ui.common.plain import plain_tooltip
from nebula_desktop.ui.compare.lane import CompareLane


class CompareColumn(QFrame):
    """Shows one ``CompareLane``: model and profile, time to first token, tokens/s, usage and
    cost, Stop / Retry / Continue with this, and the answer in a read-only message view.

    ``continue_requested`` asks the panel to keep this answer as the chat's chosen version.
    """

    continue_requested = Signal()

    def __init__(
        self,
        lane: CompareLane,
        view: Any,
        profile_name: str,
        cost: Callable[[CompareLane], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.lane = lane
        self.view = view
        self._cost = cost
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("compareColumn")
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.title.setText(lane.pick.model)
        self.title.setToolTip(plain_tooltip(f"{lane.pick.model} · {profile_name}"))
        self.profile = QLabel(profile_name, self)
        self.profile.setTextFormat(Qt.TextFormat.PlainText)
        self.profile.setEnabled(False)  # secondary text
        self.stats = QLabel(self)
        self.stats.setTextFormat(Qt.TextFormat.PlainText)
        self.stats.setAccessibleName(self.tr("Figures of this answer"))
        self.stats.setMinimumWidth(40)  # the figures are cut, never the column widened
        self.stats.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.stop_button = QToolButton(self)
        self.stop_button.setText(self.tr("Stop"))
        self.retry_button = QToolButton(self)
        self.retry_button.setText(self.tr("Retry"))
        self.use_button = QToolButton(self)
        self.use_button.setText(self.tr("Continue with this"))
        self.use_button.setToolTip(
            self.tr("Keep this answer as the chat's version and continue with its model")
        )
        # Three short lines: model and profile, the figures, the buttons (never cut off).
        self.title.setMinimumWidth(40)  # cut, never the column widened
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        head = QHBoxLayout()
        head.setSpacing(6)
        head.addWidget(self.title, 1)
        head.addWidget(self.profile)
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.use_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.stats)
        layout.addLayout(buttons)
        layout.addWidget(view, 1)
        view.set_versions_shown(False)  # one version per column: nothing to switch to
        view.set_messages([lane.answer])
        self.stop_button.clicked.connect(lane.stop)
        self.retry_button.clicked.connect(self._on_retry_button_clicked)
        self.use_button.clicked.connect(self.continue_requested)
        # The answer's own Retry (error box) and Regenerate ask this column again.
        view.retry_requested.connect(self._on_view_retry_requested)
        view.regenerate_requested.connect(self._on_view_retry_requested)
        lane.text_changed.connect(view.message_changed)
        lane.state_changed.connect(self._on_lane_state_changed)
        lane.stats_changed.connect(self.update_stats)
        self._on_lane_state_changed()

    def update_stats(self) -> None:
        """Write the figures line: first token, speed, tokens, cost (what is known so far)."""
        lane = self.lane
        parts: list[str] = []
        ttft = lane.ttft()
        if ttft is not None:
            parts.append(self.tr("first token {seconds} s").format(seconds=f"{ttft:.2f}"))
        elif lane.streaming:
            parts.append(self.tr("waiting…"))
        tokens_per_s = lane.tokens_per_s()
        if tokens_per_s is not None:
            parts.append(self.tr("{rate} tok/s").format(rate=f"{tokens_per_s:.0f}"))
        usage = lane.answer.usage or {}
        total = usage.get("total_tokens")
        if isinstance(total, int) and not isinstance(total, bool):
            parts.append(self.tr("{tokens} tokens").format(tokens=f"{total:,}"))
        cost = self._cost(lane)
        if cost:
            parts.append(cost)
        if lane.answer.error and not lane.streaming:
            parts.append(self.tr("failed"))
        elif lane.answer.finish_reason == "stopped" and not lane.streaming:
            parts.append(self.tr("stopped"))
        self.stats.setText(" · ".join(parts))

    def _on_lane_state_changed(self) -> None:
        streaming = self.lane.streaming
        self.view.set_streaming(self.lane.answer.id if streaming else None)
        if not streaming:
            self.view.refresh_message(self.lane.answer.id)
        self.stop_button.setEnabled(streaming)
        self.retry_button.setEnabled(not streaming)
        self.use_button.setEnabled(not streaming and bool(self.lane.answer.content))
        self.update_stats()

    def _on_retry_button_clicked(self) -> None:
        self.lane.start()

    def _on_view_retry_requested(self, message_id: str) -> None:
        if message_id == self.lane.answer.id:
            self.lane.start()
