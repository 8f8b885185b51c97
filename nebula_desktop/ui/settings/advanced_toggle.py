"""``AdvancedToggle``: the welcome's "▸ Advanced" button with a note on what it folds away.

The profile editor decides which rows fold; this widget only says whether they are shown
(``toggled``) and turns its arrow. Texts keep the translation context "ProfileEditor", where
the rows it folds live.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget


class AdvancedToggle(QWidget):
    """A checkable "Advanced" button (arrow right: folded, down: shown) and its note."""

    toggled = Signal(bool)  # True: the advanced rows are shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QToolButton()
        self.button.setText(QCoreApplication.translate("ProfileEditor", "&Advanced"))
        self.button.setCheckable(True)
        self.button.setAutoRaise(True)
        self.button.setArrowType(Qt.ArrowType.RightArrow)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.toggled.connect(self._on_button_toggled)
        self.note = QLabel(
            QCoreApplication.translate(
                "ProfileEditor",
                "Name, timeout, proxy, headers, prices — also in Settings (Ctrl+,) later.",
            )
        )
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.note.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.note, 1)

    def is_open(self) -> bool:
        """Whether the advanced rows are shown."""
        return self.button.isChecked()

    def _on_button_toggled(self, shown: bool) -> None:
        self.button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.toggled.emit(shown)
