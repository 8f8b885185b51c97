"""The compare panel: the columns of one compare side by side (stacked in a narrow window),
with Stop all and Close."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from nebula_desktop.ui.compare.column import CompareColumn
from nebula_desktop.ui.compare.lane import CompareLane
from nebula_desktop.ui.compare.session import CompareSession

COLUMN_MIN_WIDTH = 300  # narrower than this per column, the answers are stacked


class ComparePanel(QWidget):
    """Shows a ``CompareSession``. ``continue_requested(column)`` keeps that column's answer;
    ``close_requested`` asks to go back to the chat."""

    continue_requested = Signal(int)
    close_requested = Signal()

    def __init__(
        self,
        make_view: Callable[[QWidget], Any],
        profile_name: Callable[[str], str],
        cost: Callable[[CompareLane], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("comparePanel")
        self.setAccessibleName(self.tr("Compared answers"))
        self._make_view = make_view
        self._profile_name = profile_name
        self._cost = cost
        self.session: CompareSession | None = None
        self.columns: list[CompareColumn] = []
        self.title = QLabel(self)
        self.stop_all_button = QPushButton(self.tr("Stop all"), self)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setToolTip(
            self.tr("Back to the chat (column 1 stays the chosen version)")
        )
        for button in (self.stop_all_button, self.close_button):
            button.setAutoDefault(False)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 0)
        bar.addWidget(self.title, 1)
        bar.addWidget(self.stop_all_button)
        bar.addWidget(self.close_button)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        # Its own minimum, not the sum of the columns': the window must still narrow down far
        # enough for the columns to be stacked (resizeEvent), and short enough for four of them.
        self.splitter.setMinimumSize(COLUMN_MIN_WIDTH, 120)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        self.stop_all_button.clicked.connect(self.stop_all)
        self.close_button.clicked.connect(self.close_requested)

    def show_session(self, session: CompareSession) -> None:
        """Show ``session``'s columns (replacing any earlier ones)."""
        self.clear()
        self.session = session
        for position, lane in enumerate(session.lanes):
            column = CompareColumn(
                lane,
                self._make_view(self),
                self._profile_name(lane.pick.profile_id),
                self._cost,
                self.splitter,
            )
            column.continue_requested.connect(lambda p=position: self.continue_requested.emit(p))
            self.splitter.addWidget(column)
            self.columns.append(column)
        self.splitter.setSizes([1000] * len(self.columns))  # equal shares
        session.busy_changed.connect(self._on_session_busy_changed)
        self.title.setText(self.tr("Comparing %n model(s)", "", len(self.columns)))
        self._on_session_busy_changed(session.busy)
        self._fit_orientation()

    def clear(self) -> None:
        """Forget the shown session's columns (the session itself is the caller's)."""
        if self.session is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self.session.busy_changed.disconnect(self._on_session_busy_changed)
        self.session = None
        for column in self.columns:
            column.setParent(None)
            column.deleteLater()
        self.columns = []

    def stop_all(self) -> None:
        """Stop every column that is still streaming."""
        if self.session is not None:
            self.session.stop_all()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_orientation()

    def _fit_orientation(self) -> None:
        count = max(1, len(self.columns))
        narrow = self.width() < COLUMN_MIN_WIDTH * count
        wanted = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.splitter.orientation() != wanted:
            self.splitter.setOrientation(wanted)
            self.splitter.setSizes([1000] * count)

    def _on_session_busy_changed(self, busy: bool) -> None:
        self.stop_all_button.setEnabled(busy)
