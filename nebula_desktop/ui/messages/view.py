"""The message list of the open conversation: painted messages, streaming, selection and copy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6 import QtWidgets
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QFrame,
    QListView,
    QMenu,
    QWidget,
)

from nebula_desktop.ui.common.pending_text import PendingText
from nebula_desktop.ui.common.viewport import install_viewport
from nebula_desktop.ui.messages.commands import MessageCommands, cursor_shape
from nebula_desktop.ui.messages.delegate import MessageDelegate
from nebula_desktop.ui.messages.model import MessageModel
from nebula_desktop.ui.messages.scroll import ScrollAnchor
from nebula_desktop.ui.messages.selection import TextSelection
from nebula_desktop.ui.messages.stream import StreamRows

if TYPE_CHECKING:
    from collections.abc import Callable

    from nebula_desktop.store import Message

SINGLE_PASS_MAX_ROWS = 10_000  # past this, layout runs in batches (see doItemsLayout)


class MessageView(QListView):
    """Shows a conversation's messages; owns its MessageModel and MessageDelegate."""

    retry_requested = Signal(str)
    continue_requested = Signal(str)
    regenerate_requested = Signal(str)
    edit_requested = Signal(str)
    remove_divider_requested = Signal(str)  # message id: its "Clear context" divider goes
    link_activated = Signal(str)
    load_image_requested = Signal(str, str)  # message id, URL: its "Load image" was clicked
    status_message = Signal(str)
    branch_requested = Signal(str, int)  # message id, 0-based version to follow

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_viewport(self)  # before the first viewport() (start-up: see the module)
        # Set before setModel: Qt calls our doItemsLayout override from inside it.
        self._stick = True  # follow new text while the user is at the bottom
        # A row the user just clicked (Thinking toggle) must not move away from the mouse.
        self._anchor = ScrollAnchor(self)
        self.setObjectName("messageView")
        self.setAccessibleName(self.tr("Messages"))
        self._model = MessageModel(self)
        self._delegate = MessageDelegate(self)
        self._delegate.view_width = self.viewport().width()
        self._delegate.set_base_font(self.font())
        self.setModel(self._model)
        self.setItemDelegate(self._delegate)
        self.setUniformItemSizes(False)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(64)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMouseTracking(True)
        self.verticalScrollBar().setSingleStep(24)
        self._stream = StreamRows(self._model, self._delegate, self._row_changed, self)
        self._feeds: dict[str, PendingText] = {}  # stream_append's, for a view without a run
        self._commands = MessageCommands(self, self._on_delegate_action_triggered)
        self._selection = TextSelection(self)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrollbar_value_changed)
        bar.rangeChanged.connect(self._on_scrollbar_range_changed)
        self._delegate.action_triggered.connect(self._on_delegate_action_triggered)

    # -- public API (docs/contracts.md) ----------------------------------------------------------

    @property
    def message_model(self) -> MessageModel:
        """The model (rows are the conversation's Message objects)."""
        return self._model

    @property
    def message_delegate(self) -> MessageDelegate:
        """The delegate (caches, streaming state)."""
        return self._delegate

    def set_messages(self, messages: list[Message]) -> None:
        """Open a conversation: show ``messages`` and jump to the newest."""
        self.flush_stream()
        for feed in self._feeds.values():
            feed.deleteLater()
        self._feeds.clear()
        self._selection.close()
        self._stream.clear()
        self._delegate.streaming_id = None
        self._delegate.thinking_open.clear()
        self._delegate.retain({m.id for m in messages})
        self._model.set_messages(messages)
        self._delegate.last_assistant_row = self._model.last_assistant_row()
        # Measure only what the first screen shows (the newest rows); the rest is estimated.
        budget = max(600, self.viewport().height()) * 2
        for row in range(len(messages) - 1, -1, -1):
            budget -= self._delegate.measure(messages[row], row).height()
            if budget <= 0:
                break
        self._stick = True
        self.scroll_to_bottom()

    def append_message(self, message: Message) -> None:
        """Add a row (a sent user message, or the empty assistant row about to stream)."""
        self._model.append_message(message)
        self._delegate.last_assistant_row = self._model.last_assistant_row()
        self._delegate.measure(message, self._model.rowCount() - 1)
        self._stick = True
        self.scroll_to_bottom()

    def message_changed(self, message_id: str) -> None:
        """The text of ``message_id`` grew (a streamed answer): re-measure and repaint its row
        only, if it is shown. The view never writes a message; ``ChatRun`` owns the text."""
        self._stream.changed(message_id)

    def stream_append(self, message_id: str, kind: str, text: str) -> None:
        """Feed a streamed piece to a view driven without a ``ChatRun`` (tests, benchmarks):
        it reaches the message and the row on the next ~30 ms flush, as in the app."""
        feed = self._feeds.get(message_id)
        if feed is None:
            msg = self._model.message_at(self._model.row_of(message_id))
            if msg is None:
                return
            feed = self._feeds[message_id] = PendingText(msg, self)
            feed.changed.connect(self.message_changed)
        feed.append(kind, text)

    def flush_stream(self) -> None:
        """Fold what :meth:`stream_append` kept into the messages now and update their rows."""
        for feed in list(self._feeds.values()):
            feed.flush()

    def refresh_message(self, message_id: str) -> None:
        """The message's fields changed (complete, error, usage…): render it again."""
        self.flush_stream()
        self._delegate.forget(message_id)
        self._delegate.last_assistant_row = self._model.last_assistant_row()
        self._row_changed(message_id)

    def set_streaming(self, message_id: str | None) -> None:
        """Mark the row that is streaming (thinking open, no usage); None when done."""
        self.flush_stream()
        previous = self._delegate.streaming_id
        self._delegate.streaming_id = message_id
        if previous and previous != message_id:
            # Fold the thinking section and render the finished answer once, in full.
            self._delegate.thinking_open.pop(previous, None)
            self._delegate.forget(previous)
            self._row_changed(previous)
        if message_id:
            self._delegate.forget(message_id)
            self._row_changed(message_id)

    def set_dark(self, dark: bool) -> None:
        """Switch the theme of rendered messages."""
        if dark == self._delegate.dark:
            return
        self._delegate.dark = dark
        self._relayout_all()

    def set_answer_cost(self, cost: Callable[[Message], float | None] | None) -> None:
        """How an answer's footer prices it (dollars, or None: no price set)."""
        self._delegate.answer_cost = cost

    def set_versions_shown(self, shown: bool) -> None:
        """Show (default) or leave out the "‹ 2/3 ›" switcher under messages with versions."""
        if bool(shown) != self._delegate.show_versions:
            self._delegate.show_versions = bool(shown)
            self._relayout_all()

    def set_render_math(self, on: bool) -> None:
        """Show formulas as drawn images (on) or as the TeX the model wrote (off)."""
        if bool(on) == self._delegate.math:
            return
        self._delegate.math = bool(on)
        self._relayout_all()

    def set_font_point_size(self, size: int) -> None:
        """Body font size in points (0 = the system's)."""
        self._delegate.font_point_size = max(0, int(size))
        self._relayout_all()

    def focus_message(self, message_id: str) -> None:
        """Make ``message_id`` the keyboard-focused row and show it (after flipping versions)."""
        row = self._model.row_of(message_id)
        if row < 0:
            return
        index = self._model.index(row, 0)
        self.setCurrentIndex(index)
        self._delegate.keyboard_row = row
        self._stick = False
        self.executeDelayedItemsLayout()
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def flip_version(self, message_id: str, step: int) -> None:
        """Ask for the previous (-1) or next (+1) version of a message that has several."""
        msg = self._model.message_at(self._model.row_of(message_id))
        if msg is None or not msg.alternatives:
            return
        position = msg.branch_index + step
        if 0 <= position < msg.branch_count:
            self.branch_requested.emit(msg.id, position)

    def scroll_to_bottom(self) -> None:
        """Show the newest message (and keep following it)."""
        self._stick = True
        self.executeDelayedItemsLayout()
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    # -- internals ----------------------------------------------------------------------------

    def doItemsLayout(self) -> None:
        """Lay out in one pass when every row's size is cheap; batches only for huge chats.

        In Batched mode each relayout (a streamed line, a row refined from its estimate) starts
        over at row 0 and reaches the bottom only after many event-loop turns, so the rows the
        user is looking at vanish for a few frames (the streaming answer flickers). Size hints
        here are cached or estimated from the text length, so one pass over thousands of rows
        is a few milliseconds; batching is kept for conversations beyond that.
        """
        anchor = self._anchor.capture(self._stick)
        if self._model.rowCount() > SINGLE_PASS_MAX_ROWS:
            super().doItemsLayout()
        else:
            self.setLayoutMode(QListView.LayoutMode.SinglePass)
            try:
                super().doItemsLayout()
            finally:
                self.setLayoutMode(QListView.LayoutMode.Batched)
        self._anchor.restore(anchor)

    def _relayout_all(self) -> None:
        self._selection.close()
        self._delegate.set_base_font(self.font())  # also clears documents and sizes
        self.scheduleDelayedItemsLayout()
        self.viewport().update()

    def _row_changed(self, message_id: str) -> None:
        """Re-measure one row only; relayout just when its height really changed."""
        row = self._model.row_of(message_id)
        msg = self._model.message_at(row)
        if msg is None:
            return
        if self._selection.row == row:
            self._selection.close()
        before = self._delegate.cached_size(msg)
        size = self._delegate.measure(msg, row)
        index = self._model.index(row, 0)
        self._model.dataChanged.emit(index, index)
        if before is None or before.height() != size.height():
            self._delegate.sizeHintChanged.emit(index)

    def _on_scrollbar_value_changed(self, value: int) -> None:
        self._stick = value >= self.verticalScrollBar().maximum() - 4
        self._selection.close_if_hidden()

    def _on_scrollbar_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._stick:
            self.verticalScrollBar().setValue(maximum)

    def resizeEvent(self, event: Any) -> None:
        """Rows are measured for the viewport width; a new width invalidates the sizes."""
        self._delegate.view_width = self.viewport().width()
        super().resizeEvent(event)
        if self._stick:
            QTimer.singleShot(0, self.scroll_to_bottom)

    # -- copying and actions ------------------------------------------------------------------

    def contextMenuEvent(self, event: Any) -> None:
        """Right-click (or the Menu key) offers the message's actions, and link ones."""
        pos = event.pos()
        if event.reason() != event.Reason.Mouse:
            pos = self.visualRect(self.currentIndex()).center()
        menu = self.context_menu_at(pos)
        if menu is not None:
            menu.popup(event.globalPos())

    def context_menu_at(self, pos: QPoint) -> QMenu | None:
        """The context menu for the message at viewport position ``pos`` (None: no message)."""
        return self._commands.menu_at(pos)

    def _on_delegate_action_triggered(self, action: str, message_id: str, arg: str) -> None:
        msg = self._model.message_at(self._model.row_of(message_id))
        if msg is None:
            return
        if action == "thinking":
            self._delegate.thinking_open[msg.id] = not self._delegate.is_thinking_open(msg)
            index = self._model.index(self._model.row_of(msg.id), 0)
            self._anchor.pin_once(index)
            self._row_changed(msg.id)
        else:
            self._commands.run(action, msg, arg)

    def keyPressEvent(self, event: Any) -> None:
        """Ctrl+C copies the focused message; Up/Down move between messages (QListView)."""
        if event.matches(QKeySequence.StandardKey.Copy):
            editor = self._selection.editor()
            if isinstance(editor, QtWidgets.QTextBrowser) and editor.textCursor().hasSelection():
                editor.copy()  # the part the user selected, not the whole message
                return
            msg = self._model.message_at(self.currentIndex().row())
            if msg is not None:
                self._commands.copy_message(msg)
            return
        if event.key() == Qt.Key.Key_Escape and self._selection.row >= 0:
            self._selection.close()
            return
        if event.modifiers() == Qt.KeyboardModifier.AltModifier and event.key() in (
            Qt.Key.Key_Left,
            Qt.Key.Key_Right,
        ):
            msg = self._model.message_at(self.currentIndex().row())
            if msg is not None:
                self.flip_version(msg.id, -1 if event.key() == Qt.Key.Key_Left else 1)
            return
        super().keyPressEvent(event)
        if event.key() in (
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
            Qt.Key.Key_PageUp,
            Qt.Key.Key_PageDown,
            Qt.Key.Key_Home,
            Qt.Key.Key_End,
        ):
            self._delegate.keyboard_row = self.currentIndex().row()
            self.viewport().update()

    # -- mouse: hover, buttons, text selection --------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A press in a message body opens the text selector there and starts the selection."""
        pos = event.position().toPoint()
        index = self.indexAt(pos)
        if self._selection.row >= 0 and index.row() != self._selection.row:
            self._selection.close()
        self._delegate.keyboard_row = -1
        if index.isValid() and event.button() == Qt.MouseButton.LeftButton:
            action, _ = self._delegate.hit(index, self.visualRect(index), pos)
            if action in ("body", "thinking_text"):
                part = "body" if action == "body" else "thinking"
                if self._selection.row == index.row() and self._delegate.selector_part != part:
                    self._selection.close()  # the other text of the same message
                self._delegate.selector_part = part
                self.setCurrentIndex(index)
                self._selection.start_drag(index, event)
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Track the hovered row (hover actions) and hand drags to the text selector."""
        if self._selection.forward_drag(event):
            return
        pos = event.position().toPoint()
        index = self.indexAt(pos)
        row = index.row() if index.isValid() else -1
        old_row = self._delegate.hover_row
        self._delegate.hover_row = row
        self._delegate.hover_pos = pos
        action = self._delegate.hit(index, self.visualRect(index), pos)[0] if row >= 0 else ""
        self.viewport().setCursor(cursor_shape(action))
        if old_row != row and old_row >= 0:
            self.viewport().update(self.visualRect(self._model.index(old_row, 0)))
        if row >= 0:
            self.viewport().update(self.visualRect(index))
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Finish a selection drag inside the text selector."""
        if self._selection.forward_drag(event, finished=True):
            return
        super().mouseReleaseEvent(event)

    def closeEditor(self, editor: QWidget, hint: Any) -> None:
        """Escape in the text selector closes it; losing focus (a click beside it) does not."""
        if editor is self._selection.editor():
            # The delegate asks to close on Escape (RevertModelCache) and on focus-out (NoHint);
            # only the first is the user's wish, the second would lose the selection on a click.
            if hint == QAbstractItemDelegate.EndEditHint.RevertModelCache:
                self._selection.close()
            return
        super().closeEditor(editor, hint)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Double-click in a message's text selects a word, as in any text."""
        index = self.indexAt(event.position().toPoint())
        if not self._selection.forward_double_click(index, event):
            super().mouseDoubleClickEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        """Hover actions disappear when the mouse leaves."""
        if self._delegate.hover_row >= 0:
            self._delegate.hover_row = -1
            self.viewport().update()
        super().leaveEvent(event)
