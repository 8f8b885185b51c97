"""The main window: conversation list on the left; header, messages and composer on the right.

The window lays out widgets and wires signals. The chat flow lives in ``ChatController``; network
and keyring work runs on the two worker threads; files go through the store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop import APP_NAME
from nebula_desktop.store.store import INDEX_FLUSH_SECONDS
from nebula_desktop.ui.chat.background_worker import BackgroundWorker
from nebula_desktop.ui.chat.composer import Composer
from nebula_desktop.ui.chat.controller import ChatController
from nebula_desktop.ui.chat.header import ChatHeader
from nebula_desktop.ui.chat.model_catalog import ModelCatalog
from nebula_desktop.ui.chat.plain_http_guard import PlainHttpGuard
from nebula_desktop.ui.chat.titles import default_title
from nebula_desktop.ui.chat.worker import WorkerThread
from nebula_desktop.ui.common.app_context import AppContext
from nebula_desktop.ui.conversations.list import ConversationList
from nebula_desktop.ui.data.actions import DataActions
from nebula_desktop.ui.messages.view import MessageView
from nebula_desktop.ui.window.dialogs import WindowDialogs
from nebula_desktop.ui.window.menu_handlers import add_prompt_presets_entry, install_window_actions
from nebula_desktop.ui.window.menus import (
    ShortcutsDialog,
    confirm_open_link,
    show_about_box,
)
from nebula_desktop.ui.window.notices import EmptyChatHint, error_box, problems_box, usage_text

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The application window. ``load()`` runs after the window is shown (start-up is sacred)."""

    loaded = Signal()
    _key_check_request = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        store = ctx.store
        self._error_box: QMessageBox | None = None
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

        self._background = WorkerThread(BackgroundWorker(), "background-worker")
        background: BackgroundWorker = self._background.worker  # type: ignore[assignment]
        self.controller = ChatController(
            ctx, self.view, self.composer, self.header, background, self
        )
        self.plain_http = PlainHttpGuard(
            self,
            ctx,
            self.header.profile_id,
            lambda profile_id: self.models.fetch(profile_id, force=True),  # now with the key
            self.show_status,
        )
        self.actions_by_name = install_window_actions(self)
        self.models = ModelCatalog(self.header, background, ctx, self._save_settings, self)
        self.models.failed.connect(self._on_models_failed)
        # Export, import, backup, restore and sync conflicts (File menu + a bar over the chat).
        self.data = DataActions(self)
        column.insertWidget(0, self.data.conflict_bar)
        self._key_check_request.connect(background.check_key)
        background.key_checked.connect(self._on_background_key_checked)
        self.conv_list.conversation_selected.connect(self._on_list_conversation_selected)
        self.conv_list.conversation_deleted.connect(self._on_list_conversation_deleted)
        self.conv_list.conversation_renamed.connect(self._on_list_conversation_renamed)
        self.conv_list.new_requested.connect(self.new_chat)
        self.composer.send_requested.connect(self._guarded(self.controller.send))
        self.composer.stop_requested.connect(self.controller.stop)
        self.composer.cancel_edit_requested.connect(self.controller.cancel_edit)
        self.header.settings_edited.connect(self.controller.header_edited)
        self.header.profile_changed.connect(self._on_header_profile_changed)
        self.view.retry_requested.connect(self._guarded(self.controller.retry))
        self.view.continue_requested.connect(self._guarded(self.controller.continue_answer))
        self.view.regenerate_requested.connect(self._guarded(self.controller.regenerate))
        self.view.edit_requested.connect(self.controller.edit)
        self.view.link_activated.connect(self._on_view_link_activated)
        self.view.status_message.connect(self.show_status)
        self.controller.status_message.connect(self.show_status)
        self.controller.busy_changed.connect(self.actions_by_name["stop"].setEnabled)
        self.controller.conversation_saved.connect(self._on_controller_conversation_saved)
        self.controller.conversation_created.connect(self._on_controller_conversation_created)
        self.header.set_profiles(self.ctx.settings.profiles, self.ctx.settings.default_profile_id)
        self.dialogs = WindowDialogs(self, ctx, self._save_settings, self.header)
        self.dialogs.settings_changed.connect(self._on_settings_changed)
        self.header.prompt_presets = lambda: ctx.settings.prompt_presets
        self.header.manage_presets_requested.connect(self.open_prompt_presets)
        add_prompt_presets_entry(self, self.actions_by_name, self.open_prompt_presets)
        self.usage_label = QLabel(self)
        self.usage_label.setAccessibleName(self.tr("Usage of this chat"))
        self.statusBar().addPermanentWidget(self.usage_label)
        self.view.itemDelegate().answer_cost = self._answer_cost  # type: ignore[attr-defined]
        # The store's index (a cache of the list rows) is written while nothing streams.
        self._index_timer = QTimer(self)
        self._index_timer.setInterval(int(INDEX_FLUSH_SECONDS * 1000))
        self._index_timer.timeout.connect(self._flush_index_when_idle)
        self._index_timer.start()
        self.restore_window_state()

    def _flush_index_when_idle(self) -> None:
        if not self.controller.is_busy():
            self.ctx.store.flush_index()

    # -- start-up ----------------------------------------------------------------------------
    def restore_window_state(self) -> None:
        """Geometry, dock/toolbar state and splitter sizes from the last session."""
        s = self.ctx.settings
        if s.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(s.window_geometry.encode()))
        if s.window_state:
            self.restoreState(QByteArray.fromBase64(s.window_state.encode()))
        if len(s.splitter_sizes) == 2 and all(size > 0 for size in s.splitter_sizes):
            self.splitter.setSizes(list(s.splitter_sizes))

    def load(self) -> None:
        """Fill the window after it is shown: the list, the last conversation, then the network."""
        problems = list(getattr(self.ctx.settings_store, "problems", []))
        problems += getattr(self.ctx.store, "problems", [])
        if problems and not self.ctx.offline:
            # Quarantined, newer-version or repaired files: the user must hear about them, once.
            self.show_problems(problems)
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
            self.show_status(str(error), 10000)
            return None

    def _show_conversation(self, conv: Any) -> None:
        self.controller.open(conv)
        if conv is None:
            profile = self.ctx.settings.profile(self.ctx.settings.default_profile_id)
            self.header.set_profiles(self.ctx.settings.profiles, profile.id)
            self.header.model.setEditText(profile.default_model)
            # The chat created on the first Send takes the default prompt preset.
            self.header.set_system_prompt(self.ctx.settings.default_prompt_text())
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
        self.controller.discard(conv_id)
        if self.controller.conv is None:
            # The list selects the neighbour next (conversation_selected); until then, nothing.
            self._show_conversation(None)

    def _on_list_conversation_renamed(self, conv_id: str) -> None:
        self._update_title()

    def _on_controller_conversation_saved(self, conv_id: str) -> None:
        self.conv_list.summary_changed(conv_id)
        self._update_title()

    def _on_controller_conversation_created(self, conv_id: str) -> None:
        self.conv_list.reload()
        self.conv_list.select(conv_id)
        self._update_title()

    def _update_title(self) -> None:
        conv = self.controller.conv
        self.setWindowTitle(f"{conv.title} — {APP_NAME}" if conv is not None else APP_NAME)
        self._update_usage()

    def _update_usage(self) -> None:
        """ "1,234 tokens this chat · $0.0123" in the status bar (empty before any usage)."""
        self.usage_label.setText(usage_text(self.controller.conv, self.ctx.settings))

    def _answer_cost(self, message: Any) -> float | None:
        """What one answer cost with the open chat's profile prices (None: no price set)."""
        conv = self.controller.conv
        profile_id = conv.profile_id if conv is not None else None
        profile = self.ctx.settings.profile(profile_id or self.ctx.settings.default_profile_id)
        from nebula_desktop.presets import answer_cost

        return answer_cost(message, profile, conv.model if conv is not None else None)

    def _on_models_failed(self, text: str) -> None:
        settings = self.ctx.settings
        profile = settings.profile(self.header.profile_id() or settings.default_profile_id)
        if profile.sends_key_in_clear() and profile.id not in settings.plain_http_allowed:
            # The list was asked for without the key on purpose: say why, not "unauthorized".
            text = self.tr(
                "The model list could not be loaded without your API key: this profile uses "
                "plain http://, so the key is only sent once you allow it (on your first message)."
            )
        self.show_status(text, 8000)

    # -- plain-http guard --------------------------------------------------------------------
    def _guarded(self, action: Callable[..., None]) -> Callable[..., None]:
        """``action`` run only after the plain-http question (when the profile needs it)."""
        return self.plain_http.guarded(action)

    def confirm_plain_http(self, proceed: Callable[[], None]) -> None:
        """Ask once per profile per session before a key goes unencrypted to another computer."""
        self.plain_http.confirm(proceed)

    @property
    def _plain_http_box(self) -> QMessageBox | None:
        return self.plain_http.box

    # -- models and keys ---------------------------------------------------------------------
    def _on_header_profile_changed(self, profile_id: str) -> None:
        self.models.show(profile_id)
        if not self.header.model_name():
            self.header.model.setEditText(self.ctx.settings.profile(profile_id).default_model)

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

    @property
    def _settings_dialog(self) -> Any:
        return self.dialogs.settings_dialog

    @property
    def _presets_dialog(self) -> Any:
        return self.dialogs.presets_dialog

    def _on_settings_changed(self) -> None:
        from nebula_desktop.ui.common.theme import apply_font_size, apply_theme

        app = QApplication.instance()
        if isinstance(app, QApplication):
            # No callback of ours: the theme outlives this window, and app.py already passes
            # every shown window the OS's later light/dark switches.
            self.set_dark(apply_theme(app, self.ctx.settings.theme))
            apply_font_size(app, self.ctx.settings.font_size)
        self.view.set_font_point_size(
            self.ctx.settings.font_size or QApplication.font().pointSize()
        )
        self.models.forget()
        current = self.header.profile_id()
        self.header.set_profiles(self.ctx.settings.profiles, current)
        if not self.header.model_name():  # e.g. the first run just chose the default model
            profile = self.ctx.settings.profile(self.header.profile_id())
            self.header.model.setEditText(profile.default_model)
        self.models.show(self.header.profile_id())
        self._update_usage()  # prices may have changed
        self.view.viewport().update()

    def set_dark(self, dark: bool) -> None:
        self.view.set_dark(dark)

    def copy_last_answer(self) -> None:
        conv = self.controller.conv
        answers = [m for m in conv.messages if m.role == "assistant" and m.content] if conv else []
        if answers:
            QGuiApplication.clipboard().setText(answers[-1].content)
            self.show_status(self.tr("Copied the last answer."))

    def open_log_folder(self) -> None:
        from nebula_desktop.paths import log_dir

        folder = self.ctx.log_dir or str(log_dir())
        QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_about(self) -> None:
        show_about_box(self)

    def _on_view_link_activated(self, url: str) -> None:
        confirm_open_link(self, url)

    def _quit(self) -> None:
        self.close()

    def show_status(self, text: str, timeout_ms: int = 4000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def show_error(self, text: str) -> None:
        """Show a problem without blocking the window (one box; later ones are added to it)."""
        box = self._error_box
        if box is not None and box.isVisible():
            box.setText(f"{box.text()}\n\n{text}"[-4000:])
            return
        box = error_box(self, text)
        box.destroyed.connect(self._on_error_box_destroyed)
        self._error_box = box
        box.show()

    def show_problems(self, problems: list[str]) -> None:
        """List what went wrong while loading data (non-blocking), with "Open data folder"."""
        settings_path = getattr(self.ctx.settings_store, "path", None)
        # A broken settings file is kept beside settings.json, in the settings folder.
        settings_broken = settings_path is not None and getattr(
            self.ctx.settings_store, "problems", None
        )
        box = problems_box(
            self,
            problems,
            getattr(self.ctx.store, "root", None),
            settings_path.parent if settings_broken else None,
        )
        self.problems_box = box
        box.show()

    def _on_error_box_destroyed(self) -> None:
        self._error_box = None

    def activate(self) -> None:
        """Bring the window to the front (a second launch asked for it)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    # -- shutdown ----------------------------------------------------------------------------
    def _save_settings(self) -> None:
        try:
            self.ctx.settings_store.save(self.ctx.settings)
        except Exception as error:
            log.error("saving settings failed: %s", error)
            self.show_status(str(error), 8000)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._closed = True
            self.controller.shutdown()
            self._background.worker.shutting_down.set()  # type: ignore[attr-defined]
            self._background.stop()
            s = self.ctx.settings
            s.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
            s.window_state = bytes(self.saveState().toBase64().data()).decode()
            s.splitter_sizes = list(self.splitter.sizes())
            s.last_conversation_id = self.controller.conv.id if self.controller.conv else None
            self._save_settings()
        super().closeEvent(event)
