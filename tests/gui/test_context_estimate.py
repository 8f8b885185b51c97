"""The composer's estimate of the next request in a real window: tokens and cost while typing,
a warning past the model's context window, and calibration from the first answer's usage."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from nebula_desktop.context import draft_messages, estimate_tokens
from nebula_desktop.settings import SettingsStore
from nebula_desktop.store import Message
from nebula_desktop.tokens import ratio_key
from tests.gui.helpers import saved_chat, send_and_wait, set_profile
from tests.servers import LoopbackServer, Recorded, Reply, sse_reply

QUESTION = "Please explain how a bicycle gear system works, in three short sentences."


def _type(qtbot: Any, window: Any, text: str) -> Any:
    """Type ``text`` in the composer and wait for the estimate line to follow it."""
    with qtbot.waitSignal(window.controller.estimate.updated, timeout=3000):
        window.composer.editor.setPlainText(text)
    return window.composer.current_estimate()


def _uncalibrated(window: Any, draft: str) -> int:
    conv = window.controller.conv
    return estimate_tokens(draft_messages(conv, Message("user", draft)), "test-model")


def test_composer_shows_the_tokens_and_cost_of_the_next_request(
    qtbot: Any, make_window: Any, server: LoopbackServer, config_dir: Path
) -> None:
    # $1,000 per million prompt tokens: a tenth of a cent per token, easy to check.
    set_profile(config_dir, prices={"test-model": {"input": 1000.0, "output": 0.0}})
    window = make_window()
    line = window.composer.estimate
    assert not line.isVisible()  # nothing typed, no chat: nothing to estimate
    window.composer.editor.setPlainText(QUESTION)
    assert line.text() == ""  # not on the key itself: after a pause
    estimate = _type(qtbot, window, QUESTION)
    tokens = estimate_tokens([{"role": "user", "content": QUESTION}], "test-model")
    assert estimate.tokens == tokens
    assert line.isVisible()
    assert line.text() == f"≈ {tokens:,} tokens · ${tokens / 1000:.4f}"
    assert not line.property("warning")

    server.queue(sse_reply(["Gears trade speed for force."], usage={"prompt_tokens": 3}))
    send_and_wait(qtbot, window, QUESTION)
    # The history is part of the next request: the same draft now costs more.
    assert _type(qtbot, window, "And brakes?").tokens == _uncalibrated(window, "And brakes?")
    assert _type(qtbot, window, "And brakes?").tokens > estimate_tokens(
        [{"role": "user", "content": "And brakes?"}]
    )


def test_no_price_no_cost_and_the_limit_shrinks_the_estimate(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    window = make_window()
    for text in ("First question " * 20, "Second question " * 20):
        server.queue(sse_reply(["An answer " * 20], usage={"prompt_tokens": 3}))
        send_and_wait(qtbot, window, text)
    everything = _type(qtbot, window, "Third")
    assert "$" not in window.composer.estimate.text()
    with qtbot.waitSignal(window.controller.estimate.updated, timeout=3000):
        window.controller.clear_context()
    cleared = window.composer.current_estimate()
    assert cleared.tokens == estimate_tokens([{"role": "user", "content": "Third"}], "test-model")
    assert cleared.tokens < everything.tokens / 10


def test_estimate_past_the_context_window_warns(
    qtbot: Any, make_window: Any, config_dir: Path
) -> None:
    set_profile(config_dir, context_windows={"test-model": 100})
    window = make_window()
    small = _type(qtbot, window, "Hello there")
    assert small.window == 100 and not small.too_big
    assert not window.composer.estimate.property("warning")
    big = _type(qtbot, window, "word " * 200)
    assert big.too_big
    line = window.composer.estimate
    assert line.property("warning")
    assert "100-token context window" in line.text()
    assert "larger than the model's context window (100 tokens)" in line.toolTip()


def test_one_answer_with_usage_calibrates_the_next_estimate_and_is_saved(
    qtbot: Any, make_window: Any, server: LoopbackServer, config_dir: Path
) -> None:
    def twice_the_estimate(request: Recorded) -> Reply:
        # A server whose tokenizer spends twice what the offline estimate counts.
        counted = 2 * estimate_tokens(request.json["messages"], "test-model")
        return sse_reply(["Fine."], usage={"prompt_tokens": counted, "completion_tokens": 2})

    window = make_window()
    before = _type(qtbot, window, QUESTION)
    assert not before.calibrated
    server.queue(twice_the_estimate)
    send_and_wait(qtbot, window, QUESTION)
    draft = "Now tell me about derailleurs and chains, please."
    after = _type(qtbot, window, draft)
    plain = _uncalibrated(window, draft)
    assert after.calibrated
    assert 1.8 * plain <= after.tokens <= 2.2 * plain
    assert "Fitted to what this model reported" in window.composer.estimate.toolTip()
    saved = SettingsStore(config_dir).load().token_ratios
    assert saved[ratio_key("ai-nebula", "test-model")] > 1.5


def test_typing_in_a_long_chat_estimates_only_the_draft_again(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    long_text = "A paragraph of an earlier answer, with numbers 1234 and code() calls. " * 30
    conv = saved_chat(window, "Long", *([long_text] * 400))  # ~850,000 characters
    window.open_conversation(conv.id)
    estimate = window.controller.estimate

    def timed(draft: str) -> float:
        window.composer.editor.setPlainText(draft)
        start = time.perf_counter()
        estimate.refresh()
        return time.perf_counter() - start

    whole = timed("First words")
    again = min(timed(f"First words and more {n}") for n in range(3))
    assert again < whole / 5  # the history's estimate is kept while the history is the same
    shown = window.composer.current_estimate().tokens
    assert shown == _uncalibrated(window, "First words and more 2")


def test_new_prices_from_the_settings_dialog_reach_the_estimate_without_a_keystroke(
    qtbot: Any, make_window: Any
) -> None:
    window = make_window()
    _type(qtbot, window, QUESTION)
    assert "$" not in window.composer.estimate.text()  # no price yet
    profile = window.ctx.settings.profile(window.ctx.settings.default_profile_id)
    profile.prices = {"test-model": {"input": 1000.0, "output": 0.0}}
    with qtbot.waitSignal(window.controller.estimate.updated, timeout=3000):
        window.dialogs.settings_changed.emit()  # what the dialog's Save does
    tokens = estimate_tokens([{"role": "user", "content": QUESTION}], "test-model")
    assert window.composer.estimate.text() == f"≈ {tokens:,} tokens · ${tokens / 1000:.4f}"
