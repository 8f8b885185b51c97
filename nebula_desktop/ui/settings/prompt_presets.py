"""``PromptPresetsDialog``: saved system prompts with names — add, edit, delete, set default.

Works on a copy of ``Settings.prompt_presets``; Save writes it back through the window's save
callback, so Cancel really leaves everything as it was. The default preset becomes the system
prompt of every new chat.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop.ui.common.looks import use_looks
from nebula_desktop.ui.common.plain import plain


class PromptPresetsDialog(QDialog):
    """Manage named system prompts; emits ``presets_changed`` after a successful save."""

    presets_changed = Signal()

    def __init__(
        self, settings: Any, save_settings: Callable[[], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Prompt presets"))
        use_looks(self)
        self._settings = settings
        self._save_settings = save_settings
        self._presets: list[dict[str, str]] = [dict(p) for p in settings.prompt_presets]
        self._default = settings.default_prompt_preset
        self._row = -1

        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Prompt presets"))
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.add_button = QPushButton(self.tr("Add"), self)
        self.add_button.clicked.connect(self.add_preset)
        self.delete_button = QPushButton(self.tr("Delete"), self)
        self.delete_button.clicked.connect(self.delete_preset)
        self.default_button = QPushButton(self.tr("Use for new chats"), self)
        self.default_button.setCheckable(True)
        self.default_button.toggled.connect(self._on_default_button_toggled)

        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName(self.tr("Preset name"))
        self.name_edit.textEdited.connect(self._on_name_edit_text_edited)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setAccessibleName(self.tr("Preset text"))
        self.text_edit.setPlaceholderText(self.tr("Instructions the model sees first"))
        self.text_edit.textChanged.connect(self._on_text_edit_text_changed)
        self.error = plain(QLabel(self))
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.delete_button)
        left.addLayout(row)
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name_edit)
        form.addRow(self.tr("&Text:"), self.text_edit)
        form.addRow("", self.default_button)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(form, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(680, 380)
        self._fill(0)

    # -- list --------------------------------------------------------------------------------
    def _label(self, preset: dict[str, str]) -> str:
        name = preset.get("name", "")
        return self.tr("{name} (default)").format(name=name) if name == self._default else name

    def _fill(self, select: int) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for preset in self._presets:
            self.list.addItem(self._label(preset))
        self.list.blockSignals(False)
        self._row = -1
        if self._presets:
            self.list.setCurrentRow(max(0, min(select, len(self._presets) - 1)))
        else:
            self._on_list_current_row_changed(-1)

    def _on_list_current_row_changed(self, row: int) -> None:
        self._row = row
        has = 0 <= row < len(self._presets)
        for widget in (self.name_edit, self.text_edit, self.delete_button, self.default_button):
            widget.setEnabled(has)
        preset = self._presets[row] if has else {"name": "", "text": ""}
        self.name_edit.setText(preset.get("name", ""))
        self.text_edit.blockSignals(True)
        self.text_edit.setPlainText(preset.get("text", ""))
        self.text_edit.blockSignals(False)
        self.default_button.blockSignals(True)
        self.default_button.setChecked(has and preset.get("name") == self._default)
        self.default_button.blockSignals(False)

    # -- actions -----------------------------------------------------------------------------
    def add_preset(self, name: str = "", text: str = "") -> None:
        """A new preset (named "Preset N" unless ``name``), selected for editing."""
        taken = {p.get("name") for p in self._presets}
        n = len(self._presets) + 1
        while not name or name in taken:
            name, n = self.tr("Preset {n}").format(n=n), n + 1
        self._presets.append({"name": name, "text": text})
        self._fill(len(self._presets) - 1)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def delete_preset(self) -> None:
        row = self._row
        if not 0 <= row < len(self._presets):
            return
        removed = self._presets.pop(row)
        if removed.get("name") == self._default:
            self._default = ""
        self._fill(row)

    def _on_name_edit_text_edited(self, text: str) -> None:
        if 0 <= self._row < len(self._presets):
            preset = self._presets[self._row]
            if preset.get("name") == self._default:
                self._default = text.strip()  # renaming the default keeps it the default
            preset["name"] = text.strip()
            item = self.list.item(self._row)
            if item is not None:
                item.setText(self._label(preset))

    def _on_text_edit_text_changed(self) -> None:
        if 0 <= self._row < len(self._presets):
            self._presets[self._row]["text"] = self.text_edit.toPlainText()

    def _on_default_button_toggled(self, checked: bool) -> None:
        if not 0 <= self._row < len(self._presets):
            return
        name = self._presets[self._row].get("name", "")
        if checked:
            self._default = name
        elif self._default == name:
            self._default = ""
        for row, preset in enumerate(self._presets):
            item = self.list.item(row)
            if item is not None:
                item.setText(self._label(preset))

    def save(self) -> None:
        """Check names (non-empty, unique), write them into the settings and save."""
        names = [p.get("name", "").strip() for p in self._presets]
        problem = ""
        if any(not name for name in names):
            problem = self.tr("Every preset needs a name.")
        elif len(set(names)) != len(names):
            problem = self.tr("Two presets have the same name; rename one.")
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self._settings.prompt_presets = [dict(p) for p in self._presets]
        self._settings.default_prompt_preset = self._default if self._default in names else ""
        self._save_settings()
        self.presets_changed.emit()
        self.accept()
