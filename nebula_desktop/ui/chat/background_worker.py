"""Short background jobs that must never block the GUI: model lists, titles, key checks.

The jobs are plain functions run by the window's :class:`Runner` (never on the chat worker's
thread, so a slow ``/models`` call or a title request never delays the next streamed answer);
:class:`BackgroundWorker` turns their outcomes into signals on the GUI thread.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from nebula_desktop.client_factory import client_from_params
from nebula_desktop.titles import clean_title
from nebula_desktop.ui.common.runner import Runner

log = logging.getLogger(__name__)


def _stored_key(profile_id: str) -> str | None:
    """The keyring's key for ``profile_id``; None when there is none or no keyring at all."""
    from nebula_desktop import secrets

    try:
        return secrets.get_key(profile_id)
    except secrets.KeyringUnavailableError:
        return None  # the settings dialog explains what to install when the user adds a key


class _NeedsKey(Exception):
    """The profile needs a key and has none: nothing was asked of the server."""


def fetch_models(profile_id: str, params: dict[str, Any], cancel: Any) -> list[str]:
    """The sorted model ids of a profile's server (raises :class:`_NeedsKey` without a key)."""
    if params.get("needs_key", True) and not params.get("api_key"):
        key = _stored_key(profile_id)
        if not key:
            # The server could only answer "unauthorized": a false alarm on a first run.
            raise _NeedsKey(profile_id)
        params = {**params, "api_key": key}
    client = client_from_params(params)
    try:
        return sorted(set(client.list_models(cancel=cancel)))
    finally:
        client.close()


def fetch_title(params: dict[str, Any], cancel: Any) -> str:
    """A short title from the model ("" when it gave nothing usable)."""
    client = client_from_params(params)
    try:
        result = client.chat(
            params["model"],
            params["messages"],
            temperature=0.3,
            stream=False,
            cancel=cancel,
            max_tokens=30,
        )
    finally:
        client.close()
    return clean_title(result.content or "")


def key_state(profile_id: str) -> tuple[bool, str]:
    """Whether the keyring holds a key for ``profile_id``, and the problem text if it failed."""
    try:
        from nebula_desktop.secrets import get_key

        return bool(get_key(profile_id)), ""
    except Exception as error:  # KeyringUnavailableError and friends: the dialog explains
        return False, str(error)


class BackgroundWorker(QObject):
    """Asks the runner for model lists, titles and keyring checks; reports them by signal."""

    models_ready = Signal(str, list)  # profile_id, model ids
    models_failed = Signal(str, str)  # profile_id, product message
    models_need_key = Signal(str)  # profile_id: it needs a key and has none, so nothing was asked
    title_ready = Signal(str, str)  # conversation id, title
    key_checked = Signal(str, bool, str)  # profile_id, has a key, problem text ("" when fine)

    def __init__(self, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        # Set at shutdown: ends a slow request so quitting does not wait for it.
        self.shutting_down = runner.stopping

    @Slot(str, dict)
    def list_models(self, profile_id: str, params: dict[str, Any]) -> None:
        """Fetch the model ids of a profile's server."""

        def failed(error: BaseException) -> None:
            if isinstance(error, _NeedsKey):
                self.models_need_key.emit(profile_id)
                return
            log.warning("model list failed for profile %s: %s", profile_id, type(error).__name__)
            self.models_failed.emit(profile_id, str(error) or type(error).__name__)

        self.runner.run(
            fetch_models,
            profile_id,
            params,
            self.shutting_down,
            on_done=lambda models: self.models_ready.emit(profile_id, models),
            on_failed=failed,
            owner=self,
        )

    @Slot(str, dict)
    def make_title(self, conv_id: str, params: dict[str, Any]) -> None:
        """Ask the model for a short title; on any failure stay silent (the first title stays)."""

        def done(title: str) -> None:
            if title and not self.shutting_down.is_set():
                self.title_ready.emit(conv_id, title)

        def failed(error: BaseException) -> None:
            log.info("title request failed: %s", type(error).__name__)

        self.runner.run(
            fetch_title, params, self.shutting_down, on_done=done, on_failed=failed, owner=self
        )

    @Slot(str)
    def check_key(self, profile_id: str) -> None:
        """Report whether the keyring holds a key for ``profile_id`` (slow keyrings run there)."""
        self.runner.run(
            key_state,
            profile_id,
            on_done=lambda state: self.key_checked.emit(profile_id, *state),
            owner=self,
        )
