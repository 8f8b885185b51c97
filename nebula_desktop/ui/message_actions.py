"""What a user can do with one message: the action list (hover buttons and context menu) and
the clipboard payloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

if TYPE_CHECKING:
    from nebula_desktop.store import Message
    from nebula_desktop.ui.message_documents import RenderedDoc

# (action, label) pairs; the action names are the ones MessageDelegate.action_triggered emits.
COPY = ("copy", "Copy")
COPY_MARKDOWN = ("copy_markdown", "Copy as Markdown")


def message_actions(
    msg: Message, is_last_assistant: bool, streaming: bool
) -> list[tuple[str, str]]:
    """Actions offered for ``msg`` (in menu order)."""
    actions = [COPY, COPY_MARKDOWN]
    if msg.role == "user":
        actions.append(("edit", "Edit"))
    elif msg.role == "assistant" and not streaming:
        if is_last_assistant:
            actions.append(("regenerate", "Regenerate"))
        if msg.error or not msg.complete:
            actions.append(("retry", "Retry"))
            if msg.content:
                actions.append(("continue", "Continue"))
    if msg.reasoning and msg.role != "user":
        actions.append(("thinking", "Show/Hide Thinking"))
    return actions


def rendered_mime(entry: RenderedDoc) -> QMimeData:
    """Clipboard data for "Copy": the text as shown, plus its HTML for rich-text targets."""
    mime = QMimeData()
    # U+200B are break hints render/ added to absurdly long runs; not part of the text.
    mime.setText(entry.doc.toPlainText().replace("\u200b", ""))
    if entry.html:
        mime.setHtml(entry.html)
    return mime


def build_menu(
    parent: QWidget,
    actions: list[tuple[str, str]],
    link: str | None,
    trigger: Callable[[str, str], None],
) -> QMenu:
    """A context menu: link entries (when over a link), then ``actions``.

    ``trigger(action, argument)`` runs the chosen entry (argument: the URL for "link").
    """
    menu = QMenu(parent)
    if link is not None:
        menu.addAction("Open Link…", lambda: trigger("link", link))
        menu.addAction("Copy Link Address", lambda: QGuiApplication.clipboard().setText(link))
        menu.addSeparator()
    for name, label in actions:
        menu.addAction(label, _bound(trigger, name))
    return menu


def _bound(trigger: Callable[[str, str], None], name: str) -> Callable[[], None]:
    return lambda: trigger(name, "")
