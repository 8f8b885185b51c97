"""What the demo scripts in tools/ share: seeding a data folder with a demo chat (the
``*_demo_data.py`` scripts that tools/make_screenshot.sh runs), and driving the real window
against scripted loopback servers for a screenshot (``compare_screenshot.py``,
``tools_screenshot.py``).

The scripts run as ``python tools/<script>.py``, so this module is imported as ``demo_common``;
it puts the repository on ``sys.path`` for ``tests.servers``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nebula_desktop.settings import Profile, Settings, SettingsStore
from nebula_desktop.store import Conversation, ConversationStore, Message
from tests.servers import LoopbackServer, Reply

# --- demo data -------------------------------------------------------------------------------


def demo_settings(
    config: Path, model: str, prices: dict[str, dict[str, float]] | None = None
) -> tuple[SettingsStore, Settings, Profile]:
    """The settings of ``config`` with the default profile on ``model`` (with ``prices``, in
    dollars per million tokens, if given), no key asked and no automatic titles; not saved."""
    settings_store = SettingsStore(config)
    settings = settings_store.load()
    profile = settings.profile(settings.default_profile_id)
    profile.default_model = model
    profile.needs_key = False  # a demo must not stop at the first-run dialog
    if prices is not None:
        profile.prices = prices
    settings.auto_title = False
    return settings_store, settings, profile


@contextmanager
def demo_chat(
    data: Path,
    config: Path,
    *,
    title: str,
    model: str,
    prices: dict[str, dict[str, float]] | None = None,
) -> Iterator[Conversation]:
    """One chat for the block to fill, on :func:`demo_settings`' profile; when the block ends
    it is saved (its times as the block set them) as the chat the app opens at start."""
    settings_store, settings, profile = demo_settings(config, model, prices)
    with ConversationStore(data) as store:
        conv = store.create(title=title, model=model, profile_id=profile.id)
        yield conv
        store.save(conv, touch=False)
        settings.last_conversation_id = conv.id
    settings_store.save(settings)


def add_turn(
    conv: Conversation,
    question: str,
    answer: str,
    *,
    at: float,
    usage: dict[str, int],
    attachments: list[dict[str, Any]] | None = None,
) -> None:
    """A question asked at ``at`` and the chat model's answer five seconds later."""
    conv.messages.append(
        Message(role="user", content=question, created_at=at, attachments=attachments or [])
    )
    conv.messages.append(
        Message(role="assistant", content=answer, model=conv.model, created_at=at + 5, usage=usage)
    )


# --- the real window -------------------------------------------------------------------------


@contextmanager
def model_server(*models: str) -> Iterator[LoopbackServer]:
    """A loopback OpenAI-compatible server that lists ``models``; the script scripts its chat
    replies (``default[CHAT_PATH]`` or ``queue``)."""
    with LoopbackServer() as server:
        server.default["/v1/models"] = Reply.json(200, {"data": [{"id": m} for m in models]})
        yield server


@contextmanager
def demo_window(
    base_url: str,
    model: str,
    configure: Callable[[Settings, Profile], None] | None = None,
) -> Iterator[Any]:
    """The real ``MainWindow`` (1180×780, shown and loaded) on a new temporary data folder, its
    default profile on ``base_url`` and ``model`` with a demo key, no automatic titles;
    ``configure`` adds to the settings before they are saved. Closed with its store when the
    block ends."""
    from PySide6.QtWidgets import QApplication

    from nebula_desktop.ui.common.app_context import AppContext
    from nebula_desktop.ui.window.main_window import MainWindow

    work = Path(tempfile.mkdtemp())
    app = QApplication.instance() or QApplication(sys.argv)
    settings_store = SettingsStore(work / "config")
    settings = settings_store.load()
    profile = settings.profile(settings.default_profile_id)
    profile.base_url, profile.default_model = base_url, model
    settings.auto_title = False
    if configure is not None:
        configure(settings, profile)
    settings_store.save(settings)
    store = ConversationStore(work / "data")
    ctx = AppContext(settings_store, store, settings_store.load(), {profile.id: "sk-demo"})
    window = MainWindow(ctx)
    window.resize(1180, 780)
    window.show()
    window.load()
    try:
        yield window
    finally:
        window.close()
        store.close()
        app.quit()


def wait_until(condition: Callable[[], object], timeout: float = 30.0) -> None:
    """Turn the event loop until ``condition()`` holds; give up after ``timeout`` seconds."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def pause(ms: int) -> None:
    """Turn the event loop for ``ms`` milliseconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def save_shot(window: Any, out: str) -> None:
    """Grab the window as it is now into ``out`` (PNG)."""
    window.grab().save(out)
    print(f"wrote {out}")
