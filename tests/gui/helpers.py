"""What a user does in the window, and what the loopback server saw, shared by the GUI tests.

Plain functions (not fixtures) so a test reads as the steps a user takes: ``send``, wait for the
answer, look at the chat.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from nebula_desktop.settings import SettingsStore
from nebula_desktop.store import Conversation, ConversationSummary
from tests.servers import LoopbackServer

# Generous: a busy two-core box shares the CPU with other test runs; the wait ends as soon as the
# answer is in, so a large bound costs nothing when things work.
IDLE_TIMEOUT_MS = 20000


def send(qtbot: Any, window: Any, text: str) -> None:
    """Type ``text`` in the composer and press Enter, like a user."""
    window.composer.set_text(text)
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)


def wait_for(qtbot: Any, signal: Any, condition: Callable[[], bool], timeout: int = 5000) -> None:
    """Wait for emissions of ``signal`` until ``condition()`` holds (at once if it already does).

    A signal is only delivered while Qt processes events, which happens inside the wait: checking
    first and then waiting can miss nothing.
    """
    if condition():
        return
    with qtbot.waitSignal(signal, timeout=timeout, check_params_cb=lambda *_: condition()):
        pass


def wait_job(qtbot: Any, job: Any, timeout: int = 10000) -> None:
    """Wait until a background job (``Runner.run``'s Job) has delivered its outcome."""
    wait_for(qtbot, job.done, lambda: bool(job.finished), timeout)


def wait_idle(qtbot: Any, window: Any) -> None:
    """Wait until the window's chat is no longer sending or streaming."""
    controller = window.controller
    wait_for(qtbot, controller.busy_changed, lambda: not controller.is_busy(), IDLE_TIMEOUT_MS)


def wait_answer(qtbot: Any, window: Any, done: Callable[[], bool], timeout: int = 10000) -> None:
    """Wait while the streaming answer grows until ``done()`` holds."""
    wait_for(qtbot, window.controller.run.changed, done, timeout)


def send_and_wait(qtbot: Any, window: Any, text: str) -> Any:
    """Send ``text``, wait for the answer to end, and return the chat's last message."""
    send(qtbot, window, text)
    wait_idle(qtbot, window)
    return window.controller.conv.messages[-1]


def chat_requests(server: LoopbackServer) -> list[Any]:
    """The chat-completions requests the server received, in order.

    Matched by the end of the path so requests that came through a proxy (whose target is the
    whole URL) count too.
    """
    return [r for r in server.requests if r.path.endswith("/chat/completions")]


def open_chat(window: Any, conv_id: str) -> None:
    """Click a conversation in the list."""
    chats = window.conv_list
    chats.view.setCurrentIndex(chats.model.index(chats.model.row_of(conv_id), 0))
    assert window.controller.conv.id == conv_id


def messages(window: Any) -> list[tuple[str, str]]:
    """The open chat as (role, text) pairs."""
    return [(m.role, m.content) for m in window.controller.conv.messages]


def texts(window: Any) -> list[str]:
    """The text of each message of the open chat."""
    return [m.content for m in window.controller.conv.messages]


def saved_chat(window: Any, title: str, *texts: str) -> Any:
    """Save a chat of ``texts`` (user and assistant in turn) in the window's store and list it."""
    from nebula_desktop.store import Message

    # Model and profile as the window's top bar would set them, so showing it changes nothing.
    conv = window.ctx.store.create(title=title, model="test-model", profile_id="ai-nebula")
    for i, text in enumerate(texts):
        conv.messages.append(Message("user" if i % 2 == 0 else "assistant", text))
    window.ctx.store.save(conv)
    window.conv_list.reload()
    return conv


def chat_on_disk(data_dir: Path, conv_id: str) -> Conversation:
    """The chat as its file holds it now (read directly: the window keeps the folder locked)."""
    path = data_dir / "conversations" / f"{conv_id}.json"
    return Conversation.from_dict(json.loads(path.read_text("utf-8")))


def set_profile(config_dir: Path, **fields: Any) -> None:
    """Set fields of the default profile in the saved settings (before a window is made)."""
    store = SettingsStore(config_dir)
    settings = store.load()
    profile = settings.profile(settings.default_profile_id)
    for name, value in fields.items():
        setattr(profile, name, value)
    store.save(settings)


def show_widget(
    qtbot: Any, widget: Any, width: int | None = None, height: int | None = None
) -> Any:
    """Show ``widget`` (at ``width`` x ``height`` if given), wait until it is on screen, return it.

    The widget is closed with the test (``qtbot.addWidget``).
    """
    qtbot.addWidget(widget)
    if width is not None and height is not None:
        widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def open_settings_dialog(qtbot: Any, config_dir: Path) -> Any:
    """The settings dialog over the settings saved in ``config_dir``, shown, no session keys."""
    from nebula_desktop.ui.settings.dialog import SettingsDialog

    store = SettingsStore(config_dir)
    return show_widget(qtbot, SettingsDialog(store.load(), store, {}))


class UrlCatcher(QObject):
    """Stands in for the browser or file manager: gets each URL the app asks the desktop to open."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@contextmanager
def catch_urls(*schemes: str) -> Iterator[UrlCatcher]:
    """Within the block, URLs of ``schemes`` go to the returned catcher instead of the desktop."""
    catcher = UrlCatcher()
    for scheme in schemes:
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    try:
        yield catcher
    finally:
        for scheme in schemes:
            QDesktopServices.unsetUrlHandler(scheme)


def summary_row(i: int, pinned: bool = False, age: float = 0) -> ConversationSummary:
    """A list row for model tests: chat ``i``, ``age`` seconds older than the newest."""
    return ConversationSummary(
        id=f"id{i}",
        title=f"Chat {i}",
        preview="p",
        created_at=0,
        updated_at=1000.0 - age,
        pinned=pinned,
        message_count=1,
        model="m",
    )
