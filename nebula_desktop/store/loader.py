"""Reading one conversation file: parse, validate, migrate old formats, quarantine bad ones.

A file is never deleted or rewritten in place when it cannot be understood: files read and
found damaged move to ``quarantine/`` under a new, timestamped name; newer-format files are left
exactly as they are and opened read-only; older ones are copied to ``backups/`` before being
migrated. A file that cannot be read at all (no permission, a FIFO, a device, a folder, over
:data:`MAX_FILE_BYTES`) is left where it is, named in a notice: it is never opened for its
content unless it is a regular file, and never read past the cap whatever its size claims.
"""

from __future__ import annotations

import codecs
import errno
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nebula_desktop import atomicfile, safeio
from nebula_desktop.store.errors import LoadError
from nebula_desktop.store.housekeeping import stamp, unique_path
from nebula_desktop.store.model import SCHEMA_VERSION, Conversation, migrate

log = logging.getLogger(__name__)

# The largest conversation file read (the same cap as a sync tool's conflict copy): a chat of
# 2,000 messages is ~3 MB, one with a hundred photos ~80 MB. A bigger file is left in place.
MAX_FILE_BYTES = 256 * 1024 * 1024
# JSON of many tiny values costs far more parsed than read: 64 MB of [{},{},…] is 1.5 GB of
# dicts. A file over SMALL_FILE_BYTES is priced before it is parsed — VALUE_COST per value it
# can hold (every value but the first follows "{", "[" or ","; one inside a string only makes
# the price safer) plus its text twice — and left unread over MAX_PARSE_BYTES. A chat of
# photos (base64 text) of MAX_FILE_BYTES costs ~520 MB, 150 MB of chat text about as much.
SMALL_FILE_BYTES = 1024 * 1024  # at most ~140 MB however it is written: never priced
VALUE_COST = 200  # bytes, at most (a one-key dict under a distinct key)
MAX_PARSE_BYTES = 1024 * 1024 * 1024


def too_costly_to_parse(data: bytes) -> bool:
    """Whether parsing the JSON ``data`` could take more than :data:`MAX_PARSE_BYTES`.

    Three C-speed counts (~0.8 ms per MB, a third of the parse) for files over
    :data:`SMALL_FILE_BYTES` only; nothing for the others, however many there are.
    """
    if len(data) <= SMALL_FILE_BYTES:
        return False
    values = data.count(b"{") + data.count(b"[") + data.count(b",")
    return VALUE_COST * values + 2 * len(data) > MAX_PARSE_BYTES


# Message id -> (its dict, its JSON as UTF-8) from the last dump of one conversation.
MessageTexts = dict[str, tuple[dict[str, Any], bytes]]

_encode = json.JSONEncoder(ensure_ascii=False).encode  # the C encoder (``indent`` disables it)


def dump_bytes(conv: Conversation, texts: MessageTexts | None = None) -> bytes:
    """The file of a conversation, UTF-8: JSON readable by people (text unescaped, one field
    of the conversation per line, one message per line).

    ``texts`` (kept by the caller between dumps of the same conversation, updated here) holds
    each message's JSON from the last dump: a message whose dict equals the one then is not
    encoded again (``to_dict`` never shares a container with the message, so an edit in place
    shows). While an answer streams into a 2,000-message chat, a save encodes one message
    instead of 2.8 MB (~33 → ~8 ms on the GUI thread, every 3 s).
    """
    data = conv.to_dict()
    messages = data.pop("messages")
    parts = [b"{\n"]
    for key, value in data.items():
        parts.append(atomicfile.utf8(f"  {_encode(key)}: {_encode(value)},\n"))
    fresh: MessageTexts = {}
    encoded: list[bytes] = []
    for message in messages:
        msg_id = message.get("id")
        known = texts.get(msg_id) if texts is not None and type(msg_id) is str else None
        if known is not None and known[0] == message:
            text = known[1]
        else:
            text = atomicfile.utf8(_encode(message))
        if type(msg_id) is str:
            fresh[msg_id] = (message, text)
        encoded.append(text)
    if texts is not None:
        texts.clear()
        texts.update(fresh)
    if encoded:
        parts += [b'  "messages": [\n    ', b",\n    ".join(encoded), b"\n  ]\n}\n"]
    else:
        parts.append(b'  "messages": []\n}\n')
    return b"".join(parts)


class Loader:
    """Turns files of ``conversations_dir`` into Conversations, reporting into ``problems``."""

    def __init__(
        self, conversations_dir: Path, quarantine_dir: Path, backups_dir: Path, problems: list[str]
    ) -> None:
        self.conversations_dir = conversations_dir
        self.quarantine_dir = quarantine_dir
        self.backups_dir = backups_dir
        self.problems = problems
        # id -> schema_version of files newer than ours (kept for the index and notices).
        self.newer_versions: dict[str, int] = {}
        # Called once, before the first migration writes a file (the store zips a backup).
        self.before_migration: Callable[[], None] | None = None

    def path(self, conv_id: str) -> Path:
        """Where conversation ``conv_id`` lives (``conv_id`` must already be validated)."""
        return self.conversations_dir / f"{conv_id}.json"

    def read(self, conv_id: str) -> Conversation:
        """Parse, validate and (if old) migrate one file; raise LoadError if unreadable."""
        path = self.path(conv_id)
        try:
            data = safeio.read_regular(path, MAX_FILE_BYTES)
        except safeio.UnsafeFileError as exc:
            if exc.errno == errno.ENOENT:
                raise LoadError(
                    "This conversation's file no longer exists; it may have been deleted "
                    "outside Nebula Desktop."
                ) from exc
            raise LoadError(self.note_unreadable(str(exc))) from exc
        # A BOM (some editors write one) is not JSON; the importer accepts it too.
        body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
        if too_costly_to_parse(body):
            limit = MAX_PARSE_BYTES // (1024 * 1024)
            raise LoadError(
                self.note_unreadable(
                    f"{path.name} is too large to open (reading it would take over {limit} MB "
                    "of memory)."
                )
            )
        try:
            d = json.loads(body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise self._quarantine(conv_id, "it is not UTF-8 text") from exc
        except json.JSONDecodeError as exc:
            raise self._quarantine(conv_id, f"JSON syntax error at line {exc.lineno}") from exc
        except (ValueError, RecursionError) as exc:
            raise self._quarantine(conv_id, "it is not valid JSON") from exc
        if not isinstance(d, dict):
            raise self._quarantine(conv_id, "it does not hold a conversation")
        version = d.get("schema_version", 0)
        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            raise self._quarantine(conv_id, "its schema_version is not a whole number")
        if version > SCHEMA_VERSION:
            return self._read_newer(conv_id, d, version)
        current = migrate(d) if version < SCHEMA_VERSION else d
        # A copied file keeps the id of its name, so two files never share one identity.
        current["id"] = conv_id
        try:
            conv = Conversation.from_dict(current)
        except ValueError as exc:
            raise self._quarantine(conv_id, f"unexpected content: {exc}") from exc
        if version < SCHEMA_VERSION:
            self._migrate_file(conv, data, version)
        return conv

    def note_newer(self, conv_id: str, title: str, version: int) -> None:
        """Tell the user a newer-format file is shown read-only."""
        self.newer_versions[conv_id] = version
        self._add_problem(
            f"“{title or conv_id}” was saved by a newer version of Nebula Desktop (format "
            f"{version}); it is shown read-only and its file is left untouched."
        )

    def note_unreadable(self, sentence: str) -> str:
        """Tell the user a conversation file could not be read (``sentence`` names it and says
        why); the file is left as it is. Returns the notice."""
        message = (
            f"{sentence} This conversation file was left untouched in "
            f"{self.conversations_dir}; the chat is listed again once the file can be read."
        )
        self._add_problem(message)
        return message

    def _read_newer(self, conv_id: str, d: dict[str, Any], version: int) -> Conversation:
        """A file from a newer Nebula Desktop: read what we understand, never write it."""
        d = dict(d)
        d["id"] = conv_id
        try:
            conv = Conversation.from_dict(d)
        except ValueError as exc:
            message = (
                f"{conv_id}.json was saved by a newer version of Nebula Desktop (format "
                f"{version}) in a form this version cannot show; it was left untouched."
            )
            self._add_problem(message)
            raise LoadError(message) from exc
        conv.read_only = True
        self.note_newer(conv_id, conv.title, version)
        return conv

    def _migrate_file(self, conv: Conversation, original: bytes, version: int) -> None:
        """Keep a backup of the old file, then rewrite it in the current format."""
        if self.before_migration is not None:
            hook, self.before_migration = self.before_migration, None
            hook()
        backup = unique_path(self.backups_dir, f"{conv.id}.v{version}.{stamp()}", ".json")
        try:
            atomicfile.write_bytes(backup, original)
            atomicfile.write_bytes(self.path(conv.id), dump_bytes(conv))
        except atomicfile.SaveError as exc:
            # The old file is intact; migration is tried again next time it is read.
            log.warning("migration of %s postponed: %s", conv.id, exc)

    def _quarantine(self, conv_id: str, reason: str) -> LoadError:
        """Move an unreadable file aside (never delete it) and return the error to raise."""
        dst = unique_path(self.quarantine_dir, f"{conv_id}.{stamp()}", ".json")
        try:
            os.replace(self.path(conv_id), dst)
            atomicfile.fsync_dir(self.quarantine_dir)
            atomicfile.fsync_dir(self.conversations_dir)
            where = f"it was moved to {dst}"
        except OSError as exc:
            where = f"it could not be moved aside ({exc.strerror or exc}) and was left in place"
        message = f"The conversation file {conv_id}.json could not be read ({reason}); {where}."
        self._add_problem(message)
        return LoadError(message)

    def _add_problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)
