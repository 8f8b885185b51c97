"""Settings of one MCP server (:class:`McpServerConfig`) and how settings.json keeps them.

A server is a command to run (``stdio``) or a URL to reach (``http`` for Streamable HTTP,
``sse`` for the older SSE transport). Settings are a plain file, so a credential never lives in
one: an environment variable, header, argument or URL that holds one keeps a reference
``keyring:<server-id>/<NAME>`` instead (:func:`secret_ref`), and the value lives in the system
keyring (user name ``mcp:<server-id>/<NAME>``, see :func:`keyring_user`). Reading settings
drops a credential that is not such a reference, with a notice.

No Qt and no ``mcp`` here: settings load this at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nebula_desktop.credentials import is_credential_name, looks_like_credential
from nebula_desktop.settings_reader import FieldReader

__all__ = [
    "DEFAULT_MAX_ROUNDS",
    "DEFAULT_TIMEOUT_S",
    "MAX_CONFIG_BYTES",
    "MAX_ITEMS",
    "MAX_SERVERS",
    "MAX_VALUE_CHARS",
    "SECRET_PREFIX",
    "TRANSPORTS",
    "McpServerConfig",
    "holds_credential",
    "keyring_user",
    "parse_secret_ref",
    "read_servers",
    "secret_ref",
]

TRANSPORTS = ("stdio", "http", "sse")
DEFAULT_TIMEOUT_S = 60.0
# Tool rounds in one chat turn before the loop stops (a setting of the chat, kept here so the
# settings and the chat loop share one default).
DEFAULT_MAX_ROUNDS = 10
SECRET_PREFIX = "keyring:"
# An MCP configuration is a few kilobytes; anything this large is not one (checked before parsing).
MAX_CONFIG_BYTES = 1024 * 1024
MAX_SERVERS = 100
MAX_ITEMS = 200  # arguments, variables or headers of one server
MAX_VALUE_CHARS = 32 * 1024


def secret_ref(server_id: str, name: str) -> str:
    """The reference a setting keeps instead of a credential: ``keyring:<server-id>/<NAME>``."""
    return f"{SECRET_PREFIX}{server_id}/{name}"


def parse_secret_ref(value: str) -> tuple[str, str] | None:
    """``(server_id, name)`` of a ``keyring:`` reference, or None for any other value."""
    if not value.startswith(SECRET_PREFIX):
        return None
    server_id, sep, name = value[len(SECRET_PREFIX) :].partition("/")
    if not sep or not server_id or not name:
        return None
    return server_id, name


def keyring_user(server_id: str, name: str) -> str:
    """The keyring user name holding a server's secret (service ``nebula-desktop``)."""
    return f"mcp:{server_id}/{name}"


def holds_credential(name: str, value: str) -> bool:
    """A value that must not be written to settings (a reference is fine)."""
    if not value or parse_secret_ref(value) is not None:
        return False
    return is_credential_name(name) or looks_like_credential(value)


@dataclass
class McpServerConfig:
    """One MCP server: how to start or reach it, where it is enabled, what runs unasked.

    ``enabled_for_all`` or a chat id in ``enabled_chats`` makes its tools available there;
    nothing starts until a chat with it enabled uses it. ``always_allowed`` lists tool names the
    user allowed for good ("Always allow this tool"; revocable). ``timeout_s`` bounds one call
    and the start.
    """

    id: str
    name: str
    transport: str = "stdio"
    command: str = ""
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    cwd: str = ""
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    enabled_for_all: bool = False
    enabled_chats: list[str] = field(default_factory=list)
    always_allowed: list[str] = field(default_factory=list)
    timeout_s: float = DEFAULT_TIMEOUT_S

    def is_enabled_for(self, chat_id: str | None) -> bool:
        """True when this server's tools are offered in chat ``chat_id``."""
        return self.enabled_for_all or (chat_id is not None and chat_id in self.enabled_chats)

    def secret_names(self) -> list[str]:
        """The names of the keyring secrets this server's settings refer to."""
        values = [*self.args, *self.env.values(), *self.headers.values(), self.url]
        return [ref[1] for v in values if (ref := parse_secret_ref(v)) is not None]

    def to_dict(self, dropped: list[str] | None = None) -> dict[str, Any]:
        """JSON shape for settings.json; a credential that is not a reference is never written
        (its place is named in ``dropped``)."""
        lost = dropped if dropped is not None else []
        where = f"mcp_servers[{self.id}]."
        return {
            "id": self.id,
            "name": self.name,
            "transport": self.transport,
            "command": self.command,
            "args": [a for i, a in enumerate(self.args) if _keep(f"{where}args[{i}]", "", a, lost)],
            "env": {k: v for k, v in self.env.items() if _keep(f"{where}env.{k}", k, v, lost)},
            "cwd": self.cwd,
            "url": self.url if _keep(f"{where}url", "", self.url, lost) else "",
            "headers": {
                k: v for k, v in self.headers.items() if _keep(f"{where}headers.{k}", k, v, lost)
            },
            "enabled_for_all": self.enabled_for_all,
            "enabled_chats": list(self.enabled_chats),
            "always_allowed": list(self.always_allowed),
            "timeout_s": self.timeout_s,
        }

    @classmethod
    def from_dict(
        cls, d: dict[str, Any], problems: list[str], removed: list[str] | None = None
    ) -> McpServerConfig | None:
        """Read one server from settings; None (with a notice) when it has no usable id.

        A credential that is not a ``keyring:`` reference is left out, with a notice in
        ``problems`` — or, when ``removed`` is given, its place named there instead (the settings
        store says what it removed and rewrites the file).
        """
        server_id = d.get("id")
        if not isinstance(server_id, str) or not server_id:
            problems.append("A tools server in the settings had no id; it was left out.")
            return None
        where = f"mcp_servers[{server_id}]."
        r = FieldReader(d, where, problems)
        transport = r.get_str("transport", "stdio")
        if transport not in TRANSPORTS:
            r.bad("transport")
            transport = "stdio"
        dropped: list[str] = []
        args = [
            a for i, a in enumerate(r.list_of("args", str)) if _keep(f"args[{i}]", "", a, dropped)
        ]
        env = {k: v for k, v in _str_map(d, "env", r).items() if _keep(f"env.{k}", k, v, dropped)}
        headers = {
            k: v
            for k, v in _str_map(d, "headers", r).items()
            if _keep(f"headers.{k}", k, v, dropped)
        }
        url = r.get_str("url", "")
        if not _keep("url", "", url, dropped):
            url = ""
        for place in dropped:
            if removed is not None:
                removed.append(f"{where}{place}")
                continue
            problems.append(
                f"Setting {where}{place} held a credential; it was removed because "
                "settings.json is a plain file. Enter it again in Settings → Tools."
            )
        return cls(
            id=server_id,
            name=r.get_str("name", server_id),
            transport=transport,
            command=r.get_str("command", ""),
            args=args,
            env=env,
            cwd=r.get_str("cwd", ""),
            url=url,
            headers=headers,
            enabled_for_all=r.get_bool("enabled_for_all", False),
            enabled_chats=r.list_of("enabled_chats", str),
            always_allowed=r.list_of("always_allowed", str),
            timeout_s=r.get_float("timeout_s", DEFAULT_TIMEOUT_S, 1.0, 3600.0),
        )


def read_servers(raw: object, problems: list[str], removed: list[str]) -> list[McpServerConfig]:
    """The ``mcp_servers`` list of settings.json: at most :data:`MAX_SERVERS` servers with
    unique ids; anything else is left out with a notice, credentials are named in ``removed``."""
    if not isinstance(raw, list):
        problems.append("Setting mcp_servers had an invalid value; no tools server was read.")
        return []
    servers: list[McpServerConfig] = []
    for item in raw[:MAX_SERVERS]:
        if not isinstance(item, dict):
            problems.append("A tools server in the settings was not an object; it was left out.")
            continue
        server = McpServerConfig.from_dict(item, problems, removed)
        if server is None:
            continue
        if any(s.id == server.id for s in servers):
            problems.append(f"A second tools server with the id {server.id} was left out.")
            continue
        servers.append(server)
    return servers


def _keep(place: str, name: str, value: str, dropped: list[str]) -> bool:
    if holds_credential(name, value):
        dropped.append(place)
        return False
    return True


def _str_map(d: dict[str, Any], key: str, r: FieldReader) -> dict[str, str]:
    value = d.get(key, {})
    if isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return dict(value)
    r.bad(key)
    return {}
