"""``ContextClearedBar``: the strip over the composer after "Clear context", with Undo.

It says what happened ("Context cleared: your next message starts afresh") and offers Undo for
``UNDO_SECONDS``; after that the divider's own menu in the chat ("Remove divider") still takes
it away.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from nebula_desktop.ui.common.looks import use_looks_once

UNDO_SECONDS = 15


class ContextClearedBar(QFrame):
    """Emits ``undo_clicked``; ``expired`` when it hid by itself."""

    undo_clicked = Signal()
    expired = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")  # the chat list's undo strip look
        self.label = QLabel(
            self.tr(
                "Context cleared: your next message starts afresh; the messages above the "
                "divider are not sent."
            ),
            self,
        )
        self.label.setWordWrap(True)
        self.button = QToolButton(self)
        self.button.setText(self.tr("Undo"))
        self.button.setAccessibleName(self.tr("Undo clear context"))
        self.button.setToolTip(
            self.tr("Take the divider away: the earlier messages are sent again")
        )
        self.button.clicked.connect(self._on_button_clicked)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 6, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(UNDO_SECONDS * 1000)
        self._timer.timeout.connect(self._on_timer_timeout)

    def setVisible(self, visible: bool) -> None:
        if visible:
            use_looks_once(self)  # its look, once it shows: not a cost of every start
        super().setVisible(visible)

    def show_cleared(self) -> None:
        """Offer Undo for the divider just put down."""
        self.show()
        self._timer.start()

    def dismiss(self) -> None:
        """Hide now (nothing left to undo from here); does not emit ``expired``."""
        self._timer.stop()
        self.hide()

    def _on_button_clicked(self) -> None:
        self.dismiss()
        self.undo_clicked.emit()

    def _on_timer_timeout(self) -> None:
        self.hide()
        self.expired.emit()
