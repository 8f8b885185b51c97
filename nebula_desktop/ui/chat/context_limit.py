"""``ContextButton``: the chat bar's "Context" menu — how much history a request sends, and
"Clear context".

The menu offers "All messages", "Last 2" … "Last 50" and "Custom…" (any number), then "Clear
context" (Ctrl+K). The value is ``Conversation.context_limit``: None for all, else the number of
messages sent, the question counting as one (the rules are in ``nebula_desktop.context``). The
button shows the value ("Context: 6") so the bar stays one short line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtGui
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
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
        menu = QMenu(self)
        self.setMenu(menu)
        # Its entries are made when it first opens (most sessions never open it).
        self._group: QtGui.QActionGroup | None = None
        menu.aboutToShow.connect(self._ensure_entries)
        self._show()

    def value(self) -> int | None:
        """The chosen limit (None: every message)."""
        return self._value

    def set_value(self, limit: int | None) -> None:
        """Show ``limit`` without emitting ``limit_changed``."""
        self._value = limit if limit is None or limit >= 1 else None
        if self._group is not None:
            self._ensure_entries()
        self._show()

    def limit_action(self, limit: int | None) -> QAction | None:
        """The menu entry that picks ``limit`` (None: "All messages")."""
        return self._find(self._ensure_entries(), limit)

    def custom_action(self) -> QAction:
        """The "Custom…" entry."""
        self._ensure_entries()
        return self._custom

    def clear_action(self) -> QAction:
        """The "Clear context" entry."""
        self._ensure_entries()
        return self._clear

    def _ensure_entries(self) -> QtGui.QActionGroup:
        """Make the menu's entries if they are missing (or lack the current custom number),
        with the current value's entry checked."""
        group = self._group
        current = self._find(group, self._value) if group is not None else None
        if group is None or current is None:
            group = self._fill()
            current = self._find(group, self._value)
        if current is not None:
            current.setChecked(True)
        return group

    @staticmethod
    def _find(group: QtGui.QActionGroup, limit: int | None) -> QAction | None:
        for action in group.actions():
            if action.data() == (limit or 0):
                return action
        return None

    def _fill(self) -> QtGui.QActionGroup:
        menu = self.menu()
        assert menu is not None
        if self._group is not None:
            self._group.deleteLater()
        group = self._group = QtGui.QActionGroup(self)
        menu.clear()
        values: list[int] = sorted({*PRESET_LIMITS, *([self._value] if self._value else [])})
        entries = [(0, self.tr("All messages"))]
        entries += [(n, self.tr("Last {count}").format(count=n)) for n in values]
        for data, text in entries:
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setData(data)
            action.triggered.connect(lambda _checked=False, n=data: self._choose(n or None))
            group.addAction(action)
        self._custom = menu.addAction(self.tr("Custom…"))
        self._custom.triggered.connect(self._ask_custom)
        menu.addSeparator()
        self._clear = menu.addAction(self.tr("Clear context") + "\tCtrl+K")
        self._clear.triggered.connect(self.clear_requested)
        return group

    def _show(self) -> None:
        """Say the current value on the button and in its tooltip."""
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
