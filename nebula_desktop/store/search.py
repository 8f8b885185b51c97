"""The in-memory text cache behind ``ConversationStore.search``.

The first search reads every conversation file once (about 1 s for 10 000 conversations on
a slow disk); afterwards each search is a substring scan over cached lower-case text, and
only files whose mtime/size changed are read again. Memory: roughly the total text size.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

from nebula_desktop import safeio
from nebula_desktop.store.loader import MAX_FILE_BYTES, too_costly_to_parse


def search_text_from_json(data: bytes) -> str:
    """Lower-cased title + message text of a conversation file, without building objects.

    Tolerant on purpose: the file was validated when it was indexed, and a file damaged
    since then simply matches nothing.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]  # as the loader: a BOM is not JSON
    if too_costly_to_parse(data):
        return ""  # the loader refuses it too
    try:
        d = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return ""
    if not isinstance(d, dict):
        return ""
    parts: list[str] = []
    title = d.get("title")
    if isinstance(title, str):
        parts.append(title)
    _collect(d.get("messages"), parts, 0)
    return "\n".join(parts).lower()


def _collect(messages: object, parts: list[str], depth: int) -> None:
    """Message text of a path and of every other version forking from it (branches are
    conversations the user wrote too: search finds a chat by any of its versions)."""
    if not isinstance(messages, list) or depth > 200:
        return
    for m in messages:
        if isinstance(m, dict):
            # "text" is the version-0 name of "content".
            text = m.get("content", m.get("text"))
            if isinstance(text, str):
                parts.append(text)
            alternatives = m.get("alternatives")
            if isinstance(alternatives, list):
                for tail in alternatives:
                    _collect(tail, parts, depth + 1)


class SearchCache:
    """Lower-case searchable text per conversation id, valid for one (mtime_ns, size)."""

    def __init__(self) -> None:
        self._texts: dict[str, tuple[int, int, str]] = {}

    def text(self, conv_id: str, path: Path, mtime_ns: int, size: int) -> str:
        """The cached text, re-read from ``path`` when the file changed (only a regular file,
        at most as much as the loader reads: anything else matches nothing)."""
        cached = self._texts.get(conv_id)
        if cached is not None and cached[0] == mtime_ns and cached[1] == size:
            return cached[2]
        try:
            text = search_text_from_json(safeio.read_regular(path, MAX_FILE_BYTES))
        except OSError:
            text = ""
        self._texts[conv_id] = (mtime_ns, size, text)
        return text

    def forget(self, conv_id: str) -> None:
        """Drop the entry of a deleted or quarantined conversation."""
        self._texts.pop(conv_id, None)
