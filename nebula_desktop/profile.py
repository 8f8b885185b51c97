"""``Profile``: one endpoint (where to connect and how) and its JSON (de)serialisation.

Also the URL facts the UI needs about a profile: whether a host is this computer and whether
a key would travel in clear text — to the server, or to a proxy on the way. The key itself is
never here: it is in the keyring under the profile's ``id``.
"""

from __future__ import annotations

import ipaddress
import math
import os
import sys
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from nebula_desktop.credentials import is_credential_name, looks_like_credential, scrub_url
from nebula_desktop.settings_reader import FieldReader, scrub_secrets

DEFAULT_BASE_URL = "https://llm.ai-nebula.com/v1"
DEFAULT_PROFILE_ID = "ai-nebula"
PROXY_CREDENTIALS_NOTICE = (
    "The proxy of profile {name} had a user name and password in its address; they were "
    "removed, because settings.json is a plain file. To use a proxy that needs a password, "
    "clear the profile's proxy and set HTTPS_PROXY=http://user:password@host:port in the "
    "environment Nebula Desktop starts in."
)


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
    # Context window in tokens by model, where the user's figure replaces the known one
    # (see nebula_desktop.context_windows): {"llama3.1:8b": 8192}.
    context_windows: dict[str, int] = field(default_factory=dict)
    # Keys written by a newer version, kept so a round trip through this one loses nothing.
    unknown_fields: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape; credentials (in headers, URLs, unknown keys) are never written."""
        dropped: list[str] = []
        out = dict(scrub_secrets(self.unknown_fields, dropped, ""))
        out.update(
            {
                "id": self.id,
                "name": self.name,
                "base_url": _safe_url(self.base_url, dropped, ""),
                "default_model": self.default_model,
                "temperature": self.temperature,
                "needs_key": self.needs_key,
                "extra_headers": _safe_headers(self.extra_headers, dropped, ""),
                "proxy": _safe_url(self.proxy, dropped, ""),
                "timeout": self.timeout,
                "ca_bundle": self.ca_bundle,
                "models_cache": list(self.models_cache),
                "thinking_inline": self.thinking_inline,
                "prices": {m: dict(p) for m, p in self.prices.items()},
                "context_windows": dict(self.context_windows),
            }
        )
        return out

    def sends_key_in_clear(self) -> bool:
        """True when a key would travel unencrypted to another computer: plain http:// to a
        server there, or through a plain-http or SOCKS proxy there (see :func:`clear_text_hop`)."""
        return self.clear_text_hop() is not None

    def clear_text_hop(self) -> ClearTextHop | None:
        """Who on another computer would read this profile's key in clear text (None: nobody)."""
        return clear_text_hop(self.base_url, self.proxy) if self.needs_key else None

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
        r = FieldReader(d, where, problems)
        headers = d.get("extra_headers", {})
        if not isinstance(headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            r.bad("extra_headers")
            headers = {}
        known = {f for f in cls.__dataclass_fields__ if f != "unknown_fields"}
        unknown = {k: v for k, v in d.items() if k not in known}
        name = r.get_str("name", d["id"])
        proxy = r.get_str("proxy", "")
        if _safe_url(proxy, [], "") != proxy:
            problems.append(PROXY_CREDENTIALS_NOTICE.format(name=f"“{name}”"))
        return cls(
            id=d["id"],
            name=name,
            base_url=_safe_url(
                r.get_str("base_url", DEFAULT_BASE_URL), dropped, f"{where}base_url"
            ),
            default_model=r.get_str("default_model", ""),
            temperature=r.get_float("temperature", 0.7, 0.0, 2.0),
            needs_key=r.get_bool("needs_key", True),
            extra_headers=_safe_headers(headers, dropped, where),
            proxy=_safe_url(proxy, dropped, f"{where}proxy"),
            timeout=r.get_float("timeout", 60.0, 1.0, 3600.0),
            ca_bundle=r.get_str("ca_bundle", ""),
            models_cache=r.list_of("models_cache", str),
            thinking_inline=r.get_bool("thinking_inline", False),
            prices=_read_prices(d.get("prices", {}), r),
            context_windows=_read_windows(d.get("context_windows", {}), r),
            unknown_fields=scrub_secrets(unknown, dropped, where),
        )


def _read_prices(value: Any, r: FieldReader) -> dict[str, dict[str, float]]:
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


MAX_CONTEXT_WINDOW = 100_000_000  # tokens: far past any model; more is a typo


def _read_windows(value: Any, r: FieldReader) -> dict[str, int]:
    """Valid context windows only: a model name mapping to a whole number of tokens from 1 to
    :data:`MAX_CONTEXT_WINDOW`; any other entry is dropped with a notice."""
    if not isinstance(value, dict):
        r.bad("context_windows")
        return {}
    windows: dict[str, int] = {}
    for model, tokens in value.items():
        whole = isinstance(tokens, int) and not isinstance(tokens, bool)
        if whole and 1 <= tokens <= MAX_CONTEXT_WINDOW:
            windows[str(model)] = tokens
        else:
            r.bad(f"context_windows.{model}")
    return windows


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


@dataclass(frozen=True)
class ClearTextHop:
    """A computer that would read a request's headers, the API key among them, in clear text."""

    host: str  # "api.example.com" or "10.0.0.5:3128": never a password
    via_proxy: bool  # the proxy on the way (the server itself is on this computer)


def clear_text_hop(base_url: str, proxy: str = "") -> ClearTextHop | None:
    """Where a request to ``base_url`` would be readable on the network, or None.

    The server, for plain ``http://`` to another computer. Otherwise the proxy, for plain
    ``http://`` to this computer through an http or SOCKS proxy on another one: that proxy, and
    every network on the way to it, sees the ``Authorization`` header. ``proxy`` is the
    profile's; when it is empty the environment's applies, as the client honours it
    (``HTTP_PROXY``, ``ALL_PROXY``, ``NO_PROXY``, the system's settings). An ``https://`` base URL
    goes through any proxy in a tunnel and an ``https://`` proxy is reached over TLS: both keep
    the key encrypted.
    """
    parts = urlsplit(base_url.strip())
    host = parts.hostname or ""
    if parts.scheme != "http" or not host:
        return None
    if not is_local_host(host):
        return ClearTextHop(host=host, via_proxy=False)
    proxy = proxy.strip()
    if not proxy and not _environment_may_proxy():
        return None  # spares loading requests to find what cannot be there
    from nebula_desktop.api import proxy_for

    try:
        route = proxy_for(base_url.strip().rstrip("/") + "/chat/completions", proxy or None)
        via = urlsplit(route) if route else None
        proxy_host = via.hostname if via else None
        proxy_port = via.port if via else None
    except ValueError:  # a malformed proxy: requests refuses it too, so nothing is sent
        return None
    if via is None or not proxy_host or via.scheme == "https" or is_local_host(proxy_host):
        return None
    shown = f"[{proxy_host}]" if ":" in proxy_host else proxy_host
    return ClearTextHop(host=shown + (f":{proxy_port}" if proxy_port else ""), via_proxy=True)


def _environment_may_proxy() -> bool:
    """False when no proxy setting of the environment can apply (requests would find none)."""
    if sys.platform in ("win32", "darwin"):  # proxies also come from the system's settings
        return True
    return any(name.lower().endswith("_proxy") and value for name, value in os.environ.items())


def is_secret_header(name: str) -> bool:
    """True for header names that carry credentials; settings never store such headers.

    The profile editor should refuse them up front (the key belongs in the keyring). The rule
    is :func:`nebula_desktop.credentials.is_credential_name`.
    """
    return is_credential_name(name)


def _safe_headers(headers: dict[str, str], dropped: list[str], where: str) -> dict[str, str]:
    """``headers`` without the ones named like a credential or whose value looks like one."""
    safe = {}
    for name, value in headers.items():
        if is_secret_header(name) or looks_like_credential(name) or looks_like_credential(value):
            dropped.append(f"{where}extra_headers.{name}")
        else:
            safe[name] = value
    return safe


def _safe_url(url: str, dropped: list[str], what: str) -> str:
    """``url`` without its credentials (user info, key parameters); notes ``what`` if any."""
    clean = scrub_url(url)
    if clean != url:
        dropped.append(f"{what} (the credentials in the address)")
    return clean


def default_profile() -> Profile:
    """The built-in ai-nebula endpoint."""
    return Profile(id=DEFAULT_PROFILE_ID, name="ai-nebula", base_url=DEFAULT_BASE_URL)
