"""An exclusive, non-blocking lock on a data folder: one writer per folder.

The OS releases the lock when the process dies (even by SIGKILL), so a crash never leaves a
stale lock behind — unlike a pid file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nebula_desktop.store.errors import StoreError, StoreLockedError


class FolderLock:
    """Holds ``path`` locked until :meth:`release`; raises BlockingIOError if already held."""

    def __init__(self, path: Path) -> None:
        self._fd: int | None = None
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        """Unlock (closing the descriptor drops the lock); safe to call twice."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


def lock_data_folder(root: Path, folders: tuple[Path, ...]) -> FolderLock:
    """Create ``folders`` (inside ``root``) and lock ``root``: StoreLockedError when another
    process holds it, StoreError (with a message for the user) when the disk refuses."""
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"Could not create the data folder {folder}: {exc.strerror or exc}"
            ) from exc
    try:
        return FolderLock(root / ".lock")
    except BlockingIOError as exc:
        raise StoreLockedError("Nebula Desktop is already running with this data folder") from exc
    except OSError as exc:
        raise StoreError(f"Could not lock the data folder {root}: {exc.strerror or exc}") from exc


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            raise BlockingIOError(exc.errno, "locked") from exc

else:
    import fcntl

    def _lock(fd: int) -> None:
        # flock locks belong to the open file description, so a second open in the same
        # process conflicts too: two stores on one folder are refused even in-process.
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
