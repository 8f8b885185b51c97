"""A first run as a new user lives it: no false alarm, a short welcome, the key just saved used.

The server here needs a key: ``/v1/models`` answers 401 to any request without the right one,
as a real gateway does. Keys go through the ``keyring`` library to an in-memory backend whose
writes the test can hold back, the way a slow Secret Service does (it may have to unlock).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt

from tests.gui.conftest import MODELS_PATH
from tests.gui.helpers import wait_for
from tests.servers import LoopbackServer, Recorded, Reply

KEY = "sk-first-run-0123456789abcdef"
# What a gateway lists: a chat model among others no chat can use.
MODELS = ["dall-e-3", "test-model", "text-embedding-3-small"]


class SlowKeyring(KeyringBackend):
    """An in-memory keyring; while ``writes`` is clear, storing a key waits."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}
        self.writes = threading.Event()
        self.writes.set()

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writes.wait(10)
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def slow_keyring() -> Iterator[SlowKeyring]:
    previous = keyring.get_keyring()
    backend = SlowKeyring()
    keyring.set_keyring(backend)
    yield backend
    backend.writes.set()
    keyring.set_keyring(previous)


def _models_need_the_key(request: Recorded) -> Reply:
    if request.headers.get("Authorization") != f"Bearer {KEY}":
        error = {"message": "Invalid token", "type": "invalid_request_error", "code": "401"}
        return Reply.json(401, {"error": error})
    return Reply.json(200, {"object": "list", "data": [{"id": m} for m in MODELS]})


@pytest.fixture
def key_server(server: LoopbackServer) -> LoopbackServer:
    server.default[MODELS_PATH] = _models_need_the_key
    return server


def _model_requests(server: LoopbackServer) -> list[Recorded]:
    return [r for r in server.requests if r.path == MODELS_PATH]


def _welcome_dialog(qtbot: Any, window: Any) -> Any:
    from nebula_desktop.ui.settings.dialog import SettingsDialog

    def shown() -> list[Any]:
        return [w for w in window.findChildren(SettingsDialog) if w.isVisible()]

    qtbot.waitUntil(lambda: bool(shown()), timeout=5000)
    return shown()[0]


def _background_done(qtbot: Any, window: Any) -> None:
    """Wait until the window's background jobs delivered everything asked of them so far."""
    qtbot.waitUntil(lambda: window.runner.pending() == 0, timeout=10000)


def _advanced_fields(editor: Any) -> list[Any]:
    return [
        editor.name_edit,
        editor.needs_key_check,
        editor.temperature_spin,
        editor.timeout_spin,
        editor.proxy_edit,
        editor.ca_edit,
        editor.headers_edit,
        editor.thinking_check,
        editor.price_table,
    ]


def test_first_run_lists_the_models_once_with_the_key_just_saved(
    qtbot: Any, make_window: Any, key_server: LoopbackServer, slow_keyring: SlowKeyring
) -> None:
    from nebula_desktop.secrets import SERVICE

    window = make_window(key=None, model="")  # a fresh profile: no key, no model chosen yet
    dialog = _welcome_dialog(qtbot, window)
    _background_done(qtbot, window)
    assert _model_requests(key_server) == []  # nothing asked without a key…
    assert window.statusBar().currentMessage() == ""  # …so nothing to complain about

    editor = dialog.editor
    qtbot.keyClicks(editor.key_edit, KEY)
    with qtbot.waitSignal(editor.tester.succeeded, timeout=10000):
        qtbot.mouseClick(editor.test_button, Qt.MouseButton.LeftButton)
    assert editor.test_button.isEnabled()
    assert "3 models" in editor.test_result.text()
    assert editor.model_combo.currentText() == "test-model"  # a chat model picked as default
    assert [r.headers["Authorization"] for r in _model_requests(key_server)] == [f"Bearer {KEY}"]

    slow_keyring.writes.clear()  # the keyring takes its time (it may have to unlock)
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    _background_done(qtbot, window)
    assert len(_model_requests(key_server)) == 1  # not asked before the key is in effect
    assert "Could not" not in window.statusBar().currentMessage()
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        slow_keyring.writes.set()

    def listed_with_the_key() -> bool:
        return len(_model_requests(key_server)) == 2 and window.header.model.count() == len(MODELS)

    wait_for(qtbot, window.models.loaded, listed_with_the_key, timeout=10000)
    _background_done(qtbot, window)

    after_save = _model_requests(key_server)[1:]
    assert [r.headers.get("Authorization") for r in after_save] == [f"Bearer {KEY}"]
    assert window.statusBar().currentMessage() == ""  # the new user is not told the key is wrong
    assert window.header.model_name() == "test-model"
    assert slow_keyring.store[(SERVICE, window.ctx.settings.default_profile_id)] == KEY


def test_the_welcome_shows_only_what_a_first_run_needs_and_folds_the_rest(
    qtbot: Any, make_window: Any, key_server: LoopbackServer, slow_keyring: SlowKeyring
) -> None:
    window = make_window(key=None, model="")
    dialog = _welcome_dialog(qtbot, window)
    editor = dialog.editor
    essentials = [
        editor.preset_combo,
        editor.url_edit,
        editor.key_edit,
        editor.test_button,
        editor.model_combo,
        editor.advanced_button,
    ]
    advanced = _advanced_fields(editor)
    assert all(w.isVisible() for w in essentials)
    assert not any(w.isVisible() for w in advanced)
    assert not dialog.profile_list.isVisible()  # one profile to set up, no list to manage
    assert not dialog.tabs.tabBar().isVisible()
    scroll = dialog.profiles_tab.form_scroll
    assert not scroll.verticalScrollBar().isVisible()  # it all fits, no scrolling
    assert editor.key_edit.hasFocus()

    qtbot.mouseClick(editor.advanced_button, Qt.MouseButton.LeftButton)
    assert all(w.isVisible() for w in advanced)
    qtbot.mouseClick(editor.advanced_button, Qt.MouseButton.LeftButton)
    assert not any(w.isVisible() for w in advanced)
    dialog.reject()

    window.open_settings()  # later, Settings shows everything, as always
    settings = _welcome_dialog(qtbot, window)
    assert settings is not dialog
    assert all(w.isVisible() for w in _advanced_fields(settings.editor))
    assert not settings.editor.advanced_button.isVisible()
    assert settings.profile_list.isVisible()
    assert settings.tabs.tabBar().isVisible()
    settings.reject()


def test_refreshing_the_model_list_without_a_key_asks_for_the_key_not_the_server(
    qtbot: Any, make_window: Any, key_server: LoopbackServer, slow_keyring: SlowKeyring
) -> None:
    window = make_window(key=None)
    _welcome_dialog(qtbot, window).reject()
    _background_done(qtbot, window)  # the start's own look for a key: reload waits while it runs
    assert window.header.refresh.isVisible() and window.header.refresh.isEnabled()
    qtbot.mouseClick(window.header.refresh, Qt.MouseButton.LeftButton)
    _background_done(qtbot, window)
    assert _model_requests(key_server) == []
    assert "API key" in window.statusBar().currentMessage()
    assert "Settings" in window.statusBar().currentMessage()
