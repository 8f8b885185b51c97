"""What is on disk at one conversation's path, decided by the file itself (never the index).

A restore or an import asks before it writes: a file this version reads and writes may be
replaced (after a copy is kept); a file written by a newer version, or one that cannot be read
at all (no permission, a folder or a pipe under the name, damaged, too large), is never
replaced. Only reads, never blocks (regular files only) and changes nothing — unlike the
loader, which moves damaged files aside — so it is safe on any thread.
"""

from __future__ import annotations

import codecs
import json
import os
from dataclasses import dataclass
from pathlib import Path

from nebula_desktop.safeio import read_regular
from nebula_desktop.store.loader import MAX_FILE_BYTES, too_costly_to_parse
from nebula_desktop.store.model import SCHEMA_VERSION, Conversation, migrate

__all__ = [
    "FREE",
    "MAX_FILE_BYTES",
    "NEWER",
    "REPLACEABLE",
    "UNREADABLE",
    "FileState",
    "file_identity",
    "read_file_state",
]

FREE = "free"  # nothing by that name
REPLACEABLE = "replaceable"  # a conversation this version reads and writes
NEWER = "newer"  # written by a newer version of Nebula Desktop: never replaced
UNREADABLE = "unreadable"  # something this version cannot read: never replaced

# MAX_FILE_BYTES (the loader's): a file past it, or too costly to parse, is not read into
# memory, and so not replaced either.

Identity = tuple[int, int, int]  # (inode, mtime_ns, size): any rewrite changes it


@dataclass(frozen=True)
class FileState:
    """The kind of file at a conversation's path (``FREE`` … ``UNREADABLE``).

    ``data`` holds the bytes read (for ``REPLACEABLE`` and ``NEWER``), ``conversation`` the
    chat as this version reads it (``REPLACEABLE``), ``identity`` what :func:`file_identity`
    said before the read (None when free).
    """

    kind: str
    data: bytes = b""
    conversation: Conversation | None = None
    identity: Identity | None = None


def file_identity(path: Path) -> Identity | None:
    """(inode, mtime_ns, size) of whatever is at ``path`` (not following a symlink); None if
    nothing is. Compared later, it tells whether the file changed in between."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError:
        return (-1, -1, -1)  # something is there that we cannot even stat
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def read_file_state(path: Path) -> FileState:
    """Classify the conversation file ``path`` (``<id>.json``); see the module notes."""
    identity = file_identity(path)
    if identity is None:
        return FileState(FREE)
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except OSError:  # a folder, a pipe, no permission, too large, vanished while we looked
        return FileState(UNREADABLE, identity=identity)
    if too_costly_to_parse(data):  # the loader leaves such a file unread too
        return FileState(UNREADABLE, identity=identity)
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data  # as the loader reads it
    try:
        d = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested beyond reason
        return FileState(UNREADABLE, identity=identity)
    version = d.get("schema_version", 0) if isinstance(d, dict) else None
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        return FileState(UNREADABLE, identity=identity)
    if version > SCHEMA_VERSION:
        return FileState(NEWER, data, identity=identity)
    try:
        current = migrate(d) if version < SCHEMA_VERSION else dict(d)
        current["id"] = path.name.removesuffix(".json")
        conv = Conversation.from_dict(current)
    except Exception:  # any shape the loader would refuse: not ours to replace
        return FileState(UNREADABLE, identity=identity)
    return FileState(REPLACEABLE, data, conv, identity)
