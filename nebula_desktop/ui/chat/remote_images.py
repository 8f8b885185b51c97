"""``RemoteImages``: a remote image of an answer, loaded when the user clicks its "Load image".

Nothing in an answer is fetched by itself (the "model output is inert" guarantee): a remote
``http(s)`` image shows as a placeholder with its host and a "Load image" link. One click loads
that one image on the runner (``answer_images.fetch_image``: no key, no profile headers, no
cookies, the profile's proxy, the byte cap before decoding, the pixel check), and it becomes an
attachment of the answer, shown as a thumbnail and saved with the chat. An ``http://`` image from
another computer is loaded only after the user agrees to an unencrypted connection.

A host the user allowed (``Settings.image_hosts``, Settings → General; the host itself or any
subdomain of it) needs no click: when an answer finishes, or a chat is opened, ``auto_load``
loads the images of its "Load image" links from such hosts the same way, at most
``MAX_AUTO_IMAGES`` per answer, each tried once a session; other hosts still wait for the click.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from PySide6 import QtWidgets
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from nebula_desktop.answer_images import MAX_ANSWER_IMAGES, fetch_image
from nebula_desktop.profile import is_local_host
from nebula_desktop.render.markdown import LOAD_IMAGE_SCHEME, render_markdown
from nebula_desktop.store import Conversation, Message
from nebula_desktop.ui.common.app_context import AppContext
from nebula_desktop.ui.common.plain import plain
from nebula_desktop.ui.common.runner import Runner

MAX_AUTO_IMAGES = 8  # images of one answer loaded without a click
MAX_AUTO_ANSWERS = 20  # answers of an opened chat looked at, the last ones
_LOAD_LINK = re.compile(rf'href="{LOAD_IMAGE_SCHEME}:([^"]*)"')


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``allowed`` or a subdomain of one (``img.example.org`` for
    ``example.org``; never ``badexample.org``)."""
    host = host.lower().rstrip(".")
    return bool(host) and any(host == a or host.endswith("." + a) for a in allowed)


def load_links(text: str, math: bool) -> list[str]:
    """The URLs of the "Load image" links an answer with ``text`` shows, in order (the render
    is the view's own, from the render cache when it holds it)."""
    rendered = render_markdown(text, math=math)
    import html  # (its entity table: on use)

    return [html.unescape(m.group(1)) for m in _LOAD_LINK.finditer(rendered.html)]


class RemoteImages(QObject):
    """Loads the remote images the user asks for, one click one image, into their answers."""

    loaded = Signal(str, str)  # message id, URL: the image is now an attachment of the answer
    refused = Signal(str, str)  # message id, the sentence shown in the status bar

    def __init__(
        self,
        ctx: AppContext,
        runner: Runner,
        conversation: Callable[[], Conversation | None],
        changed: Callable[[Conversation, Message], None],
        status: Callable[[str], None],
        window: QWidget | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._conversation = conversation
        self._changed = changed
        self._status = status
        self._window = window
        self._loading: set[tuple[str, str]] = set()
        self.box: QtWidgets.QMessageBox | None = None  # the open plain-http question, if any
        self._auto_tried: set[tuple[str, str]] = set()  # never retried by itself this session

    def auto_load(self, conv: Conversation | None, messages: Iterable[Message]) -> None:
        """Load, as if clicked, the images of ``messages`` (answers of ``conv``) from hosts the
        user allowed; nothing at all when no host is allowed."""
        hosts = list(getattr(self._ctx.settings, "image_hosts", []))
        if conv is None or not hosts or conv.read_only:
            return
        math = bool(getattr(self._ctx.settings, "render_math", True))
        for msg in messages:
            if msg.role != "assistant" or "http" not in msg.content:
                continue
            # Rendered where the view renders long answers, never on the GUI thread.
            self._runner.serial("renders").run(
                load_links,
                msg.content,
                math,
                on_done=functools.partial(self._auto_links, conv, msg, hosts=hosts),
                owner=self,
            )

    def _auto_links(
        self, conv: Conversation, msg: Message, urls: list[str], *, hosts: list[str]
    ) -> None:
        if self._conversation() is not conv:
            return  # another chat is open now: this one loads when it is opened again
        have = {a.get("source_url") for a in msg.attachments}
        started = 0
        for url in urls:
            key = (msg.id, url)
            if started >= MAX_AUTO_IMAGES:
                break
            if url in have or key in self._auto_tried:
                continue
            if not host_allowed(urlsplit(url).hostname or "", hosts):
                continue
            self._auto_tried.add(key)
            started += 1
            self.load(msg.id, url)

    def load(self, message_id: str, url: str) -> None:
        """Load the image at ``url`` into the answer ``message_id`` of the open chat."""
        conv = self._conversation()
        msg = _find(conv, message_id)
        if conv is None or msg is None or msg.role != "assistant":
            return
        if (message_id, url) in self._loading:
            return
        images = [a for a in msg.attachments if str(a.get("mime", "")).startswith("image/")]
        if len(images) >= MAX_ANSWER_IMAGES:
            self._refuse(
                message_id,
                self.tr("Not loaded: an answer keeps at most {limit} images.").format(
                    limit=MAX_ANSWER_IMAGES
                ),
            )
            return
        parts = urlsplit(url)
        if parts.scheme != "http" or is_local_host(parts.hostname or ""):
            self._start(conv, msg, url)
            return
        self._ask_plain_http(conv, msg, url, parts.hostname or "")

    def _ask_plain_http(self, conv: Conversation, msg: Message, url: str, host: str) -> None:
        """The image would come unencrypted from another computer: ask first (not blocking)."""
        if self.box is not None:
            self.box.raise_()
            return
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Warning,
            self.tr("Unencrypted connection"),
            self.tr("This image comes unencrypted from {host}. Load it anyway?").format(host=host),
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.Cancel,
            self._window,
        )
        plain(box)  # the host comes from a model's answer
        box.setInformativeText(
            self.tr(
                "Anyone on the networks in between can see which image you load and change it. "
                "Nothing of yours is sent with it."
            )
        )
        box.button(QtWidgets.QMessageBox.StandardButton.Yes).setText(self.tr("Load anyway"))
        box.setDefaultButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.box = box

        def clicked(button: Any) -> None:
            self.box = None
            if button is box.button(QtWidgets.QMessageBox.StandardButton.Yes):
                self._start(conv, msg, url)

        box.buttonClicked.connect(clicked)
        box.rejected.connect(lambda: setattr(self, "box", None))
        box.open()

    def _start(self, conv: Conversation, msg: Message, url: str) -> None:
        settings = self._ctx.settings
        proxy = settings.profile(conv.profile_id or settings.default_profile_id).proxy
        key = (msg.id, url)
        self._loading.add(key)
        self._status(self.tr("Loading the image from {host}…").format(host=urlsplit(url).hostname))

        def done(image: Any) -> None:
            self._loading.discard(key)
            if any(a.get("source_url") == url for a in msg.attachments):
                return
            msg.attachments = [*msg.attachments, image]
            self._changed(conv, msg)
            self._status(self.tr("Image loaded."))
            self.loaded.emit(msg.id, url)

        def failed(error: BaseException) -> None:
            self._loading.discard(key)
            self._refuse(msg.id, self.tr("Image not loaded: {reason}.").format(reason=str(error)))

        self._runner.run(
            fetch_image, url, proxy or None, on_done=done, on_failed=failed, owner=self
        )

    def _refuse(self, message_id: str, sentence: str) -> None:
        self._status(sentence)
        self.refused.emit(message_id, sentence)


def _find(conv: Conversation | None, message_id: str) -> Message | None:
    if conv is None:
        return None
    return next((m for m in conv.messages if m.id == message_id), None)
