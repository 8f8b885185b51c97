"""The sync-conflict bar above the chat: "2 conflicting copies found from sync — Review"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from nebula_desktop.ui.common.plain import plain


class ConflictBar(QFrame):
    """A slim bar telling the user about conflict copies; ``review_requested`` on the button."""

    review_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = plain(QLabel(self))
        self.review_button = QPushButton(self.tr("Review"), self)
        self.review_button.clicked.connect(self.review_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.addWidget(self.label)
        layout.addWidget(self.review_button)
        layout.addStretch(1)
        self.hide()

    def set_count(self, count: int) -> None:
        """Show the bar for ``count`` copies (hide it for none)."""
        if count == 1:  # English has no numerus forms without a translation file
            text = self.tr("1 conflicting copy found from sync")
        else:
            text = self.tr("%n conflicting copies found from sync", "", count)
        self.label.setText(text + " —")
        self.setVisible(count > 0)
