"""Conversations as JSON files: schema, atomic writes, index, migrations (no Qt)."""

from __future__ import annotations

from nebula_desktop.store.errors import LoadError, StoreError, StoreLockedError
from nebula_desktop.store.model import (
    SCHEMA_VERSION,
    Conversation,
    ConversationSummary,
    Message,
)
from nebula_desktop.store.store import ConversationStore

__all__ = [
    "SCHEMA_VERSION",
    "Conversation",
    "ConversationStore",
    "ConversationSummary",
    "LoadError",
    "Message",
    "StoreError",
    "StoreLockedError",
]
