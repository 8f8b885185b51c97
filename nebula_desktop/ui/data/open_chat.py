"""``OpenChat``: what the data actions need of the chat on screen and of the conversation list.

The window fills it in with narrow callbacks, so nothing in data/ reaches into the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nebula_desktop.store import Conversation


@dataclass
class OpenChat:
    """Callbacks onto the chat on screen and the list's selection."""

    current: Callable[[], Conversation | None]  # the chat on screen, if any
    is_busy: Callable[[], bool]  # an answer is streaming
    store_draft: Callable[[], None]  # the composer's text into the chat (before reading it)
    close: Callable[[], None]  # show no chat (its draft saved first): it is about to be replaced
    selected_ids: Callable[[], list[str]]  # the chats selected in the list
