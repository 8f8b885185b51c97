"""Issue 7 item 6: tokens per answer and per chat from ``usage`` (asked for with
``stream_options.include_usage``), and cost from the profile's price per 1M tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nebula_desktop.settings import SettingsStore
from tests.gui.helpers import send_and_wait, set_profile
from tests.servers import LoopbackServer, sse_reply

USAGE = {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500}
PRICES = {"test-model": {"input": 1.0, "output": 2.0}}  # dollars per million tokens


def usage_line(window: Any, row: int) -> str:
    delegate = window.view.itemDelegate()
    msg = window.controller.conv.messages[row]
    return delegate.layout(msg, row, 0).usage_text


def test_tokens_per_answer_and_per_chat_are_shown_and_usage_is_requested(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    window = make_window()
    server.queue(sse_reply(["one"], usage=USAGE))
    server.queue(sse_reply(["two"], usage={**USAGE, "total_tokens": 1500}))
    send_and_wait(qtbot, window, "Hello")
    chat = next(r for r in server.requests if r.path.endswith("/chat/completions"))
    assert chat.json["stream_options"] == {"include_usage": True}
    assert "1,500 tokens" in usage_line(window, 1)
    assert window.usage.text() == "1,500 tokens this chat"
    send_and_wait(qtbot, window, "Again")
    assert window.usage.text() == "3,000 tokens this chat"
    assert "$" not in usage_line(window, 3)  # no price set: no cost shown


def test_cost_per_answer_and_per_chat_from_profile_prices(
    qtbot: Any, make_window: Any, server: LoopbackServer, config_dir: Path
) -> None:
    # $1 per 1M input and $2 per 1M output: 1000 in + 500 out = $0.0010 + $0.0010.
    set_profile(config_dir, prices=PRICES)
    window = make_window()
    server.queue(sse_reply(["one"], usage=USAGE))
    server.queue(sse_reply(["two"], usage=USAGE))
    send_and_wait(qtbot, window, "Hello")
    assert usage_line(window, 1).endswith("· $0.0020")
    send_and_wait(qtbot, window, "Again")
    assert window.usage.text() == "3,000 tokens this chat · $0.0040"
    window.grab()  # paints every row with its cost, without errors


def test_cost_survives_a_restart(
    qtbot: Any, make_window: Any, server: LoopbackServer, config_dir: Path
) -> None:
    set_profile(config_dir, prices=PRICES)
    window = make_window()
    server.queue(sse_reply(["one"], usage=USAGE))
    send_and_wait(qtbot, window, "Hello")
    make_window.close(window)
    set_profile(config_dir, prices=PRICES)
    window = make_window()
    assert window.controller.conv is not None  # the last chat is open once the window loaded
    assert window.usage.text() == "1,500 tokens this chat · $0.0020"


def test_price_table_in_the_profile_editor_is_saved(qtbot: Any, config_dir: Path) -> None:
    from nebula_desktop.ui.settings.dialog import SettingsDialog

    store = SettingsStore(config_dir)
    dialog = SettingsDialog(store.load(), store, {})
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.editor.price_table
    table.add_row("gpt-4o-mini", 0.15, 0.6)
    table.add_row("broken", 0.0, 0.0)
    table.table.item(1, 1).setText("cheap")
    with qtbot.assertNotEmitted(dialog.settings_changed):
        dialog.save()
    assert "broken" in dialog.save_error.text()
    table.table.item(1, 1).setText("1.5")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    prices = SettingsStore(config_dir).load().profile().prices
    assert prices == {
        "gpt-4o-mini": {"input": 0.15, "output": 0.6},
        "broken": {"input": 1.5, "output": 0.0},
    }
