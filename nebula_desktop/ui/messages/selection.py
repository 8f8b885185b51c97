"""The one text selector of a MessageView: opened over the message the user presses in, so
any part of it can be selected with the mouse and copied; closed when another message is
clicked or it scrolls out of sight."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QListView, QWidget


class TextSelection:
    """Manages the persistent editor (a MessageTextSelector) of one list view row at a time."""

    def __init__(self, view: QListView) -> None:
        self._view = view
        self._index: QPersistentModelIndex | None = None
        self._dragging = False

    @property
    def row(self) -> int:
        """The row with the selector open, or -1."""
        return self._index.row() if self._index is not None and self._index.isValid() else -1

    def editor(self) -> QWidget | None:
        """The open selector widget, if any."""
        row = self.row
        if row < 0:
            return None
        return self._view.indexWidget(self._view.model().index(row, 0))

    def open(self, index: QModelIndex) -> QWidget | None:
        """Open the selector over ``index`` (closing any other) and focus it."""
        if self.row == index.row():
            return self.editor()
        self.close()
        self._view.openPersistentEditor(index)
        self._index = QPersistentModelIndex(index)
        editor = self.editor()
        if editor is not None:
            editor.setFocus(Qt.FocusReason.MouseFocusReason)
        return editor

    def close(self) -> None:
        """Close the selector (its selection goes with it)."""
        row = self.row
        editor = self.editor()
        had_focus = editor is not None and editor.hasFocus()
        self._index = None
        self._dragging = False
        if row >= 0:
            self._view.closePersistentEditor(self._view.model().index(row, 0))
        if had_focus:
            self._view.setFocus(Qt.FocusReason.OtherFocusReason)  # Up/Down keep working

    def close_if_hidden(self) -> None:
        """Close the selector once its message has scrolled out of the viewport."""
        row = self.row
        if row >= 0:
            rect = self._view.visualRect(self._view.model().index(row, 0))
            if not rect.intersects(self._view.viewport().rect()):
                self.close()

    def start_drag(self, index: QModelIndex, press: QMouseEvent) -> None:
        """A press in a message body: open the selector there and start selecting at once."""
        editor = self.open(index)
        if editor is not None:
            self._dragging = True
            self._forward(editor, press)
            # The click gave the list focus; Ctrl+C must reach the selector.
            editor.setFocus(Qt.FocusReason.MouseFocusReason)

    def forward_drag(self, event: QMouseEvent, finished: bool = False) -> bool:
        """Hand a move/release of a drag that began in a body to the selector (True: handled).

        The view keeps the mouse grab from the press, so the selector would not see these.
        """
        editor = self.editor()
        if not self._dragging or editor is None:
            self._dragging = False
            return False
        if finished:
            self._dragging = False
        self._forward(editor, event)
        return True

    def forward_double_click(self, index: QModelIndex, event: QMouseEvent) -> bool:
        """A double-click in the open selector selects a word there (True: handled)."""
        editor = self.editor()
        if editor is None or index.row() != self.row:
            return False
        self._forward(editor, event)
        return True

    def _forward(self, editor: QWidget, event: QMouseEvent) -> None:
        target = getattr(editor, "viewport", lambda: editor)()
        local = target.mapFrom(self._view.viewport(), event.position().toPoint())
        clone = QMouseEvent(
            event.type(),
            local.toPointF(),
            event.globalPosition(),
            event.button(),
            event.buttons(),
            event.modifiers(),
        )
        QApplication.sendEvent(target, clone)
