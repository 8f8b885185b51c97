"""Keeping the message the user is reading in place while rows around it change height."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint
from PySide6.QtWidgets import QListView

_Anchor = tuple[QPersistentModelIndex, int]


class ScrollAnchor:
    """Remembers a row's on-screen top before a relayout and scrolls so it stays there.

    Rows refined from their estimates as they scroll into view, or a message above that grows,
    would otherwise push the text being read up or down.
    """

    def __init__(self, view: QListView) -> None:
        self._view = view
        self._once: _Anchor | None = None

    def pin_once(self, index: QModelIndex) -> None:
        """Anchor the next relayout on ``index`` (a row the user just clicked)."""
        self._once = (QPersistentModelIndex(index), self._view.visualRect(index).top())

    def capture(self, following_end: bool) -> _Anchor | None:
        """The row to hold still: the pinned one, else the one at the middle of the viewport.

        None when the view follows the newest message (then the end is what stays put).
        """
        forced, self._once = self._once, None
        view = self._view
        if following_end or view.model() is None or view.model().rowCount() == 0:
            return None
        if forced is not None and forced[0].isValid():
            return forced
        x, middle = view.viewport().width() // 2, view.viewport().height() // 2
        for dy in (0, 16, -16, 48, -48, 96, -96):  # rows may be re-measured mid-layout
            index = view.indexAt(QPoint(x, middle + dy))
            if index.isValid():
                return QPersistentModelIndex(index), view.visualRect(index).top()
        return None

    def restore(self, anchor: _Anchor | None) -> None:
        """Scroll so the anchored row is back where it was."""
        if anchor is None or not anchor[0].isValid():
            return
        view = self._view
        rect = view.visualRect(view.model().index(anchor[0].row(), 0))
        delta = rect.top() - anchor[1]
        if rect.isValid() and delta:
            bar = view.verticalScrollBar()
            bar.setValue(bar.value() + delta)
