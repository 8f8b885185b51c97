"""Fixtures for window-level tests: temp data/config folders, a loopback server, a window factory.

Keys are session keys (kept in memory), so no test needs a keyring.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import LoopbackServer, Reply

MODELS_PATH = "/v1/models"

# The offscreen platform warns whenever a window's minimum size changes after it is shown (the
# composer grows a line): a platform limitation, not a bug in the app.
OFFSCREEN_SIZE_HINTS = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_SIZE_HINTS))


TEST_KEY = "sk-test-0123456789abcdef"


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(qapp: Any) -> Iterator[None]:
    """Cyclic garbage is collected on the GUI thread, as the app does (``GuiThreadCollector``):
    left automatic, a collection landing on a pool thread drawing formulas destroyed a Qt object
    there and crashed the test run (a segfault inside ziafont's code)."""
    import gc

    from nebula_desktop.ui.common.collector import GuiThreadCollector

    was_on = gc.isenabled()
    collector = GuiThreadCollector()
    collector.start()
    yield
    collector.stop()
    if not was_on:
        gc.disable()
    collector.collect()  # what this test left, on this thread


@pytest.fixture(autouse=True)
def _app_look_kept(qapp: Any) -> Iterator[None]:
    """Saving settings applies the theme and font to the whole application (its style sheet
    changes sizes): every test leaves the application as it found it for the tests after it."""
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QFont, QPalette

    sheet, font = qapp.styleSheet(), QFont(qapp.font())
    theme = qapp.findChild(QObject, "nebulaThemeController")
    yield
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    qapp.setPalette(QPalette())
    made = qapp.findChild(QObject, "nebulaThemeController")
    if made is not None and theme is None:  # the next test's theme starts afresh, sheet and all
        made.setParent(None)
        made.deleteLater()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A loopback OpenAI-compatible server; ``/v1/models`` always lists two models."""
    with LoopbackServer() as srv:
        srv.default[MODELS_PATH] = Reply.json(
            200, {"object": "list", "data": [{"id": "test-model"}, {"id": "other-model"}]}
        )
        yield srv


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path / "config"


def write_settings(
    config_dir: Path, base_url: str, model: str = "test-model", auto_title: bool = False
) -> None:
    """Point the default profile at ``base_url`` with ``model`` as its default model.

    Auto-titles are off unless asked for: their extra request would take replies queued for
    the chat.
    """
    from nebula_desktop.settings import SettingsStore

    settings_store = SettingsStore(config_dir)
    settings = settings_store.load()
    profile = settings.profile(settings.default_profile_id)
    profile.base_url = base_url
    profile.default_model = model
    settings.auto_title = auto_title
    settings_store.save(settings)


@pytest.fixture
def make_window(
    qtbot: Any, server: LoopbackServer, data_dir: Path, config_dir: Path
) -> Iterator[Callable[..., Any]]:
    """Build, show and load a ``MainWindow`` on the temp folders; closes them all afterwards."""
    from nebula_desktop.settings import SettingsStore
    from nebula_desktop.store import ConversationStore
    from nebula_desktop.ui.common.app_context import AppContext
    from nebula_desktop.ui.window.main_window import MainWindow

    opened: list[tuple[Any, Any]] = []
    write_settings(config_dir, server.base_url)

    def make(
        key: str | None = TEST_KEY,
        offline: bool = False,
        base_url: str | None = None,
        auto_title: bool = False,
        model: str = "test-model",
    ) -> Any:
        write_settings(config_dir, base_url or server.base_url, model, auto_title=auto_title)
        settings_store = SettingsStore(config_dir)
        settings = settings_store.load()
        keys = {settings.default_profile_id: key} if key else {}
        store = ConversationStore(data_dir)
        window = MainWindow(AppContext(settings_store, store, settings, keys, offline=offline))
        qtbot.addWidget(window)
        opened.append((window, store))
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()  # window shortcuts only fire in the active window
        qtbot.waitUntil(window.isActiveWindow)
        with qtbot.waitSignal(window.loaded, timeout=5000):
            window.load()
        return window

    def close(window: Any) -> None:
        """Close like the user does (saves state and stops threads), then free the data folder."""
        for index, (w, store) in enumerate(opened):
            if w is window:
                w.close()
                store.close()
                del opened[index]
                return

    make.close = close  # type: ignore[attr-defined]
    yield make
    for window, store in opened:
        window.close()
        store.close()
