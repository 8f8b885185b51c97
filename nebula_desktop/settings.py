"""Profiles and preferences in ``settings.json`` (never an API key — those live in the keyring).

Loading is forgiving: a field of the wrong type falls back to its default, keys this version
does not know are kept and written back unchanged, and a file that is not JSON at all is moved
aside (``settings.json.corrupt-<time>``) so defaults can be used without losing it. Anything
named like a secret (``api_key``, ``token``, ``Authorization`` header…) is dropped on load and
never written. Every such repair is reported in ``SettingsStore.problems``.
"""

from __future__ import annotations

import ipaddress
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nebula_desktop import atomicfile

DEFAULT_BASE_URL = "https://llm.ai-nebula.com/v1"
DEFAULT_PROFILE_ID = "ai-nebula"
SETTINGS_FILE = "settings.json"
SETTINGS_VERSION = 1
THEMES = ("system", "light", "dark")

_SECRET_WORDS = ("key", "token", "secret", "password")
# Names that contain a secret word but hold no secret.
_SAFE_NAMES = frozenset({"needs_key", "max_tokens"})
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


def looks_secret(name: str) -> bool:
    """True for setting names that could hold a credential (``api_key``, ``authToken``…)."""
    lowered = name.lower()
    if lowered in _SAFE_NAMES:
        return False
    return any(word in lowered for word in _SECRET_WORDS)


def _scrub(value: Any, dropped: list[str], where: str) -> Any:
    """``value`` without secret-named keys at any depth (for settings we do not understand)."""
    if isinstance(value, dict):
        clean: dict[str, Any] = {}
        for k, v in value.items():
            if looks_secret(str(k)):
                dropped.append(f"{where}{k}")
            else:
                clean[k] = _scrub(v, dropped, f"{where}{k}.")
        return clean
    if isinstance(value, list):
        return [_scrub(v, dropped, where) for v in value]
    return value


class _Reader:
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


@dataclass
class Profile:
    """An endpoint: where to connect and how. Its key is in the keyring under ``id``."""

    id: str
    name: str
    base_url: str
    default_model: str = ""
    temperature: float = 0.7
    needs_key: bool = True
    extra_headers: dict[str, str] = field(default_factory=dict)
    proxy: str = ""
    timeout: float = 60.0
    ca_bundle: str = ""
    models_cache: list[str] = field(default_factory=list)
    # Ask ai-nebula to put the thinking inline (``nebula_thinking_to_content``).
    thinking_inline: bool = False
    # Price per 1M tokens by model: {"model": {"input": 0.15, "output": 0.6}} (US dollars).
    prices: dict[str, dict[str, float]] = field(default_factory=dict)
    # Keys written by a newer version, kept so a round trip through this one loses nothing.
    unknown_fields: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape; secret-looking headers and unknown keys are never written."""
        dropped: list[str] = []
        out = dict(_scrub(self.unknown_fields, dropped, ""))
        out.update(
            {
                "id": self.id,
                "name": self.name,
                "base_url": self.base_url,
                "default_model": self.default_model,
                "temperature": self.temperature,
                "needs_key": self.needs_key,
                "extra_headers": _safe_headers(self.extra_headers, dropped, ""),
                "proxy": self.proxy,
                "timeout": self.timeout,
                "ca_bundle": self.ca_bundle,
                "models_cache": list(self.models_cache),
                "thinking_inline": self.thinking_inline,
                "prices": {m: dict(p) for m, p in self.prices.items()},
            }
        )
        return out

    def sends_key_in_clear(self) -> bool:
        """True when a key would travel unencrypted to another computer (plain http://)."""
        return self.needs_key and is_plain_http_remote(self.base_url)

    def cost(self, model: str | None, usage: dict[str, Any] | None) -> float | None:
        """Dollars an answer cost, from its ``usage`` and this profile's price for ``model``."""
        price = self.prices.get(model or "")
        if not price or not usage:
            return None
        prompt = usage.get("prompt_tokens")
        completion = usage.get("completion_tokens")
        if not isinstance(prompt, int) or not isinstance(completion, int):
            return None
        return (
            prompt * price.get("input", 0.0) + completion * price.get("output", 0.0)
        ) / 1_000_000

    @classmethod
    def from_dict(cls, d: dict[str, Any], problems: list[str], dropped: list[str]) -> Profile:
        """Build from JSON; ``d["id"]`` must be a non-empty string (checked by the caller)."""
        where = f"profiles[{d['id']}]."
        r = _Reader(d, where, problems)
        headers = d.get("extra_headers", {})
        if not isinstance(headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            r.bad("extra_headers")
            headers = {}
        known = {f for f in cls.__dataclass_fields__ if f != "unknown_fields"}
        unknown = {k: v for k, v in d.items() if k not in known}
        return cls(
            id=d["id"],
            name=r.get_str("name", d["id"]),
            base_url=r.get_str("base_url", DEFAULT_BASE_URL),
            default_model=r.get_str("default_model", ""),
            temperature=r.get_float("temperature", 0.7, 0.0, 2.0),
            needs_key=r.get_bool("needs_key", True),
            extra_headers=_safe_headers(headers, dropped, where),
            proxy=r.get_str("proxy", ""),
            timeout=r.get_float("timeout", 60.0, 1.0, 3600.0),
            ca_bundle=r.get_str("ca_bundle", ""),
            models_cache=r.list_of("models_cache", str),
            thinking_inline=r.get_bool("thinking_inline", False),
            prices=_read_prices(d.get("prices", {}), r),
            unknown_fields=_scrub(unknown, dropped, where),
        )


def _read_prices(value: Any, r: _Reader) -> dict[str, dict[str, float]]:
    """Valid price rows only: a model name mapping to non-negative input/output numbers."""
    prices: dict[str, dict[str, float]] = {}
    if not isinstance(value, dict):
        r.bad("prices")
        return prices
    for model, row in value.items():
        if not isinstance(row, dict):
            r.bad(f"prices.{model}")
            continue
        clean: dict[str, float] = {}
        for side in ("input", "output"):
            number = row.get(side, 0.0)
            ok = isinstance(number, int | float) and not isinstance(number, bool)
            if ok and math.isfinite(float(number)) and number >= 0:
                clean[side] = float(number)
            else:
                r.bad(f"prices.{model}.{side}")
                clean[side] = 0.0
        prices[str(model)] = clean
    return prices


def is_local_host(host: str) -> bool:
    """True for this computer (``localhost``, 127.0.0.1, ::1…): traffic never leaves it."""
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_plain_http_remote(url: str) -> bool:
    """True for an ``http://`` URL to another computer (anything sent there is readable)."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    return parts.scheme == "http" and bool(host) and not is_local_host(host)


def is_secret_header(name: str) -> bool:
    """True for header names that carry credentials; settings never store such headers.

    The profile editor should refuse them up front (the key belongs in the keyring).
    """
    return name.lower() in _SECRET_HEADERS or looks_secret(name)


def _safe_headers(headers: dict[str, str], dropped: list[str], where: str) -> dict[str, str]:
    safe = {}
    for name, value in headers.items():
        if is_secret_header(name):
            dropped.append(f"{where}extra_headers.{name}")
        else:
            safe[name] = value
    return safe


def default_profile() -> Profile:
    """The built-in ai-nebula endpoint."""
    return Profile(id=DEFAULT_PROFILE_ID, name="ai-nebula", base_url=DEFAULT_BASE_URL)


@dataclass
class Settings:
    """Everything the user can configure, except API keys."""

    profiles: list[Profile] = field(default_factory=lambda: [default_profile()])
    default_profile_id: str = DEFAULT_PROFILE_ID
    theme: str = "system"
    font_size: int = 0
    auto_title: bool = True
    window_geometry: str = ""
    window_state: str = ""
    splitter_sizes: list[int] = field(default_factory=list)
    last_conversation_id: str | None = None
    language: str = ""
    log_message_text: bool = False
    # Saved system prompts: [{"name": "Translator", "text": "Translate…"}]; the default one
    # (by name, "" = none) becomes the system prompt of every new chat.
    prompt_presets: list[dict[str, str]] = field(default_factory=list)
    default_prompt_preset: str = ""
    unknown_fields: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # Profiles whose plain-http key sending the user allowed this session; never saved.
    plain_http_allowed: set[str] = field(default_factory=set, repr=False, compare=False)

    def default_prompt_text(self) -> str:
        """The text of the default prompt preset ("" when none is set or it was deleted)."""
        for preset in self.prompt_presets:
            if preset.get("name") == self.default_prompt_preset:
                return preset.get("text", "")
        return ""

    def profile(self, profile_id: str | None = None) -> Profile:
        """The profile ``profile_id``, falling back to the default profile (never fails)."""
        for wanted in (profile_id, self.default_profile_id):
            for p in self.profiles:
                if p.id == wanted:
                    return p
        if not self.profiles:
            self.profiles.append(default_profile())
        return self.profiles[0]

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of ``settings.json``."""
        dropped: list[str] = []
        out = dict(_scrub(self.unknown_fields, dropped, ""))
        out.update(
            {
                "version": SETTINGS_VERSION,
                "profiles": [p.to_dict() for p in self.profiles],
                "default_profile_id": self.default_profile_id,
                "theme": self.theme,
                "font_size": self.font_size,
                "auto_title": self.auto_title,
                "window_geometry": self.window_geometry,
                "window_state": self.window_state,
                "splitter_sizes": list(self.splitter_sizes),
                "last_conversation_id": self.last_conversation_id,
                "language": self.language,
                "log_message_text": self.log_message_text,
                "prompt_presets": [dict(p) for p in self.prompt_presets],
                "default_prompt_preset": self.default_prompt_preset,
            }
        )
        return out

    @classmethod
    def from_dict(
        cls, d: dict[str, Any], problems: list[str], dropped: list[str] | None = None
    ) -> Settings:
        """Build from JSON, repairing what is wrong (notices go to ``problems``)."""
        dropped = [] if dropped is None else dropped
        r = _Reader(d, "", problems)
        profiles: list[Profile] = []
        raw_profiles = d.get("profiles")
        if raw_profiles is not None and not isinstance(raw_profiles, list):
            r.bad("profiles")
            raw_profiles = None
        for raw in raw_profiles or []:
            pid = raw.get("id") if isinstance(raw, dict) else None
            if not isinstance(pid, str) or not pid or any(p.id == pid for p in profiles):
                problems.append("A profile without a valid, unique id was ignored.")
                continue
            profiles.append(Profile.from_dict(raw, problems, dropped))
        if not profiles:
            profiles = [default_profile()]
        theme = r.get_str("theme", "system")
        if theme not in THEMES:
            r.bad("theme")
            theme = "system"
        known = {f for f in cls.__dataclass_fields__ if f != "unknown_fields"} | {"version"}
        presets = d.get("prompt_presets", [])
        if not isinstance(presets, list) or not all(
            isinstance(p, dict)
            and isinstance(p.get("name"), str)
            and isinstance(p.get("text"), str)
            for p in presets
        ):
            r.bad("prompt_presets")
            presets = []
        unknown = {k: v for k, v in d.items() if k not in known}
        s = cls(
            profiles=profiles,
            default_profile_id=r.get_str("default_profile_id", profiles[0].id),
            theme=theme,
            font_size=r.get_int("font_size", 0, 0, 96),
            auto_title=r.get_bool("auto_title", True),
            window_geometry=r.get_str("window_geometry", ""),
            window_state=r.get_str("window_state", ""),
            splitter_sizes=r.list_of("splitter_sizes", int),
            last_conversation_id=r.get_opt_str("last_conversation_id"),
            language=r.get_str("language", ""),
            log_message_text=r.get_bool("log_message_text", False),
            prompt_presets=[{"name": p["name"], "text": p["text"]} for p in presets],
            default_prompt_preset=r.get_str("default_prompt_preset", ""),
            unknown_fields=_scrub(unknown, dropped, ""),
        )
        if all(p.id != s.default_profile_id for p in profiles):
            s.default_profile_id = profiles[0].id
        return s


class SettingsStore:
    """Reads and writes ``settings.json`` in ``config_dir`` (created on first save)."""

    def __init__(self, config_dir: Path | str) -> None:
        self.path = Path(config_dir) / SETTINGS_FILE
        self.problems: list[str] = []

    def load(self) -> Settings:
        """The saved settings, or defaults (with a notice) when the file is missing or broken."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Settings()
        except OSError as exc:
            self.problems.append(
                f"Could not read {self.path}: {exc.strerror or exc}. Default settings are used."
            )
            return Settings()
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (ValueError, RecursionError):
            self._move_aside()
            return Settings()
        dropped: list[str] = []
        settings = Settings.from_dict(data, self.problems, dropped)
        if dropped:
            self.problems.append(
                "Removed " + ", ".join(sorted(set(dropped))) + " from settings.json: keys are "
                "kept in the system keyring, never in the settings file."
            )
            # Rewrite now so the secret does not linger on disk until the next save.
            try:
                self.save(settings)
            except atomicfile.SaveError as exc:
                self.problems.append(str(exc))
        return settings

    def save(self, settings: Settings) -> None:
        """Write atomically; raises ``atomicfile.SaveError`` with a user-facing message."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise atomicfile.SaveError(
                exc.errno, f"Could not save {self.path.name}: {exc.strerror or exc}."
            ) from exc
        text = json.dumps(settings.to_dict(), indent=2, ensure_ascii=False) + "\n"
        atomicfile.write_text(self.path, text)

    def _move_aside(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{SETTINGS_FILE}.corrupt-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{SETTINGS_FILE}.corrupt-{stamp}-{n}")
            n += 1
        try:
            self.path.replace(target)
            kept = f"it was kept as {target.name}"
        except OSError as exc:
            kept = f"it could not be moved aside ({exc.strerror or exc})"
        self.problems.append(
            f"The settings file could not be read; {kept}. Default settings are used."
        )
