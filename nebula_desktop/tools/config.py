"""Settings of MCP servers, and the import of a Claude Desktop / Cursor ``mcpServers`` block.

The one import for what the settings and the UI need of tools' configuration:

- :mod:`.server_settings`: :class:`McpServerConfig` (a command to run, or a URL to reach) and
  how settings.json keeps it, with ``keyring:<server-id>/<NAME>`` references in place of
  credentials (:func:`secret_ref`, :func:`keyring_user`);
- :mod:`.keyring_refs`: credentials moved to the keyring (:func:`move_credentials`) and read
  back when a server starts (:func:`resolve_references`);
- :mod:`.claude_import`: :func:`parse_claude_config` and :func:`import_claude_config`.

No Qt and no ``mcp`` here: settings load this at start-up.
"""

from __future__ import annotations

from nebula_desktop.tools.claude_import import (
    ImportedServers,
    import_claude_config,
    parse_claude_config,
)
from nebula_desktop.tools.keyring_refs import (
    MovedSecret,
    ResolvedServer,
    move_credentials,
    resolve_references,
)
from nebula_desktop.tools.server_settings import (
    DEFAULT_MAX_ROUNDS,
    DEFAULT_TIMEOUT_S,
    MAX_CONFIG_BYTES,
    MAX_ITEMS,
    MAX_SERVERS,
    MAX_VALUE_CHARS,
    SECRET_PREFIX,
    TRANSPORTS,
    McpServerConfig,
    keyring_user,
    parse_secret_ref,
    read_servers,
    secret_ref,
)

__all__ = [
    "DEFAULT_MAX_ROUNDS",
    "DEFAULT_TIMEOUT_S",
    "MAX_CONFIG_BYTES",
    "MAX_ITEMS",
    "MAX_SERVERS",
    "MAX_VALUE_CHARS",
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
