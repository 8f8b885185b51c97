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

Nothing here imports ``mcp`` until a server starts; ``import nebula_desktop.tools`` is cheap:
the start (settings) needs only the server settings, so the import of a config file loads on
first use of one of its names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nebula_desktop.tools.claude_import import (
        ImportedServers,
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
    from nebula_desktop.tools.keyring_refs import MovedSecret
    from nebula_desktop.tools.model import ServerState, ToolImage, ToolResult, ToolSpec
    from nebula_desktop.tools.server_settings import (
        DEFAULT_MAX_ROUNDS,
        DEFAULT_TIMEOUT_S,
        McpServerConfig,
    )

# Every name loads from its module when first asked for: start-up imports
# ``tools.server_settings`` (the settings hold the servers) and ``tools.session``, and must not
# pay for the rest through this package's import.
_HOMES = {
    **dict.fromkeys(
        (
            "BadArguments",
            "CommandNotFound",
            "ConfigImportError",
            "MissingSecret",
            "PlainHttpRefused",
            "ServerUnavailable",
            "ToolsError",
        ),
        "errors",
    ),
    **dict.fromkeys(("ServerState", "ToolImage", "ToolResult", "ToolSpec"), "model"),
    **dict.fromkeys(
        ("DEFAULT_MAX_ROUNDS", "DEFAULT_TIMEOUT_S", "McpServerConfig"), "server_settings"
    ),
    **dict.fromkeys(
        ("ImportedServers", "import_claude_config", "parse_claude_config"), "claude_import"
    ),
    "MovedSecret": "keyring_refs",
}

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


def __getattr__(name: str) -> Any:
    """A public name, from its module (loaded on first use)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
