"""The import of a Claude Desktop / Cursor / VS Code ``mcpServers`` block (no Qt).

:func:`parse_claude_config` reads the JSON (bounded: 1 MB, 100 servers, 200 items a server)
into servers enabled nowhere, with a notice for each entry it skips; the credentials it finds
become ``keyring:`` references. :func:`import_claude_config` then stores their values in the
keyring, all or none.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from nebula_desktop.settings_reader import FieldReader
from nebula_desktop.tools.errors import ConfigImportError
from nebula_desktop.tools.keyring_refs import CredentialMover, MovedSecret
from nebula_desktop.tools.server_settings import (
    MAX_CONFIG_BYTES,
    MAX_ITEMS,
    MAX_SERVERS,
    MAX_VALUE_CHARS,
    McpServerConfig,
)

__all__ = ["ImportedServers", "import_claude_config", "parse_claude_config"]

_ID_RE = re.compile(r"[^a-z0-9_-]+")
_HTTP_TYPES = {"http", "streamable-http", "streamable_http", "streamablehttp"}


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
    moved = CredentialMover(server, out.secrets, out.moved_secrets)
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
