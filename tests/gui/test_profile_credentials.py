"""The profile editor refuses credentials where settings would keep them: in the base URL, the
proxy address or a header value (issue 11, item 12). Loading already drops them; saying so while
the user types means a proxy password does not work this session and silently vanish at restart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nebula_desktop import secrets
from nebula_desktop.settings import Settings, SettingsStore
from tests.gui.test_settings_dialog import KEY, FakeKeyring, _config_text, _dialog


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
        ("proxy_edit", f"http://alice:{KEY}@proxy.example.com:3128", "HTTPS_PROXY"),
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
    dialog.editor.proxy_edit.setText("http://proxy.example.com:3128")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    assert SettingsStore(config_dir).load().profiles[0].proxy == "http://proxy.example.com:3128"
