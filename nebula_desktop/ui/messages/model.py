"""The list model behind the message view: one row per Message of the open conversation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

if TYPE_CHECKING:
    from nebula_desktop.store import Message

_Index = QModelIndex | QPersistentModelIndex


class MessageModel(QAbstractListModel):
    """Rows are the conversation's own ``Message`` objects (never copies).

    The model keeps its own list of references so that a caller appending to
    ``Conversation.messages`` and then calling :meth:`append_message` does not confuse the row
    bookkeeping that Qt's views rely on.
    """

    MessageRole = Qt.ItemDataRole.UserRole + 1
    IdRole = Qt.ItemDataRole.UserRole + 2
    RoleRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._messages: list[Message] = []
        self._rows: dict[str, int] = {}

    # -- Qt interface --------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Number of messages (a list model has no children)."""
        return 0 if parent.isValid() else len(self._messages)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The message text for display/accessibility, or the Message itself."""
        if not index.isValid() or not 0 <= index.row() < len(self._messages):
            return None
        msg = self._messages[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return msg.content if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            who = self.tr("You") if msg.role == "user" else (msg.model or self.tr("Assistant"))
            text = f"{who}: {msg.content}"
            if msg.alternatives:  # screen readers hear that other versions exist
                text += f" ({msg.branch_index + 1}/{msg.branch_count})"
            return text
        if role == self.MessageRole:
            return msg
        if role == self.IdRole:
            return msg.id
        if role == self.RoleRole:
            return msg.role
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Rows are selectable and "editable" (the editor is the read-only text selector)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def roleNames(self) -> dict[int, QtCore.QByteArray]:
        """Role names (for tooling)."""
        names = dict(super().roleNames())
        names[self.MessageRole] = QtCore.QByteArray(b"message")
        names[self.IdRole] = QtCore.QByteArray(b"messageId")
        names[self.RoleRole] = QtCore.QByteArray(b"role")
        return names

    # -- our interface -------------------------------------------------------------------------

    def set_messages(self, messages: list[Message]) -> None:
        """Show ``messages`` (the same objects; the list itself is not kept)."""
        self.beginResetModel()
        self._messages = list(messages)
        self._rows = {m.id: i for i, m in enumerate(self._messages)}
        self.endResetModel()

    def append_message(self, message: Message) -> None:
        """Add one row at the end."""
        row = len(self._messages)
        self.beginInsertRows(QModelIndex(), row, row)
        self._messages.append(message)
        self._rows[message.id] = row
        self.endInsertRows()

    def messages(self) -> list[Message]:
        """The messages shown, in order (a new list of the same objects)."""
        return list(self._messages)

    def message_at(self, row: int) -> Message | None:
        """The message of ``row``, or None."""
        return self._messages[row] if 0 <= row < len(self._messages) else None

    def row_of(self, message_id: str) -> int:
        """The row of a message id, or -1."""
        row = self._rows.get(message_id, -1)
        # Ids can be reassigned by the caller; verify instead of trusting a stale map.
        if row >= 0 and (row >= len(self._messages) or self._messages[row].id != message_id):
            self._rows = {m.id: i for i, m in enumerate(self._messages)}
            row = self._rows.get(message_id, -1)
        return row

    def last_assistant_row(self) -> int:
        """The row of the last assistant message, or -1 (Regenerate is offered only there)."""
        for row in range(len(self._messages) - 1, -1, -1):
            if self._messages[row].role == "assistant":
                return row
            if self._messages[row].role == "user":
                return -1
        return -1

    def message_changed(self, message_id: str) -> None:
        """Tell views one message changed (content, error, usage…)."""
        row = self.row_of(message_id)
        if row >= 0:
            idx = self.index(row, 0)
            self.dataChanged.emit(idx, idx)
