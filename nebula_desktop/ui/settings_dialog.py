"""``SettingsDialog``: endpoint profiles (with their keys) and general preferences.

``SettingsDialog(settings, settings_store, session_keys, parent=None, first_run=False)``

* Profiles tab: a list (Add, Duplicate, Remove — never the last) and a ``ProfileEditor``.
* General tab (``GeneralSettings``): language (Follow system / English / 简体中文, applied at
  the next start), theme (Follow system / Light / Dark), font size, auto-title, message text
  in log.
* ``first_run=True``: a welcome line and the cursor in the key field.

The dialog edits a copy; Save validates, writes the copy into ``settings`` (the caller's object,
changed in place), calls ``settings_store.save(settings)`` and emits ``settings_changed``. Keys
the user typed are then written with ``secrets.set_key`` on a background thread; the dialog
closes when they are stored. If no keyring is usable it shows why (what to install) and offers
"Keep the key for this session only", which puts the key in ``session_keys``. The GUI thread
never waits for the keyring or the network. "Forget" removes a saved key on Save, and so does
removing its profile.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import uuid
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop import secrets
from nebula_desktop.logging_setup import register_secret, set_log_message_text
from nebula_desktop.presets import ENDPOINT_PRESETS, endpoint_preset, profile_from_preset
from nebula_desktop.settings import Profile, Settings, SettingsStore
from nebula_desktop.ui.background import run_in_background
from nebula_desktop.ui.general_settings import GeneralSettings
from nebula_desktop.ui.i18n import preset_display_name
from nebula_desktop.ui.profile_checks import base_url_problems
from nebula_desktop.ui.profile_editor import ProfileEditor

log = logging.getLogger(__name__)

# Translated where it is shown (context "SettingsDialog").
WELCOME = QT_TRANSLATE_NOOP(
    "SettingsDialog", "Welcome to Nebula Desktop! Paste your ai-nebula API key to start."
)


def _store_keys(keys: dict[str, str]) -> list[str]:
    """Pool thread: write each key; return the profile ids stored (raises on the first error)."""
    stored = []
    for profile_id, key in keys.items():
        secrets.set_key(profile_id, key)
        stored.append(profile_id)
    return stored


def _log_forget_failure(exc: BaseException) -> None:
    # Nothing to offer the user: with no keyring there was no key to remove either.
    log.warning("could not remove a key from the keyring: %s", exc)


class SettingsDialog(QDialog):
    """Profiles, keys and preferences; see the module docstring."""

    settings_changed = Signal()

    def __init__(
        self,
        settings: Settings,
        settings_store: SettingsStore,
        session_keys: dict[str, str],
        parent: QWidget | None = None,
        first_run: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self._settings = settings
        self._settings_store = settings_store
        self._session_keys = session_keys
        self._first_run = first_run
        self._profiles: list[Profile] = copy.deepcopy(list(settings.profiles))
        self._default_id = settings.default_profile_id
        self._removed_ids: list[str] = []
        self._pending_keys: dict[str, str] = {}

        self.welcome_label = QLabel(self.tr(WELCOME))
        self.welcome_label.setObjectName("welcomeLabel")
        self.welcome_label.setWordWrap(True)
        self.welcome_label.setVisible(first_run)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_profiles_tab(), self.tr("&Profiles"))
        self.general = GeneralSettings(settings)
        # The dialog's own names for the General tab's fields (tests and callers use them).
        self.language_combo = self.general.language_combo
        self.language_note = self.general.language_note
        self.theme_combo = self.general.theme_combo
        self.font_spin = self.general.font_spin
        self.auto_title_check = self.general.auto_title_check
        self.log_text_check = self.general.log_text_check
        self.tabs.addTab(self.general, self.tr("&General"))

        self.save_error = QLabel()
        self.save_error.setObjectName("fieldError")
        self.save_error.setWordWrap(True)
        self.save_error.hide()
        self.session_button = QPushButton(self.tr("Keep the key for this session only"))
        self.session_button.clicked.connect(self._on_session_button_clicked)
        self.session_button.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.welcome_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.save_error)
        layout.addWidget(self.session_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.buttons)
        self.resize(820, 600)

        self._fill_profile_list(settings.default_profile_id)
        if first_run:
            self.editor.key_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- construction -----------------------------------------------------------------------

    def _build_profiles_tab(self) -> QWidget:
        self.profile_list = QListWidget()
        self.profile_list.setAccessibleName(self.tr("Profiles"))
        self.profile_list.setMinimumWidth(170)
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
            action = self.preset_menu.addAction(preset_display_name(preset.name))
            action.setData(preset.id)
            action.triggered.connect(lambda _checked=False, pid=preset.id: self.add_profile(pid))
        self.preset_button.setMenu(self.preset_menu)
        self.duplicate_button = QPushButton(self.tr("Duplicate"))
        self.duplicate_button.clicked.connect(self.duplicate_profile)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_profile)
        self.default_check = QCheckBox(self.tr("Use for new chats"))
        self.default_check.toggled.connect(self._on_default_check_toggled)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.duplicate_button, self.remove_button):
            buttons.addWidget(button)
        buttons.insertWidget(1, self.preset_button)
        left = QVBoxLayout()
        left.addWidget(self.profile_list, 1)
        left.addLayout(buttons)

        self.editor = ProfileEditor(self._session_keys)
        self.editor.name_edited.connect(self._on_editor_name_edited)
        self.editor.models_listed.connect(self._on_editor_models_listed)
        right_widget = QWidget()
        right = QVBoxLayout(right_widget)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.editor)
        right.addStretch(1)
        self.editor.form.insertRow(1, "", self.default_check)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(right_widget)
        # Let the tab's own background show through: no grey box around the form.
        scroll.viewport().setAutoFillBackground(False)
        right_widget.setAutoFillBackground(False)

        tab = QWidget()
        row = QHBoxLayout(tab)
        row.addLayout(left)
        row.addWidget(scroll, 1)
        return tab

    # -- profiles ---------------------------------------------------------------------------

    def _fill_profile_list(self, select_id: str | None) -> None:
        self.profile_list.blockSignals(True)
        self.profile_list.clear()
        for profile in self._profiles:
            item = QListWidgetItem(self._item_text(profile))
            item.setData(Qt.ItemDataRole.UserRole, profile.id)
            self.profile_list.addItem(item)
        self.profile_list.blockSignals(False)
        ids = [p.id for p in self._profiles]
        row = ids.index(select_id) if select_id in ids else 0
        self.profile_list.setCurrentRow(row)
        self._on_profile_list_current_row_changed(row)
        self.remove_button.setEnabled(len(self._profiles) > 1)

    def _item_text(self, profile: Profile) -> str:
        if profile.id == self._default_id:
            return self.tr("{name} (default)").format(name=profile.name)
        return profile.name

    def _current(self) -> Profile | None:
        return self.editor.current_profile()

    def _commit_editor(self) -> list[str]:
        profile = self._current()
        return self.editor.apply_to(profile) if profile is not None else []

    def _on_profile_list_current_row_changed(self, row: int) -> None:
        if not 0 <= row < len(self._profiles):
            return
        profile = self._profiles[row]
        if profile is self._current():
            return
        self._commit_editor()
        self.editor.load(profile)
        self.default_check.blockSignals(True)
        self.default_check.setChecked(profile.id == self._default_id)
        self.default_check.setEnabled(profile.id != self._default_id)
        self.default_check.blockSignals(False)

    def _new_id(self) -> str:
        return "p-" + uuid.uuid4().hex[:10]

    def add_profile(self, preset_id: str | None = None) -> None:
        """A new profile: from a preset (see ``presets.ENDPOINT_PRESETS``), or a blank local
        one whose Preset field offers the same choices."""
        self._commit_editor()
        if preset_id is not None:
            preset = endpoint_preset(preset_id)
            profile = profile_from_preset(
                dataclasses.replace(preset, name=preset_display_name(preset.name)),
                {p.id for p in self._profiles} | set(self._removed_ids),
                {p.name for p in self._profiles},
            )
        else:
            profile = Profile(
                id=self._new_id(), name=self.tr("New profile"), base_url="http://localhost:11434/v1"
            )
        self._profiles.append(profile)
        self._fill_profile_list(profile.id)
        self.editor.name_edit.setFocus()
        self.editor.name_edit.selectAll()

    def duplicate_profile(self) -> None:
        """A copy of the current profile (not its key) under a new id."""
        self._commit_editor()
        source = self._current()
        if source is None:
            return
        profile = dataclasses.replace(
            copy.deepcopy(source),
            id=self._new_id(),
            name=self.tr("{name} copy").format(name=source.name),
        )
        self._profiles.append(profile)
        self._fill_profile_list(profile.id)

    def remove_profile(self) -> None:
        """Remove the current profile (never the last one); its key goes on Save."""
        profile = self._current()
        if profile is None or len(self._profiles) <= 1:
            return
        index = self._profiles.index(profile)
        self._profiles.remove(profile)
        self._removed_ids.append(profile.id)
        self.editor.forget_typed_key(profile.id)
        if profile.id == self._default_id:
            self._default_id = self._profiles[0].id
        self.editor.release()  # do not commit the form into the removed profile
        self._fill_profile_list(self._profiles[min(index, len(self._profiles) - 1)].id)

    def _on_editor_name_edited(self, name: str) -> None:
        item = self.profile_list.currentItem()
        profile = self._current()
        if item is not None and profile is not None:
            profile.name = name.strip() or profile.name
            item.setText(self._item_text(profile))

    def _on_editor_models_listed(self, profile_id: str, models: list[str]) -> None:
        for profile in self._profiles:
            if profile.id == profile_id:
                profile.models_cache = list(models)

    def _on_default_check_toggled(self, checked: bool) -> None:
        profile = self._current()
        if checked and profile is not None:
            self._default_id = profile.id
            for row, p in enumerate(self._profiles):
                self.profile_list.item(row).setText(self._item_text(p))
            self.default_check.setEnabled(False)

    # -- saving -----------------------------------------------------------------------------

    def _show_save_error(self, text: str) -> None:
        self.save_error.setText(text)
        self.save_error.setVisible(bool(text))

    def save(self) -> None:
        """Validate, save the settings file, then store typed keys in the background."""
        problems = self._commit_editor()
        if problems:
            self.tabs.setCurrentIndex(0)
            self._show_save_error(problems[0])
            return
        # Profiles edited earlier in this session were left without blocking the user.
        for row, profile in enumerate(self._profiles):
            errors, _warnings = base_url_problems(profile.base_url)
            if not profile.name.strip():
                errors.insert(0, self.tr("Give the profile a name."))
            if errors:
                self.tabs.setCurrentIndex(0)
                self.profile_list.setCurrentRow(row)
                name = profile.name or self.tr("Profile")
                self._show_save_error(self.tr("{name}: {error}").format(name=name, error=errors[0]))
                return
        s = self._settings
        # A changed address must be allowed again before a key goes there in clear text.
        urls = {p.id: p.base_url for p in s.profiles}
        s.plain_http_allowed = {
            pid
            for pid in s.plain_http_allowed
            if any(p.id == pid and p.base_url == urls.get(pid) for p in self._profiles)
        }
        s.profiles = copy.deepcopy(self._profiles)
        s.default_profile_id = self._default_id
        self.general.apply_to(s)
        try:
            self._settings_store.save(s)
        except OSError as exc:  # atomicfile.SaveError says what happened in user words
            self._show_save_error(str(exc))
            return
        set_log_message_text(s.log_message_text)
        log.info("settings saved (%d profiles)", len(s.profiles))
        self.settings_changed.emit()
        live = {p.id for p in self._profiles}
        keys = {pid: k for pid, k in self.editor.typed_keys().items() if pid in live}
        # Keys of removed profiles, and keys the user asked to forget (unless replaced).
        forget = set(self._removed_ids) | (self.editor.keys_to_forget() - set(keys))
        for profile_id in forget:
            self._session_keys.pop(profile_id, None)
            self.editor.forget_done(profile_id)
            run_in_background(
                secrets.delete_key, profile_id, on_error=_log_forget_failure, context=None
            )
        self._removed_ids.clear()
        if not keys:
            self.accept()
            return
        for key in keys.values():
            register_secret(key)
        self._pending_keys = keys
        self._set_busy(True, self.tr("Saving the key in the keyring…"))
        run_in_background(
            _store_keys,
            keys,
            on_success=self._on_keys_stored,
            on_error=self._on_keys_failed,
            context=self,
        )

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not busy)
        self.save_error.setObjectName("")
        self._show_save_error(text)

    def _on_keys_stored(self, profile_ids: Any) -> None:
        for profile_id in profile_ids:
            # The keyring now has it: a session copy would shadow later changes.
            self._session_keys.pop(profile_id, None)
            self.editor.forget_typed_key(profile_id)
            self.editor.set_key_stored(profile_id, True)
        self._pending_keys = {}
        self._set_busy(False)
        log.info("API key stored in the keyring for %d profile(s)", len(profile_ids))
        self.accept()

    def _on_keys_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.save_error.setObjectName("fieldError")
        self.save_error.style().unpolish(self.save_error)
        self.save_error.style().polish(self.save_error)
        if isinstance(exc, secrets.KeyringUnavailableError):
            log.warning("no usable keyring: %s", exc)
            self._show_save_error(
                self.tr("Settings saved, but the key was not: {error}").format(error=exc)
            )
            self.session_button.show()
            self.session_button.setFocus()
        else:
            log.error("storing the key failed: %s", exc)
            self._show_save_error(
                self.tr("Settings saved, but the key could not be stored: {error}").format(
                    error=exc
                )
            )
            self.session_button.show()

    def _on_session_button_clicked(self) -> None:
        for profile_id, key in self._pending_keys.items():
            self._session_keys[profile_id] = key
            self.editor.forget_typed_key(profile_id)
        self._pending_keys = {}
        self.settings_changed.emit()  # the key in use changed
        self.accept()
