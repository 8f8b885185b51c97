"""One compare: the question's turn in the chat, one lane per model, and whether any streams."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from nebula_desktop.store import Conversation, Message
from nebula_desktop.ui.compare.lane import CompareLane, ParamsFor
from nebula_desktop.ui.compare.picks import Pick, add_compared_turn


class CompareSession(QObject):
    """The answers of one question to several models, streaming side by side.

    Built by :meth:`start`: the user's message and one answer per model are added to ``conv``
    (every answer a version of that turn, the first chosen) and every lane starts at once.
    ``busy_changed`` says whether any answer streams.
    """

    busy_changed = Signal(bool)

    def __init__(self, conv: Conversation, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.conv = conv
        self.lanes: list[CompareLane] = []
        self._busy = False

    @classmethod
    def start(
        cls,
        conv: Conversation,
        user: Message,
        picks: list[Pick],
        runs: list[Any],
        history_for: Callable[[Conversation], list[dict[str, Any]]],
        params_for: ParamsFor,
        save: Callable[[Conversation], None],
        parent: QObject | None = None,
    ) -> CompareSession:
        """Add the turn to ``conv`` and ask every model (``runs``: one idle run per pick)."""
        session = cls(conv, parent)
        load_renderer()
        answers = add_compared_turn(conv, user, picks)
        history = history_for(conv)  # the same question for every model
        for pick, answer, run in zip(picks, answers, runs, strict=True):
            lane = CompareLane(run, pick, answer, conv, history, params_for, save, session)
            lane.state_changed.connect(session._on_lane_state_changed)
            session.lanes.append(lane)
        for lane in session.lanes:
            lane.start()
        return session

    @property
    def busy(self) -> bool:
        """Whether any answer is streaming."""
        return any(lane.streaming for lane in self.lanes)

    @property
    def answers(self) -> list[Message]:
        """The answers in column order (the versions of the turn, in the same order)."""
        return [lane.answer for lane in self.lanes]

    def stop_all(self) -> None:
        """Stop every streaming answer now (each keeps what arrived)."""
        for lane in self.lanes:
            lane.stop()

    def drop(self, conv_id: str) -> None:
        """The chat was deleted: cancel every answer without saving."""
        if conv_id == self.conv.id:
            for lane in self.lanes:
                lane.drop(conv_id)

    def close(self) -> list[Any]:
        """Stop what still streams and give the runs back; returns them."""
        runs = []
        for lane in self.lanes:
            lane.detach()
            runs.append(lane.run)
        self.lanes = []
        self._on_lane_state_changed()
        return runs

    def _on_lane_state_changed(self) -> None:
        busy = self.busy
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)


def load_renderer() -> None:
    """Load the Markdown renderer now, before the requests go out: the columns render from the
    first token, and its one-off import (~60 ms) must not land between four streams' tokens."""
    from nebula_desktop.render.markdown import render_fragment

    render_fragment("*a*", dark=False, code_index_base=0)
