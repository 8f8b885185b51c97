"""``ToolsSession``: the app's one :class:`~nebula_desktop.tools.host.McpHost`, made on first use.

The window's rooms share it (the chat's tool loop, Settings → Tools): it follows the servers in
the settings (edited in place by the settings dialog) and hands out the host, which it creates
only when a server is really used, so start-up never imports the host, asyncio or the SDK. A
chat's tools are listed through it (:meth:`submit_catalog`) and remembered per server until its
settings change or it stops running, so later rounds and turns do not ask again. No Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from nebula_desktop.tools.errors import ToolsError
from nebula_desktop.tools.server_settings import McpServerConfig

# The session is made at start-up (the chat asks it which chats use tools); what it needs only
# once a server is used (futures, deep copies, the state and spec classes) loads then.
if TYPE_CHECKING:
    import concurrent.futures

    from nebula_desktop.tools.convert import ToolCatalog
    from nebula_desktop.tools.errors import PlainHttpRefused
    from nebula_desktop.tools.host import McpHost
    from nebula_desktop.tools.model import ServerState, ToolSpec

__all__ = ["CatalogResult", "ToolsSession"]


class CatalogResult:
    """The tools of one chat request: the catalog, the servers in it by id, one sentence per
    server that could not be used (said in the chat, not as a dialog), and among those the
    plain-http servers on another computer not allowed yet (``refused``: the chat asks first,
    and lists again after a yes)."""

    def __init__(
        self,
        catalog: ToolCatalog,
        servers: dict[str, McpServerConfig],
        problems: list[str],
        refused: list[tuple[McpServerConfig, PlainHttpRefused]] | None = None,
    ) -> None:
        self.catalog = catalog
        self.servers = servers
        self.problems = problems
        self.refused = refused or []


class ToolsSession:
    """Owns the host for the session; ``servers()`` reads the current settings each time."""

    def __init__(
        self,
        servers: Callable[[], Sequence[McpServerConfig]],
        host_factory: Callable[[list[McpServerConfig]], McpHost] | None = None,
    ) -> None:
        self._servers = servers
        self._factory = host_factory
        self._lock = threading.Lock()
        self._host: McpHost | None = None
        self._configured: list[McpServerConfig] = []
        self._specs: dict[str, tuple[McpServerConfig, list[ToolSpec]]] = {}
        self._plain_http_allowed: set[str] = set()
        self._closed = False

    # -- settings --------------------------------------------------------------------------

    def servers(self) -> list[McpServerConfig]:
        """Every configured server, as the settings hold them now."""
        return list(self._servers())

    def enabled_for(self, chat_id: str | None) -> list[McpServerConfig]:
        """The servers whose tools a chat offers (none: the request carries no ``tools``)."""
        return [s for s in self.servers() if s.is_enabled_for(chat_id)]

    @property
    def started(self) -> bool:
        """Whether the host exists (a server was used this session)."""
        return self._host is not None

    def host(self) -> McpHost:
        """The host, created on first use, configured with the current settings."""
        import copy

        current = copy.deepcopy(self.servers())  # the settings dialog edits them in place
        with self._lock:
            if self._closed:
                raise ToolsError("Tools are shut down.")
            if self._host is None:
                if self._factory is not None:
                    self._host = self._factory(current)
                else:
                    from nebula_desktop.tools.host import McpHost  # asyncio: only when used

                    self._host = McpHost(current)
                for server_id in self._plain_http_allowed:
                    self._host.allow_plain_http(server_id)
                self._configured = current
            elif current != self._configured:
                self._host.configure(current)
                self._configured = current
                self._specs = {
                    k: v for k, v in self._specs.items() if any(s == v[0] for s in current)
                }
            return self._host

    def state(self, server_id: str) -> ServerState:
        """A server's state line ("Not started." until the host exists)."""
        from nebula_desktop.tools.model import ServerState

        if self._host is None:
            return ServerState(server_id, message="Not started.")
        try:
            return self.host().server_state(server_id)
        except (KeyError, ToolsError):
            return ServerState(server_id, message="Not started.")

    def allow_plain_http(self, server_id: str) -> None:
        """The user agreed to use this server over plain http, for this session (never saved)."""
        with self._lock:
            self._plain_http_allowed.add(server_id)
            host = self._host
        if host is not None:
            host.allow_plain_http(server_id)

    def plain_http_allowed(self, server_id: str) -> bool:
        """Whether the user allowed plain http for this server in this session."""
        with self._lock:
            return server_id in self._plain_http_allowed

    def forget(self, server_id: str) -> None:
        """Drop the remembered tools of a server (they are listed again on next use)."""
        with self._lock:
            self._specs.pop(server_id, None)

    def always_allow(self, server_id: str, tool: str) -> McpServerConfig | None:
        """Add ``tool`` to the server's ``always_allowed`` (in the settings object); the caller
        saves the settings. Returns the server, None if it is gone."""
        for server in self._servers():
            if server.id == server_id:
                if tool not in server.always_allowed:
                    server.always_allowed.append(tool)
                return server
        return None

    # -- tools ------------------------------------------------------------------------------

    def submit_catalog(self, chat_id: str | None) -> concurrent.futures.Future[CatalogResult]:
        """List the tools of every server enabled in ``chat_id`` (starting them as needed) on
        the host's thread; the future never raises for a server's trouble."""
        import concurrent.futures

        from nebula_desktop.tools.convert import build_catalog
        from nebula_desktop.tools.errors import PlainHttpRefused
        from nebula_desktop.tools.model import RUNNING

        servers = self.enabled_for(chat_id)
        out: concurrent.futures.Future[CatalogResult] = concurrent.futures.Future()
        try:
            host = self.host()
        except ToolsError as exc:
            out.set_result(CatalogResult(build_catalog([]), {}, [str(exc)]))
            return out
        listings: dict[str, concurrent.futures.Future[list[ToolSpec]]] = {}
        known: dict[str, list[ToolSpec]] = {}
        for server in servers:
            kept = self._specs.get(server.id)
            if (
                kept is not None
                and kept[0] == server
                and host.server_state(server.id).status in (RUNNING,)
            ):
                known[server.id] = kept[1]
            else:
                listings[server.id] = host.submit_list_tools(server.id)

        def finish() -> None:
            problems: list[str] = []
            refused: list[tuple[McpServerConfig, PlainHttpRefused]] = []
            found: list[tuple[str, list[ToolSpec]]] = []
            used: dict[str, McpServerConfig] = {}
            for server in servers:
                specs = known.get(server.id)
                if specs is None:
                    try:
                        specs = listings[server.id].result()
                    except PlainHttpRefused as exc:  # nothing was sent: the chat asks first
                        refused.append((server, exc))
                        problems.append(_unavailable(server, str(exc)))
                        continue
                    except ToolsError as exc:
                        problems.append(_unavailable(server, str(exc)))
                        continue
                    except Exception as exc:  # the host's loop went away (quit)
                        problems.append(_unavailable(server, f"{type(exc).__name__}: {exc}"))
                        continue
                    with self._lock:
                        self._specs[server.id] = (server, specs)
                found.append((server.name, specs))
                used[server.id] = server
            catalog = build_catalog(found)
            out.set_result(CatalogResult(catalog, used, problems + catalog.notices, refused))

        if not listings:
            finish()
            return out
        remaining = [len(listings)]
        lock = threading.Lock()

        def one_done(_future: Any) -> None:
            with lock:
                remaining[0] -= 1
                last = remaining[0] == 0
            if last:
                finish()

        for future in listings.values():
            future.add_done_callback(one_done)
        return out

    def stop(self) -> bool:
        """Close every server (on quit). Final."""
        with self._lock:
            self._closed = True
            host, self._host = self._host, None
        return host.stop() if host is not None else True


def _unavailable(server: McpServerConfig, reason: str) -> str:
    return f"The tools of “{server.name}” are not available: {reason}"
