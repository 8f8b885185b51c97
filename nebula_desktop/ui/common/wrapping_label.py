"""A word-wrapped QLabel that asks its layout for the height its text really needs.

Inside a QScrollArea (the profile form), a layout sizes rows from their minimum size, which for
a word-wrapped label ignores height-for-width: a long message (what to install when there is no
keyring) was squeezed to two clipped lines. This label keeps its minimum height equal to the
height its text needs at its current width.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget


class WrappingLabel(QLabel):
    """QLabel with word wrap whose minimum height follows its wrapped text."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        # It shows server error texts and notices: plain text, never markup.
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = self.width() if self.width() > 50 else self.sizeHint().width()
        needed = self.heightForWidth(width)
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)
