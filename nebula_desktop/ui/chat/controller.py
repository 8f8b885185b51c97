"""The chat flow: send, stop, retry, continue, regenerate, edit, switch versions, clear context,
saving — what the user asks for, checked and answered on the status bar.

The window only lays out widgets and wires signals. The controller owns the run of the streaming
request (``ChatRun``); it edits the store's ``Conversation`` objects (the same objects the
message view shows) and saves them through the store. Its helpers: ``Drafts`` (unsent input),
``ContextDivider``, ``turns`` (how asking again changes a conversation), ``Titler``,
``PromptCalibration``, ``ToolLoop``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from nebula_desktop.attachments import inline_text_files, is_document
from nebula_desktop.context import request_messages
from nebula_desktop.store import Conversation, Message
from nebula_desktop.ui.chat.background_worker import BackgroundWorker
from nebula_desktop.ui.chat.calibration import PromptCalibration
from nebula_desktop.ui.chat.divider import ContextDivider
from nebula_desktop.ui.chat.drafts import Drafts
from nebula_desktop.ui.chat.estimate import RequestEstimate
from nebula_desktop.ui.chat.remote_images import MAX_AUTO_ANSWERS, RemoteImages
from nebula_desktop.ui.chat.request import chat_params
from nebula_desktop.ui.chat.run import STOPPED, ChatRun
from nebula_desktop.ui.chat.titles import Titler, default_title
from nebula_desktop.ui.chat.turns import (
    CONTINUE_PROMPT,
    index_of,
    last_of,
    new_version,
    redo_answer,
)
from nebula_desktop.ui.chat.worker import ChatWorker
from nebula_desktop.ui.common.app_context import AppContext
from nebula_desktop.ui.common.saves import SaveQueue

if TYPE_CHECKING:
    from nebula_desktop.ui.chat.tool_loop import ToolLoop

log = logging.getLogger(__name__)

__all__ = ["CONTINUE_PROMPT", "STOPPED", "ChatController"]


class ChatController(QObject):
    """Drives one conversation at a time in the view, composer and header."""

    busy_changed = Signal(bool)
    status_message = Signal(str)
    conversation_saved = Signal(str)  # id: the list re-reads that row
    conversation_created = Signal(str)  # id: the list reloads and selects it

    def __init__(
        self,
        ctx: AppContext,
        view: Any,
        composer: Any,
        header: Any,
        background: BackgroundWorker,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.store = ctx.store
        self.view = view
        self.composer = composer
        self.header = header
        self.conv: Conversation | None = None
        # Written and fsynced on the runner's "saves" thread: a slow disk never freezes the window.
        self.saves = SaveQueue(ctx.store, background.runner, self)
        # Unsent input: drafts, top-bar edits, waiting attachments, the message being edited.
        self.drafts = Drafts(composer, header, lambda conv: self.save(conv, touch=False), self)
        self._run = ChatRun(self)  # the streaming request, on the worker thread
        self.worker: ChatWorker = self._run.worker
        self._run.started.connect(self._on_run_started)
        if hasattr(view, "message_changed"):
            self._run.changed.connect(view.message_changed)
        self._run.ended.connect(self._on_run_ended)
        self._run.save_due.connect(self.save)
        self._run.busy_changed.connect(self.busy_changed)
        self.titler = Titler(
            ctx.store,
            background,
            lambda conv: self.save(conv, touch=False),
            self.request_params,
            lambda: bool(getattr(self.ctx.settings, "auto_title", True)),
            self,
        )
        self._run.finished.connect(self.titler.answer_finished)
        # Flipping versions ("‹ 2/3 ›") needs no window involvement: the view asks us directly.
        if hasattr(view, "branch_requested"):
            view.branch_requested.connect(self.switch_branch)
        if hasattr(view, "remove_divider_requested"):
            view.remove_divider_requested.connect(self.remove_divider)
        # "Load image" in an answer: that one image, on the runner, never by itself.
        self.remote_images = RemoteImages(
            ctx,
            background.runner,
            lambda: self.conv,
            self._on_remote_image_loaded,
            self.status_message.emit,
            view if hasattr(view, "window") else None,
            self,
        )
        if hasattr(view, "load_image_requested"):
            view.load_image_requested.connect(self.remote_images.load)
        # Images from hosts allowed in Settings → General load without the click.
        self._run.finished.connect(lambda conv, msg: self.remote_images.auto_load(conv, [msg]))
        if hasattr(header, "clear_context_requested"):
            header.clear_context_requested.connect(self.clear_context)
        self.divider = ContextDivider(
            lambda: self.conv, self._divider_changed, getattr(composer, "context_bar", None), self
        )
        self.estimate = RequestEstimate(ctx, composer, header, lambda: self.conv, self)
        # What the streaming request sent, to calibrate the estimate with the usage it reports.
        self.calibration = PromptCalibration(ctx, self.estimate.schedule, self.status_message.emit)
        self._run.finished.connect(self.calibration.answer_finished)
        # Turns through MCP tools (the approval card, the calls, the next rounds): a ToolLoop
        # made at the first send; ``tool_card_host`` places its card in the window.
        self._tools: ToolLoop | None = None
        self.tool_card_host: Any = None

    @property
    def tools(self) -> ToolLoop:
        """The turns through MCP tools (made at the first send: see tool_hookup.py)."""
        if self._tools is None:
            from nebula_desktop.ui.chat.tool_hookup import tool_loop_for

            self._tools = tool_loop_for(self, self._start)
        return self._tools

    @property
    def run(self) -> ChatRun:
        """The run of the streaming request: connect to its signals (``started``, ``changed``,
        ``ended``, ``finished``, ``failed``, ``save_due``) to follow an answer; do not drive it."""
        return self._run

    def _on_remote_image_loaded(self, conv: Conversation, message: Message) -> None:
        if conv is self.conv:
            self.view.refresh_message(message.id)
        self.save(conv)

    # -- showing -----------------------------------------------------------------------------
    def is_busy(self) -> bool:
        """Whether an answer is streaming (or a turn through tools is under way)."""
        return self._run.active is not None or (self._tools is not None and self._tools.busy)

    def open(self, conv: Conversation | None) -> None:
        """Show ``conv`` (or nothing); keeps the previous one's draft and any running stream."""
        if conv is self.conv and conv is not None:
            return
        self.drafts.save_header_edits()
        self.store_draft()
        self._run.sync()  # the view shows every character that arrived, in this chat or not
        self.cancel_edit()
        self.drafts.swap_attachments(self.conv, conv)
        self.divider.forget()
        self.conv = conv
        self.estimate.schedule()
        if conv is None:
            self.header.set_context_limit(self.ctx.settings.default_context_limit)
            self.view.set_messages([])
            self.view.set_streaming(None)
            self.composer.clear()
            self.composer.set_read_only(False)
            return
        active = self._run.active
        self.view.set_messages(conv.messages)
        streaming = active.message.id if active is not None and active.conv is conv else None
        self.view.set_streaming(streaming)
        self.view.scroll_to_bottom()
        answers = [m for m in conv.messages if m.role == "assistant"]
        self.remote_images.auto_load(conv, answers[-MAX_AUTO_ANSWERS:])
        settings = self.ctx.settings
        self.header.load(conv, settings.profile(conv.profile_id or settings.default_profile_id).id)
        self.composer.set_text(conv.draft or "")
        self.composer.set_read_only(
            bool(conv.read_only),
            self.tr("This chat was saved by a newer version of Nebula Desktop; it is read-only."),
        )

    def store_draft(self) -> None:
        """Keep the composer text as the current conversation's draft (saved if it changed)."""
        self.drafts.store(self.conv)

    def header_edited(self) -> None:
        """The top bar changed: store the values with the conversation (saved shortly after,
        so typing a model name does not write the file on every key)."""
        self.drafts.header_edited(self.conv)
        self.estimate.schedule()

    # -- user actions ------------------------------------------------------------------------
    def send(self, text: str) -> None:
        """Send ``text`` (and the composer's attachments) as a new user message; when editing,
        the edited message becomes a new version next to the old one (kept, with its answers)."""
        attachments = self.composer.attachments() if hasattr(self.composer, "attachments") else []
        # Text files are inlined into the message; images and documents stay attachments (a
        # document's text goes into the request only, see context.request_messages).
        texts = [(a["name"], a["text"]) for a in attachments if "text" in a and not is_document(a)]
        images = [a for a in attachments if "text" not in a or is_document(a)]
        if self.is_busy() or not (text.strip() or attachments):
            return
        model = self.header.model_name()
        if not model:
            self.status_message.emit(self.tr("Choose or type a model name first."))
            self.header.model.setFocus()
            return
        conv = self.conv
        if conv is None:
            conv = self._create_conversation()
        if conv.read_only:
            return
        text = inline_text_files(text, texts) if texts else text
        user = Message(role="user", content=text, attachments=images)
        answer = Message(role="assistant", content="", model=model, complete=False)
        editing = self.drafts.editing_id
        branch_at = index_of(conv, editing) if editing is not None else None
        if hasattr(self.composer, "clear_attachments"):
            self.composer.clear_attachments()  # sent; leaving edit mode restores any set aside
        self.cancel_edit()
        self.header.apply_to(conv)
        # An image sent alone names the chat after its file.
        self.titler.first_message(conv, text or " ".join(a["name"] for a in images))
        if branch_at is not None:
            conv.add_branch(branch_at, [user, answer])
            self.view.set_messages(conv.messages)
        else:
            conv.messages.append(user)
            self.view.append_message(user)
            conv.messages.append(answer)
            self.view.append_message(answer)
        self.composer.clear()
        conv.draft = ""
        self.divider.forget()
        self._start(conv, answer, request_messages(conv))

    def stop(self) -> None:
        """Stop the streaming answer (and the turn through tools) now; what arrived is kept,
        marked stopped."""
        if self._run.stop() | (self._tools is not None and self._tools.stop()):
            self.status_message.emit(self.tr("Stopped."))

    def retry(self, message_id: str) -> None:
        """Ask again for an answer, replacing ``message_id`` (and dropping what follows it)."""
        self._restart(message_id, keep=False)

    def continue_answer(self, message_id: str) -> None:
        """Ask the model to carry on; the continuation is appended to the same answer."""
        self._restart(message_id, keep=True)

    def regenerate(self, message_id: str | None = None) -> None:
        """Ask for a fresh answer (by default to the last question) as a new version; the
        earlier answers stay reachable through "‹ n/m ›" on the message."""
        if message_id is None:
            last = last_of(self.conv, "assistant")
            if last is None:
                self.status_message.emit(self.tr("There is no answer to regenerate yet."))
                return
            message_id = last.id
        conv = self.conv
        index = self._index_of(message_id)
        if self.is_busy() or conv is None or conv.read_only or index is None:
            return
        if conv.messages[index].role != "assistant":
            return
        if not conv.messages[index].content.strip():
            # A failed answer with no text is not worth keeping as a version: retry it.
            self._restart(message_id, keep=False)
            return
        self.header.apply_to(conv)
        answer, history = new_version(conv, index, self.header.model_name())
        self.view.set_messages(conv.messages)
        self._start(conv, answer, history)

    def switch_branch(self, message_id: str, position: int) -> None:
        """Follow version ``position`` (0-based) of the fork at ``message_id``; the rest of
        the conversation follows it and the choice is saved."""
        conv = self.conv
        index = self._index_of(message_id)
        if conv is None or index is None:
            return
        if self._run.active is not None and self._run.active.conv is conv:
            self.status_message.emit(self.tr("Stop the answer before switching versions."))
            return
        if conv.read_only or not conv.switch_branch(index, position):
            return
        self.view.set_messages(conv.messages)
        self.view.focus_message(conv.messages[index].id)
        self.save(conv, touch=False)

    def continue_last(self) -> None:
        """Keyboard path to Continue: carry on the last answer."""
        last = last_of(self.conv, "assistant")
        if last is not None:
            self.continue_answer(last.id)

    def edit_last(self) -> None:
        """Keyboard path to Edit: put the last user message back in the composer."""
        last = last_of(self.conv, "user")
        if last is not None:
            self.edit(last.id)

    def edit(self, message_id: str) -> None:
        """Put a user message back in the composer; sending adds the edit as a new version."""
        if self.is_busy():
            self.status_message.emit(self.tr("Stop the answer before editing."))
            return
        index = self._index_of(message_id)
        if index is None or self.conv is None or self.conv.messages[index].role != "user":
            return
        self.store_draft()
        self.drafts.begin_edit(self.conv, self.conv.messages[index])

    def cancel_edit(self) -> None:
        """Leave edit mode and bring back the draft."""
        self.drafts.end_edit(self.conv)

    def discard(self, conv_id: str) -> None:
        """The conversation was deleted: stop its stream and forget it without saving."""
        shown = self.conv is not None and self.conv.id == conv_id
        self.drafts.drop(conv_id, shown)
        self._run.drop(conv_id)
        if self._tools is not None:
            self._tools.drop(conv_id)
        if shown:
            self.conv = None

    def shutdown(self) -> None:
        """Stop streaming, save, and stop the worker thread (called once, on close)."""
        self.drafts.save_header_edits()
        self.store_draft()
        self.stop()
        self._run.shutdown()
        if self._tools is not None:
            self._tools.shutdown()  # closes every tools server
        self.saves.flush()  # quitting waits for every save asked for, however slow the disk

    # -- the run's signals ---------------------------------------------------------------------
    def _on_run_started(self, conv: Conversation, message_id: str) -> None:
        if conv is self.conv:
            self.view.set_streaming(message_id)
            self.view.scroll_to_bottom()
        self.composer.set_streaming(True)

    def _on_run_ended(self, conv: Conversation, message_id: str) -> None:
        if conv is self.conv:
            self.view.set_streaming(None)
            self.view.refresh_message(message_id)
        self.composer.set_streaming(False)
        self.estimate.schedule()

    # -- the context divider -------------------------------------------------------------------
    def clear_context(self) -> None:
        """Put the "Clear context" divider below the last message: nothing up to it is sent
        from the next request on (the messages stay in the chat). Undo takes it away."""
        conv = self.conv
        if conv is None or conv.read_only:
            return
        if not conv.messages:
            self.status_message.emit(self.tr("There is nothing to clear yet."))
            return
        if conv.messages[-1].context_break:
            self.status_message.emit(self.tr("The context is already cleared."))
            return
        self.divider.put_down(conv)

    def undo_clear_context(self) -> None:
        """Take away the divider the last "Clear context" put down."""
        self.divider.undo()

    def remove_divider(self, message_id: str) -> None:
        """Take the divider away from below ``message_id``: the messages above it are sent
        again (within the chat's limit)."""
        self.divider.remove(message_id)

    def _divider_changed(self, conv: Conversation, message_id: str) -> None:
        self.view.refresh_message(message_id)
        self.save(conv, touch=False)
        self.estimate.schedule()

    # -- internals ---------------------------------------------------------------------------
    def _create_conversation(self) -> Conversation:
        settings = self.ctx.settings
        profile = settings.profile(self.header.profile_id() or settings.default_profile_id)
        conv: Conversation = self.store.create(
            title=default_title(),
            model=self.header.model_name(),
            profile_id=profile.id,
            temperature=profile.temperature,
            context_limit=settings.default_context_limit,
        )
        self.conv = conv
        self.view.set_messages(conv.messages)
        self.conversation_created.emit(conv.id)
        return conv

    def _index_of(self, message_id: str) -> int | None:
        return index_of(self.conv, message_id)

    def _restart(self, message_id: str, keep: bool) -> None:
        if self.is_busy() or self.conv is None or self.conv.read_only:
            return
        conv = self.conv
        index = self._index_of(message_id)
        if index is None or conv.messages[index].role != "assistant":
            return
        self.header.apply_to(conv)
        redo = redo_answer(conv, index, keep, self.header.model_name())
        if redo.branched:
            self.view.set_messages(conv.messages)
        self.view.refresh_message(redo.message.id)
        self._start(conv, redo.message, redo.history, redo.base_content, redo.base_reasoning)

    def _start(
        self,
        conv: Conversation,
        answer: Message,
        messages: list[dict[str, Any]],
        base_content: str = "",
        base_reasoning: str = "",
    ) -> None:
        params = self.request_params(conv, messages)
        self.calibration.sent(answer.id, params, messages)
        self.tools.begin(
            conv,
            answer,
            params,
            lambda sent: self._run.start(conv, answer, sent, base_content, base_reasoning),
        )

    def request_params(self, conv: Conversation, messages: list[dict[str, str]]) -> dict[str, Any]:
        """Everything the worker needs for one request, as plain data."""
        return chat_params(self.ctx.settings, conv, messages, self.ctx.session_keys)

    def save(self, conv: Conversation, touch: bool = True) -> None:
        """Save ``conv``: serialised now, written and fsynced on the writer thread.

        ``conversation_saved`` follows once it is on disk; a failure is reported on the status
        bar and the data stays in memory.
        """
        self.saves.save(conv, touch, self.conversation_saved.emit, self._on_save_failed)

    def _on_save_failed(self, error: BaseException) -> None:
        # Disk full, read-only file: say so, keep the data in memory.
        log.error("saving conversation failed: %s", error)
        self.status_message.emit(str(error))
