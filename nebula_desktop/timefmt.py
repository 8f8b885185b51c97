"""Short labels for when something happened: "now", "5 min", "14:02", "Mon", "12 Mar", "2024-03-12".

Qt-free: the words go through a ``translate`` function the caller passes (the chat list passes
Qt's translator), so the same rules serve every language. ``LABELS`` lists every text that
function is asked for, so the caller can mark them all for translation.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Callable

NOW = "now"
MINUTES = "{minutes} min"
DAY_MONTH = "{day} {month}"  # "12 Mar" in English, "3月12日" in Chinese: the translator orders
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LABELS = (NOW, MINUTES, DAY_MONTH, *DAYS, *MONTHS)


def _same(text: str) -> str:
    return text


def relative_time(
    timestamp: float, now: float | None = None, translate: Callable[[str], str] = _same
) -> str:
    """A short, local-time label for ``timestamp`` seen at ``now`` (default: the clock).

    "now" (under a minute), "5 min" (under an hour), "14:02" (today), "Mon" (this past week),
    "12 Mar" (this year), "2024-03-12" (older). A timestamp in the future (clock skew) is "now".
    """
    now = time.time() if now is None else now
    delta = now - timestamp
    if delta < 60:
        return translate(NOW)
    if delta < 3600:
        return translate(MINUTES).format(minutes=int(delta // 60))
    then = _dt.datetime.fromtimestamp(timestamp)
    today = _dt.datetime.fromtimestamp(now).date()
    if then.date() == today:
        return f"{then.hour:02d}:{then.minute:02d}"
    if (today - then.date()).days < 7:
        return translate(DAYS[then.weekday()])
    if then.year == today.year:
        return translate(DAY_MONTH).format(day=then.day, month=translate(MONTHS[then.month - 1]))
    return then.strftime("%Y-%m-%d")
