"""The model list of each profile: shown from the settings cache at once, refreshed in the
background from ``/models`` (once per session, or on request), saved back to the cache.

A profile that needs a key and has none yet is not asked at all (its server could only say
"unauthorized"); the list is fetched once the settings dialog has stored the key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from nebula_desktop.ui.chat.background_worker import BackgroundWorker
from nebula_desktop.ui.chat.request import profile_params
from nebula_desktop.ui.common.app_context import AppContext


class ModelCatalog(QObject):
    """Keeps the header's model combo filled for the profile it shows."""

    loaded = Signal(str, list)  # profile id, model ids: a fresh list arrived and was kept
    failed = Signal(str)  # a user-facing message
    _models_request = Signal(str, dict)

    def __init__(
        self,
        header: Any,
        background: BackgroundWorker,
        ctx: AppContext,
        save_settings: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._header = header
        self._ctx = ctx
        self._save_settings = save_settings
        self._fetched: set[str] = set()
        self._asked: set[str] = set()  # profile ids the user asked to refresh (⟳)
        self._models_request.connect(background.list_models)
        background.models_ready.connect(self._on_background_models_ready)
        background.models_failed.connect(self._on_background_models_failed)
        background.models_need_key.connect(self._on_background_models_need_key)
        header.models_refresh_requested.connect(self._on_header_models_refresh_requested)

    def show(self, profile_id: str) -> None:
        """Offer the cached models of ``profile_id`` now; fetch fresh ones in the background."""
        self._header.set_models(list(self._ctx.settings.profile(profile_id).models_cache))
        self.fetch(profile_id)

    def fetch(self, profile_id: str, force: bool = False) -> None:
        """Ask the server for the model list (once per session unless ``force``)."""
        if not profile_id or self._ctx.offline or (profile_id in self._fetched and not force):
            return
        self._fetched.add(profile_id)
        self._header.set_models_busy(True)
        params = profile_params(self._ctx.settings, profile_id, self._ctx.session_keys)
        self._models_request.emit(profile_id, params)

    def forget(self) -> None:
        """Settings changed (a new key or address may list other models): fetch again."""
        self._fetched.clear()

    def _on_header_models_refresh_requested(self, profile_id: str) -> None:
        if profile_id:
            self._asked.add(profile_id)
        self.fetch(profile_id, force=True)

    def _on_background_models_ready(self, profile_id: str, models: list[str]) -> None:
        self._header.set_models_busy(False)
        self._asked.discard(profile_id)
        profile = self._ctx.settings.profile(profile_id)
        if profile.id == profile_id and profile.models_cache != models:
            profile.models_cache = list(models)
            self._save_settings()
        if self._header.profile_id() == profile_id:
            self._header.set_models(models)
        self.loaded.emit(profile_id, list(models))

    def _on_background_models_failed(self, profile_id: str, message: str) -> None:
        self._header.set_models_busy(False)
        self._asked.discard(profile_id)
        self._fetched.discard(profile_id)  # try again next time the profile is shown
        self.failed.emit(self.tr("Could not load the model list: {error}").format(error=message))

    def _on_background_models_need_key(self, profile_id: str) -> None:
        self._header.set_models_busy(False)
        self._fetched.discard(profile_id)  # the key may be added before the profile shows again
        if profile_id in self._asked:  # only a refresh the user asked for deserves an answer
            self._asked.discard(profile_id)
            self.failed.emit(
                self.tr("Add this profile's API key in Settings (Ctrl+,) to list its models.")
            )
