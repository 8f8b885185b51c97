"""``ProfilesTab``: the Profiles tab of the settings dialog — the list and the editor.

A list of endpoint profiles (Add, From preset, Duplicate, Remove — never the last, "Use for
new chats") beside a ``ProfileEditor`` for the selected one. It works on its own copy of the
profiles (``profiles``, ``default_id``, ``removed_ids``); the dialog validates and saves them.
``simple=True`` (the first-run welcome): no list, just the default profile's short editor.
"""

from __future__ import annotations

import copy
import dataclasses
import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop.presets import ENDPOINT_PRESETS, endpoint_preset, profile_from_preset
from nebula_desktop.settings import Profile
from nebula_desktop.ui.common.i18n import preset_display_name
from nebula_desktop.ui.settings.profile_editor import ProfileEditor


class ProfilesTab(QWidget):
    """The profile list and editor; call ``fill`` once to show the first profile."""

    def __init__(
        self,
        profiles: list[Profile],
        default_id: str,
        session_keys: dict[str, str],
        parent: QWidget | None = None,
        simple: bool = False,
    ) -> None:
        super().__init__(parent)
        self.profiles: list[Profile] = copy.deepcopy(list(profiles))
        self.default_id = default_id
        self.removed_ids: list[str] = []  # their keys go on Save

        self.profile_list = QListWidget()
        self.profile_list.setAccessibleName(self.tr("Profiles"))
        self.profile_list.setMinimumWidth(170)
        # The form needs the room: a profile name is short, its settings are not.
        self.profile_list.setMaximumWidth(230)
        self.profile_list.currentRowChanged.connect(self._on_profile_list_current_row_changed)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.clicked.connect(lambda: self.add_profile())
        # "Add ▾": one click to a ready profile for a known server (ai-nebula, OpenAI, Ollama…).
        self.preset_button = QToolButton()
        self.preset_button.setText(self.tr("From preset"))
        self.preset_button.setAccessibleName(self.tr("Add a profile from a preset"))
        self.preset_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.preset_menu = QMenu(self.preset_button)
        for preset in ENDPOINT_PRESETS:
            action = self.preset_menu.addAction(preset_display_name(preset))
            action.setData(preset.id)
            action.triggered.connect(lambda _checked=False, pid=preset.id: self.add_profile(pid))
        self.preset_button.setMenu(self.preset_menu)
        self.duplicate_button = QPushButton(self.tr("Duplicate"))
        self.duplicate_button.clicked.connect(self.duplicate_profile)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_profile)
        self.default_check = QCheckBox(self.tr("Use for new chats"))
        self.default_check.toggled.connect(self._on_default_check_toggled)

        # Two by two under the list, so the list column stays narrow and the form gets the room.
        buttons = QGridLayout()
        buttons.addWidget(self.add_button, 0, 0)
        buttons.addWidget(self.preset_button, 0, 1)
        buttons.addWidget(self.duplicate_button, 1, 0)
        buttons.addWidget(self.remove_button, 1, 1)
        left_widget = QWidget()
        left = QVBoxLayout(left_widget)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.profile_list, 1)
        left.addLayout(buttons)
        left_widget.setVisible(not simple)  # one profile to set up on a first run

        self.editor = ProfileEditor(session_keys, simple=simple)
        self.editor.name_edited.connect(self._on_editor_name_edited)
        self.editor.models_listed.connect(self._on_editor_models_listed)
        right_widget = QWidget()
        right = QVBoxLayout(right_widget)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.editor)
        right.addStretch(1)
        if not simple:
            self.editor.form.insertRow(1, "", self.default_check)
        scroll = QScrollArea()
        self.form_scroll = scroll
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(right_widget)
        # Let the tab's own background show through: no grey box around the form.
        scroll.viewport().setAutoFillBackground(False)
        right_widget.setAutoFillBackground(False)

        row = QHBoxLayout(self)
        if simple:  # the form lines up with the dialog's welcome line
            row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(left_widget)
        row.addWidget(scroll, 1)

    def fill(self, select_id: str | None) -> None:
        """Rebuild the list and edit ``select_id`` (or the first profile)."""
        self.profile_list.blockSignals(True)
        self.profile_list.clear()
        for profile in self.profiles:
            item = QListWidgetItem(self._item_text(profile))
            item.setData(Qt.ItemDataRole.UserRole, profile.id)
            self.profile_list.addItem(item)
        self.profile_list.blockSignals(False)
        ids = [p.id for p in self.profiles]
        row = ids.index(select_id) if select_id in ids else 0
        self.profile_list.setCurrentRow(row)
        self._on_profile_list_current_row_changed(row)
        self.remove_button.setEnabled(len(self.profiles) > 1)

    def _item_text(self, profile: Profile) -> str:
        if profile.id == self.default_id:
            return self.tr("{name} (default)").format(name=profile.name)
        return profile.name

    def current(self) -> Profile | None:
        """The profile in the editor."""
        return self.editor.current_profile()

    def commit_editor(self) -> list[str]:
        """Write the form into its profile; return problems that must block saving."""
        profile = self.current()
        return self.editor.apply_to(profile) if profile is not None else []

    def _on_profile_list_current_row_changed(self, row: int) -> None:
        if not 0 <= row < len(self.profiles):
            return
        profile = self.profiles[row]
        if profile is self.current():
            return
        self.commit_editor()
        self.editor.load(profile)
        self.default_check.blockSignals(True)
        self.default_check.setChecked(profile.id == self.default_id)
        self.default_check.setEnabled(profile.id != self.default_id)
        self.default_check.blockSignals(False)

    def _new_id(self) -> str:
        return "p-" + uuid.uuid4().hex[:10]

    def add_profile(self, preset_id: str | None = None) -> None:
        """A new profile: from a preset (see ``presets.ENDPOINT_PRESETS``), or a blank local
        one whose Preset field offers the same choices."""
        self.commit_editor()
        if preset_id is not None:
            preset = endpoint_preset(preset_id)
            profile = profile_from_preset(
                dataclasses.replace(preset, name=preset_display_name(preset)),
                {p.id for p in self.profiles} | set(self.removed_ids),
                {p.name for p in self.profiles},
            )
        else:
            profile = Profile(
                id=self._new_id(),
                name=self.tr("New profile"),
                base_url="http://localhost:11434/v1",
            )
        self.profiles.append(profile)
        self.fill(profile.id)
        self.editor.name_edit.setFocus()
        self.editor.name_edit.selectAll()

    def duplicate_profile(self) -> None:
        """A copy of the current profile (not its key) under a new id."""
        self.commit_editor()
        source = self.current()
        if source is None:
            return
        profile = dataclasses.replace(
            copy.deepcopy(source),
            id=self._new_id(),
            name=self.tr("{name} copy").format(name=source.name),
        )
        self.profiles.append(profile)
        self.fill(profile.id)

    def remove_profile(self) -> None:
        """Remove the current profile (never the last one); its key goes on Save."""
        profile = self.current()
        if profile is None or len(self.profiles) <= 1:
            return
        index = self.profiles.index(profile)
        self.profiles.remove(profile)
        self.removed_ids.append(profile.id)
        self.editor.forget_typed_key(profile.id)
        if profile.id == self.default_id:
            self.default_id = self.profiles[0].id
        self.editor.release()  # do not commit the form into the removed profile
        self.fill(self.profiles[min(index, len(self.profiles) - 1)].id)

    def _on_editor_name_edited(self, name: str) -> None:
        item = self.profile_list.currentItem()
        profile = self.current()
        if item is not None and profile is not None:
            profile.name = name.strip() or profile.name
            item.setText(self._item_text(profile))

    def _on_editor_models_listed(self, profile_id: str, models: list[str]) -> None:
        for profile in self.profiles:
            if profile.id == profile_id:
                profile.models_cache = list(models)

    def _on_default_check_toggled(self, checked: bool) -> None:
        profile = self.current()
        if checked and profile is not None:
            self.default_id = profile.id
            for row, p in enumerate(self.profiles):
                self.profile_list.item(row).setText(self._item_text(p))
            self.default_check.setEnabled(False)
