"""An image a tool returns: kept on its ``tool`` message and shown in the window as a thumbnail
like an answer's images, with its own proportions (the stored width and height are read from
the image's header)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nebula_desktop.settings import SettingsStore
from nebula_desktop.ui.messages.model import MessageModel
from tests.gui.helpers import chat_requests, send, wait_idle
from tests.gui.test_tools_loop import tool_call_reply
from tests.mcp_servers import echo_config
from tests.servers import sse_reply

pytestmark = pytest.mark.timeout(120)


def test_an_image_from_a_tool_shows_as_a_thumbnail_with_its_proportions(
    qtbot: Any, make_window: Any, config_dir: Path, server: Any
) -> None:
    store = SettingsStore(config_dir)
    settings = store.load()
    settings.mcp_servers = [
        echo_config("echo", "pictures", enabled_for_all=True, always_allowed=["picture"])
    ]
    store.save(settings)
    window = make_window()
    server.queue(tool_call_reply(("call_pic", "echo__picture", {})))
    server.queue(sse_reply(["Here it is."]))
    send(qtbot, window, "Draw something")
    wait_idle(qtbot, window)
    assert len(chat_requests(server)) == 2
    conv = window.controller.conv
    result = conv.messages[2]
    assert result.role == "tool"
    [image] = result.attachments
    assert (image["name"], image["mime"]) == ("picture-1.png", "image/png")
    assert (image["width"], image["height"]) == (40, 10)
    view = window.view
    row = view.model().index(2, 0)
    lay = view.message_delegate.layout(row.data(MessageModel.MessageRole), 2, 0)
    [(index, rect)] = lay.thumbs
    assert index == 0
    assert (rect.width(), rect.height()) == (96, 24)  # 40x10 scaled into 96 px, not a square
