"""Screenshot of tools in the real window: a finished tool call and an approval card.

    NEBULA_MCP_TIME=<venv python> .venv/bin/python tools/tools_screenshot.py OUT.png

Drives the real ``MainWindow`` on a temporary data folder against a loopback chat server that
scripts the tool calls, with the real ``mcp-server-time`` (tools/setup_mcp_time.sh) as the
server: one question answered through a call the user allowed (its result unfolded), then a
second question whose call waits on the card. Run it under Xvfb (QT_QPA_PLATFORM=xcb) for the
real fonts, or offscreen.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from demo_common import demo_window, model_server, pause, save_shot, wait_until

from nebula_desktop.settings import Profile, Settings
from nebula_desktop.tools.config import McpServerConfig
from tests.gui.test_tools_loop import tool_call_reply
from tests.servers import Reply, sse_reply


def _answer_from_result(request: Any) -> Reply:
    """The model's answer, written from the time the tool returned (as a model would)."""
    told = json.loads(request.json["messages"][-1]["content"])
    clock = told["datetime"][11:16]
    return sse_reply([f"It is **{clock}** on {told['day_of_week']} in Tokyo (UTC+9)."])


def main(out: str) -> None:
    python = os.environ.get("NEBULA_MCP_TIME", "")
    server_path = Path(python).parent / "mcp-server-time"
    if not server_path.exists():
        raise SystemExit("set NEBULA_MCP_TIME (tools/setup_mcp_time.sh prints it)")

    def time_server(settings: Settings, _profile: Profile) -> None:
        settings.mcp_servers = [
            McpServerConfig(
                id="time",
                name="Time",
                command=str(server_path),
                args=["--local-timezone", "UTC"],
                enabled_for_all=True,
            )
        ]

    with (
        model_server("gpt-4o") as chat,
        demo_window(chat.base_url, "gpt-4o", time_server) as window,
    ):
        pause(300)
        chat.queue(
            tool_call_reply(("call_1", "time__get_current_time", {"timezone": "Asia/Tokyo"}))
        )
        chat.queue(_answer_from_result)
        window.composer.set_text("What time is it in Tokyo?")
        window.controller.send(window.composer.text())
        card = window.controller.tools.card
        wait_until(lambda: card.asking, timeout=60.0)
        card.allow_button.click()
        wait_until(lambda: not window.controller.is_busy(), timeout=60.0)
        conv = window.controller.conv
        tool = next(m for m in conv.messages if m.role == "tool")
        window.view.message_delegate.action_triggered.emit("thinking", tool.id, "")  # unfold
        chat.queue(
            tool_call_reply(
                (
                    "call_2",
                    "time__convert_time",
                    {
                        "source_timezone": "Asia/Tokyo",
                        "time": "09:30",
                        "target_timezone": "Europe/Paris",
                    },
                )
            )
        )
        window.composer.set_text("And 9:30 tomorrow morning there is what time in Paris?")
        window.controller.send(window.composer.text())
        wait_until(lambda: card.asking, timeout=60.0)
        pause(300)
        # From the first answer's tool call down: the call, its result unfolded, the answer.
        view = window.view
        view.scrollTo(view.model().index(1, 0), view.ScrollHint.PositionAtTop)
        pause(500)
        save_shot(window, out)
        window.controller.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "screenshot-tools.png")
