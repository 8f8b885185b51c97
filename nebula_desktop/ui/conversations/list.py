"""``ConversationList``: the left panel — New chat, search, the chats, and an Undo bar.

Built on a ``ConversationStore``; all changes (rename, pin, delete, undo) go through it.

Signals (plain data):

* ``conversation_selected(conv_id)`` — the user moved to a chat (click, keys, after a delete the
  neighbour, after Undo the restored chat). ``select(conv_id)`` from code does not emit it.
* ``conversation_renamed(conv_id)`` — the title was saved (inline rename).
* ``conversation_deleted(conv_id)`` — moved to the trash; emitted before the row goes away.
* ``conversation_restored(conv_id)`` — Undo brought it back (then it is selected).
* ``new_requested()`` — the New chat button.
* ``export_requested(ids)`` — the context menu's Export… for the selected chats.

Search filters as you type (debounced) by title and message text via ``store.search``; Down
walks into the results, Esc clears the search. In the list: F2 or double-click renames, Del
deletes (Undo bar for ten seconds, or Ctrl+Z), Ctrl+P pins, the context menu offers all three.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop.store import ConversationStore, StoreError
from nebula_desktop.ui.conversations.model import ConversationListModel, IdRole
from nebula_desktop.ui.conversations.search_box import ChatSearchBox
from nebula_desktop.ui.conversations.undo_bar import UndoBar
from nebula_desktop.ui.conversations.view import ConversationView

log = logging.getLogger(__name__)

UNDO_SECONDS = 10


class ConversationList(QWidget):
    """The conversation list panel; see the module docstring for its signals."""

    conversation_selected = Signal(str)
    conversation_renamed = Signal(str)
    conversation_deleted = Signal(str)
    conversation_restored = Signal(str)
    new_requested = Signal()
    export_requested = Signal(list)  # ids: the context menu's "Export…"

    def __init__(self, store: ConversationStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._quiet = 0  # >0 while rows change under code's control: no selection signal
        # Deleted while the Undo bar is up: each delete (one chat or a selection) as
        # (conv_id, title) pairs, oldest first; Undo brings back the newest.
        self._deleted: list[list[tuple[str, str]]] = []

        self.new_button = QPushButton(self.tr("New chat"))
        self.new_button.setAccessibleName(self.tr("New chat"))
        self.new_button.setToolTip(self.tr("Start a new chat (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_requested)

        self.search_edit = ChatSearchBox()
        self.search_edit.filter_changed.connect(self._apply_filter)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.search_edit.down_pressed.connect(self._on_search_edit_down_pressed)

        self.model = ConversationListModel(self)
        self.model.title_edited.connect(self._on_model_title_edited)
        self.view = ConversationView()
        self.view.setAccessibleName(self.tr("Chats"))
        self.view.setModel(self.model)
        self.view.customContextMenuRequested.connect(self._on_view_context_menu)
        self.view.delete_pressed.connect(self.delete_current)
        self.view.selectionModel().currentChanged.connect(self._on_view_current_changed)

        self.pin_action = QAction(self.tr("Pin"), self)
        self.pin_action.setShortcut(QKeySequence("Ctrl+P"))
        self.pin_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.pin_action.triggered.connect(self.toggle_pin_current)
        self.view.addAction(self.pin_action)
        # Ctrl+Z in the list undoes the last delete while the Undo bar is up.
        self.undo_action = QAction(self.tr("Undo delete"), self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.undo_action.triggered.connect(self.undo_delete)
        self.view.addAction(self.undo_action)

        self.empty_label = self.view.empty_label

        self.undo_bar = UndoBar(UNDO_SECONDS)
        self.undo_label = self.undo_bar.label
        self.undo_button = self.undo_bar.button
        self.undo_bar.undo_clicked.connect(self.undo_delete)
        self.undo_bar.expired.connect(self._on_undo_bar_expired)

        top = QVBoxLayout()
        top.setContentsMargins(8, 8, 8, 6)
        top.setSpacing(6)
        top.addWidget(self.new_button)
        top.addWidget(self.search_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.undo_bar)
        self.setFocusProxy(self.view)

        self.reload()

    # -- public API -------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read every row from the store (keeps the current chat and the search)."""
        current = self.current_id()
        self._quiet += 1
        try:
            # store.list() is in display order already, and so is a search's subset of it.
            self.model.set_summaries(self._rows_for(self.search_edit.text()), sorted_rows=True)
            if current is not None:
                self._set_current(current)
        finally:
            self._quiet -= 1
        self._update_empty_hint()

    def select(self, conv_id: str) -> None:
        """Make ``conv_id`` the current row (no ``conversation_selected``: code asked for it)."""
        self._quiet += 1
        try:
            if self.model.row_of(conv_id) < 0 and self.search_edit.text():
                # It is filtered out: show everything again rather than hide the open chat.
                self.search_edit.clear()
                self._apply_filter()
            if self.model.row_of(conv_id) < 0:
                self.summary_changed(conv_id)  # created since the last reload
            self._set_current(conv_id)
        finally:
            self._quiet -= 1

    def summary_changed(self, conv_id: str) -> None:
        """Re-read one row after a save (title, preview, time, pin), moving it if needed."""
        summary = self._store.summary(conv_id)  # one row from the index, no folder scan
        self._quiet += 1
        try:
            if summary is None:
                self.model.remove(conv_id)
            elif self.model.row_of(conv_id) >= 0 or not self.search_edit.text():
                current = self.current_id()
                self.model.upsert(summary)
                if current is not None:
                    self._set_current(current)
        finally:
            self._quiet -= 1
        self._update_empty_hint()

    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected (Ctrl+F)."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def current_id(self) -> str | None:
        """The id of the current row, or None."""
        index = self.view.currentIndex()
        return str(index.data(IdRole)) if index.isValid() else None

    def rename_current(self) -> None:
        """Open the inline title editor on the current row."""
        index = self.view.currentIndex()
        if index.isValid():
            self.view.setFocus()
            self.view.edit(index)

    def toggle_pin_current(self) -> None:
        """Pin the current chat (or unpin it) and save."""
        conv_id = self.current_id()
        if conv_id is None:
            return
        try:
            conv = self._store.load(conv_id)
            conv.pinned = not conv.pinned
            # Pinning is not an edit of the chat: keep its place in time.
            self._store.save(conv, touch=False)
        except (StoreError, OSError) as exc:
            self._show_error(str(exc))
            return
        self.summary_changed(conv_id)

    def step(self, delta: int) -> None:
        """Open the chat ``delta`` rows below (above, if negative) the current one, as if
        clicked; stops at either end. Without a current chat, the first one."""
        total = self.model.total()
        if total == 0:
            return
        current = self.current_id()
        row = self.model.row_of(current) if current is not None else -1
        target = 0 if row < 0 else min(max(row + delta, 0), total - 1)
        if target == row or not self.model.ensure_shown(target):
            return
        self._open_row(target)  # conversation_selected, as for a click

    def delete_current(self) -> None:
        """Move the selected chats to the trash (the current one if it is all), offer Undo."""
        ids = self.selected_ids()
        if len(ids) > 1:
            self.delete_many(ids)
            return
        conv_id = self.current_id()
        if conv_id is not None:
            self.delete(conv_id)

    def delete(self, conv_id: str) -> None:
        """Move ``conv_id`` to the trash, select its neighbour, show the Undo bar."""
        self.delete_many([conv_id])

    def delete_many(self, ids: list[str]) -> None:
        """Move ``ids`` to the trash; one Undo brings them all back. When the open chat was
        among them the user lands on the neighbour of the first one, as in any list."""
        current = self.current_id()
        rows = [row for row in map(self.model.row_of, ids) if row >= 0]
        landing = min(rows) if rows else -1
        batch: list[tuple[str, str]] = []
        for conv_id in ids:
            summary = self.model.summary_at(self.model.row_of(conv_id))
            try:
                self._store.delete(conv_id)
            except (StoreError, OSError) as exc:
                self._show_error(str(exc))
                break  # the ones before stay deleted (and undoable), the rest stay
            log.info("conversation %s moved to the trash", conv_id)
            self.conversation_deleted.emit(conv_id)
            self._quiet += 1
            try:
                self.model.remove(conv_id)
            finally:
                self._quiet -= 1
            batch.append((conv_id, summary.title if summary is not None else ""))
        if not batch:
            return
        self._deleted.append(batch)
        self.undo_bar.show_deleted(self._deleted_titles())
        self._update_empty_hint()
        if current is not None and current not in {conv_id for conv_id, _ in batch}:
            self._quiet += 1
            try:
                self._set_current(current)  # it stays open and selected
            finally:
                self._quiet -= 1
            return
        if self.model.total() > 0:
            neighbour_row = min(max(landing, 0), self.model.total() - 1)
            self.model.ensure_shown(neighbour_row)
            self._quiet += 1
            try:
                self._open_row(neighbour_row)
            finally:
                self._quiet -= 1
            self.conversation_selected.emit(str(self.model.index(neighbour_row, 0).data(IdRole)))

    def undo_delete(self) -> None:
        """Bring back the chats deleted last (one delete: one chat or a whole selection)."""
        if not self._deleted:
            return
        batch = self._deleted.pop()
        restored: list[str] = []
        for conv_id, _title in batch:
            try:
                self._store.restore(conv_id)
            except (StoreError, OSError) as exc:
                self._deleted.clear()
                self._show_error(str(exc))
                break
            log.info("conversation %s restored", conv_id)
            restored.append(conv_id)
        if not restored:
            return
        if self._deleted:  # the earlier ones can still come back
            self.undo_bar.show_deleted(self._deleted_titles())
        elif len(restored) == len(batch):
            self.undo_bar.dismiss()
        self.reload()
        self.select(restored[0])
        for conv_id in restored:
            self.conversation_restored.emit(conv_id)
        self.conversation_selected.emit(restored[0])

    def _deleted_titles(self) -> list[str]:
        return [title for batch in self._deleted for _id, title in batch]

    # -- internals --------------------------------------------------------------------------

    def _rows_for(self, query: str) -> list[Any]:
        summaries = self._store.list()
        query = query.strip()
        if not query:
            return summaries
        hits = set(self._store.search(query))
        return [s for s in summaries if s.id in hits]

    def _set_current(self, conv_id: str) -> None:
        row = self.model.row_of(conv_id)
        if not self.model.ensure_shown(row):  # it may be far down, past the rows Qt knows
            return
        self._open_row(row)

    def _open_row(self, row: int) -> None:
        """Make ``row`` current and the only selected row, whatever keys are held.

        ``view.setCurrentIndex`` would pick its selection command from the modifiers held at
        that moment: Ctrl (held for Ctrl+PgDown) toggles the row into the selection, Shift
        extends it, and a following Delete would remove the chat left behind too.
        """
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(index)

    def _apply_filter(self) -> None:
        self.search_edit.settle()
        self.reload()

    def _update_empty_hint(self) -> None:
        query = self.search_edit.text().strip()
        if self.model.total() > 0:
            self.view.show_empty_hint("")
        elif query:
            self.view.show_empty_hint(self.tr("No chats match “{query}”").format(query=query))
        else:
            self.view.show_empty_hint(self.tr("No chats yet.\nStart one with New chat (Ctrl+N)."))

    def _show_error(self, message: str) -> None:
        log.warning("conversation list: %s", message)
        self.undo_bar.show_error(message)

    def _on_undo_bar_expired(self) -> None:
        self._deleted.clear()  # they stay in the trash until the store purges them

    def _on_search_edit_return_pressed(self) -> None:
        self._apply_filter()
        if self.model.total() > 0:
            self.view.setFocus()
            self._open_row(0)

    def _on_search_edit_down_pressed(self) -> None:
        # Down from the search box walks into the results.
        if self.model.total() > 0:
            self._apply_filter()
            self.view.setFocus()
            if not self.view.currentIndex().isValid():
                self._open_row(0)

    def _on_view_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        self.conversation_selected.emit(str(current.data(IdRole)))

    def _on_model_title_edited(self, conv_id: str, title: str) -> None:
        try:
            conv = self._store.load(conv_id)
            conv.title = title
            self._store.save(conv, touch=False)
        except (StoreError, OSError) as exc:
            self._show_error(str(exc))
            self.reload()  # put the stored title back
            return
        log.info("conversation %s renamed", conv_id)
        self.conversation_renamed.emit(conv_id)

    def selected_ids(self) -> list[str]:
        """Ids of the selected chats, in list order (the current one if none is selected)."""
        rows = sorted(i.row() for i in self.view.selectionModel().selectedRows())
        ids = [str(self.model.index(r, 0).data(IdRole)) for r in rows]
        current = self.current_id()
        return ids or ([current] if current is not None else [])

    def context_menu(self, index: QModelIndex) -> QMenu:
        """The Rename / Pin or Unpin / Delete menu for the row at ``index`` (made current)."""
        if self.view.selectionModel().isSelected(index):
            # Part of a multi-selection: make it current without dropping the others.
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.NoUpdate
            )
        else:
            self.view.setCurrentIndex(index)
        summary = self.model.summary_at(index.row())
        menu = QMenu(self)
        menu.addAction(self.tr("Rename"), self.rename_current)
        pinned = summary is not None and summary.pinned
        pin_text = self.tr("Unpin") if pinned else self.tr("Pin")
        menu.addAction(pin_text, self.toggle_pin_current)
        menu.addSeparator()
        menu.addAction(self.tr("Delete"), self.delete_current)
        return menu

    def add_export_entry(self, menu: QMenu) -> QAction:
        """Add "Export…" (for the selected chats) to a row's menu, after Pin."""
        action = QAction(self.tr("Export…"), menu)
        action.triggered.connect(lambda: self.export_requested.emit(self.selected_ids()))
        before = next((a for a in menu.actions() if a.isSeparator()), None)
        if before is None:
            menu.addAction(action)
        else:
            menu.insertAction(before, action)
        return action

    def _on_view_context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid():
            menu = self.context_menu(index)
            self.add_export_entry(menu)
            menu.exec(self.view.viewport().mapToGlobal(pos))
            menu.deleteLater()
