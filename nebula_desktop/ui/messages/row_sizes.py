"""The heights of a message view's rows: exact sizes of the rows measured, valid while their
message's signature holds, and cheap estimates for rows never measured (so a long chat lays
out without rendering every message)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize

if TYPE_CHECKING:
    from nebula_desktop.store import Message

Signature = tuple[object, ...]
MEASURED_KEPT = 500  # ids kept in ``measured_ids``: it never grows with a session


def row_signature(
    msg: Message, view_width: int, thinking_open: bool | None, streaming: bool
) -> Signature:
    """What a row's exact size depends on. Theme, font and width changes clear every size;
    what is left is per message."""
    return (
        len(msg.content),
        len(msg.reasoning),
        view_width,
        thinking_open,
        streaming,
        msg.complete,
        msg.error,
        msg.request_id,
        bool(msg.usage),
        msg.reasoning_seconds,
        len(msg.attachments),
        msg.branch_index,
        len(msg.alternatives),
        len(msg.tool_calls),
    )


class RowSizes:
    """Exact and estimated row sizes by message id."""

    def __init__(self) -> None:
        self._exact: dict[str, tuple[Signature, QSize]] = {}
        self._estimates: dict[str, tuple[Signature, QSize]] = {}
        # Ids measured exactly, newest last; tests check that streaming re-measures only the
        # streaming row.
        self.measured_ids: list[str] = []

    def exact(self, message_id: str, signature: Signature) -> QSize | None:
        """The exact size of a row if it was measured with this signature."""
        hit = self._exact.get(message_id)
        if hit is not None and hit[0] == signature:
            return hit[1]
        return None

    def known(
        self,
        msg: Message,
        signature_of: Callable[[Message], Signature],
        estimate_signature: Signature,
    ) -> QSize | None:
        """The exact size of ``msg``'s row if valid, else its estimate if valid, else None (what
        a relayout asks of every row: one call, no estimate made, and the exact signature
        worked out only for rows measured exactly — most rows of a long chat never are)."""
        message_id = msg.id
        hit = self._exact.get(message_id)
        if hit is not None and hit[0] == signature_of(msg):
            return hit[1]
        hit = self._estimates.get(message_id)
        if hit is not None and hit[0] == estimate_signature:
            return hit[1]
        return None

    def remember(self, message_id: str, signature: Signature, size: QSize) -> None:
        """Keep a row's exact size."""
        self._exact[message_id] = (signature, size)

    def note_measured(self, message_id: str) -> None:
        """Record that a row is being measured exactly (bounded)."""
        self.measured_ids.append(message_id)
        del self.measured_ids[:-MEASURED_KEPT]

    def estimate(self, message_id: str, signature: Signature, make: Callable[[], QSize]) -> QSize:
        """A row's estimated size: ``make()`` once per signature (relayouts ask every row again,
        so this stays cheap)."""
        hit = self._estimates.get(message_id)
        if hit is None or hit[0] != signature:
            hit = self._estimates[message_id] = (signature, make())
        return hit[1]

    def forget(self, message_id: str) -> None:
        """Forget one row's exact size (its message changed)."""
        self._exact.pop(message_id, None)

    def retain(self, message_ids: set[str]) -> None:
        """Drop the sizes of rows no longer shown."""
        self._exact = {k: v for k, v in self._exact.items() if k in message_ids}
        self._estimates = {k: v for k, v in self._estimates.items() if k in message_ids}

    def clear(self) -> None:
        """Forget every size (theme, font or conversation changed)."""
        self._exact.clear()
        self._estimates.clear()
