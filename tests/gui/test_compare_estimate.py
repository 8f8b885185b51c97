"""While Compare is on, the composer's estimate is the total of the next send: one request per
compared model, each estimated with its own calibration and priced with its own profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nebula_desktop.settings import Profile, SettingsStore
from nebula_desktop.tokens import Calibration, ratio_key

QUESTION = "Please explain how a bicycle gear system works, in three short sentences."


def _type(qtbot: Any, window: Any, text: str) -> Any:
    with qtbot.waitSignal(window.controller.estimate.updated, timeout=3000):
        window.composer.editor.setPlainText(text)
    return window.composer.current_estimate()


def test_compare_shows_the_total_across_every_compared_model(
    qtbot: Any, make_window: Any, config_dir: Path
) -> None:
    from nebula_desktop.ui.compare.picks import Pick

    # Dollars per million prompt tokens: 1,000 (a tenth of a cent a token), 3,000 on the
    # second profile; "cheap" has no price there at first.
    store = SettingsStore(config_dir)
    settings = store.load()
    settings.profile("ai-nebula").prices = {
        "test-model": {"input": 1000.0, "output": 0.0},
        "big": {"input": 2000.0, "output": 0.0},
    }
    settings.profiles.append(
        Profile(
            id="other",
            name="Other",
            base_url="http://127.0.0.1:9",
            needs_key=False,
            prices={"third": {"input": 3000.0, "output": 0.0}},
        )
    )
    # "third" on the other profile was seen to count twice the offline estimate.
    settings.token_ratios = {ratio_key("other", "third"): 2.0}
    store.save(settings)
    window = make_window()
    alone = _type(qtbot, window, QUESTION)
    assert window.composer.estimate.text().startswith(f"≈ {alone.tokens:,} tokens")

    picks = [Pick("ai-nebula", "test-model"), Pick("ai-nebula", "big"), Pick("other", "third")]
    with qtbot.waitSignal(window.controller.estimate.updated, timeout=3000):
        window.compare.set_picks(picks)
    request = [{"role": "user", "content": QUESTION}]
    calibration = Calibration({ratio_key("other", "third"): 2.0})
    each = [calibration.estimate(request, p.profile_id, p.model) for p in picks]
    assert each[2] > each[0] == each[1]  # the calibrated model counts more
    total = sum(each)
    cost = (each[0] * 1000 + each[1] * 2000 + each[2] * 3000) / 1e6
    estimate = window.composer.current_estimate()
    assert estimate.tokens == total and estimate.count == 3
    assert window.composer.estimate.text() == f"≈ 3 × {round(total / 3):,} tokens · ${cost:.4f}"
    tip = window.composer.estimate.toolTip()
    assert all(p.model in tip for p in picks)

    # A draft typed while comparing is estimated for every model too.
    assert _type(qtbot, window, QUESTION + " Briefly.").tokens > total

    # Compare off: the chat's one model again.
    with qtbot.waitSignal(window.controller.estimate.updated, timeout=3000):
        window.compare.set_picks([])
    assert window.composer.current_estimate().count == 1
    assert window.composer.estimate.text().startswith("≈ ") and "×" not in (
        window.composer.estimate.text()
    )


def test_compare_total_has_no_price_unless_every_model_has_one(
    qtbot: Any, make_window: Any, config_dir: Path
) -> None:
    from nebula_desktop.ui.compare.picks import Pick

    store = SettingsStore(config_dir)
    settings = store.load()
    settings.profile("ai-nebula").prices = {"test-model": {"input": 1000.0, "output": 0.0}}
    store.save(settings)
    window = make_window()
    _type(qtbot, window, QUESTION)
    with qtbot.waitSignal(window.controller.estimate.updated, timeout=3000):
        window.compare.set_picks([Pick("ai-nebula", "test-model"), Pick("ai-nebula", "free")])
    text = window.composer.estimate.text()
    assert text.startswith("≈ 2 × ") and "$" not in text  # half a total would mislead
    assert "no price" in window.composer.estimate.toolTip()
