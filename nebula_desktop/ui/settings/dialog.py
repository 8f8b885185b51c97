"""``SettingsDialog``: endpoint profiles (with their keys) and general preferences.

``SettingsDialog(settings, settings_store, session_keys, parent=None, first_run=False)``

* Profiles tab (``ProfilesTab``): a list (Add, Duplicate, Remove — never the last) and a
  ``ProfileEditor``.
* General tab (``GeneralSettings``): language (Follow system / English / 简体中文, applied at
  the next start), theme (Follow system / Light / Dark), font size, auto-title, message text
  in log.
* ``first_run=True``: the welcome — a welcome line, the default profile's short editor
  (provider, base URL, key, Test connection, default model; the rest under "Advanced"), no
  profile list and no General tab, and the cursor in the key field.

The dialog edits a copy; Save validates, writes the copy into ``settings`` (the caller's object,
changed in place) and calls ``settings_store.save(settings)``. Keys the user typed are then
written with ``secrets.set_key`` on a background thread; once they are stored the dialog
emits ``settings_changed`` (so what the window fetches next uses the key just saved) and
closes. If no keyring is usable it shows why (what to install) and offers
"Keep the key for this session only", which puts the key in ``session_keys``. The GUI thread
never waits for the keyring or the network. "Forget" removes a saved key on Save, and so does
removing its profile.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop import secrets
from nebula_desktop.logging_setup import register_secret, set_log_message_text
from nebula_desktop.settings import Profile, Settings, SettingsStore
from nebula_desktop.ui.common.background import run_in_background
from nebula_desktop.ui.common.looks import use_looks
from nebula_desktop.ui.common.plain import plain
from nebula_desktop.ui.settings.general import GeneralSettings
from nebula_desktop.ui.settings.profile_checks import base_url_problems
from nebula_desktop.ui.settings.profiles_tab import ProfilesTab
from nebula_desktop.ui.settings.tools_tab import ToolsTab

log = logging.getLogger(__name__)

# Translated where it is shown (context "SettingsDialog").
WELCOME = QT_TRANSLATE_NOOP(
    "SettingsDialog",
    "Welcome to Nebula Desktop! Paste your ai-nebula API key (or choose another provider), "
    "then press Test connection.",
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
        tools: Any = None,
        chat_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Get started") if first_run else self.tr("Settings"))
        use_looks(self)  # field notes, the welcome line, spin box sizes
        self._settings = settings
        self._settings_store = settings_store
        self._session_keys = session_keys
        self._first_run = first_run
        self._pending_keys: dict[str, str] = {}
        self._unannounced = False  # saved, but settings_changed not emitted yet
        self._fitted = False  # the welcome fits its height to the form once shown

        self.welcome_label = QLabel(self.tr(str(WELCOME)))
        self.welcome_label.setObjectName("welcomeLabel")
        self.welcome_label.setWordWrap(True)
        self.welcome_label.setVisible(first_run)

        self.tabs = QTabWidget()
        self.profiles_tab = ProfilesTab(
            list(settings.profiles), settings.default_profile_id, session_keys, simple=first_run
        )
        # The dialog's own names for the Profiles tab's parts (tests and callers use them).
        self.editor = self.profiles_tab.editor
        self.profile_list = self.profiles_tab.profile_list
        self.add_button = self.profiles_tab.add_button
        self.preset_button = self.profiles_tab.preset_button
        self.preset_menu = self.profiles_tab.preset_menu
        self.duplicate_button = self.profiles_tab.duplicate_button
        self.remove_button = self.profiles_tab.remove_button
        self.default_check = self.profiles_tab.default_check
        self.tabs.addTab(self.profiles_tab, self.tr("&Profiles"))
        self.general = GeneralSettings(settings)
        # The dialog's own names for the General tab's fields (tests and callers use them).
        self.language_combo = self.general.language_combo
        self.language_note = self.general.language_note
        self.theme_combo = self.general.theme_combo
        self.font_spin = self.general.font_spin
        self.auto_title_check = self.general.auto_title_check
        self.log_text_check = self.general.log_text_check
        self.tabs.addTab(self.general, self.tr("&General"))
        # MCP servers: ``tools`` is the session's ToolsSession (states), ``chat_id`` the open chat.
        self.tools_tab = ToolsTab(settings, tools, chat_id)
        self.tabs.addTab(self.tools_tab, self.tr("&Tools"))

        self.save_error = plain(QLabel())  # starts with a profile name
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

        self.profiles_tab.fill(settings.default_profile_id)
        if first_run:
            # Only the default profile's essentials: the rest waits in Settings.
            self.tabs.setTabVisible(1, False)
            self.tabs.setTabVisible(2, False)  # Tools
            self.tabs.tabBar().hide()
            self.tabs.setDocumentMode(True)
            self.editor.advanced.toggled.connect(self._fit_to_form)
            self.resize(600, self.sizeHint().height())
            self.editor.key_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._first_run and not self._fitted:
            self._fitted = True
            QTimer.singleShot(0, self._fit_to_form)  # once the layout has given sizes

    def _fit_to_form(self) -> None:
        """Grow (or shrink) to the form when "Advanced" folds open (or shut), within the screen."""
        scroll = self.profiles_tab.form_scroll
        inner = scroll.widget()
        if inner is None:
            return
        extra = inner.sizeHint().height() - scroll.viewport().height()
        screen = self.screen().availableGeometry()
        self.resize(self.width(), max(200, min(self.height() + extra, screen.height() * 9 // 10)))
        frame = self.frameGeometry()
        if frame.bottom() > screen.bottom():  # keep Save on the screen
            self.move(frame.x(), max(screen.top(), screen.bottom() - frame.height()))

    # -- profiles (kept by the Profiles tab) ------------------------------------------------

    @property
    def _profiles(self) -> list[Profile]:
        return self.profiles_tab.profiles

    def add_profile(self, preset_id: str | None = None) -> None:
        """A new profile: from a preset (see ``presets.ENDPOINT_PRESETS``), or a blank one."""
        self.profiles_tab.add_profile(preset_id)

    def duplicate_profile(self) -> None:
        """A copy of the current profile (not its key) under a new id."""
        self.profiles_tab.duplicate_profile()

    def remove_profile(self) -> None:
        """Remove the current profile (never the last one); its key goes on Save."""
        self.profiles_tab.remove_profile()

    # -- saving -----------------------------------------------------------------------------

    def _show_save_error(self, text: str) -> None:
        self.save_error.setText(text)
        self.save_error.setVisible(bool(text))

    def save(self) -> None:
        """Validate, save the settings file, then store typed keys in the background."""
        problems = self.profiles_tab.commit_editor()
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
        # A changed address or proxy must be allowed again before a key goes there in clear text.
        routes = {p.id: (p.base_url, p.proxy) for p in s.profiles}
        s.plain_http_allowed = {
            pid
            for pid in s.plain_http_allowed
            if any(p.id == pid and (p.base_url, p.proxy) == routes.get(pid) for p in self._profiles)
        }
        s.profiles = copy.deepcopy(self._profiles)
        s.default_profile_id = self.profiles_tab.default_id
        self.general.apply_to(s)
        self.tools_tab.apply_to(s)
        try:
            self._settings_store.save(s)
        except OSError as exc:  # atomicfile.SaveError says what happened in user words
            self._show_save_error(str(exc))
            return
        set_log_message_text(s.log_message_text)
        log.info("settings saved (%d profiles)", len(s.profiles))
        self._unannounced = True
        live = {p.id for p in self._profiles}
        keys = {pid: k for pid, k in self.editor.typed_keys().items() if pid in live}
        # Keys of removed profiles, and keys the user asked to forget (unless replaced).
        forget = set(self.profiles_tab.removed_ids) | (self.editor.keys_to_forget() - set(keys))
        for profile_id in forget:
            self._session_keys.pop(profile_id, None)
            self.editor.forget_done(profile_id)
            run_in_background(
                secrets.delete_key, profile_id, on_error=_log_forget_failure, context=None
            )
        self.profiles_tab.removed_ids.clear()
        if not keys:
            self._announce()
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
        self._announce()  # now the window's next request finds the new key
        self.accept()

    def _on_keys_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._announce()  # the rest of the settings is saved and in effect
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

    def _announce(self) -> None:
        if self._unannounced:
            self._unannounced = False
            self.settings_changed.emit()

    def done(self, result: int) -> None:
        # Closed while a key was still being stored: the settings file was saved all the same.
        self._announce()
        super().done(result)

    def _on_session_button_clicked(self) -> None:
        for profile_id, key in self._pending_keys.items():
            self._session_keys[profile_id] = key
            self.editor.forget_typed_key(profile_id)
        self._pending_keys = {}
        self.settings_changed.emit()  # the key in use changed
        self.accept()
