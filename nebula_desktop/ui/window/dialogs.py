"""``WindowDialogs``: the main window's modeless dialogs, at most one of each at a time.

Settings (also opened on first run when no key is found) and Prompt presets. Opening one that
is already open brings it to the front; each is deleted when closed. The window reacts to a
saved change through ``settings_changed``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from nebula_desktop.ui.common.app_context import AppContext


class WindowDialogs(QObject):
    """Opens the Settings and Prompt presets dialogs for ``window``."""

    settings_changed = Signal()  # the settings dialog saved

    def __init__(
        self,
        window: QWidget,
        ctx: AppContext,
        save_settings: Callable[[], None],
        header: Any,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._ctx = ctx
        self._save_settings = save_settings
        self._header = header
        self.settings_dialog: Any = None  # the open SettingsDialog, if any
        self.presets_dialog: Any = None  # the open PromptPresetsDialog, if any

    def open_settings(self, first_run: bool = False) -> None:
        """Open the settings dialog (non-blocking; one at a time)."""
        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            self.settings_dialog.activateWindow()
            return
        from nebula_desktop.ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(
            self._ctx.settings,
            self._ctx.settings_store,
            self._ctx.session_keys,
            self._window,
            first_run=first_run,
            tools=self._ctx.tools,
            chat_id=getattr(
                getattr(getattr(self._window, "controller", None), "conv", None), "id", None
            ),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settings_changed.connect(self.settings_changed)
        dialog.finished.connect(self._on_settings_dialog_finished)
        self.settings_dialog = dialog
        dialog.open()

    def open_prompt_presets(self) -> None:
        """Chat → Prompt presets… (also from the System… prompt editor); non-blocking."""
        if self.presets_dialog is not None:
            self.presets_dialog.raise_()
            self.presets_dialog.activateWindow()
            return
        from nebula_desktop.ui.settings.prompt_presets import PromptPresetsDialog

        parent = self._header.system_dialog or self._window
        dialog = PromptPresetsDialog(self._ctx.settings, self._save_settings, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.presets_changed.connect(self._header.refresh_presets)
        dialog.destroyed.connect(lambda: setattr(self, "presets_dialog", None))
        self.presets_dialog = dialog
        dialog.open()

    def _on_settings_dialog_finished(self, _result: int) -> None:
        self.settings_dialog = None
