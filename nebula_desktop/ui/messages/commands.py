"""What the message view does when the user picks a message action: copying, opening links,
flipping versions, the context menu, and the requests the view passes on by signal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from nebula_desktop.render.markdown import MAX_MARKDOWN_CHARS, is_plain_html
from nebula_desktop.ui.messages.actions import (
    TEXT_SPOTS,
    action_named,
    build_menu,
    message_actions,
    rendered_mime,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from nebula_desktop.store import Message


def cursor_shape(action: str) -> Qt.CursorShape:
    """The mouse cursor over a spot whose hit-test answered ``action``."""
    found = action_named(action)
    if found is not None:
        return found.cursor
    if action in TEXT_SPOTS:
        return Qt.CursorShape.IBeamCursor
    return Qt.CursorShape.ArrowCursor


class CommandsView(Protocol):
    """What :class:`MessageCommands` uses of the ``MessageView`` that owns it (described here,
    so this module does not import the view that imports it). Signals are ``Any``: Qt's
    ``SignalInstance`` objects, emitted with plain data."""

    @property
    def message_delegate(self) -> Any: ...  # the MessageDelegate: hit-tests, documents, code
    @property
    def message_model(self) -> Any: ...  # the MessageModel: the Message of a row

    status_message: Any
    link_activated: Any
    load_image_requested: Any
    retry_requested: Any
    continue_requested: Any
    regenerate_requested: Any
    edit_requested: Any

    def indexAt(self, pos: QPoint) -> QModelIndex: ...
    def visualRect(self, index: QModelIndex) -> QRect: ...
    def flip_version(self, message_id: str, step: int) -> None: ...


class MessageCommands:
    """Carries out message actions for a ``MessageView`` (through its public API only).

    Its texts keep the "MessageView" translation context they had as ``MessageView.tr()``.

    ``trigger(action, message_id, arg)`` is how a context-menu choice comes back to the view,
    the same path a click on a painted button takes.
    """

    def __init__(self, view: CommandsView, trigger: Callable[[str, str, str], None]) -> None:
        self._view = view
        self._trigger = trigger
        self._context_menu: QMenu | None = None
        self.image_viewer: QWidget | None = None  # the image opened last (full size)
        # The table rows without a ``request`` signal, by name.
        self._handlers: dict[str, Callable[[Message, str], None]] = {
            "copy": lambda msg, arg: self.copy_message(msg),
            "copy_markdown": self._copy_markdown,
            "copy_code": self._copy_code,
            "link": self._open_link,
            "open_document": self._open_document,
            "open_image": self._open_image,
            "save_image": self._save_image,
            "copy_image": self._copy_image,
            "load_image": self._load_image,
            "branch_prev": lambda msg, arg: view.flip_version(msg.id, -1),
            "branch_next": lambda msg, arg: view.flip_version(msg.id, 1),
        }

    def copy_message(self, msg: Message) -> None:
        """Put the rendered message on the clipboard (rich text with a Markdown fallback)."""
        view = self._view
        entry = (
            None
            if len(msg.content) > MAX_MARKDOWN_CHARS
            else view.message_delegate.body_document(msg)
        )
        if entry is None or is_plain_html(entry.html):
            # Shown as plain text (under a note, which is not part of it): the text itself.
            QGuiApplication.clipboard().setText(msg.content)
        else:
            QGuiApplication.clipboard().setMimeData(rendered_mime(entry))
        view.status_message.emit(QCoreApplication.translate("MessageView", "Copied"))

    def menu_at(self, pos: QPoint) -> QMenu | None:
        """The context menu for the message at viewport position ``pos`` (None: no message)."""
        view = self._view
        delegate = view.message_delegate
        index = view.indexAt(pos)
        msg = view.message_model.message_at(index.row()) if index.isValid() else None
        if msg is None:
            return None
        action, arg = delegate.hit(index, view.visualRect(index), pos)
        menu = build_menu(
            view if isinstance(view, QWidget) else None,
            message_actions(
                msg,
                index.row() == delegate.last_assistant_row,
                msg.id == delegate.streaming_id,
            ),
            arg if action == "link" else None,
            # Save/Copy image from over a thumbnail: that image (else the first one).
            lambda name, url: self._trigger(
                name, msg.id, url or (arg if action == "open_image" else "")
            ),
        )
        if self._context_menu is not None:
            self._context_menu.deleteLater()
        self._context_menu = menu  # one at a time: the previous one is released
        return menu

    def run(self, action: str, msg: Message, arg: str) -> None:
        """Carry out ``action`` on ``msg`` (``arg``: a link's URL or a code block's key).

        A table row with a ``request`` is passed on by that view signal; the others are done
        here (all but "thinking", which the view toggles itself).
        """
        found = action_named(action)
        if found is None:
            return
        if found.request:
            getattr(self._view, found.request).emit(msg.id)
            return
        handler = self._handlers.get(action)
        if handler is not None:
            handler(msg, arg)

    def _copy_markdown(self, msg: Message, arg: str) -> None:
        QGuiApplication.clipboard().setText(msg.content)
        self._view.status_message.emit(
            QCoreApplication.translate("MessageView", "Copied as Markdown")
        )

    def _copy_code(self, msg: Message, arg: str) -> None:
        code = self._view.message_delegate.code_block(msg, arg)
        if code is not None:
            QGuiApplication.clipboard().setText(code)
            self._view.status_message.emit(QCoreApplication.translate("MessageView", "Code copied"))

    def _open_document(self, msg: Message, arg: str) -> None:
        """Show the text a document attachment sent (read-only, with Copy)."""
        from nebula_desktop.ui.messages.attachment_viewer import AttachmentViewer

        index = int(arg) if arg.isdigit() else -1
        if not 0 <= index < len(msg.attachments):
            return
        viewer = AttachmentViewer(
            msg.attachments[index], self._view if isinstance(self._view, QWidget) else None
        )
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()

    def _image_at(self, msg: Message, arg: str) -> int | None:
        """The index in ``msg.attachments`` of the image ``arg`` names ("": the first)."""
        images = [
            i for i, a in enumerate(msg.attachments) if str(a.get("mime", "")).startswith("image/")
        ]
        if not arg:
            return images[0] if images else None
        return int(arg) if arg.isdigit() and int(arg) in images else None

    def _open_image(self, msg: Message, arg: str) -> None:
        """Show an image attachment at full size (with Save image… and Copy image)."""
        from nebula_desktop.ui.messages.image_viewer import ImageViewer

        index = self._image_at(msg, arg)
        if index is None:
            return
        parent = self._view if isinstance(self._view, QWidget) else None
        viewer = ImageViewer(msg.attachments[index], parent)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()
        self.image_viewer = viewer  # the latest, for tests and the screenshot tool

    def _save_image(self, msg: Message, arg: str) -> None:
        from nebula_desktop.ui.messages.image_viewer import save_image

        index = self._image_at(msg, arg)
        if index is not None:
            parent = self._view if isinstance(self._view, QWidget) else None
            said = save_image(parent, msg.attachments[index])
            if said:
                self._view.status_message.emit(said)

    def _copy_image(self, msg: Message, arg: str) -> None:
        from nebula_desktop.ui.messages.image_viewer import copy_image

        index = self._image_at(msg, arg)
        if index is not None:
            self._view.status_message.emit(copy_image(msg.attachments[index]))

    def _load_image(self, msg: Message, arg: str) -> None:
        """A remote image's "Load image": shown at once if already loaded, else asked for (an
        answer's only: in the user's own message it is a link to open, as it was written)."""
        loaded = [i for i, a in enumerate(msg.attachments) if a.get("source_url") == arg]
        if loaded:
            self._open_image(msg, str(loaded[0]))
        elif msg.role == "assistant":
            self._view.load_image_requested.emit(msg.id, arg)
        else:
            self._open_link(msg, arg)

    def _open_link(self, msg: Message, arg: str) -> None:
        scheme = arg.split(":", 1)[0].lower()
        if scheme in ("http", "https"):
            self._view.link_activated.emit(arg)
        else:
            refused = QCoreApplication.translate(
                "MessageView", "Not opened (only web links open): {url}"
            )
            self._view.status_message.emit(refused.format(url=arg))
