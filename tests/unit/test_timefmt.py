"""When a chat was last updated, as the list shows it: short, local time, any language."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from nebula_desktop import timefmt
from nebula_desktop.timefmt import relative_time


@pytest.mark.parametrize(
    ("age", "expected"),
    [(5, "now"), (-30, "now"), (5 * 60, "5 min"), (59 * 60, "59 min")],
)
def test_recent_times_read_now_or_minutes(age: float, expected: str) -> None:
    now = time.time()
    assert relative_time(now - age, now) == expected


def test_older_times_read_clock_weekday_day_month_or_date() -> None:
    now = dt.datetime(2026, 11, 27, 18, 30).timestamp()
    assert relative_time(dt.datetime(2026, 11, 27, 14, 2).timestamp(), now) == "14:02"
    assert relative_time(dt.datetime(2026, 11, 23, 9, 0).timestamp(), now) == "Mon"
    assert relative_time(dt.datetime(2026, 3, 12, 9, 0).timestamp(), now) == "12 Mar"
    assert relative_time(dt.datetime(2024, 3, 12, 9, 0).timestamp(), now) == "2024-03-12"


def test_every_word_goes_through_the_callers_translation() -> None:
    chinese = {"now": "刚刚", "{minutes} min": "{minutes} 分钟", "Mon": "周一", "Mar": "3月"}
    chinese["{day} {month}"] = "{month}{day}日"  # the translator decides the order
    asked: list[str] = []

    def translate(text: str) -> str:
        asked.append(text)
        return chinese.get(text, text)

    now = dt.datetime(2026, 11, 27, 18, 30).timestamp()
    assert relative_time(now - 5, now, translate) == "刚刚"
    assert relative_time(now - 300, now, translate) == "5 分钟"
    assert relative_time(dt.datetime(2026, 11, 23, 9).timestamp(), now, translate) == "周一"
    assert relative_time(dt.datetime(2026, 3, 12, 9).timestamp(), now, translate) == "3月12日"
    assert set(asked) <= set(timefmt.LABELS)  # the caller can mark every one for translation
