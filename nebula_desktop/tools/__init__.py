"""Tools for the model through MCP servers, below the UI (no Qt; the ``mcp`` SDK loads lazily).

- :mod:`.config`: the one import for server settings (:class:`McpServerConfig`, in
  :mod:`.server_settings`), ``keyring:`` references (:mod:`.keyring_refs`) and the import of a
  Claude Desktop / Cursor ``mcpServers`` block (:mod:`.claude_import`);
- :mod:`.resolve`: commands found the way a login shell finds them;
- :mod:`.host`: :class:`~nebula_desktop.tools.host.McpHost`, the owner of every session, on its
  own thread (import it from there: it loads asyncio); :mod:`.server_run` starts and watches
  each server and :mod:`.calls` runs listings and calls, both on the host's loop;
- :mod:`.convert`: tools as OpenAI ``tools``, results as ``role: "tool"`` messages;
- :mod:`.model`, :mod:`.errors`: the plain data and the sentences that cross to the UI.

Nothing here imports ``mcp`` until a server starts; ``import nebula_desktop.tools`` is cheap.
"""

from __future__ import annotations

from nebula_desktop.tools.config import (
    DEFAULT_MAX_ROUNDS,
    DEFAULT_TIMEOUT_S,
    ImportedServers,
    McpServerConfig,
    MovedSecret,
    import_claude_config,
    parse_claude_config,
)
from nebula_desktop.tools.errors import (
    BadArguments,
    CommandNotFound,
    ConfigImportError,
    MissingSecret,
    PlainHttpRefused,
    ServerUnavailable,
    ToolsError,
)
from nebula_desktop.tools.model import ServerState, ToolImage, ToolResult, ToolSpec

__all__ = [
    "DEFAULT_MAX_ROUNDS",
    "DEFAULT_TIMEOUT_S",
    "BadArguments",
    "CommandNotFound",
    "ConfigImportError",
    "ImportedServers",
    "McpServerConfig",
    "MissingSecret",
    "MovedSecret",
    "PlainHttpRefused",
    "ServerState",
    "ServerUnavailable",
    "ToolImage",
    "ToolResult",
    "ToolSpec",
    "ToolsError",
    "import_claude_config",
    "parse_claude_config",
]
