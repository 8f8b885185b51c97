"""Folder chores of the store: unique names for kept files, crash leftovers, trash purge."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)


def stamp() -> str:
    """A sortable local timestamp for names of kept files."""
    return time.strftime("%Y%m%d-%H%M%S")


def unique_path(folder: Path, stem: str, suffix: str) -> Path:
    """A path in ``folder`` that does not exist yet (a kept file is never overwritten)."""
    candidate = folder / f"{stem}{suffix}"
    n = 1
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def remove_stale_temp_files(paths: list[str]) -> None:
    """Delete temp files of saves cut short by a crash (found by :func:`find_stale_temp_files`).

    Only safe while holding the folder lock: then no other process can be mid-save. (A listing
    made before the lock was taken is safe too: had another process been saving then, it would
    still hold the lock and we could not have taken it.)
    """
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


def find_stale_temp_files(*folders: Path) -> list[str]:
    """The temp files of saves (``.<name>.tmp``) in ``folders``."""
    found: list[str] = []
    for folder in folders:
        with contextlib.suppress(OSError), os.scandir(folder) as it:
            for item in it:
                if item.name.startswith(".") and item.name.endswith(".tmp"):
                    found.append(item.path)
    return found


def purge_old_files(folder: Path, max_age_days: float) -> None:
    """Delete files in ``folder`` whose mtime is older than ``max_age_days``."""
    cutoff = time.time() - max_age_days * 86400
    with contextlib.suppress(OSError), os.scandir(folder) as it:
        for item in it:
            try:
                if item.is_file() and item.stat().st_mtime < cutoff:
                    os.unlink(item.path)
            except OSError as exc:
                if exc.errno != errno.ENOENT:
                    log.warning("could not purge %s: %s", item.name, exc)
