"""Checks and conversions for the profile editor's text fields: base URL and extra headers.

Plain functions (no widgets) so the settings dialog can validate a profile that is not on
screen. Their messages are translated in the context "ProfileEditor", the editor that shows them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication

from nebula_desktop.credentials import looks_like_credential, scrub_url
from nebula_desktop.settings import is_local_host, is_secret_header


def base_url_problems(url: str) -> tuple[list[str], list[str]]:
    """(errors that block saving, warnings worth reading) for an API base URL."""
    url = url.strip()
    if not url:
        return [
            QCoreApplication.translate(
                "ProfileEditor", "Enter the server's base URL, e.g. https://llm.ai-nebula.com/v1."
            )
        ], []
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [
            QCoreApplication.translate(
                "ProfileEditor",
                "The base URL must start with https:// (or http:// for a local server).",
            )
        ], []
    if scrub_url(url) != url:
        return [
            QCoreApplication.translate(
                "ProfileEditor",
                "The base URL holds a user name, password or key, which settings never store: "
                "remove it and put the key in the API key field (it goes to the system keyring).",
            )
        ], []
    warnings: list[str] = []
    path = parts.path.rstrip("/")
    if path.endswith("/chat/completions") or path.endswith("/models"):
        warnings.append(
            QCoreApplication.translate(
                "ProfileEditor", "Enter the base URL only, without /chat/completions or /models."
            )
        )
    elif "/v1" not in path:
        warnings.append(
            QCoreApplication.translate(
                "ProfileEditor",
                "This does not look like an API base: OpenAI-compatible servers usually end in "
                "/v1 (e.g. https://llm.ai-nebula.com/v1).",
            )
        )
    if parts.scheme == "http" and not is_local_host(parts.hostname):
        warnings.append(
            QCoreApplication.translate(
                "ProfileEditor",
                "Plain http:// to another computer: your API key would travel in clear text. "
                "Use https:// unless you trust every network in between.",
            )
        )
    return [], warnings


def proxy_problems(proxy: str) -> list[str]:
    """Errors that block saving a proxy address (a password in it would be written to disk)."""
    proxy = proxy.strip()
    if not proxy or scrub_url(proxy) == proxy:
        return []
    return [
        QCoreApplication.translate(
            "ProfileEditor",
            "The proxy address holds a user name and password, which settings never store: "
            "remove them, or leave the proxy empty and set HTTPS_PROXY in the environment.",
        )
    ]


def parse_headers(text: str) -> tuple[dict[str, str], list[str]]:
    """Parse "Name: value" lines into a dict; return (headers, problems)."""
    headers: dict[str, str] = {}
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, sep, value = line.partition(":")
        name = name.strip()
        if not sep or not name or any(c.isspace() for c in name):
            problems.append(
                QCoreApplication.translate(
                    "ProfileEditor", "Header line {number} should look like “Name: value”."
                ).format(number=number)
            )
            continue
        if is_secret_header(name) or looks_like_credential(value):
            # Settings are a plain file and never keep credentials: say so instead of
            # silently dropping the line on save.
            problems.append(
                QCoreApplication.translate(
                    "ProfileEditor",
                    "Header line {number} ({name}) carries a credential: put the key in the "
                    "API key field, which goes to the system keyring.",
                ).format(number=number, name=name)
            )
            continue
        headers[name] = value.strip()
    return headers, problems


def format_headers(headers: dict[str, str]) -> str:
    """The editor's text for ``headers``: one "Name: value" line each."""
    return "\n".join(f"{k}: {v}" for k, v in headers.items())
