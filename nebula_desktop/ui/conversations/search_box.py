"""``ChatSearchBox``: the search field above the chat list.

It says when the list should be filtered again (``filter_changed``: ``SEARCH_DEBOUNCE_MS``
after the last key, at once when Esc clears it) and when the user wants to walk from the field
into the results (``down_pressed``; Return is ``returnPressed``). Esc clears a non-empty field
and is claimed before a window shortcut (Stop) can take it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

SEARCH_DEBOUNCE_MS = 150


class _ClaimEscape(QObject):
    """Claims Esc before a window shortcut (Stop) takes it, so that the field gets it as a key.

    Installed on the field only while it holds text: a Python event filter sees all of the
    field's events, and the first one makes PySide build the type of every QEvent subclass
    (not a cost for start-up, where the field is empty).
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            event.accept()  # here Esc means "clear", not the window's Stop
            return True
        return False


class ChatSearchBox(QLineEdit):
    """The chat search field; emits ``filter_changed`` and ``down_pressed``."""

    filter_changed = Signal()
    down_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        text = self.tr("Search chats")
        self.setPlaceholderText(text)
        self.setAccessibleName(text)
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._timer.timeout.connect(self.filter_changed)
        self.textChanged.connect(self._on_text_changed)
        self._escape = _ClaimEscape(self)

    def settle(self) -> None:
        """Drop a pending ``filter_changed``: the caller filters now."""
        self._timer.stop()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.settle()
            self.filter_changed.emit()
            return
        super().keyPressEvent(event)

    def _on_text_changed(self, text: str) -> None:
        self._timer.start()
        if text:
            self.installEventFilter(self._escape)
        else:
            self.removeEventFilter(self._escape)
