"""Ids and the checked reading of a conversation file's fields (no Qt).

Every reader here raises :class:`ValueError` naming the key when a value has the wrong shape,
so the store can quarantine a damaged file instead of half-loading it. Times are brought into
``[0, MAX_TIMESTAMP]`` (every OS's date functions take them); ids are safe file names.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

__all__ = [
    "MAX_TIMESTAMP",
    "clamp_timestamp",
    "json_copy",
    "new_id",
    "read_bool",
    "read_num",
    "read_opt_num",
    "read_opt_str",
    "read_str",
    "read_time",
    "validate_id",
]


@cache
def _id_re() -> re.Pattern[str]:
    return re.compile(r"[A-Za-z0-9_-]{1,64}")


# 3000-01-01 UTC: every OS's date functions take it; a later time is damage, not a chat.
MAX_TIMESTAMP = 32_503_680_000.0


def new_id() -> str:
    """A fresh id (uuid4 hex): valid as a file name on every OS."""
    import uuid  # with the first new chat, not at start-up (uuid loads platform)

    return uuid.uuid4().hex


def validate_id(conv_id: object) -> str:
    """Return ``conv_id`` if it is a safe id, else raise ValueError (ids never escape a folder)."""
    if not isinstance(conv_id, str) or _id_re().fullmatch(conv_id) is None:
        raise ValueError(f"invalid conversation id: {conv_id!r}")
    return conv_id


def json_copy(value: Any) -> Any:
    """A copy of a JSON-like value sharing no dict or list with it (strings are immutable).

    ``to_dict`` results never alias a message's own containers, so a dict kept from an earlier
    ``to_dict`` still shows the message as it was then (``loader.dump_bytes`` relies on it).
    """
    if type(value) is dict:
        return {key: json_copy(item) for key, item in value.items()}
    if type(value) is list:
        return [json_copy(item) for item in value]
    return value


def read_str(d: dict[str, Any], key: str, default: str | None = None) -> str:
    """``d[key]`` (or ``default``) if it is text, else ValueError naming the key."""
    value = d.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be text")
    return value


def read_opt_str(d: dict[str, Any], key: str) -> str | None:
    """``d[key]`` if it is text or missing/null (None), else ValueError."""
    value = d.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key!r} must be text or null")
    return value


def read_num(d: dict[str, Any], key: str, default: float) -> float:
    """``d[key]`` (or ``default``) as a finite float; ValueError for anything else."""
    value = d.get(key, default)
    # bool is an int subclass; a `true` timestamp is a shape error, not 1.0.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key!r} must be a number")
    try:
        number = float(value)
    except OverflowError:  # a 400-digit integer is valid JSON
        raise ValueError(f"{key!r} is out of range") from None
    if not math.isfinite(number):
        raise ValueError(f"{key!r} must be a finite number")
    return number


def clamp_timestamp(value: int | float, default: float) -> float:
    """A Unix time every date function accepts: NaN is ``default``; anything else (a
    400-digit integer, ``1e300``, ``Infinity``, a negative time) is brought into
    ``[0, MAX_TIMESTAMP]``."""
    if value != value:  # NaN
        return default
    if value > MAX_TIMESTAMP:  # int/float comparison is exact: no OverflowError
        return MAX_TIMESTAMP
    if value < 0:
        return 0.0
    return float(value)


def read_time(d: dict[str, Any], key: str, default: float) -> float:
    """``d[key]`` (or ``default``) as a Unix time, brought into range (see clamp_timestamp)."""
    value = d.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key!r} must be a number")
    return clamp_timestamp(value, default)


def read_opt_num(d: dict[str, Any], key: str) -> float | None:
    """``d[key]`` as a finite float, None when missing or null."""
    if d.get(key) is None:
        return None
    return read_num(d, key, 0.0)


def read_bool(d: dict[str, Any], key: str, default: bool) -> bool:
    """``d[key]`` (or ``default``) if it is true or false, else ValueError."""
    value = d.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{key!r} must be true or false")
    return value
