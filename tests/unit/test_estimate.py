"""The offline token estimate of a request: sane for English, CJK, code, numbers and spaces,
never shrinking as text grows, images by the vendors' rules, calibrated per (profile, model)
after one answer, kept in settings as a bounded set of plain numbers; context windows and the
prompt's cost before sending."""

from __future__ import annotations

import base64
import json
import struct
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nebula_desktop.context import estimate_tokens
from nebula_desktop.context_windows import context_window, known_window
from nebula_desktop.settings import Profile, Settings, SettingsStore
from nebula_desktop.tokens import (
    MAX_TOKEN_RATIOS,
    Calibration,
    estimate_cost,
    image_tokens,
    text_tokens,
)

ENGLISH = (
    "The committee met on Tuesday to review the budget for next year. Most members agreed "
    "that the library needs new shelves, longer opening hours and a better heating system, "
    "but nobody could say where the money would come from. After a long discussion they "
    "decided to ask the city council for a grant and to hold a book sale in the spring."
)
ENGLISH_2 = (
    "Our hiking group left the village early in the morning, when the valley was still full "
    "of fog. By noon we had reached the ridge, where a cold wind made everyone put on their "
    "jackets again. We ate lunch behind a large rock, watched two eagles circling above the "
    "lake, and started the long walk down before the weather could change."
)
CHINESE = (
    "委员会星期二开会审议明年的预算。大多数成员都同意图书馆需要新的书架、更长的开放时间和更好的"
    "供暖系统，但没有人能说清楚钱从哪里来。经过长时间的讨论，他们决定向市议会申请拨款，并在春天"
    "举办一次图书义卖活动。"
)
CODE = '''def merge(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    """Sum the counts of two tallies."""
    out = dict(a)
    for key, value in b.items():
        out[key] = out.get(key, 0) + value
    return {k: v for k, v in sorted(out.items()) if v > 0}
'''


def _user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


def _png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\0\0\0\0"


def _jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\1\1\0\0\1\0\1\0\0"
    exif = b"\xff\xe1" + struct.pack(">H", 2 + 3000) + b"\0" * 3000  # a big segment first
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\1\x11\0"
    return b"\xff\xd8" + app0 + exif + sof + b"\xff\xd9"


def _image(data: bytes, mime: str = "image/png", detail: str | None = None) -> dict[str, Any]:
    url = f"data:{mime};base64," + base64.b64encode(data).decode()
    image: dict[str, Any] = {"url": url}
    if detail:
        image["detail"] = detail
    return {"type": "image_url", "image_url": image}


# -- text -------------------------------------------------------------------------------------


def test_english_prose_costs_about_four_characters_a_token() -> None:
    chars_per_token = len(ENGLISH) / text_tokens(ENGLISH)
    assert 3.6 <= chars_per_token <= 5.0


def test_cjk_costs_one_to_one_and_a_half_tokens_a_character() -> None:
    tokens_per_char = text_tokens(CHINESE) / len(CHINESE)
    assert 1.0 <= tokens_per_char <= 1.5
    assert 1.0 <= text_tokens("日本語のテキストです") / 10 <= 1.5
    assert 1.0 <= text_tokens("한국어 문장입니다") / 8 <= 1.6


def test_code_costs_more_tokens_a_character_than_prose() -> None:
    code_rate = text_tokens(CODE) / len(CODE)
    prose_rate = text_tokens(ENGLISH) / len(ENGLISH)
    assert code_rate > 1.3 * prose_rate
    assert 2.0 <= len(CODE) / text_tokens(CODE) <= 3.5


def test_numbers_and_whitespace_runs_cost_what_tokenizers_charge() -> None:
    assert text_tokens("1234567890") == 4  # groups of up to three digits
    # A thousand spaces of indentation are a few tokens, not a thousand.
    assert 1 < text_tokens("a" + " " * 1000 + "b") < 100
    assert text_tokens("a\n\n\nb") < text_tokens("a\nx\ny\nb")
    assert text_tokens("") == 0


def test_each_message_costs_its_overhead_and_the_reply_is_primed() -> None:
    one = estimate_tokens(_user("hi"))
    two = estimate_tokens(_user("hi") + _user("hi"))
    assert two - one == 5  # the message overhead (4) plus the word
    assert estimate_tokens([]) == 3


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_the_estimate_never_shrinks_as_text_is_added(head: str, tail: str) -> None:
    assert estimate_tokens(_user(head + tail)) >= estimate_tokens(_user(head))
    assert estimate_tokens(_user(head) + _user(tail)) >= estimate_tokens(_user(head))


def test_a_large_document_is_estimated_quickly_and_linearly() -> None:
    small = (ENGLISH + CHINESE + CODE) * 20
    big = small * 20  # ~400,000 characters
    estimate_tokens(_user(small))  # compile the patterns first
    start = time.perf_counter()
    estimate_tokens(_user(small))
    small_time = time.perf_counter() - start
    start = time.perf_counter()
    tokens = estimate_tokens(_user(big))
    big_time = time.perf_counter() - start
    assert tokens > 20 * estimate_tokens(_user(small)) * 0.99
    assert big_time < 40 * small_time + 0.05  # linear (20x), with room for noise


def test_tool_calls_and_text_parts_are_counted() -> None:
    call = {"id": "1", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}
    plain = [{"role": "assistant", "content": ""}]
    assert estimate_tokens([{"role": "assistant", "content": "", "tool_calls": [call]}]) > (
        estimate_tokens(plain)
    )
    parts = [{"role": "user", "content": [{"type": "text", "text": ENGLISH}]}]
    assert estimate_tokens(parts) == estimate_tokens(_user(ENGLISH))


# -- images -----------------------------------------------------------------------------------


def test_images_cost_openais_tile_rule_by_their_real_size() -> None:
    # OpenAI's published examples: 1024 x 1024 -> 765 tokens; 2048 x 4096 -> 1105; low: 85.
    assert image_tokens(_image(_png(1024, 1024)), "gpt-4o") == 765
    assert image_tokens(_image(_jpeg(4096, 2048), "image/jpeg"), "gpt-4o") == 1105
    assert image_tokens(_image(_png(4096, 2048), detail="low"), "gpt-4o") == 85
    assert image_tokens(_image(_png(300, 200))) == 255  # one tile, never scaled up
    message = [
        {"role": "user", "content": [{"type": "text", "text": "hi"}, _image(_png(512, 512))]}
    ]
    assert estimate_tokens(message, "gpt-4o") == estimate_tokens(_user("hi")) + 255


def test_images_of_other_vendors_follow_their_published_rules() -> None:
    assert image_tokens(_image(_png(1000, 1000)), "claude-sonnet-4") == 1334  # w*h/750
    assert image_tokens(_image(_png(3136, 3136)), "anthropic/claude-3-5-sonnet") == 3279
    assert image_tokens(_image(_png(300, 300)), "gemini-2.5-flash") == 258
    assert image_tokens(_image(_png(1000, 700)), "gemini-2.5-flash") == 258 * 2
    assert image_tokens(_image(_png(512, 512)), "gpt-4o-mini") == 2833 + 5667


def test_an_image_whose_size_cannot_be_read_costs_as_a_768_pixel_square() -> None:
    assert image_tokens(_image(b"not an image")) == 765
    assert image_tokens({"type": "image_url", "image_url": {"url": "https://x/a.png"}}) == 765
    # A huge image is not decoded whole to find its size.
    huge = {"type": "image_url", "image_url": {"url": "data:image/png;base64," + "A" * 30_000_000}}
    start = time.perf_counter()
    assert image_tokens(huge) == 765
    assert time.perf_counter() - start < 0.5


# -- calibration ------------------------------------------------------------------------------


def _server_count(messages: list[dict[str, Any]], rate: float, template: int) -> int:
    """A stand-in for a server's tokenizer that counts ``rate`` times our text estimate plus a
    fixed chat template (what a real one does is measured in tests/realserver)."""
    text = sum(text_tokens(m["content"]) + 4 for m in messages) + 3
    return round(rate * text) + template


@pytest.mark.parametrize(("rate", "template"), [(1.6, 12), (0.7, 5), (2.4, 30)])
def test_after_one_answer_the_estimate_of_that_model_is_within_ten_percent(
    rate: float, template: int
) -> None:
    ratios: dict[str, float] = {}
    cal = Calibration(ratios)
    first = [{"role": "system", "content": "Be brief."}, *_user(ENGLISH)]
    second = [{"role": "system", "content": "Be brief."}, *_user(ENGLISH_2)]
    truth = _server_count(second, rate, template)
    uncalibrated = cal.estimate(second, "local", "m")
    assert cal.observe("local", "m", first, _server_count(first, rate, template))
    calibrated = cal.estimate(second, "local", "m")
    assert abs(calibrated - truth) <= 0.10 * truth
    assert abs(calibrated - truth) < abs(uncalibrated - truth)
    # Other pairs are untouched.
    assert cal.estimate(second, "other", "m") == uncalibrated
    assert list(ratios) == ["local\tm"]


def test_the_ratio_moves_halfway_to_each_new_answer_and_stays_in_range() -> None:
    cal = Calibration({})
    messages = _user(ENGLISH)
    raw = estimate_tokens(messages)
    cal.observe("p", "m", messages, 2 * raw)
    cal.observe("p", "m", messages, 3 * raw)
    assert cal.ratio("p", "m") == pytest.approx(2.5, rel=0.02)
    # Implausible counts teach nothing.
    for bad in (0, -5, True, "120", None, 1.5, 100 * raw, raw // 10):
        assert not cal.observe("p", "m", messages, bad)
    assert cal.ratio("p", "m") == pytest.approx(2.5, rel=0.02)
    assert not cal.observe("p", "m", _user("hi"), 40)  # too little text to learn from


def test_calibration_keeps_the_most_recent_pairs_only(tmp_path: Path) -> None:
    s = Settings()
    cal = Calibration(s.token_ratios)
    messages = _user(ENGLISH)
    raw = estimate_tokens(messages)
    for n in range(MAX_TOKEN_RATIOS + 50):
        assert cal.observe("p", f"model-{n}", messages, raw)
    cal.observe("p", "model-10", messages, raw)  # used again: becomes recent, not dropped
    assert len(s.token_ratios) == MAX_TOKEN_RATIOS
    assert "p\tmodel-49" not in s.token_ratios and "p\tmodel-10" in s.token_ratios
    assert list(s.token_ratios)[-1] == "p\tmodel-10"
    store = SettingsStore(tmp_path)
    store.save(s)
    again = store.load()
    assert again.token_ratios == s.token_ratios and store.problems == []


def test_damaged_calibration_entries_are_dropped_with_a_notice(tmp_path: Path) -> None:
    good = {"p\tgpt-4o": 1.2}
    bad: dict[str, Any] = {"p\tx": "1.2", "p\ty": 0.0, "p\tz": float("nan"), "p\tw": True}
    many = {f"p\tm{n}": 1.0 for n in range(MAX_TOKEN_RATIOS + 5)}
    (tmp_path / "settings.json").write_text(json.dumps({"token_ratios": {**bad, **good, **many}}))
    store = SettingsStore(tmp_path)
    loaded = store.load()
    assert loaded.token_ratios == dict(list({**good, **many}.items())[-MAX_TOKEN_RATIOS:])
    assert any("token estimate calibrations" in p for p in store.problems)


def test_a_model_named_like_a_key_is_never_written_to_settings(tmp_path: Path) -> None:
    key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"
    s = Settings()
    assert not Calibration(s.token_ratios).observe("p", key, _user(ENGLISH), 200)
    (tmp_path / "settings.json").write_text(json.dumps({"token_ratios": {f"p\t{key}": 1.0}}))
    store = SettingsStore(tmp_path)
    assert store.load().token_ratios == {}
    assert key not in (tmp_path / "settings.json").read_text()  # rewritten at once


# -- context windows and cost -----------------------------------------------------------------


def test_known_models_have_their_published_context_windows() -> None:
    assert known_window("gpt-4o-2024-08-06") == 128_000
    assert known_window("openai/gpt-4.1-mini") == 1_047_576
    assert known_window("gpt-4") == 8_192 and known_window("gpt-4o") == 128_000
    assert known_window("o3-mini") == 200_000 and known_window("o1-mini") == 128_000
    assert known_window("claude-3-5-sonnet-20241022") == 200_000
    assert known_window("claude-2.1") == 100_000
    assert known_window("gemini-1.5-pro-002") == 2 * 1024 * 1024
    assert known_window("deepseek-chat") == 128_000
    assert known_window("meta-llama/Llama-3.3-70B-Instruct") == 131_072
    assert known_window("llama3.1:8b") == 131_072 and known_window("llama3:8b") == 8_192
    assert known_window("Qwen/Qwen2.5-7B-Instruct") == 32_768
    assert known_window("my-own-finetune") is None
    assert known_window("o3x") is None  # a prefix must end at a separator


def test_the_profiles_own_window_wins_and_bad_ones_are_dropped_with_a_notice(
    tmp_path: Path,
) -> None:
    profile = Profile(id="local", name="Local", base_url="http://127.0.0.1:8080/v1")
    profile.context_windows["llama3.1:8b"] = 8192  # what this server really runs
    assert context_window(profile, "llama3.1:8b") == 8192
    assert context_window(profile, "gpt-4o") == 128_000
    assert context_window(None, "unknown") is None and context_window(profile, "") is None
    store = SettingsStore(tmp_path)
    s = Settings(profiles=[profile], default_profile_id="local")
    store.save(s)
    raw = json.loads((tmp_path / "settings.json").read_text())
    raw["profiles"][0]["context_windows"].update({"a": 0, "b": -5, "c": True, "d": "8k"})
    (tmp_path / "settings.json").write_text(json.dumps(raw))
    loaded = store.load()
    assert loaded.profile("local").context_windows == {"llama3.1:8b": 8192}
    assert sum("context_windows" in p for p in store.problems) == 4


def test_the_prompts_cost_is_known_before_sending() -> None:
    profile = Profile(id="p", name="P", base_url="https://x/v1")
    profile.prices["gpt-4o"] = {"input": 2.5, "output": 10.0}
    assert estimate_cost(profile, "gpt-4o", 1000) == pytest.approx(0.0025)
    assert estimate_cost(profile, "unpriced", 1000) is None
