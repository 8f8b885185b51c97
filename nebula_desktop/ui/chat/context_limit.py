"""``ContextButton``: the chat bar's "Context" menu — how much history a request sends, and
"Clear context".

The menu offers "All messages", "Last 2" … "Last 50" and "Custom…" (any number), then "Clear
context" (Ctrl+K). The value is ``Conversation.context_limit``: None for all, else the number of
messages sent, the question counting as one (the rules are in ``nebula_desktop.context``). The
button shows the value ("Context: 6") so the bar stays one short line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from nebula_desktop.settings import MAX_CONTEXT_LIMIT
from nebula_desktop.ui.common.looks import use_looks

if TYPE_CHECKING:
    from PySide6.QtWidgets import QInputDialog

PRESET_LIMITS = (2, 4, 6, 10, 20, 50)


class ContextButton(QToolButton):
    """Emits ``limit_changed`` when the user picks another limit, ``clear_requested`` for
    "Clear context"."""

    limit_changed = Signal()
    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value: int | None = None
        self.custom_dialog: QInputDialog | None = None
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # The arrow is part of the text: the style's indicator would overlap it.
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.setAccessibleName(self.tr("Context"))
        self.setMenu(QMenu(self))
        self._group = QActionGroup(self)
        self._fill()
        self._show()

    def value(self) -> int | None:
        """The chosen limit (None: every message)."""
        return self._value

    def set_value(self, limit: int | None) -> None:
        """Show ``limit`` without emitting ``limit_changed``."""
        self._value = limit if limit is None or limit >= 1 else None
        if self.limit_action(self._value) is None:
            self._fill()  # a custom number gets its own entry
        self._show()

    def limit_action(self, limit: int | None) -> QAction | None:
        """The menu entry that picks ``limit`` (None: "All messages")."""
        for action in self._group.actions():
            if action.data() == (limit or 0):
                return action
        return None

    def custom_action(self) -> QAction:
        """The "Custom…" entry."""
        return self._custom

    def clear_action(self) -> QAction:
        """The "Clear context" entry."""
        return self._clear

    def _fill(self) -> None:
        menu = self.menu()
        assert menu is not None
        for action in self._group.actions():
            self._group.removeAction(action)
        menu.clear()
        values: list[int] = sorted({*PRESET_LIMITS, *([self._value] if self._value else [])})
        entries = [(0, self.tr("All messages"))]
        entries += [(n, self.tr("Last {count}").format(count=n)) for n in values]
        for data, text in entries:
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setData(data)
            action.triggered.connect(lambda _checked=False, n=data: self._choose(n or None))
            self._group.addAction(action)
        self._custom = menu.addAction(self.tr("Custom…"))
        self._custom.triggered.connect(self._ask_custom)
        menu.addSeparator()
        self._clear = menu.addAction(self.tr("Clear context") + "\tCtrl+K")
        self._clear.triggered.connect(self.clear_requested)

    def _show(self) -> None:
        """Check the entry of the current value; say it on the button and in its tooltip."""
        current = self.limit_action(self._value)
        if current is not None:
            current.setChecked(True)
        if self._value is None:
            self.setText(self.tr("Context") + " ▾")
            state = self.tr("Each request sends the whole chat.")
        else:
            self.setText(self.tr("Last {count}").format(count=self._value) + " ▾")
            state = self.tr("Each request sends the last {count} messages of this chat.").format(
                count=self._value
            )
        self.setToolTip(
            state
            + " "
            + self.tr(
                "Your question counts as one; the system prompt is always sent. Fewer messages "
                "cost fewer tokens, and the model forgets what is not sent. Clear context "
                "(Ctrl+K) starts afresh from the next message."
            )
        )

    def _choose(self, limit: int | None) -> None:
        if limit == self._value:
            return
        self.set_value(limit)
        self.limit_changed.emit()

    def _ask_custom(self) -> None:
        # Imported on use: naming a dialog class builds its Python enums (not for the first paint).
        from PySide6.QtWidgets import QInputDialog

        dialog = QInputDialog(self)
        use_looks(dialog)  # its spin box keeps its size (see looks.py)
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
