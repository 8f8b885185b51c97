"""Short background jobs that must never block the GUI: model lists, titles, key checks.

A second long-lived worker on its own thread, so a slow ``/models`` call or a title request
never delays the next streamed answer (which has its own ``ChatWorker`` thread).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from nebula_desktop.titles import clean_title
from nebula_desktop.ui.chat.worker import make_client

log = logging.getLogger(__name__)


def _stored_key(profile_id: str) -> str | None:
    """The keyring's key for ``profile_id``; None when there is none or no keyring at all."""
    from nebula_desktop import secrets

    try:
        return secrets.get_key(profile_id)
    except secrets.KeyringUnavailableError:
        return None  # the settings dialog explains what to install when the user adds a key


class BackgroundWorker(QObject):
    """Runs ``/models`` listing, title requests and keyring checks on its own thread."""

    models_ready = Signal(str, list)  # profile_id, model ids
    models_failed = Signal(str, str)  # profile_id, product message
    models_need_key = Signal(str)  # profile_id: it needs a key and has none, so nothing was asked
    title_ready = Signal(str, str)  # conversation id, title
    key_checked = Signal(str, bool, str)  # profile_id, has a key, problem text ("" when fine)

    def __init__(self) -> None:
        super().__init__()
        # Set once at shutdown (from the GUI thread): ends a slow request so the thread can quit.
        self.shutting_down = threading.Event()

    @Slot(str, dict)
    def list_models(self, profile_id: str, params: dict[str, Any]) -> None:
        """Fetch the model ids of a profile's server."""
        client = None
        try:
            if params.get("needs_key", True) and not params.get("api_key"):
                key = _stored_key(profile_id)
                if not key:
                    # The server could only answer "unauthorized": a false alarm on a first run.
                    self.models_need_key.emit(profile_id)
                    return
                params = {**params, "api_key": key}
            client = make_client(params)
            models = sorted(set(client.list_models(cancel=self.shutting_down)))
        except Exception as error:
            log.warning("model list failed for profile %s: %s", profile_id, type(error).__name__)
            self.models_failed.emit(profile_id, str(error) or type(error).__name__)
            return
        finally:
            if client is not None:
                client.close()
        self.models_ready.emit(profile_id, models)

    @Slot(str, dict)
    def make_title(self, conv_id: str, params: dict[str, Any]) -> None:
        """Ask the model for a short title; on any failure stay silent (the first title stays)."""
        client = None
        try:
            client = make_client(params)
            result = client.chat(
                params["model"],
                params["messages"],
                temperature=0.3,
                stream=False,
                cancel=self.shutting_down,
                max_tokens=30,
            )
            title = clean_title(result.content or "")
        except Exception as error:
            log.info("title request failed: %s", type(error).__name__)
            return
        finally:
            if client is not None:
                client.close()
        if title and not self.shutting_down.is_set():
            self.title_ready.emit(conv_id, title)

    @Slot(str)
    def check_key(self, profile_id: str) -> None:
        """Report whether the keyring holds a key for ``profile_id`` (slow keyrings run here)."""
        try:
            from nebula_desktop.secrets import get_key

            has_key = bool(get_key(profile_id))
            problem = ""
        except Exception as error:  # KeyringUnavailableError and friends: the dialog explains
            has_key = False
            problem = str(error)
        self.key_checked.emit(profile_id, has_key, problem)
