"""``KeyField``: the profile editor's API key row — the masked key, Show/Hide and Forget.

Its placeholder says where the profile's key is now: in the keyring (looked up on a pool
thread, never on the GUI thread), kept for this session only, to be removed on Save, or
missing. It remembers what the user typed per profile until the dialog saves; it never writes
the keyring itself (the settings dialog does, with ``typed_keys()``).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QToolButton, QWidget

from nebula_desktop import secrets
from nebula_desktop.ui.common.background import run_in_background
from nebula_desktop.ui.common.i18n import translate
from nebula_desktop.ui.common.wrapping_label import WrappingLabel

log = logging.getLogger(__name__)

# Translated where they are shown.
STORED_PLACEHOLDER = QT_TRANSLATE_NOOP("KeyField", "•••• stored in the keyring")
SESSION_PLACEHOLDER = QT_TRANSLATE_NOOP("KeyField", "•••• kept for this session only")
EMPTY_PLACEHOLDER = QT_TRANSLATE_NOOP("KeyField", "Paste your API key (sk-…)")
CHECKING_PLACEHOLDER = QT_TRANSLATE_NOOP("KeyField", "Checking the keyring…")
FORGET_PLACEHOLDER = QT_TRANSLATE_NOOP("KeyField", "The saved key will be removed on Save")


class KeyField(QWidget):
    """The key line edit with its buttons; ``note`` (a separate label) shows keyring trouble."""

    def __init__(self, session_keys: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session_keys = session_keys
        self._profile_id: str | None = None
        self._typed_keys: dict[str, str] = {}
        self._stored: dict[str, bool] = {}  # profile id -> a key is in the keyring
        self._keyring_problem = ""
        self._checking: set[str] = set()  # profile ids with a keyring lookup under way
        self._forget: set[str] = set()  # profile ids whose saved key goes on Save

        self.key_edit = QLineEdit()
        self.key_edit.setAccessibleName(self.tr("API key"))
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(translate("KeyField", EMPTY_PLACEHOLDER))
        self.key_edit.textEdited.connect(self._on_key_edit_text_edited)
        self.show_button = QToolButton()
        self.show_button.setText(self.tr("Show"))
        self.show_button.setCheckable(True)
        self.show_button.setAccessibleName(self.tr("Show API key"))
        self.show_button.toggled.connect(self._on_show_button_toggled)
        self.forget_button = QToolButton()
        self.forget_button.setText(self.tr("Forget"))
        self.forget_button.setAccessibleName(self.tr("Forget the saved API key"))
        self.forget_button.setToolTip(self.tr("Remove this profile's key on Save"))
        self.forget_button.clicked.connect(self._on_forget_button_clicked)
        self.forget_button.hide()
        self.note = WrappingLabel()
        self.note.setObjectName("fieldError")
        self.note.hide()

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.key_edit, 1)
        row.addWidget(self.show_button)
        row.addWidget(self.forget_button)

    # -- the editor's calls -----------------------------------------------------------------

    def show_profile(self, profile_id: str | None) -> None:
        """Show the key state of ``profile_id`` (None: no profile is being edited)."""
        self._profile_id = profile_id
        if profile_id is None:
            return
        self.key_edit.setText(self._typed_keys.get(profile_id, ""))
        self.show_button.setChecked(False)

    def set_usable(self, usable: bool) -> None:
        """Enable typing a key (off when the server needs none)."""
        self.key_edit.setEnabled(usable)
        self.show_button.setEnabled(usable)

    def typed_keys(self) -> dict[str, str]:
        """Keys the user typed this time, by profile id (only non-empty ones)."""
        return {pid: key for pid, key in self._typed_keys.items() if key}

    def forget_typed_key(self, profile_id: str) -> None:
        self._typed_keys.pop(profile_id, None)

    def set_key_stored(self, profile_id: str, stored: bool) -> None:
        """Record that ``profile_id`` now has (or no longer has) a key in the keyring."""
        self._stored[profile_id] = stored
        if self._profile_id == profile_id:
            self.refresh()

    def show_problem(self, text: str) -> None:
        self._set_note(text)

    def keys_to_forget(self) -> set[str]:
        """Profile ids whose saved key (keyring or session) the user asked to remove."""
        return set(self._forget)

    def forget_done(self, profile_id: str) -> None:
        self._forget.discard(profile_id)
        self._stored[profile_id] = False

    # -- the placeholder --------------------------------------------------------------------

    def refresh(self) -> None:
        """Say where the current profile's key is (starts a keyring lookup when unknown)."""
        profile_id = self._profile_id
        if profile_id is None:
            return
        self.forget_button.hide()
        if profile_id in self._forget:
            self.key_edit.setPlaceholderText(translate("KeyField", FORGET_PLACEHOLDER))
            self._set_note("")
            return
        if profile_id in self._session_keys:
            self.key_edit.setPlaceholderText(translate("KeyField", SESSION_PLACEHOLDER))
            self._set_note("")
            self.forget_button.show()
            return
        stored = self._stored.get(profile_id)
        if stored is None:
            self.key_edit.setPlaceholderText(translate("KeyField", CHECKING_PLACEHOLDER))
            if profile_id not in self._checking:
                self._checking.add(profile_id)
                run_in_background(
                    secrets.get_key,
                    profile_id,
                    on_success=functools.partial(self._on_key_lookup_done, profile_id),
                    on_error=functools.partial(self._on_key_lookup_failed, profile_id),
                    context=self,
                )
            return
        self.key_edit.setPlaceholderText(
            translate("KeyField", STORED_PLACEHOLDER if stored else EMPTY_PLACEHOLDER)
        )
        self._set_note(self._keyring_problem if not stored else "")
        self.forget_button.setVisible(bool(stored))

    def _set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _on_key_lookup_done(self, profile_id: str, key: Any) -> None:
        self._checking.discard(profile_id)
        self.set_key_stored(profile_id, bool(key))

    def _on_key_lookup_failed(self, profile_id: str, exc: BaseException) -> None:
        self._checking.discard(profile_id)
        log.warning("keyring lookup for %s failed: %s", profile_id, exc)
        self._keyring_problem = str(exc)
        if isinstance(exc, secrets.KeyringUnavailableError):
            self._keyring_problem += "\n" + self.tr(
                "You can still paste a key: on Save you may keep it for this session only.",
            )
        self.set_key_stored(profile_id, False)

    # -- field reactions --------------------------------------------------------------------

    def _on_key_edit_text_edited(self, text: str) -> None:
        if self._profile_id is not None:
            self._typed_keys[self._profile_id] = text.strip()

    def _on_forget_button_clicked(self) -> None:
        if self._profile_id is None:
            return
        self._forget.add(self._profile_id)
        self._typed_keys.pop(self._profile_id, None)
        self.key_edit.clear()
        self.refresh()

    def _on_show_button_toggled(self, shown: bool) -> None:
        self.key_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )
        if shown:
            self.show_button.setText(self.tr("Hide"))
        else:
            self.show_button.setText(self.tr("Show"))
