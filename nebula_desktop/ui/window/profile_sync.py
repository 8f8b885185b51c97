"""``ProfileSync``: the header's profiles and models, and the view, kept in step with the settings.

When no chat is open the header shows the default profile, its default model and the default
prompt preset; picking another profile offers its models; a model list that failed says why; and
a saved change in the settings dialog (theme, font size, profiles, keys, prices) is applied to
the open window at once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QApplication

from nebula_desktop.ui.chat.header import ChatHeader
from nebula_desktop.ui.chat.model_catalog import ModelCatalog
from nebula_desktop.ui.common.app_context import AppContext
from nebula_desktop.ui.common.status import STATUS_WARNING_MS
from nebula_desktop.ui.messages.view import MessageView
from nebula_desktop.ui.window.notices import Notices
from nebula_desktop.ui.window.usage import UsageLine


class ProfileSync(QObject):
    """Applies ``ctx.settings`` to the header, the model list, the view and the usage line."""

    def __init__(
        self,
        ctx: AppContext,
        header: ChatHeader,
        models: ModelCatalog,
        view: MessageView,
        usage: UsageLine,
        notices: Notices,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._header = header
        self._models = models
        self._view = view
        self._usage = usage
        self._notices = notices
        header.profile_changed.connect(self._on_header_profile_changed)
        models.failed.connect(self._on_models_failed)

    def show_defaults(self) -> None:
        """No chat is open: the default profile, its model, and the default prompt preset
        (which the chat created on the first Send takes)."""
        settings = self._ctx.settings
        profile = settings.profile(settings.default_profile_id)
        self._header.set_profiles(settings.profiles, profile.id)
        self._header.model.setEditText(profile.default_model)
        self._header.set_system_prompt(settings.default_prompt_text())

    def apply_settings(self) -> None:
        """The settings dialog saved: theme, font, profiles, models and prices take effect."""
        from nebula_desktop.ui.common.theme import apply_font_size, apply_theme

        settings = self._ctx.settings
        app = QApplication.instance()
        if isinstance(app, QApplication):
            # No callback of ours: the theme outlives this window, and app.py already passes
            # every shown window the OS's later light/dark switches.
            self._view.set_dark(apply_theme(app, settings.theme))
            apply_font_size(app, settings.font_size)
        self._view.set_font_point_size(settings.font_size or QApplication.font().pointSize())
        self._view.set_render_math(settings.render_math)
        self._models.forget()
        current = self._header.profile_id()
        self._header.set_profiles(settings.profiles, current)
        if not self._header.model_name():  # e.g. the first run just chose the default model
            profile = settings.profile(self._header.profile_id())
            self._header.model.setEditText(profile.default_model)
        self._models.show(self._header.profile_id())
        self._usage.refresh()  # prices may have changed
        self._view.viewport().update()

    def _on_header_profile_changed(self, profile_id: str) -> None:
        self._models.show(profile_id)
        if not self._header.model_name():
            self._header.model.setEditText(self._ctx.settings.profile(profile_id).default_model)

    def _on_models_failed(self, text: str) -> None:
        settings: Any = self._ctx.settings
        profile = settings.profile(self._header.profile_id() or settings.default_profile_id)
        if profile.sends_key_in_clear() and profile.id not in settings.plain_http_allowed:
            # The list was asked for without the key on purpose: say why, not "unauthorized".
            text = QCoreApplication.translate(
                "MainWindow",
                "The model list could not be loaded without your API key: this profile uses "
                "plain http://, so the key is only sent once you allow it (on your first message).",
            )
        self._notices.show_status(text, STATUS_WARNING_MS)
