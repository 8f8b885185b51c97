"""Conversation titles: an immediate one from the first message, then a better one from the model.

The model's title comes from one short non-streamed request on the background worker thread;
any failure keeps the first title, and a title the user typed meanwhile always wins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from nebula_desktop.titles import DEFAULT_TITLE, first_line, title_prompt
from nebula_desktop.ui.chat.background_worker import BackgroundWorker


def default_title() -> str:
    """The title of a chat nobody has named yet, in the interface language.

    Chats made in another language keep theirs ("New chat"); both count as untitled.
    """
    return QCoreApplication.translate("ChatController", "New chat")


def is_default_title(title: str) -> bool:
    """True for a chat still waiting for its first title."""
    return title in ("", DEFAULT_TITLE, default_title())


def first_line_title(text: str) -> str:
    """The immediate title: the first non-empty line of the first message, at most 60 chars."""
    return first_line(text) or default_title()


class Titler(QObject):
    """Names conversations; ``save(conv)`` stores a new title, ``params`` builds a request."""

    _title_request = Signal(str, dict)

    def __init__(
        self,
        store: Any,
        background: BackgroundWorker,
        save: Callable[[Any], None],
        params: Callable[[Any, list[dict[str, str]]], dict[str, Any]],
        enabled: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._save = save
        self._params = params
        self._enabled = enabled
        self._expected: dict[str, str] = {}  # conv id -> the immediate title a better one replaces
        self._title_request.connect(background.make_title)
        background.title_ready.connect(self._on_background_title_ready)

    def first_message(self, conv: Any, text: str) -> None:
        """Before the first user message is added: give an untitled chat its immediate title."""
        if any(m.role == "user" for m in conv.messages) or not is_default_title(conv.title):
            return
        conv.title = first_line_title(text)
        self._expected[conv.id] = conv.title

    def answer_finished(self, conv: Any, answer: Any) -> None:
        """After the first answer: ask the model for a better title (if enabled)."""
        expected = self._expected.get(conv.id)
        if expected is None or conv.title != expected or not answer.content.strip():
            return
        if not self._enabled():
            self._expected.pop(conv.id, None)
            return
        question = next((m.content for m in conv.messages if m.role == "user"), "")
        prompt = title_prompt(question, answer.content)
        self._title_request.emit(conv.id, self._params(conv, [{"role": "user", "content": prompt}]))

    def _on_background_title_ready(self, conv_id: str, title: str) -> None:
        expected = self._expected.pop(conv_id, None)
        if expected is None:
            return
        try:
            conv = self._store.load(conv_id)
        except Exception:  # deleted meanwhile: nothing to name
            return
        if conv.title != expected or conv.read_only:
            return  # the user renamed it meanwhile: their title wins
        conv.title = title
        self._save(conv)
