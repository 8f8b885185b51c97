"""``AppContext``: what every room of the window works on, built once by ``app.py``.

The settings (one object for the whole session: dialogs edit it in place, so whoever holds the
context always reads the current values), the settings file, the conversation store, the keys
kept for this session only, and how this run was started. The window passes it down to each
room's top object; nobody fetches these through the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nebula_desktop.settings import Settings, SettingsStore
    from nebula_desktop.store import ConversationStore
    from nebula_desktop.tools.session import ToolsSession


@dataclass
class AppContext:
    """The session's settings, stores and keys (no Qt: plain data passed down once)."""

    settings_store: SettingsStore
    store: ConversationStore
    settings: Settings
    # Keys the user chose to keep for this session only (no usable keyring); never saved.
    session_keys: dict[str, str] = field(default_factory=dict)
    # --screenshot / --smoke-test: no network, no first-run dialog, no notices.
    offline: bool = False
    # Where Help → Open log folder goes (None: the platform's log folder).
    log_dir: str | None = None
    # The MCP tools host of the session: ``tools`` makes it when first asked for.
    _tools: ToolsSession | None = field(default=None, repr=False)

    @property
    def tools(self) -> ToolsSession:
        """The session's MCP tools host (nebula_desktop.tools.session), made on first use."""
        if self._tools is None:
            from nebula_desktop.tools.session import ToolsSession

            self._tools = ToolsSession(lambda: self.settings.mcp_servers)
        return self._tools

    def save_settings(self) -> None:
        """Write the settings file (raises ``OSError`` with a sentence when it cannot)."""
        self.settings_store.save(self.settings)

    def settings_folder(self) -> Path | None:
        """The folder of settings.json (None for a store without a file, e.g. in tests)."""
        path: Any = getattr(self.settings_store, "path", None)
        return Path(path).parent if path is not None else None
