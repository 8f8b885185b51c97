"""What can go wrong with tools, as exceptions whose ``str()`` is a sentence for the user."""

from __future__ import annotations

__all__ = [
    "BadArguments",
    "CommandNotFound",
    "ConfigImportError",
    "MissingSecret",
    "PlainHttpRefused",
    "ServerUnavailable",
    "ToolsError",
]


class ToolsError(Exception):
    """Base of every tools error; ``str()`` is one user-facing sentence (English, no secrets)."""


class CommandNotFound(ToolsError):
    """A stdio server's command is not installed where a login shell would find it."""

    def __init__(self, command: str) -> None:
        super().__init__(f"command not found: {command}")
        self.command = command


class ConfigImportError(ToolsError, ValueError):
    """An MCP configuration to import is not one (bad JSON, no ``mcpServers`` block, too large)."""


class MissingSecret(ToolsError):
    """A ``keyring:`` reference in a server's settings has no value in the keyring."""


class PlainHttpRefused(ToolsError):
    """An ``http://`` server on another computer that the user has not allowed yet."""

    def __init__(self, server_name: str, host: str, via_proxy: bool) -> None:
        where = f"the proxy {host}" if via_proxy else host
        super().__init__(
            f"The tools server “{server_name}” uses plain http: tool arguments, results and its "
            f"headers would travel unencrypted to {where}. Use https, or allow it for this "
            "session when Nebula asks (in a chat, or with Test in Settings → Tools)."
        )
        self.host = host
        self.via_proxy = via_proxy


class ServerUnavailable(ToolsError):
    """A server could not be started or reached, or stopped unexpectedly and waits to retry."""


class BadArguments(ToolsError):
    """The model sent tool arguments that are not a JSON object."""
