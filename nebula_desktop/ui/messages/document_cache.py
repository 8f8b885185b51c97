"""The documents of finished message texts: a bounded LRU, and the runner's serial "renders"
queue for long ones.

A text longer than ``ASYNC_CHARS`` is rendered (Markdown to HTML, plain Python) on that queue:
until it lands the row shows the end of the text as written (``render.preview``), so opening a
chat with a 200,000-character answer never holds the GUI thread for the render.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QFont

from nebula_desktop.render import RenderedMarkdown, render_markdown
from nebula_desktop.ui.common.runner import Runner, default_runner
from nebula_desktop.ui.messages.documents import (
    ASYNC_CHARS,
    RenderedDoc,
    build_document,
    plain_document,
)
from nebula_desktop.ui.messages.formulas import FormulaImages, FormulaLook

log = logging.getLogger(__name__)

START_DELAY_MS = 50  # after the first paint of the chat being opened

Key = tuple[object, ...]


class DocumentCache(QObject):
    """LRU of rendered documents, so memory stays bounded on very long chats.

    Keyed by (message id, part, text length, dark, font size); the width is applied to a cached
    document with ``setTextWidth`` (a cheap re-wrap) instead of re-parsing its HTML.

    A text over ``ASYNC_CHARS`` is rendered on the runner's serial "renders" queue: :meth:`get`
    returns a plain stand-in at once (``pending``) and ``formatted(message_id)`` is emitted when
    the formatted document has replaced it (built from the HTML on the GUI thread). A result
    whose message was dropped, changed or left (another chat opened, the theme or font changed)
    is thrown away.
    """

    formatted = Signal(str)  # message id whose formatted document replaced its plain stand-in

    def __init__(self, capacity: int = 120, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.capacity = capacity
        self.runner: Runner | None = None  # None: the app's default runner
        self._docs: OrderedDict[Key, RenderedDoc] = OrderedDict()
        self._pending: dict[Key, tuple[str, QFont, FormulaLook | None]] = {}  # being rendered
        self.images: FormulaImages | None = None  # draws the formulas of documents with a look
        # (message id, part) -> (text length, document) to show instead of plain text while that
        # text renders: the live document of an answer that has just finished streaming.
        self._standins: dict[Key, tuple[int, RenderedDoc]] = {}
        self.renders = 0  # how many documents were built (tests check it stays bounded)

    def get(
        self,
        key: Key,
        text: str,
        dark: bool,
        font: QFont,
        *,
        wait: bool = False,
        look: FormulaLook | None = None,
    ) -> RenderedDoc:
        """The document for ``text``, building it on a miss.

        A long text gets a pending stand-in unless ``wait``: then the formatted document is
        built now, also over a pending stand-in (Copy wants the text as it will be shown).
        With ``look`` (math on) formulas are shown as images drawn in that look.
        """
        hit = self._docs.get(key)
        if hit is not None and not (wait and hit.pending):
            self._docs.move_to_end(key)
            return hit
        self.renders += 1
        if wait or len(text) <= ASYNC_CHARS:
            self._pending.pop(key, None)  # a render still running for it is stale now
            rendered = render_markdown(text, dark=dark, math=look is not None)
            entry = build_document(rendered, font, look, self.images, str(key[0]))
            self._store(key, entry)
            if hit is not None:
                self.formatted.emit(str(key[0]))
            return entry
        stand = self._standins.get(key[:2])
        if stand is not None and stand[0] == len(text):
            entry = RenderedDoc(stand[1].doc, stand[1].code_blocks, stand[1].html, pending=True)
        else:
            entry = plain_document(text, font)
        self._store(key, entry)
        self._pending[key] = (text, font, look)
        # Started once the window has painted what it is opening: a render running meanwhile
        # would make each of the GUI thread's Python calls wait for the GIL (up to 5 ms each).
        QTimer.singleShot(START_DELAY_MS, self, lambda: self._start(key, text, dark))
        return entry

    def _start(self, key: Key, text: str, dark: bool) -> None:
        asked = self._pending.get(key)
        if asked is None or asked[0] is not text:
            return  # dropped before it started
        (self.runner or default_runner()).serial("renders").run(
            render_markdown,
            text,
            dark=dark,
            math=asked[2] is not None,
            on_done=lambda rendered: self._on_rendered(key, text, rendered),
            on_failed=lambda error: self._on_failed(key, text, error),
            owner=self,
        )

    def _store(self, key: Key, entry: RenderedDoc) -> None:
        self._docs[key] = entry
        self._docs.move_to_end(key)
        while len(self._docs) > self.capacity:
            self._docs.popitem(last=False)

    def _on_rendered(self, key: Key, text: str, rendered: RenderedMarkdown) -> None:
        asked = self._pending.get(key)
        if asked is None or asked[0] is not text:
            return  # dropped, rebuilt or cleared meanwhile
        del self._pending[key]
        self._standins.pop(key[:2], None)
        if key not in self._docs:
            return  # scrolled out of the cache meanwhile: rendered again when shown again
        self._docs[key] = build_document(rendered, asked[1], asked[2], self.images, str(key[0]))
        self.formatted.emit(str(key[0]))

    def _on_failed(self, key: Key, text: str, error: BaseException) -> None:
        asked = self._pending.get(key)
        if asked is not None and asked[0] is text:
            del self._pending[key]
            log.warning("rendering a long message failed, it stays plain text: %r", error)

    def stand_in(self, message_id: str, part: str, length: int, entry: RenderedDoc) -> None:
        """Show ``entry`` instead of plain text while the text of that length renders."""
        self._standins[(message_id, part)] = (length, entry)

    def drop(self, message_id: str) -> None:
        """Forget every document of one message (renders still running for it are dropped)."""
        for key in [k for k in self._docs if k[0] == message_id]:
            del self._docs[key]
        for key in [k for k in self._pending if k[0] == message_id]:
            del self._pending[key]

    def keep_pending(self, message_ids: set[str]) -> None:
        """Drop the renders (and plain stand-ins) of messages not in ``message_ids``."""
        for key in [k for k in self._pending if k[0] not in message_ids]:
            del self._pending[key]
            self._docs.pop(key, None)
        self._standins = {k: v for k, v in self._standins.items() if k[0] in message_ids}

    def clear(self) -> None:
        """Forget everything (theme or font changed); renders still running are dropped."""
        self._docs.clear()
        self._pending.clear()
        self._standins.clear()

    def __len__(self) -> int:
        return len(self._docs)
