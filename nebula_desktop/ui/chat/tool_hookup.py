"""The chat controller's turns through MCP tools, made at its first send.

Most sessions never use tools: the controller builds its ``ToolLoop`` (and with it the tools
session, the approval card's module and the turn records) only when a message is first sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nebula_desktop.ui.chat.tool_loop import ToolLoop


def tool_loop_for(ctl: Any, start: Callable[..., None]) -> ToolLoop:
    """A ``ToolLoop`` for the ``ChatController`` ``ctl``, wired to it and its run; ``start``
    begins a request (the controller's own, called again for each round)."""
    ctx = ctl.ctx
    loop = ToolLoop(
        ctx.tools,
        ctx.settings,
        ctx.save_settings,
        ctl.view,
        ctl.composer,
        lambda: ctl.conv,
        start,
        ctl.save,
        ctl,
    )
    loop.card_host = ctl.tool_card_host  # the window's place for the approval card
    loop.busy_changed.connect(ctl.busy_changed)
    loop.status_message.connect(ctl.status_message)
    ctl.run.finished.connect(loop.answer_finished)
    ctl.run.failed.connect(loop.answer_failed)
    return loop
