"""Reading a backup zip into memory, bounded by design (no Qt).

Reading never extracts to disk: members are read into memory by exact expected names
(``conversations/<valid id>.json``), everything else is ignored, and member count and sizes are
capped, so a hostile or damaged zip cannot escape the folder or exhaust memory.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nebula_desktop.backup.making import FORMAT, MEMBER_RE, BackupError

if TYPE_CHECKING:
    from nebula_desktop.store import Conversation

__all__ = [
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_SMALL_MEMBER_BYTES",
    "MAX_TOTAL_BYTES",
    "BackupContents",
    "read_backup",
]

log = logging.getLogger("nebula_desktop.backup")

MAX_MEMBERS = 200_000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
MAX_SMALL_MEMBER_BYTES = 2 * 1024 * 1024  # manifest.json, settings.json


@dataclass
class BackupContents:
    """What a backup zip holds, read safely into memory."""

    created_at: float
    conversations: list[Conversation] = field(default_factory=list)
    settings: dict[str, Any] | None = None
    skipped: list[str] = field(default_factory=list)  # damaged members, by name
    # Sentences for the user: why members were skipped, duplicates restored once.
    notices: list[str] = field(default_factory=list)


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    """The JSON of a small member (manifest, settings); None if it cannot be read."""
    from nebula_desktop.exchange.common import ExchangeError
    from nebula_desktop.exchange.json_import import parse_json
    from nebula_desktop.safeio import UnsafeFileError, read_zip_member

    try:
        return parse_json(read_zip_member(zf, info, MAX_SMALL_MEMBER_BYTES))
    except (UnsafeFileError, ExchangeError):
        return None


def read_backup(path: Path) -> BackupContents:
    """Read a backup zip (see the module notes on safety); raise BackupError if unusable.

    Bounded by design: the zip's directory is checked first (member count, sizes, how tightly
    each member is packed), each conversation is priced before it is built, and everything kept
    is counted against one budget; over it, the restore is refused before anything is written.
    A member that cannot be read is skipped and named; one listed twice is read once.
    """
    from nebula_desktop.exchange.budget import Budget, LimitError, Notices
    from nebula_desktop.exchange.common import ExchangeError
    from nebula_desktop.exchange.importer import read_zip_conversation
    from nebula_desktop.safeio import UnsafeFileError, open_regular
    from nebula_desktop.store.model import clamp_timestamp

    try:
        fh = open_regular(path)
    except UnsafeFileError as exc:
        raise BackupError(str(exc)) from None
    with fh:
        try:
            zf = zipfile.ZipFile(fh)
        except (OSError, zipfile.BadZipFile, ValueError) as exc:
            raise BackupError(f"{path.name} is not a readable zip file.") from exc
        with zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise BackupError(f"{path.name} has too many files to be a Nebula Desktop backup.")
            if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
                raise BackupError(f"{path.name} is too large to restore.")
            # A name listed twice: the last copy counts, as for zipfile's own look-ups.
            by_name = {i.filename: i for i in infos}
            manifest_info = by_name.get("manifest.json")
            manifest = _read_small(zf, manifest_info) if manifest_info is not None else None
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError(f"{path.name} is not a Nebula Desktop backup.")
            created = manifest.get("created_at")
            contents = BackupContents(
                created_at=clamp_timestamp(created, 0.0)
                if isinstance(created, int | float) and not isinstance(created, bool)
                else 0.0
            )
            notices = Notices()
            budget = Budget(path.name, job="restore")
            copies: dict[str, int] = {}
            for info in infos:
                if MEMBER_RE.fullmatch(info.filename) and not info.is_dir():
                    copies[info.filename] = copies.get(info.filename, 0) + 1
            for name, count in copies.items():
                if count > 1:
                    notices.add(f"{name} is in the backup {count} times; it is restored once.")
            for name, info in by_name.items():
                match = MEMBER_RE.fullmatch(name)
                if match is None or info.is_dir():
                    continue  # unexpected members are ignored, never extracted
                try:
                    conv = read_zip_conversation(zf, info, MAX_MEMBER_BYTES, path.name)
                    conv.id = match.group(1)  # the file name is the identity, as in the store
                    budget.add(conv)
                except LimitError as exc:
                    raise BackupError(str(exc)) from None
                except ExchangeError as exc:
                    log.warning("backup member %s skipped: %s", name, exc)
                    contents.skipped.append(name)
                    notices.add(f"{name} was skipped: {str(exc).rstrip('.')}.")
                    continue
                contents.conversations.append(conv)
            settings_info = by_name.get("settings.json")
            if settings_info is not None:
                settings = _read_small(zf, settings_info)
                if isinstance(settings, dict):
                    contents.settings = settings
    contents.notices = notices.as_list()
    return contents
