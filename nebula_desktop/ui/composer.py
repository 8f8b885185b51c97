"""The composer: a growing text box with a Send button that turns into Stop while streaming."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

_MAX_LINES = 6


class _Editor(QPlainTextEdit):
    """Enter sends, Shift+Enter inserts a new line; height follows the text up to six lines."""

    submit = Signal()
    escape = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self._fit_height()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            mods = event.modifiers()
            if mods & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
                return
            if not mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
                self.submit.emit()
                return
        if key == Qt.Key.Key_Escape:
            self.escape.emit()
            return
        super().keyPressEvent(event)

    def _fit_height(self) -> None:
        # documentSize is in lines for QPlainTextEdit's layout; clamp between one and six lines.
        lines = int(self.document().documentLayout().documentSize().height())
        lines = max(1, min(_MAX_LINES, lines))
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        frame = 2 * self.frameWidth() + int(self.document().documentMargin() * 2)
        height = lines * metrics.lineSpacing() + frame + margins.top() + margins.bottom()
        self.setFixedHeight(height)

    def sizeHint(self) -> QSize:
        return QSize(400, self.height())


class Composer(QWidget):
    """Bottom input area. Emits ``send_requested(text)``; ``stop_requested()`` while streaming."""

    send_requested = Signal(str)
    stop_requested = Signal()
    cancel_edit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._streaming = False
        self._editing = False
        self.editor = _Editor(self)
        self.editor.setPlaceholderText("Message  (Enter to send, Shift+Enter for a new line)")
        self.editor.setAccessibleName("Message")
        self.editor.setAccessibleDescription("Type a message; Enter sends, Shift+Enter adds a line")
        self.button = QPushButton("Send", self)
        self.button.setAccessibleName("Send")
        self.button.setDefault(False)
        self.button.setAutoDefault(False)
        self.notice = QLabel(self)
        self.notice.setVisible(False)
        self.notice.setAccessibleName("Composer notice")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.editor, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.setSpacing(2)
        layout.addWidget(self.notice)
        layout.addLayout(row)
        self.editor.submit.connect(self._on_editor_submit)
        self.editor.escape.connect(self._on_editor_escape)
        self.button.clicked.connect(self._on_button_clicked)

    # -- state -------------------------------------------------------------------------------
    def text(self) -> str:
        """The current text (the draft)."""
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the text and put the cursor at its end."""
        self.editor.setPlainText(text)
        cursor = self.editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.editor.setTextCursor(cursor)

    def clear(self) -> None:
        self.editor.clear()

    def set_streaming(self, streaming: bool) -> None:
        """Send becomes Stop while an answer streams."""
        self._streaming = streaming
        self.button.setText("Stop" if streaming else "Send")
        self.button.setAccessibleName("Stop" if streaming else "Send")
        self.button.setToolTip("Stop the answer (Esc)" if streaming else "Send (Enter)")

    def is_streaming(self) -> bool:
        return self._streaming

    def set_editing(self, editing: bool) -> None:
        """Show that the next send replaces an earlier message."""
        self._editing = editing
        self.notice.setText(
            "Editing a message: sending replaces it and everything after it. Esc cancels."
        )
        self.notice.setVisible(editing)

    def set_read_only(self, read_only: bool, reason: str = "") -> None:
        """Disable input for conversations that cannot be saved (e.g. from a newer version)."""
        self.editor.setReadOnly(read_only)
        self.button.setEnabled(not read_only)
        self.notice.setText(reason)
        self.notice.setVisible(read_only and bool(reason))

    def focus(self) -> None:
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- slots -------------------------------------------------------------------------------
    def _on_editor_submit(self) -> None:
        if self._streaming or self.editor.isReadOnly():
            return  # a second request while one streams is refused: Enter does nothing
        text = self.text()
        if text.strip():
            self.send_requested.emit(text)

    def _on_editor_escape(self) -> None:
        if self._streaming:
            self.stop_requested.emit()
        elif self._editing:
            self.cancel_edit_requested.emit()

    def _on_button_clicked(self) -> None:
        if self._streaming:
            self.stop_requested.emit()
        else:
            self._on_editor_submit()
