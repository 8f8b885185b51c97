"""Forgiving reads of settings JSON: typed fields with defaults, and secrets scrubbed out.

Shared by ``Profile.from_dict`` and ``Settings.from_dict``: a field of the wrong type falls back
to its default with a notice, and anything named like a credential or holding one is dropped
(settings are a plain file; keys live in the keyring).
"""

from __future__ import annotations

import math
from typing import Any

from nebula_desktop.credentials import is_credential_name, scrub_data


def looks_secret(name: str) -> bool:
    """True for setting names that could hold a credential (``api_key``, ``authToken``…).

    The rule is :func:`nebula_desktop.credentials.is_credential_name`.
    """
    return is_credential_name(name)


def scrub_secrets(value: Any, dropped: list[str], where: str) -> Any:
    """``value`` without credentials at any depth (for settings we do not understand).

    Credential-named keys and credential-looking values are left out (a URL only loses its
    credentials); their paths are added to ``dropped``. See :mod:`nebula_desktop.credentials`.
    """
    return scrub_data(value, dropped, where)


class FieldReader:
    """Typed access to one JSON object; a wrong type gives the default and a notice."""

    def __init__(self, data: dict[str, Any], where: str, problems: list[str]) -> None:
        self.data = data
        self.where = where
        self.problems = problems

    def bad(self, key: str) -> None:
        self.problems.append(
            f"Setting {self.where}{key} had an invalid value; the default is used."
        )

    def get_str(self, key: str, default: str) -> str:
        value = self.data.get(key, default)
        if isinstance(value, str):
            return value
        self.bad(key)
        return default

    def get_opt_str(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None or isinstance(value, str):
            return value
        self.bad(key)
        return None

    def get_bool(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if isinstance(value, bool):
            return value
        self.bad(key)
        return default

    def get_float(self, key: str, default: float, low: float, high: float) -> float:
        value = self.data.get(key, default)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and math.isfinite(float(value)) and low <= value <= high:
            return float(value)
        self.bad(key)
        return default

    def get_int(self, key: str, default: int, low: int, high: int) -> int:
        value = self.data.get(key, default)
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        self.bad(key)
        return default

    def list_of(self, key: str, kind: type) -> list[Any]:
        value = self.data.get(key, [])
        if isinstance(value, list) and all(
            isinstance(v, kind) and not isinstance(v, bool) for v in value
        ):
            return list(value)
        self.bad(key)
        return []
