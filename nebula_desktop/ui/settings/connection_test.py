"""``ConnectionTest``: the profile editor's "Test connection" button and its result line.

A test lists the server's models (``/models``) on a pool thread with the profile as typed,
then shows "Connected — N models" or the product's error message. The editor decides what to
test; this widget runs it and reports.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QWidget

from nebula_desktop import secrets
from nebula_desktop.settings import Profile
from nebula_desktop.ui.common.runner import default_runner
from nebula_desktop.ui.common.wrapping_label import WrappingLabel

log = logging.getLogger(__name__)


def list_models(profile: Profile, typed_key: str, session_key: str | None) -> list[str]:
    """Runs on a pool thread: find the key, then list the models."""
    from nebula_desktop.client_factory import client_for

    key: str | None = None
    if profile.needs_key:
        key = typed_key or session_key or secrets.get_key(profile.id)
    # A test should answer now, not after back-off, and within half a minute.
    client = client_for(profile, key, max_retries=0, timeout=min(float(profile.timeout), 30.0))
    try:
        return client.list_models()
    finally:
        client.close()


# Listed by many gateways beside the chat models, but no use as a chat's default.
_NOT_FOR_CHAT = re.compile(
    r"embed|whisper|tts|dall-e|image|moderation|rerank|audio|transcri|speech", re.IGNORECASE
)


def pick_model(models: list[str], current: str) -> str:
    """The default model to offer after a test: ``current`` when the server lists it, else
    the first listed model that is meant for chatting (else the first one, else ``current``)."""
    if current in models:
        return current
    for model in models:
        if not _NOT_FOR_CHAT.search(model):
            return model
    return models[0] if models else current


class ConnectionTest(QWidget):
    """Runs one connection test at a time; ``succeeded(profile_id, models)`` after a good one,
    ``failed(message)`` after a bad one (the message is the one shown)."""

    succeeded = Signal(str, list)
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QPushButton(self.tr("Test connection"))
        self.button.setAccessibleName(self.tr("Test connection"))
        self.result = WrappingLabel()
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.result, 1)

    def start(self, probe: Profile, typed_key: str, session_key: str | None) -> None:
        """List the models of ``probe`` on a background thread (the button waits meanwhile)."""
        self.button.setEnabled(False)
        self.show_result(self.tr("Connecting…"), ok=None)
        default_runner().run(
            list_models,
            probe,
            typed_key,
            session_key,
            on_done=functools.partial(self._on_succeeded, probe.id),
            on_failed=self._on_failed,
            owner=self,
        )

    def clear(self) -> None:
        """Forget the last result (another profile is shown)."""
        self.result.setText("")
        self.result.setObjectName("")

    def show_result(self, text: str, ok: bool | None) -> None:
        """Show ``text`` styled as success (True), error (False) or neutral (None)."""
        name = {True: "fieldSuccess", False: "fieldError", None: ""}[ok]
        self.result.setObjectName(name)
        # Re-polish so the object-name rule of the style sheet applies.
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)
        self.result.setText(text)
        self.result.setVisible(bool(text))

    def _on_succeeded(self, profile_id: str, models: Any) -> None:
        self.button.setEnabled(True)
        models = list(models)
        connected = self.tr("Connected — {count} models")
        self.show_result(connected.format(count=len(models)), ok=True)
        self.succeeded.emit(profile_id, models)

    def _on_failed(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        log.info("connection test failed: %s", exc)
        message = str(exc) or type(exc).__name__
        self.show_result(message, ok=False)
        self.failed.emit(message)
