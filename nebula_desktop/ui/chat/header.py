"""The per-conversation settings bar: profile, model, temperature, max tokens, system prompt,
how much history is sent (the context) and "Clear context"."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSpinBox,
    QToolButton,
    QWidget,
)

from nebula_desktop.ui.chat.context_limit import ContextButton
from nebula_desktop.ui.common.looks import use_looks
from nebula_desktop.ui.common.plain import plain_tooltip

if TYPE_CHECKING:
    from nebula_desktop.ui.chat.system_prompt import SystemPromptDialog


class ChatHeader(QWidget):
    """Top bar. User edits emit ``settings_edited``; a profile switch also ``profile_changed``;
    "Clear context" in the Context menu ``clear_context_requested``."""

    settings_edited = Signal()
    clear_context_requested = Signal()
    profile_changed = Signal(str)
    models_refresh_requested = Signal(str)
    manage_presets_requested = Signal()
    compare_clicked = Signal()  # the Compare toggle: the window turns Compare on or off

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._system_prompt = ""
        # Where the System… dialog finds the saved prompts (the window points it at settings).
        self.prompt_presets: Callable[[], list[dict[str, str]]] = list
        self.system_dialog: SystemPromptDialog | None = None
        self.profile = QComboBox(self)
        self.profile.setAccessibleName(self.tr("Endpoint profile"))
        self.profile.setToolTip(self.tr("Endpoint profile"))
        self.model = QComboBox(self)
        self.model.setEditable(True)
        self.model.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model.setMinimumContentsLength(14)
        self.model.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.model.setAccessibleName(self.tr("Model"))
        line_edit = self.model.lineEdit()
        if line_edit is not None:
            line_edit.setPlaceholderText(self.tr("Model name"))
        self.model.setToolTip(self.tr("Model (type any name, or pick one the server lists)"))
        self.refresh = QToolButton(self)
        self.refresh.setText("⟳")
        self.refresh.setAccessibleName(self.tr("Reload model list"))
        self.refresh.setToolTip(self.tr("Reload the model list from the server"))
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # indeterminate: the model list is loading
        # It takes the reload button's place while the list loads: the bar's minimum width, and
        # so the narrowest window, stays the same.
        self.busy.setFixedWidth(self.refresh.sizeHint().width())
        self.busy.setMaximumHeight(10)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName(self.tr("Loading models"))
        self.busy.setVisible(False)
        self.compare = QToolButton(self)
        self.compare.setText("⇆")  # a glyph: the bar must fit a 780 px window
        self.compare.setCheckable(True)
        self.compare.setAccessibleName(self.tr("Compare models"))
        self.compare.setToolTip(self.tr("Ask 2–4 models at once, side by side (Ctrl+Shift+M)"))
        self.temperature = QDoubleSpinBox(self)
        use_looks(self.temperature)  # keeps its size (see looks.py)
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setDecimals(1)
        self.temperature.setValue(0.7)
        self.temperature.setAccessibleName(self.tr("Temperature"))
        self.temperature.setToolTip(self.tr("Temperature (0 = focused, 2 = very random)"))
        self.max_tokens = QSpinBox(self)
        use_looks(self.max_tokens)
        self.max_tokens.setRange(0, 1_000_000)
        self.max_tokens.setSingleStep(256)
        self.max_tokens.setSpecialValueText(self.tr("no limit"))
        self.max_tokens.setAccessibleName(self.tr("Max tokens"))
        self.max_tokens.setToolTip(self.tr("Longest answer in tokens (no limit = not sent)"))
        self.system = QToolButton(self)
        self.system.setText(self.tr("System…"))
        self.system.setAccessibleName(self.tr("System prompt"))
        self.system.setCheckable(False)
        self.context = ContextButton(self)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(4)
        # Compact: the bar must fit beside the chat list in a ~900 px window.
        layout.addWidget(self.profile)
        self.model.setMaximumWidth(360)
        self.model.setMinimumWidth(72)  # narrower than its usual size only in a narrow window
        layout.addWidget(self.model, 3)  # the free room goes to the model name first
        layout.addWidget(self.refresh)
        layout.addWidget(self.busy)
        layout.addWidget(self.compare)
        layout.addStretch(1)
        temp_label = QLabel(self.tr("&Temp."), self)
        temp_label.setBuddy(self.temperature)
        layout.addWidget(temp_label)
        layout.addWidget(self.temperature)
        tokens_label = QLabel(self.tr("Ma&x tokens"), self)
        tokens_label.setBuddy(self.max_tokens)
        layout.addWidget(tokens_label)
        layout.addWidget(self.max_tokens)
        layout.addWidget(self.context)
        layout.addWidget(self.system)

        self.profile.currentIndexChanged.connect(self._on_profile_index_changed)
        self.model.currentTextChanged.connect(self._on_edited)
        self.temperature.valueChanged.connect(self._on_edited)
        self.max_tokens.valueChanged.connect(self._on_edited)
        self.system.clicked.connect(self._on_system_clicked)
        self.context.limit_changed.connect(self._on_edited)
        self.context.clear_requested.connect(self.clear_context_requested)
        self.refresh.clicked.connect(lambda: self.models_refresh_requested.emit(self.profile_id()))
        self.compare.clicked.connect(lambda _checked=False: self.compare_clicked.emit())

    # -- filling -----------------------------------------------------------------------------
    def set_profiles(self, profiles: list[Any], current_id: str | None) -> None:
        """Fill the profile combo (``Profile`` objects) without emitting edits."""
        self._loading = True
        try:
            self.profile.clear()
            for profile in profiles:
                self.profile.addItem(profile.name, profile.id)
            index = self.profile.findData(current_id)
            self.profile.setCurrentIndex(max(0, index))
            # One profile needs no chooser: keep the bar short.
            self.profile.setVisible(len(profiles) > 1)
        finally:
            self._loading = False

    def set_models(self, models: list[str]) -> None:
        """Offer ``models`` in the combo, keeping whatever model is typed in.

        With no model chosen yet the first listed one is picked, so a fresh profile (the
        ai-nebula default has no default model) is never stuck with an empty model.
        """
        self._loading = True
        try:
            current = self.model.currentText()
            self.model.clear()
            self.model.addItems(models)
            self.model.setEditText(current)
        finally:
            self._loading = False
        if not current.strip() and models:
            self.model.setEditText(models[0])  # an edit: the open chat remembers it

    def set_compare(self, on: bool, models: list[str]) -> None:
        """Show Compare on (with the ``models`` it asks) or off; emits nothing."""
        self.compare.setChecked(on)
        self.compare.setText(f"⇆ {len(models)}" if on else "⇆")
        tip = self.tr("Ask 2–4 models at once, side by side (Ctrl+Shift+M)")
        self.compare.setToolTip(plain_tooltip("\n".join([tip, *models])) if on else tip)

    def set_models_busy(self, busy: bool) -> None:
        self.refresh.setEnabled(not busy)
        self.refresh.setVisible(not busy)
        self.busy.setVisible(busy)

    def load(self, conv: Any, profile_id: str) -> None:
        """Show a conversation's settings (``Conversation``) without emitting edits."""
        self._loading = True
        try:
            index = self.profile.findData(profile_id)
            if index >= 0:
                self.profile.setCurrentIndex(index)
            self.model.setEditText(conv.model or "")
            self.temperature.setValue(float(conv.temperature))
            self.max_tokens.setValue(int(conv.max_tokens or 0))
            self.context.set_value(conv.context_limit)
            self._system_prompt = conv.system_prompt or ""
            self._update_system_button()
        finally:
            self._loading = False

    def apply_to(self, conv: Any) -> bool:
        """Write the bar's values into ``conv``; returns True when something changed."""
        values = {
            "profile_id": self.profile_id() or conv.profile_id,
            "model": self.model.currentText().strip(),
            "temperature": round(self.temperature.value(), 1),
            "max_tokens": self.max_tokens.value() or None,
            "system_prompt": self._system_prompt or None,
            "context_limit": self.context.value(),
        }
        changed = False
        for name, value in values.items():
            if getattr(conv, name) != value:
                setattr(conv, name, value)
                changed = True
        return changed

    # -- reading -----------------------------------------------------------------------------
    def profile_id(self) -> str:
        return str(self.profile.currentData() or "")

    def model_name(self) -> str:
        return self.model.currentText().strip()

    def set_context_limit(self, limit: int | None) -> None:
        """Show ``limit`` (a new chat's default) without emitting edits."""
        self.context.set_value(limit)

    def system_prompt(self) -> str:
        return self._system_prompt

    def set_system_prompt(self, text: str) -> None:
        self._system_prompt = text
        self._update_system_button()

    # -- slots -------------------------------------------------------------------------------
    def _on_edited(self, *_args: object) -> None:
        if not self._loading:
            self.settings_edited.emit()

    def _on_profile_index_changed(self, _index: int) -> None:
        if self._loading:
            return
        self.profile_changed.emit(self.profile_id())
        self.settings_edited.emit()

    def _on_system_clicked(self) -> None:
        from nebula_desktop.ui.chat.system_prompt import SystemPromptDialog

        dialog = SystemPromptDialog(self._system_prompt, self, self.prompt_presets())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.manage_presets_requested.connect(self.manage_presets_requested)
        self.system_dialog = dialog
        dialog.destroyed.connect(lambda: setattr(self, "system_dialog", None))

        def accepted() -> None:
            self.set_system_prompt(dialog.text())
            self.settings_edited.emit()

        dialog.accepted.connect(accepted)
        dialog.open()

    def refresh_presets(self) -> None:
        """The saved prompts changed: update an open System… dialog's picker."""
        if self.system_dialog is not None:
            self.system_dialog.set_presets(self.prompt_presets())

    def _update_system_button(self) -> None:
        active = bool(self._system_prompt)
        self.system.setText(self.tr("System ✓") if active else self.tr("System…"))
        tip = plain_tooltip(self._system_prompt[:300]) if active else self.tr("No system prompt")
        self.system.setToolTip(tip)
