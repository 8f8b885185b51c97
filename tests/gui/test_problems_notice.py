"""Problems found while loading (quarantined chats, a corrupt settings file) are shown to the
user after the window is up, without blocking it, with a way to open the data folder — and
nothing is lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QMessageBox, QPushButton

from nebula_desktop.settings import SettingsStore
from nebula_desktop.store import ConversationStore
from nebula_desktop.ui.common.app_context import AppContext
from nebula_desktop.ui.window.main_window import MainWindow
from tests.gui.helpers import catch_urls
from tests.servers import LoopbackServer


def notice(window: Any) -> QMessageBox:
    boxes = [b for b in window.findChildren(QMessageBox) if b.objectName() == "problemsNotice"]
    assert boxes, "no problems notice was shown"
    return boxes[0]


def open_window(
    qtbot: Any, data_dir: Path, config_dir: Path, server: LoopbackServer
) -> tuple[Any, Any]:
    settings_store = SettingsStore(config_dir)
    settings = settings_store.load()
    settings.profile().base_url = server.base_url  # the model list stays on this machine
    store = ConversationStore(data_dir)
    window = MainWindow(AppContext(settings_store, store, settings, {"ai-nebula": "k"}))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.loaded, timeout=5000):
        window.load()
    return window, store


def break_a_chat(data_dir: Path) -> tuple[str, bytes]:
    store = ConversationStore(data_dir)
    conv = store.create(title="Precious")
    store.close()
    path = data_dir / "conversations" / f"{conv.id}.json"
    broken = path.read_bytes().replace(b'"title"', b"title", 1)
    path.write_bytes(broken)
    (data_dir / "index.json").unlink(missing_ok=True)
    return conv.id, broken


def test_corrupt_chat_at_start_up_is_named_in_a_notice_and_kept_in_quarantine(
    qtbot: Any, data_dir: Path, config_dir: Path, server: LoopbackServer
) -> None:
    conv_id, broken = break_a_chat(data_dir)
    window, store = open_window(qtbot, data_dir, config_dir, server)
    try:
        box = notice(window)
        assert box.isVisible()
        assert not box.isModal()  # the window stays usable
        assert f"{conv_id}.json" in box.text()
        assert "quarantine" in box.text()
        (kept,) = (data_dir / "quarantine").iterdir()
        assert kept.read_bytes() == broken  # nothing lost, byte for byte
        with catch_urls("file") as catcher:
            (button,) = [b for b in box.findChildren(QPushButton) if b.text() == "Open data folder"]
            button.click()
            qtbot.waitUntil(lambda: catcher.urls != [])
            assert Path(QUrl(catcher.urls[0]).toLocalFile()) == data_dir
    finally:
        window.close()
        store.close()


def test_corrupt_settings_file_is_reported_and_kept_aside(
    qtbot: Any, data_dir: Path, config_dir: Path, server: LoopbackServer
) -> None:
    config_dir.mkdir(parents=True)
    (config_dir / "settings.json").write_text("{ not json", encoding="utf-8")
    window, store = open_window(qtbot, data_dir, config_dir, server)
    try:
        box = notice(window)
        assert "settings file could not be read" in box.text()
        (aside,) = config_dir.glob("settings.json.corrupt-*")
        assert aside.read_text(encoding="utf-8") == "{ not json"
        assert aside.name in box.text()
        with catch_urls("file") as catcher:
            (button,) = [
                b for b in box.findChildren(QPushButton) if b.text() == "Open settings folder"
            ]
            button.click()
            qtbot.waitUntil(lambda: catcher.urls != [])
            assert Path(QUrl(catcher.urls[0]).toLocalFile()) == config_dir
    finally:
        window.close()
        store.close()


def test_no_notice_when_everything_loaded_fine(
    qtbot: Any, data_dir: Path, config_dir: Path, server: LoopbackServer
) -> None:
    window, store = open_window(qtbot, data_dir, config_dir, server)
    try:
        assert not [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    finally:
        window.close()
        store.close()
