"""Paints messages (role, thinking, Markdown body, usage, incomplete marker, buttons) and opens
a read-only text selector over a message so any part of it can be selected and copied."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QStyleOptionViewItem

from nebula_desktop.ui.common.thumbnails import ThumbnailCache
from nebula_desktop.ui.messages.document_cache import DocumentCache
from nebula_desktop.ui.messages.documents import ASYNC_CHARS, RenderedDoc, StreamingDoc
from nebula_desktop.ui.messages.formulas import FormulaImages, FormulaLook
from nebula_desktop.ui.messages.hits import hit_test, link_action, show_link_tip
from nebula_desktop.ui.messages.layout import (
    DARK_COLORS,
    LIGHT_COLORS,
    Colors,
    Fonts,
    RowLayout,
    estimate_height,
)
from nebula_desktop.ui.messages.model import MessageModel
from nebula_desktop.ui.messages.row_layout import build_row_layout
from nebula_desktop.ui.messages.row_sizes import RowSizes, Signature, row_signature

if TYPE_CHECKING:
    from PySide6.QtGui import QHelpEvent

    from nebula_desktop.store import Message
    from nebula_desktop.ui.messages.selector import MessageTextSelector

_ROLE = MessageModel.MessageRole
_Index = QModelIndex | QPersistentModelIndex


def _has_focus(option: QStyleOptionViewItem, index: _Index) -> bool:
    """Whether the view drew ``index`` as its focused item (``State_HasFocus``).

    Asked of the view (what QListView's paintEvent reads to set that flag): reading
    ``option.state`` builds all of QStyle's Python enums, ~47 M instructions before the first
    paint. Without a view, ``option.state`` is read.
    """
    view = option.widget
    if not isinstance(view, QAbstractItemView):
        from PySide6.QtWidgets import QStyle

        return bool(option.state & QStyle.StateFlag.State_HasFocus)
    focused = view.hasFocus() or view.viewport().hasFocus()
    return focused and view.currentIndex() == index


class MessageDelegate(QStyledItemDelegate):
    """Paints one message per row; everything clickable is hit-tested, never a child widget.

    Emits ``action_triggered(action, message_id, arg)`` for the rows of
    ``actions.MESSAGE_ACTIONS`` (arg: a link's URL, or "body:N" / "thinking:N" for a code
    block's Copy; empty otherwise).
    """

    action_triggered = Signal(str, str, str)
    # A long message's formatted document replaced the plain text shown while it rendered off
    # the GUI thread, or formula images drawn off the GUI thread replaced their sources: its
    # row must be measured and painted again.
    document_ready = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.dark = False
        self.font_point_size = 0
        # Formulas drawn as images (Settings → General → Render math); off: TeX as written.
        self.math = True
        self.formula_images = FormulaImages(self)
        self.formula_images.drawn.connect(self.document_ready)
        self._looks: dict[tuple[str, bool, float], FormulaLook] = {}
        self.cache = DocumentCache(parent=self)
        self.cache.images = self.formula_images
        self.cache.formatted.connect(self.document_ready)
        self.streaming_id: str | None = None
        self._stream_docs: dict[tuple[str, str], StreamingDoc] = {}
        self.thinking_open: dict[str, bool] = {}
        # Dollars an answer cost (from the profile's prices), or None: set by the window.
        self.answer_cost: Callable[[Message], float | None] | None = None
        # The "‹ 2/3 ›" switcher under a message with versions (off where no one can switch,
        # as in a compare column, which shows one version).
        self.show_versions = True
        self.tool_lines: dict[str, list[tuple[str, QRect]]] = {}
        self.hover_row = -1
        self.hover_pos = QPoint(-1, -1)
        self.last_assistant_row = -1
        self.selector_part = "body"  # which text the next text selector covers
        self.keyboard_row = -1  # row reached with Up/Down: tinted so Ctrl+C's target shows
        self.view_width = 600
        # Exact sizes of rows measured; rows never measured get a cheap estimate.
        self.sizes = RowSizes()
        self.measured_ids = self.sizes.measured_ids  # ids passed to measure(), newest last
        # The layout measure() made last, with its message id (StreamRows reads it instead of
        # laying the streaming row out again right after measuring it; it clears it first).
        self.measured_layout: tuple[str, RowLayout] | None = None
        self._fonts: Fonts | None = None
        self._base_font = QFont()
        # Decoded attachment thumbnails: base64 → QPixmap once, not on every paint.
        self.thumbnails = ThumbnailCache()

    # -- configuration -----------------------------------------------------------------------

    @property
    def colors(self) -> Colors:
        """The colours of the current theme."""
        return DARK_COLORS if self.dark else LIGHT_COLORS

    def set_base_font(self, font: QFont) -> None:
        """Body font (the view's font, resized by ``font_point_size`` when set)."""
        font = QFont(font)
        if self.font_point_size > 0:
            font.setPointSize(self.font_point_size)
        self._base_font = font
        self._fonts = Fonts.from_base(font)
        self.reset_caches()

    @property
    def fonts(self) -> Fonts:
        """Fonts of the current size."""
        if self._fonts is None:
            self._fonts = Fonts.from_base(self._base_font)
        return self._fonts

    def reset_caches(self) -> None:
        """Forget rendered documents and sizes (theme, font or conversation changed)."""
        self.cache.clear()
        self._stream_docs.clear()
        self.sizes.clear()
        self._looks.clear()
        self.measured_layout = None

    def retain(self, message_ids: set[str]) -> None:
        """Drop sizes of messages no longer shown (memory stays bounded across chats)."""
        self.sizes.retain(message_ids)
        self._stream_docs = {k: v for k, v in self._stream_docs.items() if k[0] in message_ids}
        self.cache.keep_pending(message_ids)  # a render for a chat left behind is not wanted

    def forget(self, message_id: str) -> None:
        """Forget one message's documents and size (its fields changed)."""
        self.cache.drop(message_id)
        self.sizes.forget(message_id)
        for key in [k for k in self._stream_docs if k[0] == message_id]:
            live = self._stream_docs.pop(key)
            if live.text_length > ASYNC_CHARS:
                # A long answer that just finished streaming keeps showing its live document,
                # not plain text, until its final rendering lands.
                self.cache.stand_in(key[0], key[1], live.text_length, live.entry)

    def is_thinking_open(self, msg: Message) -> bool:
        """Open while streaming, folded afterwards, unless the user toggled it."""
        override = self.thinking_open.get(msg.id)
        if override is not None:
            return override
        return msg.id == self.streaming_id

    # -- documents ---------------------------------------------------------------------------

    def _document(
        self, msg: Message, part: str, width: int | None, wait: bool = False
    ) -> RenderedDoc:
        text = msg.content if part == "body" else msg.reasoning
        if part != "body" and msg.role == "tool":
            from nebula_desktop.ui.messages.tool_text import tool_details

            text = tool_details(msg)  # its arguments and output, unfolded
        look = self._look(part)
        if msg.id == self.streaming_id:
            live = self._stream_docs.get((msg.id, part))
            if live is None:
                live = self._stream_docs[(msg.id, part)] = StreamingDoc(
                    self.dark, self._body_font(part), look, self.formula_images, msg.id
                )
            entry = live.update(text)
        else:
            key = (msg.id, part, len(text), self.dark, self.font_point_size, look is not None)
            entry = self.cache.get(
                key, text, self.dark, self._body_font(part), wait=wait, look=look
            )
        if width is not None and entry.doc.textWidth() != width:
            entry.doc.setTextWidth(width)
        return entry

    def body_document(self, msg: Message) -> RenderedDoc:
        """The rendered answer/body of ``msg`` (what "Copy" copies), formatted even if its
        formatting was still being rendered off the GUI thread."""
        return self._document(msg, "body", None, wait=True)

    def _body_font(self, part: str) -> QFont:
        return self.fonts.base if part == "body" else self.fonts.small

    def _look(self, part: str) -> FormulaLook | None:
        """How formulas of ``part`` are drawn (its text colour and font), None with math off."""
        if not self.math:
            return None
        view = self.parent()
        ratio = getattr(view, "devicePixelRatioF", None)
        dpr = float(ratio()) if callable(ratio) else 1.0
        cached = (part, self.dark, dpr)
        look = self._looks.get(cached)
        if look is None:
            color = self.colors.q("text" if part == "body" else "muted")
            look = FormulaLook.of(self._body_font(part), color, dpr, self.dark)
            self._looks[cached] = look
        return look

    # -- layout ------------------------------------------------------------------------------

    def _signature(self, msg: Message) -> Signature:
        return row_signature(
            msg, self.view_width, self.thinking_open.get(msg.id), msg.id == self.streaming_id
        )

    def layout(self, msg: Message, row: int, top: int) -> RowLayout:
        """Compute every rectangle of ``msg`` with its row starting at y = ``top``."""
        from nebula_desktop.ui.messages.paint import add_usage_extras

        streaming = msg.id == self.streaming_id
        lay = build_row_layout(
            msg,
            top,
            self.fonts,
            self.view_width,
            streaming=streaming,
            thinking_open=self.is_thinking_open(msg),
            last_assistant=row == self.last_assistant_row,
            document=lambda part, width: self._document(msg, part, width),
            versions=self.show_versions,
        )
        cost = self.answer_cost(msg) if self.answer_cost is not None and msg.usage else None
        # Fresh for every layout; paint() lays out right before drawing, so they match.
        lines = add_usage_extras(lay, msg, self.fonts, streaming, cost)
        if lines:
            self.tool_lines[msg.id] = lines
        else:
            self.tool_lines.pop(msg.id, None)
        return lay

    def estimate_height(self, msg: Message) -> int:
        """A cheap height guess for rows that have not been shown yet (no rendering)."""
        return int(estimate_height(msg, self.fonts, self.view_width))

    def measure(self, msg: Message, row: int) -> QSize:
        """Measure one row exactly and remember it."""
        self.sizes.note_measured(msg.id)
        lay = self.layout(msg, row, 0)
        self.measured_layout = (msg.id, lay)
        size = QSize(self.view_width, lay.height)
        self.sizes.remember(msg.id, self._signature(msg), size)
        return size

    def cached_size(self, msg: Message) -> QSize | None:
        """The exact size of ``msg`` if it is measured and still valid."""
        return self.sizes.exact(msg.id, self._signature(msg))

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        """Exact size when measured, else an estimate (refined when the row is painted)."""
        # Called for every row on each relayout (each flush of a streaming answer whose height
        # grew): read the row straight from our model instead of going through QModelIndex.data
        # (a Qt round trip per row), and look both sizes up in one call.
        model = index.model()
        msg = model.message_at(index.row()) if isinstance(model, MessageModel) else None
        if msg is None:
            return QSize(0, 0)
        sig = (len(msg.content), self.view_width, self.font_point_size, msg.complete)
        size = self.sizes.known(msg, self._signature, sig)
        if size is not None:
            return size
        return self.sizes.estimate(
            msg.id, sig, lambda: QSize(self.view_width, self.estimate_height(msg))
        )

    # -- painting ----------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        """Paint one message from its layout."""
        from nebula_desktop.ui.messages.paint import paint_extras, paint_row, paint_tool_calls

        msg: Message | None = index.data(_ROLE)
        if msg is None:
            return
        lay = self.layout(msg, index.row(), option.rect.top())
        size = QSize(self.view_width, lay.height)
        if self.cached_size(msg) != size:
            self.sizes.remember(msg.id, self._signature(msg), size)
            if lay.height != option.rect.height():
                # The estimate was off: ask the view to lay out again (coalesced by Qt).
                self.sizeHintChanged.emit(index)
        hovered = index.row() == self.hover_row
        widget = option.widget
        selected = index.row() == self.keyboard_row and _has_focus(option, index)
        # Draw only what the viewport shows: a 10,000-pixel answer repaints just its visible part.
        visible = widget.rect() if widget is not None else option.rect
        viewport = getattr(widget, "viewport", None)
        if callable(viewport):
            visible = viewport().rect()
        paint_row(
            painter,
            lay,
            self.colors,
            self.fonts,
            option.rect,
            hovered,
            self.hover_pos,
            selected,
            visible,
        )
        paint_tool_calls(painter, self.tool_lines.get(msg.id, []), self.colors, self.fonts)
        paint_extras(
            painter,
            lay,
            self.colors,
            self.fonts,
            self.hover_pos if hovered else QPoint(-1, -1),
            lambda i, rect: self.thumbnails.get(
                msg.id, i, msg.attachments[i], max(rect.width(), rect.height())
            ),
        )

    # -- hit-testing ---------------------------------------------------------------------------

    def hit(self, index: _Index, rect: QRect, pos: QPoint) -> tuple[str, str]:
        """What is under ``pos`` in the row at ``rect``: (action, argument) or ("", "")."""
        msg: Message | None = index.data(_ROLE)
        if msg is None:
            return "", ""
        lay = self.layout(msg, index.row(), rect.top())
        return hit_test(lay, pos, index.row() == self.hover_row)

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: _Index,
    ) -> bool:
        """Tooltips (here, not in a viewport event handler: see ``hits.show_link_tip``)."""
        hit = self.hit(index, option.rect, event.pos()) if index.isValid() else ("", "")
        return show_link_tip(event, view, hit)

    def code_block(self, msg: Message, ref: str) -> str | None:
        """Raw code of the block ``ref`` ("body:N" or "thinking:N") of ``msg``."""
        part, _, number = ref.rpartition(":")
        if part not in ("body", "thinking") or not number.isdigit():
            return None
        entry = self._document(msg, part, None)
        if int(number) < len(entry.code_blocks):
            return entry.code_blocks[int(number)]
        return None

    def editorEvent(
        self,
        event: QEvent,
        model: Any,
        option: QStyleOptionViewItem,
        index: _Index,
    ) -> bool:
        """Buttons, the Thinking toggle and links act on release; presses are swallowed."""
        kind = event.type()
        if kind not in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            return False
        if event.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return False
        action, arg = self.hit(index, option.rect, event.position().toPoint())  # type: ignore[attr-defined]
        if not action or action in ("body", "thinking_text"):
            return False
        if kind == QEvent.Type.MouseButtonRelease:
            self.action_triggered.emit(action, index.data(MessageModel.IdRole), arg)
        return True

    # -- the text selector ---------------------------------------------------------------------

    def body_rect(self, index: _Index, rect: QRect, part: str = "body") -> QRect:
        """Where the answer (``part`` "body") or the open thinking text ("thinking") is drawn."""
        msg: Message | None = index.data(_ROLE)
        if msg is None:
            return QRect()
        lay = self.layout(msg, index.row(), rect.top())
        if part == "thinking":
            if lay.thinking_doc is None:
                return QRect()
            size = lay.thinking_doc.doc.size()
            return QRect(lay.thinking_pos, QSize(int(size.width()), int(size.height())))
        return lay.body_rect

    def createEditor(
        self, parent: Any, option: QStyleOptionViewItem, index: _Index
    ) -> MessageTextSelector:
        """A read-only QTextBrowser with the same document, for mouse selection and Ctrl+C,
        over the answer, or the thinking text when ``selector_part`` is "thinking"."""
        msg: Message = index.data(_ROLE)
        part = self.selector_part
        entry = self._document(msg, part, None)
        live = self._stream_docs.get((msg.id, part))
        html = live.html if live is not None and msg.id == self.streaming_id else entry.html
        color = self.colors.q("text" if part == "body" else "muted")
        from nebula_desktop.ui.messages.selector import MessageTextSelector  # on a selection

        editor = MessageTextSelector(
            parent, html, self._body_font(part), entry.doc.defaultTextOption(), color, entry.doc
        )
        editor.setProperty("message_id", msg.id)
        editor.setProperty("part", part)
        msg_id = msg.id
        editor.anchorClicked.connect(lambda url: self._emit_link(msg_id, url.toString(), part))
        return editor

    def _emit_link(self, message_id: str, url: str, part: str) -> None:
        action, arg = link_action(url, part)
        self.action_triggered.emit(action, message_id, arg)

    def updateEditorGeometry(
        self,
        editor: Any,
        option: QStyleOptionViewItem,
        index: _Index,
    ) -> None:
        """Lay the selector exactly over the painted text it covers."""
        rect = self.body_rect(index, option.rect, str(editor.property("part") or "body"))
        editor.setGeometry(rect)
        editor.document().setTextWidth(rect.width())

    def setEditorData(self, editor: Any, index: _Index) -> None:
        """Nothing to load: the HTML was set when the selector was created."""

    def setModelData(self, editor: Any, model: Any, index: _Index) -> None:
        """Read-only: never writes back."""
