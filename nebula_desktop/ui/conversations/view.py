"""``ConversationView``: the list view of chats inside the conversation list panel.

Rows of one height (painted by ``ConversationDelegate``), several can be selected (for
Export…), F2 or double-click renames inline, Del asks the panel to delete, and a hint is drawn
over the empty list (the panel decides its text) so the panel keeps one background. The model
shows its rows a page at a time (Qt's fetch-more): scrolling or keys past the last shown row
fetch the next page; Select all (Ctrl+A) fetches them all first, so it means every chat.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QFrame, QLabel, QListView, QVBoxLayout, QWidget

from nebula_desktop.ui.common.looks import use_looks_once
from nebula_desktop.ui.common.plain import plain
from nebula_desktop.ui.common.viewport import install_viewport
from nebula_desktop.ui.conversations.delegate import ConversationDelegate


class ConversationView(QListView):
    """The chats; Del emits ``delete_pressed`` (F2 renames: Qt's edit key)."""

    delete_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_viewport(self)  # before the first viewport() (start-up: see the module)
        self.setItemDelegate(ConversationDelegate(self))
        self.setUniformItemSizes(True)  # every row has the same height
        # Ctrl/Shift+click select several chats (for Export…); the current row is the open one.
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        # Drawn over the (empty) list itself, so the panel keeps one background; the viewport's
        # layout keeps it covering the whole viewport, whatever its size (an event filter
        # would make PySide build every QEvent subclass's type at the first event).
        self.empty_label = plain(QLabel(self.viewport()))  # may repeat what was searched
        self.empty_label.setObjectName("emptyHint")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty_label.hide()
        cover = QVBoxLayout(self.viewport())
        cover.setContentsMargins(0, 0, 0, 0)
        cover.addWidget(self.empty_label)

    def show_empty_hint(self, text: str) -> None:
        """Show ``text`` over the list (an empty text hides the hint)."""
        if not text:
            self.empty_label.hide()
            return
        self.empty_label.setText(text)
        use_looks_once(self.empty_label)  # its padding, once it shows (not at every start)
        self.empty_label.show()

    def selectAll(self) -> None:
        model = self.model()
        while model is not None and model.canFetchMore(self.rootIndex()):
            model.fetchMore(self.rootIndex())
        super().selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key() == Qt.Key.Key_Delete
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self.delete_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)
