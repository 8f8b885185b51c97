"""What every exporter and importer shares: the error type and adding imports to a store."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from nebula_desktop import atomicfile
from nebula_desktop.safeio import UnsafeFileError, read_regular
from nebula_desktop.store import Conversation, ConversationStore, LoadError
from nebula_desktop.store.file_state import NEWER, REPLACEABLE, UNREADABLE
from nebula_desktop.store.model import new_id

# An imported file bigger than this is not a chat export (ChatGPT exports of years of use are
# well under 200 MB). Imports are read a conversation at a time, so this bounds the time a wrong
# pick takes, not the memory (see budget.py for that).
MAX_IMPORT_BYTES = 512 * 1024 * 1024


class ExchangeError(Exception):
    """An export or import failed; ``str()`` is a message for the user."""


@dataclass
class ImportReport:
    """What an import did, for the status line."""

    added: list[str] = field(default_factory=list)  # ids of new conversations
    renamed: int = 0  # imported under a new id because the id was taken by another chat
    skipped: int = 0  # already present, identical
    # Of the renamed: the file holding the id was written by a newer version of Nebula Desktop,
    # or could not be read. Either way it was left exactly as it was.
    newer: int = 0
    unreadable: int = 0

    def message(self) -> str:
        """One line for the user (English; the UI translates its own wrapper)."""
        text = f"Imported {len(self.added)} conversation(s)"
        if self.skipped:
            text += f"; {self.skipped} already present"
        if self.newer:
            text += f"; {self.newer} as a new chat beside one from a newer version"
        if self.unreadable:
            text += f"; {self.unreadable} as a new chat beside one that could not be read"
        return text + "."


def read_import_file(path: Path) -> bytes:
    """The bytes of a file to import: a regular file only (never a FIFO or a device), read with
    a hard size cap; errors are sentences."""
    try:
        return read_regular(path, MAX_IMPORT_BYTES)
    except UnsafeFileError as exc:
        raise ExchangeError(str(exc)) from None


def add_to_store(store: ConversationStore, conversations: list[Conversation]) -> ImportReport:
    """Save imported conversations into ``store``; never overwrite an existing one.

    Policy (see docs/sync.md): an id that is free keeps its id; an id already used by an
    identical conversation is skipped (importing the same file twice adds nothing); an id used
    by a different conversation gets a fresh id, so both stay. "Used" is decided by the files on
    disk, not the index: a file the store could not load (from a newer version, unreadable) is
    in no index but still there, and so is a deleted chat in the trash.
    """
    report = ImportReport()
    for conv in conversations:
        if store.id_in_use(conv.id):
            state = store.file_state(conv.id)
            if state.kind == REPLACEABLE:
                try:
                    existing: Conversation | None = store.load(conv.id)
                except LoadError:  # changed under us: keep both rather than guess
                    existing = None
                if existing is not None and existing.to_dict() == conv.to_dict():
                    report.skipped += 1
                    continue
            elif state.kind == NEWER:
                report.newer += 1
            elif state.kind == UNREADABLE:
                report.unreadable += 1
            conv.id = new_id()
            while store.id_in_use(conv.id):
                conv.id = new_id()
            report.renamed += 1
        conv.read_only = False
        store.save(conv, touch=False)
        report.added.append(conv.id)
    return report


def safe_file_stem(title: str, fallback: str) -> str:
    """A file name stem made from a title: no separators or reserved characters, ≤ 80 chars."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", title).strip().strip(".")
    stem = re.sub(r"\s+", " ", stem)[:80].strip()
    return stem or fallback


def write_export(path: Path, text: str) -> None:
    """Write an export file durably (``SaveError`` carries a user-facing message)."""
    atomicfile.write_text(path, text, mode=0o644)


def format_time(epoch: float) -> str:
    """A local date and time for exports (``2024-01-31 14:05``)."""
    if epoch <= 0:
        return ""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch))
