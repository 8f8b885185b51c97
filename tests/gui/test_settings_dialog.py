"""The settings dialog: profiles, the key (keyring or this session only), Test connection."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from nebula_desktop import secrets
from nebula_desktop.settings import DEFAULT_BASE_URL, Settings, SettingsStore
from nebula_desktop.ui.settings import profile_editor
from nebula_desktop.ui.settings.dialog import SettingsDialog
from tests.servers import LoopbackServer, Reply

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

KEY = "sk-test0123456789abcdef"


NO_KEYRING_REASON = "no Secret Service on the session bus"
NO_KEYRING_MESSAGE = str(secrets.KeyringUnavailableError(NO_KEYRING_REASON))


class FakeKeyring:
    """Stands in for the OS keyring (the real one is covered by the secrets tests)."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}
        self.unavailable = False

    def _check(self) -> None:
        if self.unavailable:
            raise secrets.KeyringUnavailableError(NO_KEYRING_REASON)

    def get_key(self, profile_id: str) -> str | None:
        self._check()
        return self.keys.get(profile_id)

    def set_key(self, profile_id: str, key: str) -> None:
        self._check()
        self.keys[profile_id] = key

    def delete_key(self, profile_id: str) -> None:
        self._check()
        self.keys.pop(profile_id, None)


@pytest.fixture
def keyring(monkeypatch: pytest.MonkeyPatch) -> FakeKeyring:
    fake = FakeKeyring()
    monkeypatch.setattr(secrets, "get_key", fake.get_key)
    monkeypatch.setattr(secrets, "set_key", fake.set_key)
    monkeypatch.setattr(secrets, "delete_key", fake.delete_key)
    return fake


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path / "config"


@pytest.fixture
def settings_store(config_dir: Path) -> SettingsStore:
    return SettingsStore(config_dir)


@pytest.fixture
def settings(settings_store: SettingsStore) -> Settings:
    return settings_store.load()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def _dialog(qtbot, settings, settings_store, session_keys=None, first_run=False) -> SettingsDialog:
    dialog = SettingsDialog(
        settings, settings_store, {} if session_keys is None else session_keys, None, first_run
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _config_text(config_dir: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in config_dir.rglob("*.json"))


def test_first_run_welcomes_and_puts_the_cursor_in_the_key_field(
    qtbot, keyring, settings, settings_store
) -> None:
    dialog = _dialog(qtbot, settings, settings_store, first_run=True)
    assert dialog.welcome_label.isVisible()
    assert "Paste your ai-nebula API key" in dialog.welcome_label.text()
    qtbot.waitUntil(dialog.editor.key_edit.hasFocus)
    assert dialog.editor.url_edit.text() == DEFAULT_BASE_URL
    assert dialog.editor.key_edit.echoMode().name == "Password"


def test_saving_stores_the_key_in_the_keyring_and_never_in_the_file(
    qtbot, keyring, settings, settings_store, config_dir
) -> None:
    dialog = _dialog(qtbot, settings, settings_store, first_run=True)
    qtbot.keyClicks(dialog.editor.key_edit, KEY)
    dialog.editor.model_combo.setEditText("gpt-4o-mini")
    with qtbot.waitSignal(dialog.settings_changed), qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(
            dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
        )
    assert keyring.keys == {settings.default_profile_id: KEY}
    assert KEY not in _config_text(config_dir)
    reloaded = SettingsStore(config_dir).load()
    assert reloaded.profile(reloaded.default_profile_id).default_model == "gpt-4o-mini"


def test_without_a_keyring_the_key_can_be_kept_for_this_session(
    qtbot, keyring, settings, settings_store, config_dir
) -> None:
    keyring.unavailable = True
    session: dict[str, str] = {}
    dialog = _dialog(qtbot, settings, settings_store, session, first_run=True)
    qtbot.keyClicks(dialog.editor.key_edit, KEY)
    dialog.save()
    qtbot.waitUntil(dialog.session_button.isVisible)
    message = dialog.save_error.text()
    assert NO_KEYRING_MESSAGE in message  # what is wrong and what to install
    assert "install" in message.lower()
    assert dialog.isVisible()  # nothing lost: the user decides
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.session_button, Qt.MouseButton.LeftButton)
    assert session == {settings.default_profile_id: KEY}
    assert KEY not in _config_text(config_dir)


def test_keyring_problem_is_explained_next_to_the_key_field(
    qtbot, keyring, settings, settings_store
) -> None:
    keyring.unavailable = True
    dialog = _dialog(qtbot, settings, settings_store)
    qtbot.waitUntil(lambda: NO_KEYRING_MESSAGE in dialog.editor.key_note.text())
    assert dialog.editor.key_note.isVisible()
    # All of the advice is readable: the note is as tall as its wrapped text, not squeezed.
    note = dialog.editor.key_note
    qtbot.waitUntil(lambda: note.height() >= note.heightForWidth(note.width()))


def test_stored_key_shows_as_a_placeholder_not_as_text(
    qtbot, keyring, settings, settings_store
) -> None:
    keyring.keys[settings.default_profile_id] = KEY
    dialog = _dialog(qtbot, settings, settings_store)
    qtbot.waitUntil(
        lambda: dialog.editor.key_edit.placeholderText() == profile_editor.STORED_PLACEHOLDER
    )
    assert dialog.editor.key_edit.text() == ""


def test_session_key_shows_as_kept_for_this_session(
    qtbot, keyring, settings, settings_store
) -> None:
    session = {settings.default_profile_id: KEY}
    dialog = _dialog(qtbot, settings, settings_store, session)
    assert dialog.editor.key_edit.placeholderText() == profile_editor.SESSION_PLACEHOLDER


def test_show_toggle_reveals_the_typed_key(qtbot, keyring, settings, settings_store) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    qtbot.mouseClick(dialog.editor.show_key_button, Qt.MouseButton.LeftButton)
    assert dialog.editor.key_edit.echoMode().name == "Normal"
    qtbot.mouseClick(dialog.editor.show_key_button, Qt.MouseButton.LeftButton)
    assert dialog.editor.key_edit.echoMode().name == "Password"


def test_test_connection_reports_the_number_of_models(
    qtbot, keyring, settings, settings_store, server
) -> None:
    server.queue(
        Reply.json(200, {"object": "list", "data": [{"id": "gpt-4o"}, {"id": "claude-3"}]}),
        path="/v1/models",
    )
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.editor.url_edit.setText(server.base_url)
    qtbot.keyClicks(dialog.editor.key_edit, KEY)
    with qtbot.waitSignal(dialog.editor.tester.succeeded):
        qtbot.mouseClick(dialog.editor.test_button, Qt.MouseButton.LeftButton)
    assert dialog.editor.test_result.text() == "Connected — 2 models"
    assert server.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    models = [
        dialog.editor.model_combo.itemText(i) for i in range(dialog.editor.model_combo.count())
    ]
    assert sorted(models) == ["claude-3", "gpt-4o"]


def test_test_connection_shows_the_auth_error_text_on_401(
    qtbot, keyring, settings, settings_store, server
) -> None:
    server.queue(
        Reply.json(401, {"error": {"message": "Invalid token", "type": "new_api_error"}}),
        path="/v1/models",
    )
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.editor.url_edit.setText(server.base_url)
    qtbot.keyClicks(dialog.editor.key_edit, "sk-wrong-key-0000")
    with qtbot.waitSignal(dialog.editor.tester.failed):
        qtbot.mouseClick(dialog.editor.test_button, Qt.MouseButton.LeftButton)
    assert dialog.editor.test_button.isEnabled()
    assert dialog.editor.test_result.text() == "Error: Invalid or unauthorized API key"


def test_test_connection_uses_the_stored_key(
    qtbot, keyring, settings, settings_store, server
) -> None:
    keyring.keys[settings.default_profile_id] = KEY
    server.queue(Reply.json(200, {"data": [{"id": "m"}]}), path="/v1/models")
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.editor.url_edit.setText(server.base_url)
    with qtbot.waitSignal(dialog.editor.tester.succeeded):
        dialog.editor.test_connection()
    assert "Connected" in dialog.editor.test_result.text()
    assert server.requests[0].headers["Authorization"] == f"Bearer {KEY}"


def test_unreachable_server_says_cannot_connect(qtbot, keyring, settings, settings_store) -> None:
    with LoopbackServer() as srv:
        dead_url = srv.base_url  # the port is free again once it stops
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.editor.url_edit.setText(dead_url)
    dialog.editor.needs_key_check.setChecked(False)
    with qtbot.waitSignal(dialog.editor.tester.failed):
        dialog.editor.test_connection()
    assert dialog.editor.test_button.isEnabled()
    assert dialog.editor.test_result.text().startswith("Error: Cannot connect to API server")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://api.example.com/v1", "clear text"),
        ("https://llm.ai-nebula.com", "/v1"),
        ("https://llm.ai-nebula.com/v1/chat/completions", "without /chat/completions"),
        ("ftp://llm.ai-nebula.com/v1", "must start with https://"),
    ],
)
def test_base_url_warnings_appear_inline(
    qtbot, keyring, settings, settings_store, url, expected
) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.editor.url_edit.setText(url)
    assert dialog.editor.url_warning.isVisible()
    assert expected in dialog.editor.url_warning.text()


def test_local_http_and_https_urls_raise_no_warning(
    qtbot, keyring, settings, settings_store
) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    for url in ("http://127.0.0.1:8080/v1", "http://localhost:11434/v1", DEFAULT_BASE_URL):
        dialog.editor.url_edit.setText(url)
        assert not dialog.editor.url_warning.isVisible(), url


def test_invalid_url_blocks_saving(qtbot, keyring, settings, settings_store, config_dir) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.editor.url_edit.setText("llm.ai-nebula.com/v1")
    with qtbot.assertNotEmitted(dialog.settings_changed):
        dialog.save()
    assert dialog.isVisible()
    assert "https://" in dialog.save_error.text()


def test_add_duplicate_and_remove_profiles_but_never_the_last(
    qtbot, keyring, settings, settings_store, config_dir
) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    assert not dialog.remove_button.isEnabled()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    dialog.editor.name_edit.setText("Local llama")
    dialog.editor.url_edit.setText("http://localhost:8080/v1")
    dialog.editor.needs_key_check.setChecked(False)
    headers = "X-Team: research\nX-Trace: on"
    dialog.editor.headers_edit.setPlainText(headers)
    qtbot.mouseClick(dialog.duplicate_button, Qt.MouseButton.LeftButton)
    assert dialog.profile_list.count() == 3
    assert dialog.remove_button.isEnabled()
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)  # the copy
    assert dialog.profile_list.count() == 2
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    reloaded = SettingsStore(config_dir).load()
    names = [p.name for p in reloaded.profiles]
    assert names == ["ai-nebula", "Local llama"]
    local = reloaded.profiles[1]
    assert local.base_url == "http://localhost:8080/v1"
    assert local.needs_key is False
    assert local.extra_headers == {"X-Team": "research", "X-Trace": "on"}
    for _ in range(3):
        dialog.remove_profile()
    assert dialog.profile_list.count() == 1  # the last profile stays


def test_bad_header_line_is_explained_and_blocks_saving(
    qtbot, keyring, settings, settings_store
) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.editor.headers_edit.setPlainText("X-Good: yes\nnot a header")
    assert "line 2" in dialog.editor.headers_note.text()
    with qtbot.assertNotEmitted(dialog.settings_changed):
        dialog.save()


def test_general_preferences_are_saved(
    qtbot, keyring, settings, settings_store, config_dir
) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    dialog.font_spin.setValue(13)
    dialog.auto_title_check.setChecked(False)
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    assert (settings.theme, settings.font_size, settings.auto_title) == ("dark", 13, False)
    data = json.loads(_config_text(config_dir))
    assert data["theme"] == "dark"


def test_cancel_changes_nothing(qtbot, keyring, settings, settings_store, config_dir) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.editor.name_edit.setText("Renamed")
    qtbot.keyClicks(dialog.editor.key_edit, KEY)
    with qtbot.assertNotEmitted(dialog.settings_changed):
        dialog.reject()
    assert settings.profiles[0].name == "ai-nebula"
    assert keyring.keys == {}


def test_closing_the_dialog_during_a_slow_keyring_lookup_is_harmless(
    qtbot, monkeypatch, settings, settings_store
) -> None:
    import threading

    from nebula_desktop.ui.common import background

    release = threading.Event()
    started = threading.Event()

    def slow_get_key(profile_id: str) -> str | None:
        started.set()
        release.wait(10)
        return KEY

    monkeypatch.setattr(secrets, "get_key", slow_get_key)
    dialog = SettingsDialog(settings, settings_store, {})
    assert dialog.editor.key_edit.placeholderText() == profile_editor.CHECKING_PLACEHOLDER
    assert started.wait(5)
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release.set()
    qtbot.waitUntil(lambda: background.default_runner().pending() == 0)  # callbacks skipped


def test_forget_removes_the_saved_key_on_save(qtbot, keyring, settings, settings_store) -> None:
    pid = settings.default_profile_id
    keyring.keys[pid] = KEY
    session = {pid: "sk-session-only-123456"}
    dialog = _dialog(qtbot, settings, settings_store, session)
    assert dialog.editor.forget_key_button.isVisible()
    qtbot.mouseClick(dialog.editor.forget_key_button, Qt.MouseButton.LeftButton)
    assert dialog.editor.key_edit.placeholderText() == profile_editor.FORGET_PLACEHOLDER
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    qtbot.waitUntil(lambda: pid not in keyring.keys)
    assert session == {}


def test_removing_a_profile_removes_its_key(qtbot, keyring, settings, settings_store) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.add_profile()
    new_id = dialog.editor.current_profile().id
    keyring.keys[new_id] = KEY
    dialog.remove_profile()
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    qtbot.waitUntil(lambda: new_id not in keyring.keys)


def test_a_bad_url_in_another_profile_still_blocks_saving(
    qtbot, keyring, settings, settings_store
) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.add_profile()
    dialog.editor.url_edit.setText("not a url")
    dialog.profile_list.setCurrentRow(0)  # walk away from the broken profile
    with qtbot.assertNotEmitted(dialog.settings_changed):
        dialog.save()
    assert dialog.profile_list.currentRow() == 1  # shown where the problem is
    assert "New profile" in dialog.save_error.text()


def test_missing_ca_bundle_file_blocks_saving(
    qtbot, keyring, settings, settings_store, tmp_path
) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.editor.ca_edit.setText(str(tmp_path / "nope.pem"))
    with qtbot.assertNotEmitted(dialog.settings_changed):
        dialog.save()
    assert "does not exist" in dialog.save_error.text()
    bundle = tmp_path / "corp.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    dialog.editor.ca_edit.setText(str(bundle))
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    assert settings.profiles[0].ca_bundle == str(bundle)


def test_credential_headers_are_refused_with_a_pointer_to_the_key_field(
    qtbot, keyring, settings, settings_store, config_dir
) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.editor.headers_edit.setPlainText(f"X-Team: a\nAuthorization: Bearer {KEY}")
    assert "API key field" in dialog.editor.headers_note.text()
    with qtbot.assertNotEmitted(dialog.settings_changed):
        dialog.save()
    assert KEY not in _config_text(config_dir)
