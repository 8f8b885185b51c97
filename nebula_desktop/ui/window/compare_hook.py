"""Compare wired into the window: the header's toggle and Ctrl+Shift+M, the send that goes to
every picked model, the panel shown in place of the message view, and the runs it uses.

The compare room (``ui/compare/``) is imported the first time Compare is used, never at start.
It gets what it needs of the chat room from here: a ``ChatRun`` per column (kept in a pool of at
most four, each with its long-lived worker thread), the request parameters of a profile and a
model, and the controller's save.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6 import QtWidgets
from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from nebula_desktop.store import Conversation, Message

if TYPE_CHECKING:
    from nebula_desktop.ui.compare.lane import CompareLane
    from nebula_desktop.ui.compare.panel import ComparePanel
    from nebula_desktop.ui.compare.picks import Pick
    from nebula_desktop.ui.compare.session import CompareSession
    from nebula_desktop.ui.compare.setups import CompareSetups

log = logging.getLogger(__name__)

SHORTCUT = "Ctrl+Shift+M"


class CompareHook(QObject):
    """Owns Compare for one ``MainWindow``: whether it is on, the picked models, the session
    on screen and the runs. ``send`` is what the composer's Send calls."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self._window = window
        self.picks: list[Pick] = []
        self.on = False
        self.session: CompareSession | None = None
        self.panel: ComparePanel | None = None
        self._runs: list[Any] = []  # idle ChatRuns, reused by the next compare
        self._busy_runs: list[Any] = []
        self.picker: Any = None  # the open picker dialog, if any
        window.header.compare_clicked.connect(self.toggle)
        window.composer.stop_requested.connect(self.stop_all)
        self.action = QAction(QCoreApplication.translate("MainWindow", "Co&mpare models…"), window)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.triggered.connect(lambda _checked=False: self.toggle())
        window.addAction(self.action)
        menus = window.menus
        menus.chat.insertAction(menus.actions["composer"], self.action)
        menus.actions["compare"] = self.action
        menus.actions["stop"].triggered.connect(self.stop_all)
        # Saved setups: Chat → Compare setups, and a right click on the toggle. The menu is
        # filled when it opens (the compare room loads then, not at start).
        self.setups: CompareSetups | None = None
        self.setups_menu = QMenu(
            QCoreApplication.translate("MainWindow", "Compare se&tups"), window
        )
        self.setups_menu.aboutToShow.connect(self._on_setups_menu_about_to_show)
        menus.chat.insertMenu(menus.actions["composer"], self.setups_menu)
        toggle = window.header.compare
        toggle.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        toggle.customContextMenuRequested.connect(self._on_toggle_context_menu_requested)

    # -- on and off ----------------------------------------------------------------------------
    def toggle(self) -> None:
        """Compare off, or pick the models and turn it on (the toggle and Ctrl+Shift+M)."""
        if self.on:
            self.set_picks([])
            return
        from nebula_desktop.ui.compare.picker import ComparePicker
        from nebula_desktop.ui.compare.picks import Pick, last_picks

        window = self._window
        settings = window.ctx.settings
        model = window.header.model_name()
        current = Pick(window.header.profile_id(), model) if model else None
        picker = ComparePicker(settings, self.picks or last_picks(settings), current, window)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.finished.connect(lambda result: self._on_picker_finished(picker, result))
        self.set_picks([])  # shows off until the picker is accepted
        self.picker = picker
        picker.open()

    def _on_picker_finished(self, picker: Any, result: int) -> None:
        self.picker = None
        if result == QtWidgets.QDialog.DialogCode.Accepted:
            from nebula_desktop.ui.compare.picks import remember

            picks = picker.picks()
            remember(self._window.ctx.settings, picks)
            self._window.save_settings()
            self.set_picks(picks)

    def set_picks(self, picks: list[Pick]) -> None:
        """Compare the next message across ``picks`` (2–4), or turn Compare off (empty)."""
        self.on = len(picks) >= 2
        self.picks = list(picks) if self.on else self.picks
        names = [p.model for p in self.picks] if self.on else []
        self._window.header.set_compare(self.on, names)
        self.action.setChecked(self.on)
        targets = [(p.profile_id, p.model) for p in self.picks] if self.on else []
        self._window.controller.estimate.set_compared(targets)  # the total of every model

    # -- saved setups ------------------------------------------------------------------------
    def saved_setups(self) -> CompareSetups:
        """The saved setups (the compare room loads on the first call)."""
        if self.setups is None:
            from nebula_desktop.ui.compare.setups import CompareSetups

            window = self._window
            self.setups = CompareSetups(
                window.ctx.settings,
                lambda: list(self.picks) if self.on else [],
                window.save_settings,
                window.notices.show_status,
                window,
            )
            self.setups.chosen.connect(self._on_setups_chosen)
        return self.setups

    def _on_setups_menu_about_to_show(self) -> None:
        self.saved_setups().fill(self.setups_menu)

    def _on_toggle_context_menu_requested(self, pos: QPoint) -> None:
        toggle = self._window.header.compare
        self.setups_menu.popup(toggle.mapToGlobal(pos))

    def _on_setups_chosen(self, picks: list[Pick]) -> None:
        from nebula_desktop.ui.compare.picks import remember

        if self.picker is not None:
            self.picker.reject()
        remember(self._window.ctx.settings, picks)
        self._window.save_settings()
        self.set_picks(picks)

    # -- sending -------------------------------------------------------------------------------
    def send(self, text: str) -> None:
        """The composer's Send: to every picked model when Compare is on, else to the chat."""
        window = self._window
        controller = window.controller
        editing = getattr(controller, "_editing_id", None) is not None  # an edit is one model's
        if not self.on or editing:
            if self.session is not None and not self.session.busy:
                self.close_panel()
            controller.send(text)
            return
        if controller.is_busy() or (self.session is not None and self.session.busy):
            return
        self._compare_send(text)

    def _compare_send(self, text: str) -> None:
        from nebula_desktop.attachments import inline_text_files
        from nebula_desktop.context import request_messages
        from nebula_desktop.ui.compare.session import CompareSession

        window = self._window
        controller, composer = window.controller, window.composer
        attachments = composer.attachments() if hasattr(composer, "attachments") else []
        if not (text.strip() or attachments):
            return
        if controller.conv is None:
            window.new_chat()
        conv: Conversation | None = controller.conv
        if conv is None or conv.read_only:
            return
        texts = [(a["name"], a["text"]) for a in attachments if "text" in a]
        images = [a for a in attachments if "text" not in a]
        text = inline_text_files(text, texts) if texts else text
        controller.header.apply_to(conv)
        controller.titler.first_message(conv, text or " ".join(a["name"] for a in images))
        if hasattr(composer, "clear_attachments"):
            composer.clear_attachments()
        composer.clear()
        conv.draft = ""
        self._end_session()
        runs = self._take_runs(len(self.picks))
        user = Message(role="user", content=text, attachments=images)
        session = CompareSession.start(
            conv,
            user,
            list(self.picks),
            runs,
            request_messages,
            self._params_for,
            controller.save,
            self,
        )
        self.session = session
        session.busy_changed.connect(self._on_session_busy_changed)
        window.view.set_messages(conv.messages)
        self._show_panel(session)
        self._on_session_busy_changed(session.busy)

    def _params_for(
        self, pick: Pick, conv: Conversation, history: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """One column's request: the chat's history and settings, the pick's profile and model
        (no tools: a compare asks the models only)."""
        from nebula_desktop.ui.chat.request import profile_params

        ctx = self._window.ctx
        params = profile_params(ctx.settings, pick.profile_id, ctx.session_keys)
        params.update(
            model=pick.model,
            messages=history,
            temperature=conv.temperature,
            max_tokens=conv.max_tokens,
        )
        return params

    def _take_runs(self, count: int) -> list[Any]:
        from nebula_desktop.ui.chat.run import ChatRun

        while len(self._runs) < count:
            self._runs.append(ChatRun(self))
        taken, self._runs = self._runs[:count], self._runs[count:]
        self._busy_runs = taken
        return taken

    # -- the panel -----------------------------------------------------------------------------
    def _show_panel(self, session: CompareSession) -> None:
        panel = self.panel
        if panel is None:
            from nebula_desktop.ui.compare.panel import ComparePanel

            window = self._window
            panel = ComparePanel(self._make_view, self._profile_name, self._cost, window)
            layout = window.view.parentWidget().layout()
            layout.insertWidget(layout.indexOf(window.view) + 1, panel, 1)
            panel.continue_requested.connect(self._on_panel_continue_requested)
            panel.close_requested.connect(self.close_panel)
            self.panel = panel
        panel.show_session(session)
        self._place(True)

    def _place(self, panel_shown: bool) -> None:
        if self.panel is not None:
            self.panel.setVisible(panel_shown)
        self._window.view.setVisible(not panel_shown)

    def _make_view(self, parent: QWidget) -> Any:
        from nebula_desktop.ui.messages.view import MessageView

        window = self._window
        view = MessageView(parent)
        view.message_delegate.cache.runner = window.runner  # long answers render there
        view.set_dark(window.view.message_delegate.dark)
        view.set_font_point_size(window.view.message_delegate.font_point_size)
        view.set_answer_cost(self._answer_cost)
        view.link_activated.connect(window._on_view_link_activated)
        view.status_message.connect(window.notices.show_status)
        return view

    def _profile_name(self, profile_id: str) -> str:
        return str(self._window.ctx.settings.profile(profile_id).name)

    def _answer_cost(self, message: Message) -> float | None:
        from nebula_desktop.costs import answer_cost

        settings = self._window.ctx.settings
        return answer_cost(message, settings.profile(message.profile_id), message.model)

    def _cost(self, lane: CompareLane) -> str:
        from nebula_desktop.costs import format_cost

        cost = self._answer_cost(lane.answer)
        return format_cost(cost) if cost is not None else ""

    def _on_panel_continue_requested(self, position: int) -> None:
        """Keep column ``position``'s answer: the chosen version, and its model and profile
        for the chat from now on; the other answers stay as versions."""
        from nebula_desktop.ui.compare.picks import choose_version

        session = self.session
        if session is None or not 0 <= position < len(session.lanes):
            return
        session.stop_all()
        conv = session.conv
        pick = session.lanes[position].pick
        choose_version(conv, session.answers, position)
        conv.model, conv.profile_id = pick.model, pick.profile_id
        self._window.controller.save(conv, touch=False)
        self.close_panel()
        window = self._window
        if window.controller.conv is conv:
            window.header.load(conv, pick.profile_id)
            window.models.show(pick.profile_id)

    def close_panel(self) -> None:
        """Back to the chat: stop what still streams; the chat shows every version."""
        session = self.session
        self._end_session()
        self._place(False)
        window = self._window
        conv = window.controller.conv
        if session is not None and conv is session.conv:
            window.view.set_messages(conv.messages)

    def _end_session(self) -> None:
        session, self.session = self.session, None
        if session is None:
            return
        if self.panel is not None:
            self.panel.clear()
        self._runs.extend(session.close())
        self._busy_runs = []
        session.deleteLater()
        self._on_session_busy_changed(False)

    def _on_session_busy_changed(self, busy: bool) -> None:
        window = self._window
        if not window.controller.is_busy():
            window.composer.set_streaming(busy)
            window.menus.actions["stop"].setEnabled(busy)

    # -- the window's events -------------------------------------------------------------------
    def stop_all(self) -> None:
        """Stop every compared answer still streaming (Stop all, Esc, the composer's Stop)."""
        if self.session is not None:
            self.session.stop_all()

    def conversation_shown(self, conv: Conversation | None) -> None:
        """Another chat is on screen: the panel shows only with the chat it compares in."""
        session = self.session
        self._place(session is not None and conv is session.conv)

    def discard(self, conv_id: str) -> None:
        """The chat was deleted: its compare ends without saving anything."""
        session = self.session
        if session is not None and session.conv.id == conv_id:
            session.drop(conv_id)
            self._end_session()
            self._place(False)

    def shutdown(self) -> None:
        """Stop every answer (what arrived is saved) and the runs' threads; before the
        controller's shutdown, which waits for the saves."""
        self._end_session()
        for run in self._runs:
            run.shutdown()
        self._runs = []
