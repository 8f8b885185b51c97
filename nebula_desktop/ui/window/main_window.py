"""The main window: conversation list on the left; header, messages and composer on the right.

The window builds each room's top object with the application context, lays out their widgets
and wires their signals; it opens chats and saves its own geometry. The chat flow lives in
``ChatController``, the status line and message boxes in ``Notices``, settings changes in
``ProfileSync``, the File menu's data features in ``DataActions``.
"""

from __future__ import annotations

import logging
from binascii import Error as Base64Error
from binascii import a2b_base64
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter, QVBoxLayout, QWidget

from nebula_desktop import APP_NAME
from nebula_desktop.store.store import INDEX_FLUSH_SECONDS
from nebula_desktop.ui.chat.background_worker import BackgroundWorker
from nebula_desktop.ui.chat.composer import Composer
from nebula_desktop.ui.chat.controller import ChatController
from nebula_desktop.ui.chat.header import ChatHeader
from nebula_desktop.ui.chat.model_catalog import ModelCatalog
from nebula_desktop.ui.chat.plain_http_guard import PlainHttpGuard
from nebula_desktop.ui.chat.titles import default_title
from nebula_desktop.ui.common.app_context import AppContext
from nebula_desktop.ui.common.plain import window_title
from nebula_desktop.ui.common.runner import Runner
from nebula_desktop.ui.common.status import STATUS_SUMMARY_MS, STATUS_WARNING_MS
from nebula_desktop.ui.conversations.list import ConversationList
from nebula_desktop.ui.data.actions import DataActions
from nebula_desktop.ui.data.open_chat import OpenChat
from nebula_desktop.ui.messages.view import MessageView
from nebula_desktop.ui.window.compare_hook import CompareHook
from nebula_desktop.ui.window.dialogs import WindowDialogs
from nebula_desktop.ui.window.menu_handlers import (
    add_data_entries,
    add_prompt_presets_entry,
    install_window_actions,
)
from nebula_desktop.ui.window.menus import confirm_open_link, show_about_box
from nebula_desktop.ui.window.notices import EmptyChatHint, Notices
from nebula_desktop.ui.window.profile_sync import ProfileSync
from nebula_desktop.ui.window.usage import UsageLine

if TYPE_CHECKING:
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The application window. ``load()`` runs after the window is shown (start-up is sacred)."""

    loaded = Signal()
    _key_check_request = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        store = ctx.store
        self._closed = False
        self.setWindowTitle(APP_NAME)
        self.resize(1100, 720)

        self.conv_list = ConversationList(store, self)
        self.conv_list.setAccessibleName(self.tr("Conversations"))
        self.header = ChatHeader(self)
        self.view = MessageView(self)
        self.view.setAccessibleName(self.tr("Messages"))
        self.composer = Composer(self)
        self.empty_hint = EmptyChatHint(self.view)
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.view, 1)
        column.addWidget(self.composer)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.conv_list)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([280, 820])
        self.setCentralWidget(self.splitter)
        # Files dropped anywhere in the window are attached: Qt hands a drop to the nearest
        # widget that accepts drops, which is the window outside the composer (the drag
        # handlers below pass it on).
        self.setAcceptDrops(True)
        self.notices = Notices(self, ctx)

        self.runner = Runner()  # model lists, titles, key checks; waited for on close
        self.view.message_delegate.cache.runner = self.runner  # long answers render there
        background = BackgroundWorker(self.runner, self)
        self.controller = ChatController(
            ctx, self.view, self.composer, self.header, background, self
        )
        # A tool call waiting for approval (or running) shows right above the composer.
        self.controller.tool_card_host = lambda card: column.insertWidget(
            column.indexOf(self.composer), card
        )
        self.plain_http = PlainHttpGuard(
            self,
            ctx,
            self.header.profile_id,
            lambda profile_id: self.models.fetch(profile_id, force=True),  # now with the key
            self.notices.show_status,
        )
        self.menus = install_window_actions(self)
        self.models = ModelCatalog(self.header, background, ctx, self.save_settings, self)
        self.usage = UsageLine(ctx, lambda: self.controller.conv, self)
        self.statusBar().addPermanentWidget(self.usage)
        self.view.set_answer_cost(self.usage.answer_cost)
        self.profiles = ProfileSync(
            ctx, self.header, self.models, self.view, self.usage, self.notices, self
        )
        self._install_data_actions(column)
        self.compare = CompareHook(self)  # the compare room itself loads on first use
        self._key_check_request.connect(background.check_key)
        background.key_checked.connect(self._on_background_key_checked)
        self.conv_list.conversation_selected.connect(self._on_list_conversation_selected)
        self.conv_list.conversation_deleted.connect(self._on_list_conversation_deleted)
        self.conv_list.conversation_renamed.connect(self._on_list_conversation_renamed)
        self.conv_list.new_requested.connect(self.new_chat)
        guarded = self.plain_http.guarded
        self.composer.send_requested.connect(guarded(self.compare.send))
        self.composer.stop_requested.connect(self.controller.stop)
        self.composer.cancel_edit_requested.connect(self.controller.cancel_edit)
        self.header.settings_edited.connect(self.controller.header_edited)
        self.view.retry_requested.connect(guarded(self.controller.retry))
        self.view.continue_requested.connect(guarded(self.controller.continue_answer))
        self.view.regenerate_requested.connect(guarded(self.controller.regenerate))
        self.view.edit_requested.connect(self.controller.edit)
        self.view.link_activated.connect(self._on_view_link_activated)
        self.view.status_message.connect(self.notices.show_status)
        self.controller.status_message.connect(self.notices.show_status)
        self.controller.busy_changed.connect(self.menus.actions["stop"].setEnabled)
        # An answer's usage shows when it ends, not when its save reaches the disk.
        self.controller.busy_changed.connect(self._on_controller_busy_changed)
        self.controller.conversation_saved.connect(self._on_controller_conversation_saved)
        self.controller.conversation_created.connect(self._on_controller_conversation_created)
        self.header.set_profiles(self.ctx.settings.profiles, self.ctx.settings.default_profile_id)
        self.dialogs = WindowDialogs(self, ctx, self.save_settings, self.header)
        self.dialogs.settings_changed.connect(self.profiles.apply_settings)
        self.dialogs.settings_changed.connect(self.controller.estimate.schedule)  # prices, windows
        self.header.prompt_presets = lambda: ctx.settings.prompt_presets
        self.header.manage_presets_requested.connect(self.open_prompt_presets)
        add_prompt_presets_entry(self.menus, self.open_prompt_presets)
        # The store's index (a cache of the list rows) is written while nothing streams.
        self.index_timer = QTimer(self)
        self.index_timer.setInterval(int(INDEX_FLUSH_SECONDS * 1000))
        self.index_timer.timeout.connect(self._flush_index_when_idle)
        self.index_timer.start()
        self.restore_window_state()

    def _install_data_actions(self, column: QVBoxLayout) -> None:
        """Export, import, backup, restore and sync conflicts (File menu + a bar over the chat)."""
        chat = OpenChat(
            current=lambda: self.controller.conv,
            is_busy=self.controller.is_busy,
            store_draft=self.controller.store_draft,
            close=lambda: self.controller.open(None),
            selected_ids=self.conv_list.selected_ids,
        )
        self.data = DataActions(self.ctx, chat, self)
        column.insertWidget(0, self.data.conflicts.bar)
        add_data_entries(self.menus, self.data.actions)
        self.conv_list.export_requested.connect(self.data.export)
        self.data.status_message.connect(self.notices.show_status)
        self.data.error_message.connect(self.notices.show_error)
        self.data.chats_changed.connect(self.conv_list.reload)
        self.data.open_requested.connect(self.open_conversation)
        self.data.select_requested.connect(self.conv_list.select)
        self.data.writing_changed.connect(lambda writing: self.splitter.setEnabled(not writing))

    def _flush_index_when_idle(self) -> None:
        if not self.controller.is_busy():
            self.ctx.store.flush_index()

    # -- start-up ----------------------------------------------------------------------------
    def restore_window_state(self) -> None:
        """Geometry, dock/toolbar state and splitter sizes from the last session."""
        s = self.ctx.settings
        if s.window_geometry:
            self.restoreGeometry(_from_base64(s.window_geometry))
        if s.window_state:
            self.restoreState(_from_base64(s.window_state))
        if len(s.splitter_sizes) == 2 and all(size > 0 for size in s.splitter_sizes):
            self.splitter.setSizes(list(s.splitter_sizes))

    def load(self) -> None:
        """Fill the window after it is shown: the list, the last conversation, then the network."""
        problems = list(getattr(self.ctx.settings_store, "problems", []))
        problems += getattr(self.ctx.store, "problems", [])
        if problems and not self.ctx.offline:
            # Quarantined, newer-version or repaired files: the user must hear about them, once.
            self.notices.show_problems(problems)
        summaries = self.ctx.store.list()
        known = {s.id for s in summaries}
        last = self.ctx.settings.last_conversation_id
        conv = self._load_conversation(last) if last in known else None
        if conv is None and summaries:
            conv = self._load_conversation(summaries[0].id)
        self._show_conversation(conv)
        if conv is not None:
            self.conv_list.select(conv.id)
        self.composer.focus()
        if not self.ctx.offline:
            profile = self.ctx.settings.profile(self.ctx.settings.default_profile_id)
            if profile.needs_key and not self.ctx.session_keys.get(profile.id):
                self._key_check_request.emit(profile.id)
        self.data.after_load()
        self.loaded.emit()

    # -- conversations -----------------------------------------------------------------------
    def _load_conversation(self, conv_id: str) -> Any:
        try:
            return self.ctx.store.load(conv_id)
        except Exception as error:  # LoadError says what happened (quarantined, unreadable)
            log.warning("could not open conversation: %s", error)
            self.notices.show_status(str(error), STATUS_SUMMARY_MS)
            return None

    def _show_conversation(self, conv: Any) -> None:
        self.controller.open(conv)
        self.compare.conversation_shown(conv)
        if conv is None:
            self.profiles.show_defaults()
        self._update_title()
        self.models.show(self.header.profile_id())

    def new_chat(self) -> None:
        """Start a new conversation (reuses the current one when it is still empty)."""
        current = self.controller.conv
        if current is not None and not current.messages:
            self.composer.focus()
            return
        settings = self.ctx.settings
        profile = settings.profile(self.header.profile_id() or settings.default_profile_id)
        conv = self.ctx.store.create(
            title=default_title(),
            model=self.header.model_name() or profile.default_model,
            system_prompt=settings.default_prompt_text() or None,
            profile_id=profile.id,
            temperature=profile.temperature,
            context_limit=settings.default_context_limit,
        )
        self._show_conversation(conv)
        self.conv_list.reload()
        self.conv_list.select(conv.id)
        self.composer.focus()

    def open_conversation(self, conv_id: str) -> None:
        """Show ``conv_id`` as the store has it now and select it in the list."""
        conv = self._load_conversation(conv_id)
        if conv is not None:
            self._show_conversation(conv)
            self.conv_list.select(conv_id)

    def _on_list_conversation_selected(self, conv_id: str) -> None:
        current = self.controller.conv
        if current is not None and current.id == conv_id:
            return
        conv = self._load_conversation(conv_id)
        if conv is not None:
            self._show_conversation(conv)

    def _on_list_conversation_deleted(self, conv_id: str) -> None:
        self.compare.discard(conv_id)
        self.controller.discard(conv_id)
        if self.controller.conv is None:
            # The list selects the neighbour next (conversation_selected); until then, nothing.
            self._show_conversation(None)

    def _on_list_conversation_renamed(self, conv_id: str) -> None:
        self._update_title()

    def _on_controller_busy_changed(self, busy: bool) -> None:
        # The first message names the chat before its save reaches the disk: show that name now.
        self._show_title()
        if not busy:
            self.usage.refresh()

    def _on_controller_conversation_saved(self, conv_id: str) -> None:
        self.conv_list.summary_changed(conv_id)
        self._update_title()

    def _on_controller_conversation_created(self, conv_id: str) -> None:
        self.conv_list.reload()
        self.conv_list.select(conv_id)
        self._update_title()

    def _update_title(self) -> None:
        self._show_title()
        self.usage.refresh()

    def _show_title(self) -> None:
        conv = self.controller.conv
        title = f"{conv.title} — {APP_NAME}" if conv is not None else APP_NAME
        self.setWindowTitle(window_title(title))

    def _on_background_key_checked(self, profile_id: str, has_key: bool, problem: str) -> None:
        if not has_key and not self.ctx.session_keys.get(profile_id) and not self._closed:
            if problem:
                log.info("keyring problem at start-up: %s", problem)
            self.open_settings(first_run=True)

    # -- dialogs and actions -----------------------------------------------------------------
    def open_settings(self, first_run: bool = False) -> None:
        """Open the settings dialog (non-blocking; one at a time)."""
        self.dialogs.open_settings(first_run)

    def open_prompt_presets(self) -> None:
        """Chat → Prompt presets… (also from the System… prompt editor); non-blocking."""
        self.dialogs.open_prompt_presets()

    def set_dark(self, dark: bool) -> None:
        """The OS switched light/dark (app.py passes it to every shown window)."""
        self.view.set_dark(dark)

    def copy_last_answer(self) -> None:
        conv = self.controller.conv
        answers = [m for m in conv.messages if m.role == "assistant" and m.content] if conv else []
        if answers:
            QGuiApplication.clipboard().setText(answers[-1].content)
            self.notices.show_status(self.tr("Copied the last answer."))

    def open_log_folder(self) -> None:
        from nebula_desktop.paths import log_dir

        folder = self.ctx.log_dir or str(log_dir())
        # Imported on use: naming QUrl builds its Python enums (not for the first paint).
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    def show_shortcuts(self) -> None:
        from nebula_desktop.ui.window.shortcuts import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_about(self) -> None:
        show_about_box(self)

    def _on_view_link_activated(self, url: str) -> None:
        confirm_open_link(self, url)

    def activate(self) -> None:
        """Bring the window to the front (a second launch asked for it)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    # -- shutdown ----------------------------------------------------------------------------
    def save_settings(self) -> None:
        """Write the settings file; a failure is said in the status line."""
        try:
            self.ctx.save_settings()
        except Exception as error:
            log.error("saving settings failed: %s", error)
            self.notices.show_status(str(error), STATUS_WARNING_MS)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.composer.dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.composer.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.composer.dropEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._closed = True
            self.compare.shutdown()  # its answers are saved by the controller's saves
            self.controller.shutdown()
            self.runner.shutdown()  # a hanging request is cancelled, the rest waited for
            s = self.ctx.settings
            s.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
            s.window_state = bytes(self.saveState().toBase64().data()).decode()
            s.splitter_sizes = list(self.splitter.sizes())
            s.last_conversation_id = self.controller.conv.id if self.controller.conv else None
            self.save_settings()
        super().closeEvent(event)


def _from_base64(text: str) -> bytes:
    """Saved geometry or state (QByteArray.fromBase64 would build QByteArray's enum types at
    every start); a damaged value restores nothing, as Qt's own decoder would."""
    try:
        return a2b_base64(text)
    except (Base64Error, ValueError):
        return b""
