"""Restoring a backup by merging into the data folder, a safety copy first (no Qt).

Restoring merges by id (:func:`prepare_restore`, then :meth:`RestorePlan.write`). It never
replaces a file written by a newer version or one it cannot read (the summary says so), and
before it replaces anything it zips the files it is about to replace into
``backups/pre-restore-<time>.zip``, a backup like any other: restoring it undoes the restore.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nebula_desktop.backup.making import PRE_RESTORE_PREFIX, write_manifest, zip_file
from nebula_desktop.store.file_state import (
    NEWER,
    REPLACEABLE,
    UNREADABLE,
    Identity,
    file_identity,
    read_file_state,
)
from nebula_desktop.store.housekeeping import stamp, unique_path
from nebula_desktop.store.model import validate_id

if TYPE_CHECKING:
    from nebula_desktop.store import Conversation, ConversationStore

__all__ = [
    "RestorePlan",
    "RestoreReport",
    "prepare_restore",
    "restore_conversations",
    "restore_into",
]


def _chats(n: int) -> str:
    return f"{n} chat" if n == 1 else f"{n} chats"


@dataclass
class RestoreReport:
    """What a restore did: the chats restored, the ones left alone and why, the safety copy."""

    restored: list[str] = field(default_factory=list)  # ids now as in the backup
    newer: list[str] = field(default_factory=list)  # not replaced: from a newer version
    unreadable: list[str] = field(default_factory=list)  # not replaced: could not be read
    changed: list[str] = field(default_factory=list)  # not replaced: changed during the restore
    safety_copy: Path | None = None  # backups/pre-restore-<time>.zip, if anything was replaced

    def skipped(self) -> int:
        """How many chats of the backup were left as they are on disk."""
        return len(self.newer) + len(self.unreadable) + len(self.changed)

    def message(self) -> str:
        """The summary for the user (English; the UI phrases its own translated one)."""
        parts = [f"Restored {_chats(len(self.restored))} from the backup."]
        newer = "were written by a newer version of Nebula Desktop"
        for ids, why in (
            (self.newer, newer),
            (self.unreadable, "could not be read"),
            (self.changed, "changed on disk during the restore"),
        ):
            if len(ids) == 1:
                why = why.replace("were ", "was ", 1)
                parts.append(f"1 chat was not replaced: it {why}.")
            elif ids:
                parts.append(f"{len(ids)} chats were not replaced: they {why}.")
        if self.safety_copy is not None:
            parts.append(f"The replaced chats were saved first in {self.safety_copy.name}.")
        return " ".join(parts)


@dataclass
class RestorePlan:
    """A restore checked against the disk, its safety copy already written.

    What is left is :meth:`write` for ``conversations`` (all at once or a chunk at a time).
    """

    conversations: list[Conversation]  # to write, in the backup's order
    report: RestoreReport
    # id -> the identity of its file when it was checked (and zipped); None: there was none.
    expected: dict[str, Identity | None] = field(default_factory=dict)

    def write(self, store: ConversationStore, conversations: list[Conversation]) -> None:
        """Save ``conversations`` (some of :attr:`conversations`) into ``store``.

        A file that changed since it was checked is left alone (its new content is not in the
        safety copy) and counted in ``report.changed``.
        """
        for conv in conversations:
            path = store.conversations_dir / f"{conv.id}.json"
            if file_identity(path) != self.expected.get(conv.id):
                self.report.changed.append(conv.id)
                continue
            conv.read_only = False
            store.save(conv, touch=False)
            self.report.restored.append(conv.id)


def prepare_restore(data_dir: Path, conversations: list[Conversation]) -> RestorePlan:
    """Check each backed-up chat against the file of its id, and keep a copy of what will go.

    A file written by a newer version, or one that cannot be read, is never replaced; one equal
    to the backup's chat needs no writing. The files that will be replaced are zipped, one at a
    time, into ``<data>/backups/pre-restore-<time>.zip`` (only if there are any) before this
    returns; if that fails, BackupError is raised and nothing has been replaced. Reads files
    and writes the zip only, touching no store object: safe to run on a worker thread.
    """
    conv_dir = Path(data_dir) / "conversations"
    backups_dir = Path(data_dir) / "backups"
    plan = RestorePlan([], RestoreReport())
    dest = unique_path(backups_dir, f"{PRE_RESTORE_PREFIX}{stamp()}", ".zip")
    kept = 0
    with zip_file(dest) as zf:
        for conv in conversations:
            conv_id = validate_id(conv.id)
            if conv_id in plan.expected:
                continue  # a zip can name a member twice; the first one counts
            state = read_file_state(conv_dir / f"{conv_id}.json")
            plan.expected[conv_id] = state.identity
            if state.kind == NEWER:
                plan.report.newer.append(conv_id)
            elif state.kind == UNREADABLE:
                plan.report.unreadable.append(conv_id)
            elif state.kind == REPLACEABLE:
                assert state.conversation is not None
                if state.conversation.to_dict() == conv.to_dict():
                    plan.report.restored.append(conv_id)  # already as in the backup
                    continue
                zf.writestr(f"conversations/{conv_id}.json", state.data)
                kept += 1
                plan.conversations.append(conv)
            else:
                plan.conversations.append(conv)
        write_manifest(zf, "pre-restore", kept)
    if kept:
        plan.report.safety_copy = dest
    else:
        with contextlib.suppress(OSError):
            dest.unlink()  # nothing will be replaced: no copy to keep
    return plan


def restore_conversations(
    store: ConversationStore, conversations: list[Conversation]
) -> RestoreReport:
    """Merge by id: each backed-up chat replaces the one with its id; others stay.

    The rules of :func:`prepare_restore` apply (safety copy first, newer and unreadable files
    never replaced). The store's identity map now holds the restored objects, so a window
    showing one of them must open it again.
    """
    plan = prepare_restore(store.root, conversations)
    plan.write(store, plan.conversations)
    return plan.report


def restore_into(store: ConversationStore, conversations: list[Conversation]) -> list[str]:
    """:func:`restore_conversations`, returning the ids restored (written, or already equal)."""
    return restore_conversations(store, conversations).restored
