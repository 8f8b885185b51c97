"""Export conversations to Markdown, JSON and HTML; import our JSON and ChatGPT exports (no Qt).

Exports are built only from ``Conversation`` objects, which never hold an API key, so an export
cannot leak one. Imports return plain ``Conversation`` objects; :func:`add_to_store` puts them
into a store without ever overwriting a conversation that is already there.
"""

from __future__ import annotations

from nebula_desktop.exchange.common import ExchangeError, ImportReport, add_to_store

__all__ = ["ExchangeError", "ImportReport", "add_to_store"]
