"""Our own lossless JSON export: ``Conversation.to_dict`` of each chat inside a small envelope."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from nebula_desktop import __version__
from nebula_desktop.store import Conversation

FORMAT = "nebula-desktop-export"
VERSION = 1


def export_dict(conversations: Iterable[Conversation]) -> dict[str, Any]:
    """The envelope ``{format, version, exported_at, app_version, conversations}``."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": time.time(),
        "app_version": __version__,
        "conversations": [conv.to_dict() for conv in conversations],
    }


def export_json(conversations: Iterable[Conversation]) -> str:
    """The export file text: pretty, UTF-8 unescaped (readable and diffable)."""
    return json.dumps(export_dict(conversations), indent=2, ensure_ascii=False) + "\n"
