"""``UndoBar``: the strip under the chat list after a delete ("Chat deleted · “title”", Undo).

It also shows a failed list operation (rename, pin, delete) for the same time, without Undo.
It hides by itself after ``seconds``; then ``expired`` says the chats can no longer come back
from here.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from nebula_desktop.ui.common.looks import use_looks_once
from nebula_desktop.ui.common.plain import plain


class UndoBar(QFrame):
    """Says what was deleted and offers Undo; emits ``undo_clicked`` and ``expired``."""

    undo_clicked = Signal()
    expired = Signal()  # hid by itself: forget what Undo could have brought back

    def __init__(self, seconds: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        self.label = plain(QLabel(self.tr("Chat deleted")))
        self.label.setWordWrap(True)
        self.button = QToolButton()
        self.button.setText(self.tr("Undo"))
        self.button.setAccessibleName(self.tr("Undo delete"))
        self.button.setToolTip(self.tr("Bring the chat back (Ctrl+Z)"))
        self.button.clicked.connect(self.undo_clicked)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(10, 6, 6, 6)
        bar.addWidget(self.label, 1)
        bar.addWidget(self.button)
        self.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(int(seconds * 1000))
        self._timer.timeout.connect(self._on_timer_timeout)

    def setVisible(self, visible: bool) -> None:
        if visible:
            use_looks_once(self)  # its look, once it shows: not a cost of every start
        super().setVisible(visible)

    def show_deleted(self, titles: list[str]) -> None:
        """Offer Undo for the chats deleted so far (``titles`` oldest first; the last is named)."""
        title = titles[-1]
        short = title if len(title) <= 40 else title[:39] + "…"
        text = self.tr("Chat deleted · “{title}”").format(title=short)
        if not short:
            text = self.tr("Chat deleted")
        if len(titles) > 1:
            text = self.tr("{count} chats deleted · last “{title}”").format(
                count=len(titles), title=short
            )
        self.label.setText(text)
        self.button.show()
        self.show()
        self._timer.start()

    def show_error(self, message: str) -> None:
        """Show ``message`` (no Undo) for the bar's usual time."""
        self.label.setText(message)
        self.button.hide()
        self.show()
        self._timer.start()

    def dismiss(self) -> None:
        """Hide now (nothing is left to undo); does not emit ``expired``."""
        self._timer.stop()
        self.hide()

    def _on_timer_timeout(self) -> None:
        self.hide()
        self.expired.emit()
