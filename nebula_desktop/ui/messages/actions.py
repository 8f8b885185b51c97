"""What a user can do with one message: the action list (hover buttons and context menu) and
the clipboard payloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QMimeData
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

if TYPE_CHECKING:
    from nebula_desktop.store import Message
    from nebula_desktop.ui.messages.documents import RenderedDoc


def _tr(text: str) -> str:
    # Labels are the "MessageRow" texts listed in message_layout.MESSAGE_TEXTS.
    return QCoreApplication.translate("MessageRow", text)


def message_actions(
    msg: Message, is_last_assistant: bool, streaming: bool
) -> list[tuple[str, str]]:
    """Actions offered for ``msg`` (in menu order)."""
    # (action, label) pairs; the action names are the ones MessageDelegate.action_triggered emits.
    actions = [("copy", _tr("Copy")), ("copy_markdown", _tr("Copy as Markdown"))]
    if msg.role == "user":
        actions.append(("edit", _tr("Edit")))
    elif msg.role == "assistant" and not streaming:
        if is_last_assistant:
            actions.append(("regenerate", _tr("Regenerate")))
        if msg.error or not msg.complete:
            actions.append(("retry", _tr("Retry")))
            if msg.content:
                actions.append(("continue", _tr("Continue")))
    if msg.reasoning and msg.role != "user":
        actions.append(("thinking", _tr("Show/Hide Thinking")))
    # Versions kept by Regenerate / Edit & resend (the painted "‹ 2/3 ›" does the same).
    if msg.alternatives and msg.branch_index > 0:
        label = QCoreApplication.translate("MessageRow", "Previous version (Alt+Left)")
        actions.append(("branch_prev", label))
    if msg.alternatives and msg.branch_index < msg.branch_count - 1:
        label = QCoreApplication.translate("MessageRow", "Next version (Alt+Right)")
        actions.append(("branch_next", label))
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
    parent: QWidget | None,
    actions: list[tuple[str, str]],
    link: str | None,
    trigger: Callable[[str, str], None],
) -> QMenu:
    """A context menu: link entries (when over a link), then ``actions``.

    ``trigger(action, argument)`` runs the chosen entry (argument: the URL for "link").
    """
    menu = QMenu(parent)
    if link is not None:
        open_text = QCoreApplication.translate("MessageMenu", "Open Link…")
        copy_text = QCoreApplication.translate("MessageMenu", "Copy Link Address")
        menu.addAction(open_text, lambda: trigger("link", link))
        menu.addAction(copy_text, lambda: QGuiApplication.clipboard().setText(link))
        menu.addSeparator()
    for name, label in actions:
        menu.addAction(label, _bound(trigger, name))
    return menu


def _bound(trigger: Callable[[str, str], None], name: str) -> Callable[[], None]:
    return lambda: trigger(name, "")
