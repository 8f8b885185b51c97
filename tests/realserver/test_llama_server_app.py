"""The real app, driven like a user, against a real third-party server (llama.cpp).

This server ignores `stream_options.include_usage` and answers a wrong key with a FastAPI body
(`{"detail": …}`): the window must still stream, stop, list models and say the product's texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.gui.conftest import OFFSCREEN_SIZE_HINTS, write_settings

from .conftest import RealServer

pytestmark = [pytest.mark.realserver, pytest.mark.qt_log_ignore(OFFSCREEN_SIZE_HINTS)]


@pytest.fixture
def open_window(
    qtbot: Any, tmp_path: Path, real_server: RealServer
) -> Iterator[Callable[..., Any]]:
    from nebula_desktop.settings import SettingsStore
    from nebula_desktop.store import ConversationStore
    from nebula_desktop.ui.common.app_context import AppContext
    from nebula_desktop.ui.window.main_window import MainWindow

    opened: list[tuple[Any, Any]] = []

    def make(key: str = real_server.api_key) -> Any:
        config = tmp_path / "config"
        write_settings(config, real_server.base_url, real_server.model)
        settings_store = SettingsStore(config)
        settings = settings_store.load()
        store = ConversationStore(tmp_path / "data")
        keys = {settings.default_profile_id: key}
        window = MainWindow(AppContext(settings_store, store, settings, keys))
        qtbot.addWidget(window)
        opened.append((window, store))
        window.show()
        qtbot.waitExposed(window)
        with qtbot.waitSignal(window.loaded, timeout=10000):
            window.load()
        return window

    yield make
    for window, store in opened:
        window.close()
        store.close()


def _send(qtbot: Any, window: Any, text: str) -> None:
    window.composer.set_text(text)
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)


def _wait_idle(qtbot: Any, window: Any, timeout: int = 120_000) -> None:
    qtbot.waitUntil(lambda: not window.controller.is_busy(), timeout=timeout)


def test_streamed_multi_turn_chat_in_the_window(
    qtbot: Any, open_window: Callable[..., Any], real_server: RealServer
) -> None:
    window = open_window()
    window.header.max_tokens.setValue(32)  # short answers keep the test quick
    _send(qtbot, window, "Name one colour.")
    _wait_idle(qtbot, window)
    _send(qtbot, window, "Name another one.")
    _wait_idle(qtbot, window)
    msgs = window.controller.conv.messages
    assert [m.role for m in msgs] == ["user", "assistant", "user", "assistant"]
    for answer in (msgs[1], msgs[3]):
        assert answer.content.strip(), "the real server's answer was not shown"
        assert answer.complete and answer.error is None
        assert answer.model == real_server.model


def test_stop_mid_answer_keeps_what_arrived(qtbot: Any, open_window: Callable[..., Any]) -> None:
    window = open_window()
    _send(qtbot, window, "Write a very long story about a lighthouse keeper and the sea.")
    qtbot.waitUntil(
        lambda: (
            len(window.controller.conv.messages) == 2
            and len(window.controller.conv.messages[1].content) > 20
        ),
        timeout=120_000,
    )
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Escape)
    _wait_idle(qtbot, window, timeout=5000)
    answer = window.controller.conv.messages[1]
    assert len(answer.content) > 20
    assert not answer.complete
    assert answer.error is None  # stopped by the user is not an error
    assert window.composer.button.text() == "Send"


def test_wrong_key_shows_the_product_auth_message(
    qtbot: Any, open_window: Callable[..., Any]
) -> None:
    window = open_window(key="sk-not-the-right-key")
    _send(qtbot, window, "hello")
    _wait_idle(qtbot, window)
    answer = window.controller.conv.messages[-1]
    assert answer.error == "Error: Invalid or unauthorized API key"


def test_model_list_comes_from_the_real_server(
    qtbot: Any, open_window: Callable[..., Any], real_server: RealServer
) -> None:
    window = open_window()
    qtbot.mouseClick(window.header.refresh, Qt.MouseButton.LeftButton)  # "Reload model list"
    combo = window.header.model
    qtbot.waitUntil(
        lambda: real_server.model in [combo.itemText(i) for i in range(combo.count())],
        timeout=30_000,
    )
