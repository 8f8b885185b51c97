"""The schema version of conversation files, and the migration of older ones (no Qt)."""

from __future__ import annotations

from typing import Any

from nebula_desktop.store.fields import new_id

__all__ = ["SCHEMA_VERSION", "migrate"]

SCHEMA_VERSION = 4


def migrate(d: dict[str, Any]) -> dict[str, Any]:
    """Bring an older file's dict up to :data:`SCHEMA_VERSION` (returns a new dict).

    Version 0 (before ``schema_version`` existed): messages carried ``text`` instead of
    ``content`` and had no ids; timestamps were named ``created``/``updated``.
    Version 1 → 2: messages may carry ``attachments``, ``alternatives`` and ``branch_index``;
    a version-1 file has none, so its messages become the one chosen path unchanged.
    Version 2 → 3: a conversation may carry ``context_limit`` and a message ``context_break``;
    a version-2 file has neither, so it sends its whole history as before.
    Version 3 → 4: a message may carry ``tool_call_id`` and ``tool_info``; a version-3 file has
    no tool results, so nothing changes.
    """
    version = d.get("schema_version", 0)
    out = dict(d)
    if version == 0:
        if "created_at" not in out and "created" in out:
            out["created_at"] = out.pop("created")
        if "updated_at" not in out and "updated" in out:
            out["updated_at"] = out.pop("updated")
        messages = out.get("messages", [])
        if isinstance(messages, list):
            migrated = []
            for m in messages:
                if isinstance(m, dict):
                    m = dict(m)
                    if "content" not in m and "text" in m:
                        m["content"] = m.pop("text")
                    m.setdefault("id", new_id())
                    m.setdefault("created_at", out.get("created_at", 0.0))
                migrated.append(m)
            out["messages"] = migrated
        version = 1
    if version == 1:
        version = 2
    if version == 2:
        version = 3
    if version == 3:
        version = 4
    out["schema_version"] = version
    return out
