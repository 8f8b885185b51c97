"""``ContextLimitCombo``: the chat bar's choice of how much history a request sends.

"All", "Last 2", "Last 4" … "Last 50", and "Custom…" (asks for any number). The value is
``Conversation.context_limit``: None for all, else the number of messages sent, the question
counting as one (the rules are in ``nebula_desktop.context``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QInputDialog, QWidget

from nebula_desktop.settings import MAX_CONTEXT_LIMIT

PRESET_LIMITS = (2, 4, 6, 10, 20, 50)
_CUSTOM = -1  # item data of "Custom…"


class ContextLimitCombo(QComboBox):
    """How many messages the chat sends; ``limit_changed`` when the user picks another."""

    limit_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value: int | None = None
        self.custom_dialog: QInputDialog | None = None
        self.setAccessibleName(self.tr("Context"))
        self.setToolTip(
            self.tr(
                "How much of this chat each request sends: all of it, or only the last "
                "messages (your question counts as one). The system prompt is always sent. "
                "Fewer messages cost fewer tokens; the model forgets what is not sent."
            )
        )
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._fill(None)
        self.activated.connect(self._on_activated)

    def value(self) -> int | None:
        """The chosen limit (None: every message)."""
        return self._value

    def set_value(self, limit: int | None) -> None:
        """Show ``limit`` without emitting ``limit_changed``."""
        self._value = limit if limit is None or limit >= 1 else None
        self._fill(self._value)

    def _fill(self, limit: int | None) -> None:
        self.blockSignals(True)
        try:
            self.clear()
            self.addItem(self.tr("All"), 0)
            values = sorted({*PRESET_LIMITS, *([limit] if limit is not None else [])})
            for n in values:
                self.addItem(self.tr("Last {count}").format(count=n), n)
            self.addItem(self.tr("Custom…"), _CUSTOM)
            self.setCurrentIndex(max(0, self.findData(limit or 0)))
        finally:
            self.blockSignals(False)

    def _on_activated(self, index: int) -> None:
        data = self.itemData(index)
        if data == _CUSTOM:
            self.setCurrentIndex(max(0, self.findData(self._value or 0)))  # until answered
            self._ask_custom()
            return
        self._choose(int(data) or None)

    def _choose(self, limit: int | None) -> None:
        if limit == self._value:
            return
        self.set_value(limit)
        self.limit_changed.emit()

    def _ask_custom(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Context"))
        dialog.setLabelText(self.tr("Send only the last messages of this chat (1 or more):"))
        dialog.setInputMode(QInputDialog.InputMode.IntInput)
        dialog.setIntRange(1, MAX_CONTEXT_LIMIT)
        dialog.setIntValue(self._value or 8)
        dialog.intValueSelected.connect(self._choose)
        dialog.finished.connect(lambda _result: setattr(self, "custom_dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.custom_dialog = dialog
        dialog.open()
