"""Conflict copies made by folder-sync tools, found and merged back (no Qt).

When two machines change one conversation before syncing, the sync tool keeps both by writing
the other version next to the original under a changed name:

- Dropbox:   ``<id> (conflicted copy 2024-01-01).json``, ``<id> (Bob's conflicted copy …).json``
- Nextcloud: ``<id> (conflicted copy 2024-01-01 123456).json``
- Syncthing: ``<id>.sync-conflict-20240101-123456-ABCDEFG.json``
- OneDrive:  ``<id>-<COMPUTERNAME>.json``

The store ignores these names (they are neither chats nor damaged files); this module pairs
each with its original and merges it: the union of messages by id, ordered by time, keeping
both versions of a message whose text differs. The merged copy is moved to
``<data>/conflicts-merged/``, never deleted. See docs/sync.md.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Protocol

from nebula_desktop import atomicfile, safeio
from nebula_desktop.store.errors import StoreError
from nebula_desktop.store.housekeeping import unique_path
from nebula_desktop.store.loader import too_costly_to_parse
from nebula_desktop.store.model import (
    SCHEMA_VERSION,
    Conversation,
    ConversationSummary,
    Message,
    migrate,
    new_id,
)


class MergeTarget(Protocol):
    """What merging needs of a ``store.ConversationStore`` (which imports this module to skip
    conflict names, so this module does not import it back)."""

    root: Path

    def summary(self, conv_id: str) -> ConversationSummary | None: ...
    def load(self, conv_id: str) -> Conversation: ...
    def save(self, conv: Conversation, touch: bool = True) -> None: ...


_ID = r"(?P<id>[A-Za-z0-9_-]{1,64})"


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each sync tool's conflict-name shape (compiled on first use: a start-up whose ids are
    all plain never needs them)."""
    return (
        (
            "Dropbox or Nextcloud",
            re.compile(_ID + r" \((?:[^()]*['’]s )?conflicted copy[^()]*\)( \(\d+\))?", re.I),
        ),
        ("Syncthing", re.compile(_ID + r"\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}")),
        # Our ids are 32 hex digits; requiring that keeps other names with a dash out.
        ("OneDrive", re.compile(r"(?P<id>[0-9a-f]{32})-[A-Za-z0-9_-]{1,63}")),
    )


MERGED_DIR = "conflicts-merged"
MAX_COPY_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class ConflictCopy:
    """One conflict copy: its file, the id of the conversation it belongs to, the tool."""

    path: Path
    original_id: str
    tool: str


def match_conflict(stem: str) -> tuple[str, str] | None:
    """``(original id, tool)`` if ``stem`` (a file name without ``.json``) is a conflict copy."""
    if " " not in stem and "." not in stem and "-" not in stem:
        # Every pattern needs a space, a dot or a dash, which our plain ids never have: the
        # start-up scan of 10 000 chats skips 30 000 regex matches here.
        return None
    for tool, pattern in _patterns():
        match = pattern.fullmatch(stem)
        if match is not None:
            return match.group("id"), tool
    return None


def is_conflict_name(stem: str) -> bool:
    """Whether the store must skip this name (not a chat of its own, not a damaged file)."""
    return match_conflict(stem) is not None


def find_conflicts(conversations_dir: Path) -> list[ConflictCopy]:
    """Every conflict copy in the folder, sorted by name (regular files only: a sync tool
    writes nothing else, and a FIFO or a device would never be read to the end)."""
    found: list[ConflictCopy] = []
    try:
        with os.scandir(conversations_dir) as it:
            names = sorted(item.name for item in it if item.is_file())
    except OSError:
        return found
    for name in names:
        if not name.endswith(".json"):
            continue
        hit = match_conflict(name[:-5])
        if hit is not None:
            found.append(ConflictCopy(conversations_dir / name, hit[0], hit[1]))
    return found


def read_copy(copy: ConflictCopy) -> Conversation:
    """The conversation in a conflict copy (given the original's id); StoreError if unusable."""
    try:
        data = safeio.read_regular(copy.path, MAX_COPY_BYTES)
    except safeio.UnsafeFileError as exc:
        raise StoreError(str(exc)) from exc  # names the file: a FIFO, too large, no permission
    if too_costly_to_parse(data):
        raise StoreError(f"{copy.path.name} is too large to merge.")
    try:
        d = json.loads(data.decode("utf-8-sig"))  # a BOM is no damage (as for the original)
    except (ValueError, RecursionError) as exc:
        raise StoreError(f"{copy.path.name} could not be read: {exc}") from exc
    if not isinstance(d, dict):
        raise StoreError(f"{copy.path.name} does not hold a conversation.")
    version = d.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version > SCHEMA_VERSION:
        raise StoreError(f"{copy.path.name} was saved by a newer Nebula Desktop; update first.")
    d = migrate(d) if version < SCHEMA_VERSION else dict(d)
    d["id"] = copy.original_id
    try:
        return Conversation.from_dict(d)
    except ValueError as exc:
        raise StoreError(f"{copy.path.name} is damaged: {exc}") from exc


def _version(m: Message) -> tuple[str, str, str, float]:
    return (m.role, m.content, m.reasoning, m.created_at)


def _all_versions(messages: list[Message]) -> set[tuple[str, str, str, float]]:
    """Every message's version, including those kept as branch alternatives (any depth)."""
    found: set[tuple[str, str, str, float]] = set()
    stack = [messages]
    while stack:
        for m in stack.pop():
            found.add(_version(m))
            stack.extend(m.alternatives)
    return found


def merge_conversations(original: Conversation, other: Conversation) -> list[Message]:
    """The union of both message lists by id, ordered by ``created_at``.

    A message present in both with different text or thinking keeps both versions: when it is
    the last message (an answer finished on one machine, cut off on the other) the other
    version becomes a branch alternative ("‹ 1/2 ›"); elsewhere it follows the original's
    version under a new id, so no one's words are lost. Branches the other side made at a
    shared message are added to its alternatives.
    """
    merged = list(original.messages)
    by_id = {m.id: m for m in original.messages}
    # A second version already kept (an earlier merge of another copy) must not be added
    # again: versions are also matched by what they say and when.
    versions = _all_versions(original.messages)
    second: dict[str, Message] = {}  # id of the other version -> the original's message
    for message in other.messages:
        mine = by_id.get(message.id)
        if mine is None:
            if message.alternatives:
                # Versions this side already shows inline must not come back as a branch
                # (one id twice on a path).
                alts, position = message.alternatives, message.branch_index
                keep = [t[0].id not in by_id for t in alts]
                tails = [t for t, k in zip(alts, keep, strict=True) if k]
                # The chosen version's place moves down by the versions dropped before it.
                position = sum(keep[:position]) if tails else 0
                message = replace(message, alternatives=tails, branch_index=position)
            merged.append(message)
            by_id[message.id] = message
            versions |= _all_versions([message])
            continue
        if _version(message) not in versions:
            copy = replace(message, id=new_id(), alternatives=[], branch_index=0)
            merged.append(copy)
            second[copy.id] = mine
            versions.add(_version(message))
        # A divider put on either machine stays: one click removes it, a lost one costs tokens.
        mine.context_break = mine.context_break or message.context_break
        known = {tail[0].id for tail in mine.alternatives}
        for tail in message.alternatives:
            if tail[0].id not in known and _version(tail[0]) not in versions:
                mine.alternatives.append(tail)
                versions |= _all_versions(tail)
    # Stable: equal times keep the original's order, and its version before the other's.
    merged.sort(key=lambda m: m.created_at)
    while len(merged) >= 2 and merged[-1].id in second and merged[-2] is second[merged[-1].id]:
        last = merged.pop()
        merged[-1].alternatives.append([last])
    return merged


def merge_copy(store: MergeTarget, copy: ConflictCopy) -> Conversation:
    """Merge one conflict copy into its conversation, save it, move the copy aside.

    Uses the store's own object for the original (the identity map), so an open window sees
    the merged messages once it re-shows the conversation.
    """
    other = read_copy(copy)
    if store.summary(copy.original_id) is None:
        # The original is gone (deleted on this machine): the copy becomes the conversation.
        conv = other
    else:
        conv = store.load(copy.original_id)
        if conv.read_only:
            raise StoreError(f"“{conv.title}” is open read-only; it cannot be merged.")
        conv.messages = merge_conversations(conv, other)
        if other.updated_at > conv.updated_at:
            # The newer side's title and settings win; messages are already the union.
            conv.title, conv.model = other.title, other.model
            conv.system_prompt, conv.temperature = other.system_prompt, other.temperature
            conv.max_tokens, conv.pinned = other.max_tokens, other.pinned
            conv.context_limit = other.context_limit
        conv.draft = conv.draft or other.draft
        conv.updated_at = max(conv.updated_at, other.updated_at)
    store.save(conv, touch=False)
    merged_dir = store.root / MERGED_DIR
    try:
        merged_dir.mkdir(exist_ok=True)
        dst = unique_path(merged_dir, copy.path.stem, ".json")
        os.replace(copy.path, dst)
        atomicfile.fsync_dir(merged_dir)
        atomicfile.fsync_dir(copy.path.parent)
    except OSError as exc:
        raise StoreError(
            f"The copy was merged but could not be moved to {merged_dir}: {exc.strerror or exc}"
        ) from exc
    return conv
