"""Settings of MCP servers, and the import of a Claude Desktop / Cursor ``mcpServers`` block.

A server is a :class:`McpServerConfig`: a command to run (``stdio``) or a URL to reach
(``http`` for Streamable HTTP, ``sse`` for the older SSE transport). Settings are a plain file, so
a credential never lives in one: an environment variable, header, argument or URL that holds one
keeps a reference ``keyring:<server-id>/<NAME>`` instead, and the value lives in the system
keyring (user name ``mcp:<server-id>/<NAME>``, see :func:`keyring_user`). The host resolves the
references when it starts the server (:func:`resolve_references`).

No Qt and no ``mcp`` here: settings load this at start-up.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from nebula_desktop.credentials import is_credential_name, looks_like_credential
from nebula_desktop.settings_reader import FieldReader
from nebula_desktop.tools.errors import ConfigImportError, MissingSecret

__all__ = [
    "DEFAULT_MAX_ROUNDS",
    "DEFAULT_TIMEOUT_S",
    "MAX_CONFIG_BYTES",
    "MAX_SERVERS",
    "SECRET_PREFIX",
    "TRANSPORTS",
    "ImportedServers",
    "McpServerConfig",
    "MovedSecret",
    "ResolvedServer",
    "import_claude_config",
    "keyring_user",
    "move_credentials",
    "parse_claude_config",
    "parse_secret_ref",
    "read_servers",
    "resolve_references",
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

_ID_RE = re.compile(r"[^a-z0-9_-]+")
_NAME_RE = re.compile(r"[A-Za-z0-9_.-]+")
_HTTP_TYPES = {"http", "streamable-http", "streamable_http", "streamablehttp"}


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


def _holds_credential(name: str, value: str) -> bool:
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
    if _holds_credential(name, value):
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


# -- import ------------------------------------------------------------------------------------


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


@dataclass
class ImportedServers:
    """What an import made: servers to add, the credentials it moved, and what it skipped.

    ``secrets`` maps keyring user names to values until :func:`import_claude_config` has stored
    them (then it is empty).
    """

    servers: list[McpServerConfig] = field(default_factory=list)
    moved_secrets: list[MovedSecret] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict, repr=False)


def _unique_id(name: str, taken: set[str]) -> str:
    base = _ID_RE.sub("-", name.lower()).strip("-")[:40] or "server"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def _servers_block(data: Any) -> dict[str, Any]:
    if isinstance(data, dict):
        for key in ("mcpServers", "servers"):
            if isinstance(data.get(key), dict):
                return dict(data[key])
        nested = data.get("mcp")
        if isinstance(nested, dict) and isinstance(nested.get("servers"), dict):
            return dict(nested["servers"])
    raise ConfigImportError(
        "No MCP servers found: the file needs an “mcpServers” block, as in Claude Desktop’s "
        "claude_desktop_config.json or Cursor’s mcp.json."
    )


def parse_claude_config(text: str, taken_ids: Iterable[str] = ()) -> ImportedServers:
    """Servers from the ``mcpServers`` block of a Claude Desktop / Cursor / VS Code JSON config.

    Stdio entries (``command``, ``args``, ``env``, ``cwd``) and remote ones (``url``,
    ``headers``; ``"type"`` ``"http"``/``"streamable-http"``, or ``"sse"``). Credentials found in
    environment variables, headers, arguments or the URL are replaced by ``keyring:``
    references and their values put in ``secrets`` (not stored: see
    :func:`import_claude_config`). Imported servers are enabled nowhere. Raises
    :class:`ConfigImportError` (a sentence) for text that is not such a config.
    """
    # Characters first: a huge text is refused before it is copied to count its bytes.
    if len(text) > MAX_CONFIG_BYTES or len(text.encode("utf-8", "replace")) > MAX_CONFIG_BYTES:
        raise ConfigImportError(
            "This file is too large to be an MCP configuration (the limit is 1 MB)."
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigImportError(
            f"This is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    except (ValueError, RecursionError):
        raise ConfigImportError("This is not valid JSON (it is nested too deeply).") from None
    block = _servers_block(data)
    out = ImportedServers()
    taken = set(taken_ids)
    entries = list(block.items())
    if len(entries) > MAX_SERVERS:
        out.notices.append(f"Only the first {MAX_SERVERS} of {len(entries)} servers were imported.")
    for name, entry in entries[:MAX_SERVERS]:
        _import_entry(str(name)[:200], entry, taken, out)
    return out


def _import_entry(name: str, entry: Any, taken: set[str], out: ImportedServers) -> None:
    if not isinstance(entry, dict):
        out.notices.append(f"“{name}” was skipped: its entry is not a JSON object.")
        return
    kind = entry.get("type", entry.get("transport", ""))
    kind = kind.lower() if isinstance(kind, str) else ""
    raw_url = entry.get("url", entry.get("serverUrl", ""))
    raw_command = entry.get("command", "")
    url = raw_url if isinstance(raw_url, str) else ""
    command = raw_command if isinstance(raw_command, str) else ""
    if kind not in _HTTP_TYPES and kind not in ("", "sse", "stdio"):
        out.notices.append(f"“{name}” was skipped: its transport “{kind[:40]}” is not supported.")
        return
    if url and kind != "stdio":
        transport = "sse" if kind == "sse" else "http"
    elif command and kind in ("", "stdio"):
        transport = "stdio"
    else:
        out.notices.append(
            f"“{name}” was skipped: it has neither a command to run nor a URL to connect to."
        )
        return
    problems: list[str] = []
    reader = FieldReader(entry, f"{name}.", problems)
    args = reader.list_of("args", str)[:MAX_ITEMS]
    env = _import_map(entry, "env", reader)
    headers = _import_map(entry, "headers", reader)
    cwd = reader.get_str("cwd", "")
    target = command if transport == "stdio" else url
    values = [*args, *env.values(), *headers.values(), cwd, target]
    if any(len(v) > MAX_VALUE_CHARS for v in values):
        out.notices.append(f"“{name}” was skipped: one of its values is far too long.")
        return
    server = McpServerConfig(
        id=_unique_id(name, taken),
        name=name,
        transport=transport,
        command=command if transport == "stdio" else "",
        cwd=cwd if transport == "stdio" else "",
        url=url if transport != "stdio" else "",
    )
    moved = _Mover(server, out)
    server.args = [moved.value("arg", f"ARG{i}", a) for i, a in enumerate(args)]
    server.env = {k: moved.value("env", k, v) for k, v in env.items()}
    server.headers = {k: moved.value("header", k, v) for k, v in headers.items()}
    if server.url:
        server.url = moved.value("url", "URL", server.url)
    if transport == "sse":
        out.notices.append(
            f"“{name}” uses the older SSE transport; if it fails to connect, ask its maker for "
            "its Streamable HTTP address."
        )
    out.notices.extend(f"“{name}”: {p}" for p in problems)
    out.servers.append(server)


def _import_map(entry: dict[str, Any], key: str, reader: FieldReader) -> dict[str, str]:
    value = entry.get(key, {})
    if not isinstance(value, dict):
        reader.bad(key)
        return {}
    kept = {str(k): v for k, v in list(value.items())[:MAX_ITEMS] if isinstance(v, str)}
    if len(kept) != len(value):
        reader.bad(key)
    return kept


class _Mover:
    """Replaces credentials of one imported server by references, collecting the values."""

    def __init__(self, server: McpServerConfig, out: ImportedServers) -> None:
        self.server = server
        self.out = out

    def value(self, kind: str, name: str, value: str) -> str:
        check_name = name if kind in ("env", "header") else ""
        if not _holds_credential(check_name, value):
            return value
        safe = "_".join(_NAME_RE.findall(name))[:100] or kind.upper()
        ref_name = safe if kind in ("env", "arg", "url") else f"header-{safe}"
        self.out.secrets[keyring_user(self.server.id, ref_name)] = value
        self.out.moved_secrets.append(MovedSecret(self.server.id, self.server.name, kind, name))
        return secret_ref(self.server.id, ref_name)


def move_credentials(server: McpServerConfig) -> dict[str, str]:
    """Replace every credential in ``server`` (typed by hand in Settings → Tools) by a
    ``keyring:`` reference; returns the values to store, by keyring user name."""
    out = ImportedServers()
    moved = _Mover(server, out)
    server.args = [moved.value("arg", f"ARG{i}", a) for i, a in enumerate(server.args)]
    server.env = {k: moved.value("env", k, v) for k, v in server.env.items()}
    server.headers = {k: moved.value("header", k, v) for k, v in server.headers.items()}
    if server.url:
        server.url = moved.value("url", "URL", server.url)
    return dict(out.secrets)


def import_claude_config(
    text: str,
    taken_ids: Iterable[str] = (),
    store_secret: Callable[[str, str], None] | None = None,
    delete_secret: Callable[[str], None] | None = None,
) -> ImportedServers:
    """:func:`parse_claude_config`, then the moved credentials stored in the keyring.

    ``store_secret(user, value)`` defaults to :func:`nebula_desktop.secrets.set_key`. When the
    keyring cannot take them all, the ones already stored are removed again and the error
    (``KeyringUnavailableError``, whose ``str()`` says what to install) propagates: nothing is
    imported, and the file the user picked still holds everything. Touches the keyring: call it
    off the GUI thread.
    """
    result = parse_claude_config(text, taken_ids)
    if store_secret is None or delete_secret is None:
        from nebula_desktop import secrets

        store_secret = store_secret or secrets.set_key
        delete_secret = delete_secret or secrets.delete_key
    stored: list[str] = []
    try:
        for user, value in result.secrets.items():
            store_secret(user, value)
            stored.append(user)
    except Exception:
        for user in stored:
            # The keyring failing twice: the original error is the news.
            with contextlib.suppress(Exception):
                delete_secret(user)
        raise
    result.secrets.clear()
    return result


# -- resolution --------------------------------------------------------------------------------


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
