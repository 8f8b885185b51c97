"""Compare: one question to three models on local servers at once (one slow, one failing
mid-stream on a second profile, one fast), streamed side by side, each answer a version of the
turn in the chat file."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from nebula_desktop.settings import Profile, SettingsStore
from nebula_desktop.store import SCHEMA_VERSION
from tests.gui.helpers import open_chat, send, wait_for
from tests.servers import CHAT_PATH, LoopbackServer, Recorded, Reply, sse_reply

SLOW = [f"slow{i} " for i in range(12)]
FAST = ["Fast ", "answer."]
HALF = ["Half ", "an ", "answer "]


@pytest.fixture
def other_server() -> Iterator[LoopbackServer]:
    """The second profile's server: its model fails mid-stream once, then answers."""
    with LoopbackServer() as srv:
        calls = {"n": 0}

        def reply(_rec: Recorded) -> Reply:
            calls["n"] += 1
            if calls["n"] == 1:
                broken = sse_reply(HALF, finish_reason=None, done=False, delay=0.05)
                broken.abort_after = len(broken.chunks)  # the connection resets mid-answer
                return broken
            return sse_reply(["Second ", "try."], model="flaky-model")

        srv.default[CHAT_PATH] = reply
        yield srv


def _by_model(rec: Recorded) -> Reply:
    model = (rec.json or {}).get("model")
    if model == "slow-model":
        return sse_reply(SLOW, model="slow-model", delay=0.08)
    return sse_reply(FAST, model=str(model))


def _window(make_window: Any, config_dir: Path, server: LoopbackServer, other: Any) -> Any:
    server.default[CHAT_PATH] = _by_model
    store = SettingsStore(config_dir)
    settings = store.load()
    settings.profiles = [p for p in settings.profiles if p.id != "other"] + [
        Profile(id="other", name="Other", base_url=other.base_url, needs_key=False)
    ]
    store.save(settings)
    return make_window()


def _picks() -> list[Any]:
    from nebula_desktop.ui.compare.picks import Pick

    return [
        Pick("ai-nebula", "slow-model"),
        Pick("other", "flaky-model"),
        Pick("ai-nebula", "fast"),
    ]


def _wait_all_ended(qtbot: Any, session: Any, timeout: int = 10000) -> None:
    wait_for(qtbot, session.busy_changed, lambda: not session.busy, timeout)


def _compared(
    qtbot: Any, make_window: Any, config_dir: Path, server: LoopbackServer, other: Any
) -> tuple[Any, Any]:
    """The window and its Compare session once "Pick one" went to the three picks (the second
    profile answering "Other view.") and every column has ended."""
    window = _window(make_window, config_dir, server, other)
    other.default[CHAT_PATH] = lambda _rec: sse_reply(["Other ", "view."])
    window.compare.set_picks(_picks())
    send(qtbot, window, "Pick one")
    session = window.compare.session
    _wait_all_ended(qtbot, session)
    return window, session


def test_three_models_stream_at_once_and_a_failure_stays_in_its_column_with_retry(
    qtbot: Any, make_window: Any, config_dir: Path, server: LoopbackServer, other_server: Any
) -> None:
    window = _window(make_window, config_dir, server, other_server)
    window.compare.set_picks(_picks())
    send(qtbot, window, "Which is best?")
    session = window.compare.session
    slow, flaky, fast = session.lanes
    assert window.compare.panel.isVisible() and not window.view.isVisible()
    assert all(lane.streaming for lane in session.lanes)
    # The fast answer ends while the slow one still streams: the requests run side by side.
    wait_for(qtbot, fast.state_changed, lambda: not fast.streaming)
    assert slow.streaming
    assert fast.answer.content == "Fast answer." and fast.answer.complete
    _wait_all_ended(qtbot, session)
    assert slow.answer.content == "".join(SLOW) and slow.answer.complete
    # The reset stays in its column: what arrived is kept, with the error and Retry.
    assert flaky.answer.error and not flaky.answer.complete
    assert flaky.answer.content == "".join(HALF)
    column = window.compare.panel.columns[1]
    assert column.retry_button.isEnabled() and not column.stop_button.isEnabled()
    assert "failed" in column.stats.text()
    # Every column says its time to first token; the stored usage carries it too.
    assert all("first token" in c.stats.text() for c in window.compare.panel.columns)
    assert all(isinstance(a.usage["ttft_ms"], int) for a in (slow.answer, fast.answer))
    assert "tokens_per_s" in fast.answer.usage or "tokens_per_s" in slow.answer.usage
    # The requests: each model on its own profile's server, the same question, no tools.
    models = sorted(r.json["model"] for r in server.requests if r.path == CHAT_PATH)
    assert models == ["fast", "slow-model"]
    flaky_request = other_server.requests[0].json
    assert flaky_request["model"] == "flaky-model" and "tools" not in flaky_request
    assert flaky_request["messages"][-1] == {"role": "user", "content": "Which is best?"}

    qtbot.mouseClick(column.retry_button, Qt.MouseButton.LeftButton)
    assert flaky.streaming and not slow.streaming
    _wait_all_ended(qtbot, session)
    assert (flaky.answer.content, flaky.answer.error) == ("Second try.", None)
    assert flaky.answer.complete
    # Column 1 is the chosen version of the turn; the others are its versions ‹ 1/3 ›.
    conv = window.controller.conv
    assert conv.messages[-1] is slow.answer and slow.answer.branch_count == 3
    assert [m.profile_id for m in session.answers] == ["ai-nebula", "other", "ai-nebula"]


@pytest.mark.timeout(20)
def test_stop_all_closes_every_connection_within_half_a_second(
    qtbot: Any, make_window: Any, config_dir: Path, server: LoopbackServer, other_server: Any
) -> None:
    def hanging(rec: Recorded) -> Reply:
        reply = sse_reply(["Thinking ", "about it "], finish_reason=None, done=False)
        reply.hang = True
        return reply

    window = _window(make_window, config_dir, server, other_server)
    server.default[CHAT_PATH] = hanging
    other_server.default[CHAT_PATH] = hanging
    window.compare.set_picks(_picks())
    send(qtbot, window, "Go on forever")
    session = window.compare.session
    for lane in session.lanes:
        wait_for(qtbot, lane.text_changed, lambda lane=lane: bool(lane.answer.content))
    requests = [r for r in server.requests + other_server.requests if r.path == CHAT_PATH]
    assert len(requests) == 3 and not any(r.client_closed.is_set() for r in requests)

    started = time.monotonic()
    qtbot.mouseClick(window.compare.panel.stop_all_button, Qt.MouseButton.LeftButton)
    assert not session.busy  # every column ends at once, keeping what arrived
    closed = threading.Event()

    def watch() -> None:
        if all(r.client_closed.wait(2) for r in requests):
            closed.set()

    threading.Thread(target=watch, daemon=True).start()
    qtbot.waitUntil(closed.is_set, timeout=2000)
    assert time.monotonic() - started < 0.5 + 0.1  # the server polls every 50 ms
    for answer in session.answers:
        assert answer.content == "Thinking about it " and answer.finish_reason == "stopped"
    assert not window.composer.is_streaming()


def test_continue_with_this_keeps_the_others_as_versions_and_the_file_reloads(
    qtbot: Any,
    make_window: Any,
    config_dir: Path,
    data_dir: Path,
    server: LoopbackServer,
    other_server: Any,
) -> None:
    window, session = _compared(qtbot, make_window, config_dir, server, other_server)
    conv = window.controller.conv
    answers = session.answers
    column = window.compare.panel.columns[1]
    qtbot.mouseClick(column.use_button, Qt.MouseButton.LeftButton)
    # The chat goes on with that answer, its model and its profile; the panel is gone.
    assert window.compare.session is None
    assert window.view.isVisible() and not window.compare.panel.isVisible()
    assert conv.messages[-1] is answers[1] and answers[1].branch_index == 1
    assert answers[1].branch_count == 3
    assert (conv.model, conv.profile_id) == ("flaky-model", "other")
    assert (window.header.model_name(), window.header.profile_id()) == ("flaky-model", "other")
    shown = window.view.message_model.message_at(window.view.message_model.rowCount() - 1)
    assert shown is answers[1]
    conv_id = conv.id
    window.controller.saves.flush()
    data = json.loads((data_dir / "conversations" / f"{conv_id}.json").read_text("utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION  # compare adds no schema bump

    make_window.close(window)
    again = make_window()
    open_chat(again, conv_id)
    reloaded = again.controller.conv
    head = reloaded.messages[-1]
    assert (head.content, head.profile_id, head.branch_index, head.branch_count) == (
        "Other view.",
        "other",
        1,
        3,
    )
    versions = [tail[0] for tail in head.alternatives]
    assert [v.content for v in versions] == ["".join(SLOW), "Fast answer."]
    assert all(isinstance(m.usage.get("ttft_ms"), int) for m in [head, *versions])
    assert (reloaded.model, reloaded.profile_id) == ("flaky-model", "other")


def test_columns_have_no_dead_version_switcher_and_the_chat_shows_each_answers_speed(
    qtbot: Any, make_window: Any, config_dir: Path, server: LoopbackServer, other_server: Any
) -> None:
    window, session = _compared(qtbot, make_window, config_dir, server, other_server)
    for column in window.compare.panel.columns:
        # Each column shows one version: no "‹ 1/3 ›" that switches nothing.
        lay = column.view.message_delegate.layout(column.lane.answer, 0, 0)
        assert lay.branch_text == "" and not lay.branch_buttons
    slow = session.answers[0]
    qtbot.mouseClick(window.compare.panel.close_button, Qt.MouseButton.LeftButton)
    view = window.view
    row = view.message_model.rowCount() - 1
    assert view.message_model.message_at(row) is slow  # column 1 stays chosen
    lay = view.message_delegate.layout(slow, row, 0)
    assert lay.branch_text == "1/3"  # the chat itself switches versions
    ttft = slow.usage["ttft_ms"] / 1000
    rate = slow.usage["tokens_per_s"]
    assert f"first token {ttft:.2f} s" in lay.usage_text
    assert f"{rate:.0f} tok/s" in lay.usage_text
