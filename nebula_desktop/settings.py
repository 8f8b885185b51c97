"""Profiles and preferences in ``settings.json`` (never an API key — those live in the keyring).

Loading is forgiving: a field of the wrong type falls back to its default, keys this version
does not know are kept and written back unchanged, and a file that is not JSON at all is moved
aside (``settings.json.corrupt-<time>``) so defaults can be used without losing it.

Credentials never stay in the file (the rule is :mod:`nebula_desktop.credentials`): a field or
header named like one (``api_key``, ``Authorization``, ``X-Auth``, ``passwd``…), a value that
looks like one (``Bearer …``, ``sk-…``) in a header or an unknown field, and the user name,
password or key parameter of a URL (base URL, proxy) are dropped on load, the file is rewritten
at once, and they are never written. A prompt preset is the user's own text: one that mentions
something key-like is kept, with a notice. Every repair is reported in
``SettingsStore.problems``, naming the field, never the value.
"""

from __future__ import annotations

import errno
import json
import re
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from nebula_desktop import atomicfile, safeio
from nebula_desktop.compare_settings import (
    ModelPick,
    picks_to_json,
    read_compare_models,
    read_compare_setups,
    setups_to_json,
)
from nebula_desktop.credentials import looks_like_credential

# Profiles and the JSON helpers live in their own modules; they are re-exported here because
# callers (and docs/contracts.md) know them as ``nebula_desktop.settings.*``.
from nebula_desktop.profile import (
    DEFAULT_BASE_URL,
    DEFAULT_PROFILE_ID,
    Profile,
    default_profile,
    is_local_host,
    is_plain_http_remote,
    is_secret_header,
)
from nebula_desktop.settings_reader import FieldReader, looks_secret, scrub_secrets

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_PROFILE_ID",
    "SETTINGS_FILE",
    "SETTINGS_VERSION",
    "THEMES",
    "Profile",
    "Settings",
    "SettingsStore",
    "default_profile",
    "image_host",
    "is_local_host",
    "is_plain_http_remote",
    "is_secret_header",
    "looks_secret",
]

SETTINGS_FILE = "settings.json"
# Profiles, prices and presets take kilobytes; a bigger file is not read (defaults are used).
MAX_SETTINGS_BYTES = 16 * 1024 * 1024
PRESET_KEY_NOTICE = (
    "Prompt preset {name} mentions something that looks like an API key or password. It was "
    "kept because it is your text; if the key is real, remove it from the preset (settings and "
    "their backups are plain files) and replace the key."
)
SETTINGS_VERSION = 1
THEMES = ("system", "light", "dark")
MAX_CONTEXT_LIMIT = 1_000_000  # messages a chat sends at most, when limited
MAX_IMAGE_HOSTS = 50  # hosts whose answer images load without a click
MAX_HOST_CHARS = 253


@cache
def _host() -> re.Pattern[str]:
    return re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")


IMAGE_HOSTS_NOTICE = (
    "Some entries of image_hosts in settings.json were not host names, or past the limit of "
    "{limit}, and were dropped; images from those hosts wait for a click."
)
TOKEN_RATIOS_NOTICE = (
    "Some token estimate calibrations in settings.json were not valid and were dropped; the "
    "estimates of those models learn again from their next answer."
)


@dataclass
class Settings:
    """Everything the user can configure, except API keys."""

    profiles: list[Profile] = field(default_factory=lambda: [default_profile()])
    default_profile_id: str = DEFAULT_PROFILE_ID
    theme: str = "system"
    font_size: int = 0
    auto_title: bool = True
    # Formulas in answers drawn as images ($…$, $$…$$, \(…\), \[…\]); off shows the TeX.
    render_math: bool = True
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
    # Messages a new chat sends per request (None: all), copied into each chat when it is
    # created: changing it never alters existing chats (Conversation.context_limit).
    default_context_limit: int | None = None
    # Calibration of token estimates (nebula_desktop.tokens.Calibration): the ratio of the
    # prompt tokens a server reported to the estimate, by "profile_id\tmodel", the most recently
    # used last; plain numbers, at most tokens.MAX_TOKEN_RATIOS of them.
    token_ratios: dict[str, float] = field(default_factory=dict)
    # MCP servers (Settings → Tools; nebula_desktop.tools.config.McpServerConfig), and how many
    # tool rounds one answer may take before the chat stops asking.
    mcp_servers: list[Any] = field(default_factory=list)
    tool_max_rounds: int = 10
    # Compare (nebula_desktop.compare_settings): the 2–4 models picked last, and the saved
    # setups by name ("Claude vs GPT vs Gemini"), at most compare_settings.MAX_SETUPS.
    compare_models: list[ModelPick] = field(default_factory=list)
    compare_setups: dict[str, list[ModelPick]] = field(default_factory=dict)
    # Hosts whose images in answers load without a click (Settings → General), lowercase; a
    # subdomain of one is allowed too. At most MAX_IMAGE_HOSTS of them.
    image_hosts: list[str] = field(default_factory=list)
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
        out = dict(scrub_secrets(self.unknown_fields, dropped, ""))
        out.update(
            {
                "version": SETTINGS_VERSION,
                "profiles": [p.to_dict() for p in self.profiles],
                "default_profile_id": self.default_profile_id,
                "theme": self.theme,
                "font_size": self.font_size,
                "auto_title": self.auto_title,
                "render_math": self.render_math,
                "window_geometry": self.window_geometry,
                "window_state": self.window_state,
                "splitter_sizes": list(self.splitter_sizes),
                "last_conversation_id": self.last_conversation_id,
                "language": self.language,
                "log_message_text": self.log_message_text,
                "prompt_presets": [dict(p) for p in self.prompt_presets],
                "default_prompt_preset": self.default_prompt_preset,
                "default_context_limit": self.default_context_limit,
                "token_ratios": dict(self.token_ratios),
                "mcp_servers": [server.to_dict() for server in self.mcp_servers],
                "tool_max_rounds": self.tool_max_rounds,
                "compare_models": picks_to_json(self.compare_models),
                "compare_setups": setups_to_json(self.compare_setups),
                "image_hosts": list(self.image_hosts),
            }
        )
        return out

    @classmethod
    def from_dict(
        cls, d: dict[str, Any], problems: list[str], dropped: list[str] | None = None
    ) -> Settings:
        """Build from JSON, repairing what is wrong (notices go to ``problems``)."""
        dropped = [] if dropped is None else dropped
        r = FieldReader(d, "", problems)
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
        for number, p in enumerate(presets, start=1):
            if looks_like_credential(p["name"]) or looks_like_credential(p["text"]):
                named = f"number {number}" if looks_like_credential(p["name"]) else p["name"]
                problems.append(PRESET_KEY_NOTICE.format(name=f"“{named}”"))
        limit = d.get("default_context_limit")
        if limit is not None and (
            isinstance(limit, bool)
            or not isinstance(limit, int)
            or not 1 <= limit <= MAX_CONTEXT_LIMIT
        ):
            r.bad("default_context_limit")
            limit = None
        raw_ratios = d.get("token_ratios", {})
        from nebula_desktop.tokens import read_ratios  # only when settings are read, not at import

        ratios, ratios_damaged = read_ratios(raw_ratios)
        if isinstance(raw_ratios, dict) and any(
            isinstance(k, str) and looks_like_credential(k) for k in raw_ratios
        ):
            dropped.append("token_ratios (a model named like a key)")  # rewritten at once
        elif ratios_damaged:
            problems.append(TOKEN_RATIOS_NOTICE)
        from nebula_desktop.tools.server_settings import read_servers  # no mcp: plain data

        s = cls(
            profiles=profiles,
            default_profile_id=r.get_str("default_profile_id", profiles[0].id),
            theme=theme,
            font_size=r.get_int("font_size", 0, 0, 96),
            auto_title=r.get_bool("auto_title", True),
            render_math=r.get_bool("render_math", True),
            window_geometry=r.get_str("window_geometry", ""),
            window_state=r.get_str("window_state", ""),
            splitter_sizes=r.list_of("splitter_sizes", int),
            last_conversation_id=r.get_opt_str("last_conversation_id"),
            language=r.get_str("language", ""),
            log_message_text=r.get_bool("log_message_text", False),
            prompt_presets=[{"name": p["name"], "text": p["text"]} for p in presets],
            default_prompt_preset=r.get_str("default_prompt_preset", ""),
            default_context_limit=limit,
            token_ratios=ratios,
            mcp_servers=read_servers(d.get("mcp_servers", []), problems, dropped),
            tool_max_rounds=r.get_int("tool_max_rounds", 10, 1, 100),
            compare_models=read_compare_models(d.get("compare_models"), problems, dropped),
            compare_setups=read_compare_setups(d.get("compare_setups"), problems, dropped),
            image_hosts=_read_image_hosts(d.get("image_hosts", []), r),
            unknown_fields=scrub_secrets(unknown, dropped, ""),
        )
        if all(p.id != s.default_profile_id for p in profiles):
            s.default_profile_id = profiles[0].id
        return s


def image_host(text: str) -> str | None:
    """``text`` as a host name for ``Settings.image_hosts`` (lowercase, no trailing dot), or
    None when it is not one (a space, a slash, a port, too long…)."""
    host = text.strip().lower().rstrip(".")
    if not host or len(host) > MAX_HOST_CHARS or not _host().fullmatch(host):
        return None
    return host


def _read_image_hosts(value: Any, r: FieldReader) -> list[str]:
    """The valid, distinct host names of ``value``, at most MAX_IMAGE_HOSTS (a notice if any
    was dropped); the list is looked at only up to a bound, whatever its length."""
    if not isinstance(value, list):
        r.bad("image_hosts")
        return []
    hosts: list[str] = []
    damaged = len(value) > MAX_IMAGE_HOSTS
    for item in value[:MAX_IMAGE_HOSTS]:
        host = image_host(item) if isinstance(item, str) else None
        if host is None:
            damaged = True
        elif host not in hosts:
            hosts.append(host)
    if damaged:
        r.problems.append(IMAGE_HOSTS_NOTICE.format(limit=MAX_IMAGE_HOSTS))
    return hosts


class SettingsStore:
    """Reads and writes ``settings.json`` in ``config_dir`` (created on first save)."""

    def __init__(self, config_dir: Path | str) -> None:
        self.path = Path(config_dir) / SETTINGS_FILE
        self.problems: list[str] = []

    def load(self) -> Settings:
        """The saved settings, or defaults (with a notice) when the file is missing or broken."""
        try:
            # A regular file only, read up to a cap: a FIFO or /dev/zero must not stop the start.
            raw = safeio.read_regular(self.path, MAX_SETTINGS_BYTES)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return Settings()
            self.problems.append(
                f"The settings file {self.path} was not read: {exc} Default settings are used."
            )
            return Settings()
        try:
            data = json.loads(raw.decode("utf-8-sig"))  # a BOM from an editor is no damage
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (ValueError, RecursionError):
            self._move_aside()
            return Settings()
        dropped: list[str] = []
        settings = Settings.from_dict(data, self.problems, dropped)
        if dropped:
            # A name can itself be a key ({"sk-…": 1}): the notice never repeats one.
            names = {"a field named like a key" if looks_like_credential(n) else n for n in dropped}
            self.problems.append(
                "Removed " + ", ".join(sorted(names)) + " from settings.json: keys are "
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
        data = atomicfile.utf8(text)  # (half an emoji becomes its JSON escape, never an error)
        if self._holds(data):
            return  # already on disk: no rewrite, no fsync (every close saves the settings)
        atomicfile.write_bytes(self.path, data)

    def _holds(self, data: bytes) -> bool:
        try:
            return safeio.read_regular(self.path, MAX_SETTINGS_BYTES) == data
        except OSError:
            return False

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
