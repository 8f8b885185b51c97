"""The profile editor refuses credentials where settings would keep them: in the base URL, the
proxy address or a header value (issue 11, item 12). Loading already drops them; saying so while
the user types means a proxy password does not work this session and silently vanish at restart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nebula_desktop import secrets
from nebula_desktop.settings import Settings, SettingsStore
from tests.gui.test_settings_dialog import KEY, FakeKeyring, _config_text, _dialog
from tests.servers import LoopbackServer


@pytest.fixture(autouse=True)
def fake_keyring(monkeypatch: pytest.MonkeyPatch) -> FakeKeyring:
    fake = FakeKeyring()
    for name in ("get_key", "set_key", "delete_key"):
        monkeypatch.setattr(secrets, name, getattr(fake, name))
    return fake


@pytest.fixture
def settings_store(config_dir: Path) -> SettingsStore:
    return SettingsStore(config_dir)


@pytest.fixture
def settings(settings_store: SettingsStore) -> Settings:
    return settings_store.load()


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("proxy_edit", f"http://alice:{KEY}@127.0.0.1:3128", "HTTPS_PROXY"),
        ("url_edit", f"https://llm.example.com/v1?key={KEY}", "API key field"),
        ("url_edit", f"https://user:{KEY}@llm.example.com/v1", "API key field"),
        ("headers_edit", f"X-Custom: Bearer {KEY}", "API key field"),
    ],
)
def test_a_credential_typed_into_a_profile_is_refused_with_a_reason(
    qtbot: Any,
    settings: Settings,
    settings_store: SettingsStore,
    config_dir: Path,
    field: str,
    typed: str,
    said: str,
) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    widget = getattr(dialog.editor, field)
    if field == "headers_edit":
        widget.setPlainText(typed)
    else:
        widget.setText(typed)
    with qtbot.assertNotEmitted(dialog.settings_changed):
        dialog.save()
    assert said in dialog.save_error.text()
    assert dialog.isVisible()  # still open: nothing the user typed is lost
    assert KEY not in _config_text(config_dir)


def test_a_proxy_without_a_password_is_saved(
    qtbot: Any,
    settings: Settings,
    settings_store: SettingsStore,
    config_dir: Path,
) -> None:
    dialog = _dialog(qtbot, settings, settings_store)
    dialog.editor.proxy_edit.setText("http://127.0.0.1:3128")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    assert SettingsStore(config_dir).load().profiles[0].proxy == "http://127.0.0.1:3128"


# Nothing listens there: the window's model list fails at once, on this machine.
PROXY = "http://127.0.0.1:9"


def test_credentials_dropped_at_start_up_are_named_in_the_windows_notice(
    qtbot: Any, data_dir: Path, config_dir: Path, server: LoopbackServer
) -> None:
    from tests.gui.test_problems_notice import notice, open_window
    from tests.hardening.leaks import find_in_files, find_in_text

    store = SettingsStore(config_dir)
    saved = store.load()
    saved.profiles[0].proxy = PROXY
    store.save(saved)
    data = json.loads(store.path.read_text(encoding="utf-8"))
    data["profiles"][0]["extra_headers"] = {"X-Auth": f"Bearer {KEY}"}
    data["profiles"][0]["proxy"] = PROXY.replace("//", f"//alice:{KEY}@")
    store.path.write_text(json.dumps(data), encoding="utf-8")
    window, conversations = open_window(qtbot, data_dir, config_dir, server)
    try:
        text = notice(window).text()
        assert "extra_headers.X-Auth" in text and "HTTPS_PROXY" in text
        assert find_in_text(text, KEY) == []
        assert find_in_files([config_dir], KEY) == []
        assert window.ctx.settings.profiles[0].proxy == PROXY  # still used, without the password
    finally:
        window.close()
        conversations.close()
