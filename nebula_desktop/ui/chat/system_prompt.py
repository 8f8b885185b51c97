"""The system prompt's editor, opened from the chat bar (a dialog: imported when opened)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


class SystemPromptDialog(QDialog):
    """A small editor for the conversation's system prompt, with a "Use preset" picker."""

    manage_presets_requested = Signal()

    def __init__(
        self, text: str, parent: QWidget | None = None, presets: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("System prompt"))
        self.preset_combo = QComboBox(self)
        self.preset_combo.setAccessibleName(self.tr("Use preset"))
        self.preset_combo.activated.connect(self._on_preset_combo_activated)
        self.manage_button = QToolButton(self)
        self.manage_button.setText(self.tr("Manage presets…"))
        self.manage_button.clicked.connect(self.manage_presets_requested)
        self.set_presets(presets or [])
        self.editor = QPlainTextEdit(self)
        self.editor.setPlainText(text)
        self.editor.setAccessibleName(self.tr("System prompt"))
        self.editor.setPlaceholderText(self.tr("Instructions the model sees before every message"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        picker = QHBoxLayout()
        use_label = QLabel(self.tr("&Use preset:"), self)
        use_label.setBuddy(self.preset_combo)
        picker.addWidget(use_label)
        picker.addWidget(self.preset_combo, 1)
        picker.addWidget(self.manage_button)
        layout.addLayout(picker)
        layout.addWidget(
            QLabel(self.tr("Sent as the first message of every request in this chat:"))
        )
        layout.addWidget(self.editor)
        layout.addWidget(buttons)
        self.resize(520, 300)

    def text(self) -> str:
        return self.editor.toPlainText().strip()

    def set_presets(self, presets: list[dict[str, str]]) -> None:
        """Offer ``presets`` (``{"name", "text"}``) in the picker."""
        self._presets = [dict(p) for p in presets]
        self.preset_combo.clear()
        self.preset_combo.addItem(self.tr("Choose a preset…") if presets else self.tr("No presets"))
        for preset in self._presets:
            self.preset_combo.addItem(preset.get("name", ""))
        self.preset_combo.setEnabled(bool(presets))

    def use_preset(self, name: str) -> None:
        """Put the text of the preset ``name`` in the editor (replacing what is there)."""
        for preset in self._presets:
            if preset.get("name") == name:
                self.editor.setPlainText(preset.get("text", ""))
                return

    def _on_preset_combo_activated(self, index: int) -> None:
        if index > 0:
            self.use_preset(self.preset_combo.itemText(index))
