"""``SaveQueue``: conversation saves whose write and fsync run on the runner's "saves" queue.

The store serialises a conversation on the GUI thread (``prepare_save``: it is not thread-safe);
the bytes are written and fsynced on one writer thread, in the order asked, so a slow disk or a
synced folder never freezes the window. A save asked while an older one of the same chat still
waits its turn replaces it. ``saved`` is only said once the file is on disk; a refused write
reaches ``failed`` with the store's sentence, and the chat stays as it is in memory. Whatever
needs the files on disk (delete, restore, import, quitting) waits through the store
(``wait_for_saves``), so no queued save is lost or lands late.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from nebula_desktop.store.saving import WRITTEN
from nebula_desktop.ui.common.runner import Runner

if TYPE_CHECKING:
    from nebula_desktop.store import Conversation, ConversationStore

QUEUE_NAME = "saves"


class SaveQueue(QObject):
    """Saves conversations of one store off the GUI thread, one at a time, in order."""

    def __init__(
        self, store: ConversationStore, runner: Runner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._runner = runner

    def save(
        self,
        conv: Conversation,
        touch: bool,
        on_saved: Callable[[str], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        """Serialise ``conv`` now and write it on the writer thread.

        ``on_saved(conv_id)`` once it is on disk (not called when a newer save of the same chat
        replaced this one: that one reports), ``on_failed(error)`` when it could not be saved
        (``str(error)`` is a sentence for the status bar). Both run on the GUI thread.
        """
        try:
            prepared = self._store.prepare_save(conv, touch)
        except Exception as error:  # a read-only chat, or one that cannot be serialised
            on_failed(error)
            return

        def done(_written: object) -> None:
            self._store.finish_save(prepared)
            if prepared.state == WRITTEN:
                on_saved(prepared.conv_id)

        def failed(error: BaseException) -> None:
            if prepared.done.is_set():
                self._store.finish_save(prepared)
            on_failed(error)

        if self._runner.stopping.is_set():  # quitting: the queue takes nothing more, write here
            self._store.wait_for_saves([prepared.conv_id])
            if prepared.error is not None:
                failed(prepared.error)
            else:
                done(None)
            return
        self._runner.serial(QUEUE_NAME).run(
            prepared.write, on_done=done, on_failed=failed, owner=self
        )

    def flush(self) -> None:
        """Put every save asked for on disk before returning: no time limit, since quitting
        must not lose one (the store logs every few seconds while a write hangs)."""
        self._store.wait_for_saves()
