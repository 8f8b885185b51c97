"""``ConversationListModel``: the rows of the conversation list, over plain summaries.

A ``QAbstractListModel`` over ``list[ConversationSummary]`` kept in display order: pinned first,
then most recently updated first. It never touches the store; the list widget feeds it
(``set_summaries``, ``upsert``, ``remove``) and persists edits it reports
(``title_edited(conv_id, title)`` after an inline rename).

It holds every row but shows Qt only the first ``PAGE`` (Qt's fetch-more pattern): a view lays
out every row its model reports, and 10,000 chats cost a Python ``rowCount`` call per row at
start-up. The view asks for the next page (``canFetchMore``/``fetchMore``) when its last row
comes into sight; code that must hand Qt a row further down calls ``ensure_shown(row)`` first.
The other methods (``row_of``, ``summary_at``, ``summaries``, ``total``, ``upsert``,
``remove``) work on all rows, shown or not.
"""

from __future__ import annotations

import bisect
import time
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from nebula_desktop import timefmt
from nebula_desktop.store import ConversationSummary
from nebula_desktop.store.index import in_display_order
from nebula_desktop.ui.common.i18n import translate
from nebula_desktop.ui.common.plain import plain_tooltip

IdRole = Qt.ItemDataRole.UserRole + 1
SummaryRole = Qt.ItemDataRole.UserRole + 2
PreviewRole = Qt.ItemDataRole.UserRole + 3
UpdatedRole = Qt.ItemDataRole.UserRole + 4
PinnedRole = Qt.ItemDataRole.UserRole + 5

_AnyIndex = QModelIndex | QPersistentModelIndex

PAGE = 200  # rows shown at first and added per fetchMore: a few screens of chats


# Every label timefmt.relative_time shows, translated in the context "ConversationDelegate"
# (the row paints them); listed here so lupdate finds them.
TIME_LABELS = (
    QT_TRANSLATE_NOOP("ConversationDelegate", "now"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "{minutes} min"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "{day} {month}"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Mon"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Tue"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Wed"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Thu"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Fri"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Sat"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Sun"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Jan"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Feb"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Mar"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Apr"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "May"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Jun"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Jul"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Aug"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Sep"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Oct"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Nov"),
    QT_TRANSLATE_NOOP("ConversationDelegate", "Dec"),
)


def relative_time(timestamp: float, now: float | None = None) -> str:
    """When a chat was last updated, as a short label in the interface language
    ("now", "5 min", "14:02", "Mon", "12 Mar", "2024-03-12"; see :mod:`nebula_desktop.timefmt`).
    """
    return timefmt.relative_time(timestamp, now, partial(translate, "ConversationDelegate"))


def sort_key(summary: ConversationSummary) -> tuple[bool, float, str]:
    """Display order: pinned first, newest first; the id makes ties stable."""
    return (not summary.pinned, -summary.updated_at, summary.id)


class ConversationListModel(QAbstractListModel):
    """Conversation summaries in display order, one row each."""

    title_edited = Signal(str, str)  # conv_id, new title (from the inline editor)

    def __init__(self, parent: Any = None, page_size: int = PAGE) -> None:
        super().__init__(parent)
        self._rows: list[ConversationSummary] = []  # all of them, in display order
        self._shown = 0  # Qt knows rows [0, _shown); the rest wait for fetchMore
        self._page = max(1, page_size)

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._shown

    def canFetchMore(self, parent: _AnyIndex) -> bool:
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent: _AnyIndex) -> None:
        if not parent.isValid():
            self._show_up_to(self._shown + self._page)

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        s = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return s.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(s.title)  # titles come from the model
        if role == Qt.ItemDataRole.AccessibleTextRole:
            parts = [s.title, s.preview, relative_time(s.updated_at, time.time())]
            if s.pinned:
                parts.insert(0, self.tr("Pinned"))
            return ", ".join(p for p in parts if p)
        if role == IdRole:
            return s.id
        if role == SummaryRole:
            return s
        if role == PreviewRole:
            return s.preview
        if role == UpdatedRole:
            return s.updated_at
        if role == PinnedRole:
            return s.pinned
        return None

    def flags(self, index: _AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def setData(self, index: _AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        title = " ".join(str(value).split())  # one line, no stray spaces
        row = index.row()
        if not title or not 0 <= row < self._shown or title == self._rows[row].title:
            return False
        self._rows[row] = self._rows[row]._replace(title=title)
        self.dataChanged.emit(index, index)
        self.title_edited.emit(self._rows[row].id, title)
        return True

    # -- feeding ----------------------------------------------------------------------------

    def set_summaries(
        self, summaries: list[ConversationSummary], *, sorted_rows: bool = False
    ) -> None:
        """Replace every row (a reload or a new search result); the first page is shown.

        ``sorted_rows=True`` says ``summaries`` are in display order already (as
        ``ConversationStore.list()`` returns them, and any subset of it): no re-sort.
        """
        self.beginResetModel()
        self._rows = list(summaries) if sorted_rows else in_display_order(summaries)
        self._shown = min(self._page, len(self._rows))
        self.endResetModel()

    def summaries(self) -> list[ConversationSummary]:
        """All rows, shown or not, in display order (a copy)."""
        return list(self._rows)

    def total(self) -> int:
        """How many rows there are, shown or not (``rowCount`` counts the shown ones)."""
        return len(self._rows)

    def ensure_shown(self, row: int) -> bool:
        """Show the pages up to and including ``row``, so it can be handed to Qt.

        False when there is no such row (``row_of`` gave -1, say).
        """
        if not 0 <= row < len(self._rows):
            return False
        if row >= self._shown:
            pages = (row - self._shown) // self._page + 1
            self._show_up_to(self._shown + pages * self._page)
        return True

    def _show_up_to(self, count: int) -> None:
        count = min(count, len(self._rows))
        if count <= self._shown:
            return
        self.beginInsertRows(QModelIndex(), self._shown, count - 1)
        self._shown = count
        self.endInsertRows()

    def summary_at(self, row: int) -> ConversationSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, conv_id: str) -> int:
        """The row of ``conv_id`` (shown or not), or -1."""
        for row, s in enumerate(self._rows):
            if s.id == conv_id:
                return row
        return -1

    def upsert(self, summary: ConversationSummary) -> int:
        """Insert or update one row, moving it to its place in the order; return its row.

        Qt hears only about shown rows: a change within the hidden tail is silent, a row that
        comes from the tail into the shown part is inserted there, one that leaves it removed.
        """
        old_row = self.row_of(summary.id)
        # The other rows are in order: a binary search calls sort_key ~14 times at 10,000
        # rows, where building every key took ~10 ms per saved chat.
        others = self._rows if old_row < 0 else self._rows[:old_row] + self._rows[old_row + 1 :]
        target = bisect.bisect_left(others, sort_key(summary), key=sort_key)
        was_shown = 0 <= old_row < self._shown
        # ``target`` counts the rows without this one: of those, ``shown - was_shown`` are
        # shown. When all rows are shown, the new or moved one is too.
        lands_shown = self._shown == len(self._rows) or target < self._shown - was_shown
        if not was_shown or not lands_shown:
            if old_row >= 0:
                if was_shown:
                    self.beginRemoveRows(QModelIndex(), old_row, old_row)
                self._rows.pop(old_row)
                if was_shown:
                    self._shown -= 1
                    self.endRemoveRows()
            if lands_shown:
                self.beginInsertRows(QModelIndex(), target, target)
            self._rows.insert(target, summary)
            if lands_shown:
                self._shown += 1
                self.endInsertRows()
            self._top_up()
            return target
        if target != old_row:
            # Qt's destination is counted before the move: moving down needs one extra.
            dest = target + 1 if target > old_row else target
            self.beginMoveRows(QModelIndex(), old_row, old_row, QModelIndex(), dest)
            self._rows.pop(old_row)
            self._rows.insert(target, summary)
            self.endMoveRows()
        else:
            self._rows[old_row] = summary
        index = self.index(target, 0)
        self.dataChanged.emit(index, index)
        return target

    def remove(self, conv_id: str) -> bool:
        """Drop the row of ``conv_id`` (shown or not); False when there was none."""
        row = self.row_of(conv_id)
        if row < 0:
            return False
        if row >= self._shown:
            del self._rows[row]  # in the hidden tail: Qt never knew it
            return True
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self._shown -= 1
        self.endRemoveRows()
        self._top_up()
        return True

    def _top_up(self) -> None:
        # Rows that left the shown part must not leave it short (or empty) while more wait.
        if self._shown < self._page:
            self._show_up_to(self._page)
