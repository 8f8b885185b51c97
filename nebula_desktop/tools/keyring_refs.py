"""Credentials of MCP servers in the keyring: moving them out of settings, reading them back.

A credential typed in Settings → Tools or found in an imported config is replaced by a
``keyring:<server-id>/<NAME>`` reference (:class:`CredentialMover`, :func:`move_credentials`);
when the host starts a server, :func:`resolve_references` puts the values back. Never logs or
returns a value where a reference will do. No Qt.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from nebula_desktop.tools.errors import MissingSecret
from nebula_desktop.tools.server_settings import (
    McpServerConfig,
    holds_credential,
    keyring_user,
    parse_secret_ref,
    secret_ref,
)

__all__ = [
    "CredentialMover",
    "MovedSecret",
    "ResolvedServer",
    "move_credentials",
    "resolve_references",
]

_NAME_RE = re.compile(r"[A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class MovedSecret:
    """A credential the import moved to the keyring (never its value)."""

    server_id: str
    server_name: str
    kind: str  # "env" | "header" | "arg" | "url"
    name: str  # variable or header name; "ARG3" / "URL" for the others

    def __str__(self) -> str:
        what = {
            "env": f"environment variable {self.name}",
            "header": f"header {self.name}",
            "arg": f"argument {self.name[3:]}",
            "url": "its URL",
        }[self.kind]
        return f"“{self.server_name}”: {what}"


class CredentialMover:
    """Replaces the credentials of one server by references, collecting the values.

    ``secrets`` gets each value by keyring user name; ``moved`` says what was moved.
    """

    def __init__(
        self, server: McpServerConfig, secrets: dict[str, str], moved: list[MovedSecret]
    ) -> None:
        self.server = server
        self.secrets = secrets
        self.moved = moved

    def value(self, kind: str, name: str, value: str) -> str:
        """``value`` itself, or the reference that replaces it when it holds a credential."""
        check_name = name if kind in ("env", "header") else ""
        if not holds_credential(check_name, value):
            return value
        safe = "_".join(_NAME_RE.findall(name))[:100] or kind.upper()
        ref_name = safe if kind in ("env", "arg", "url") else f"header-{safe}"
        self.secrets[keyring_user(self.server.id, ref_name)] = value
        self.moved.append(MovedSecret(self.server.id, self.server.name, kind, name))
        return secret_ref(self.server.id, ref_name)


def move_credentials(server: McpServerConfig) -> dict[str, str]:
    """Replace every credential in ``server`` (typed by hand in Settings → Tools) by a
    ``keyring:`` reference; returns the values to store, by keyring user name."""
    secrets: dict[str, str] = {}
    moved = CredentialMover(server, secrets, [])
    server.args = [moved.value("arg", f"ARG{i}", a) for i, a in enumerate(server.args)]
    server.env = {k: moved.value("env", k, v) for k, v in server.env.items()}
    server.headers = {k: moved.value("header", k, v) for k, v in server.headers.items()}
    if server.url:
        server.url = moved.value("url", "URL", server.url)
    return secrets


@dataclass
class ResolvedServer:
    """A server's settings with every ``keyring:`` reference replaced by its value.

    ``secret_values`` lists those values so the caller can keep them out of the log.
    """

    args: list[str]
    env: dict[str, str]
    headers: dict[str, str]
    url: str
    secret_values: list[str] = field(default_factory=list, repr=False)


def resolve_references(
    config: McpServerConfig, get_secret: Callable[[str], str | None]
) -> ResolvedServer:
    """The values a server needs to start; ``get_secret(user)`` reads the keyring.

    Raises :class:`MissingSecret` (a sentence) for a reference with no stored value, and lets
    ``KeyringUnavailableError`` through. May block on the keyring: not on the GUI thread.
    """
    found: list[str] = []

    def value(v: str) -> str:
        ref = parse_secret_ref(v)
        if ref is None:
            return v
        secret = get_secret(keyring_user(*ref))
        if secret is None:
            raise MissingSecret(
                f"The secret {ref[1]} of the tools server “{config.name}” is not in the keyring; "
                "enter it again in Settings → Tools."
            )
        found.append(secret)
        return secret

    return ResolvedServer(
        args=[value(a) for a in config.args],
        env={k: value(v) for k, v in config.env.items()},
        headers={k: value(v) for k, v in config.headers.items()},
        url=value(config.url) if config.url else "",
        secret_values=found,
    )
