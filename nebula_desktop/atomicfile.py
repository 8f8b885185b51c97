"""The one durable-save helper: every file the app writes goes through here.

A save either leaves the previous file untouched or replaces it whole with the new bytes;
a crash at any moment never leaves a half-written file under the real name.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path


class SaveError(OSError):
    """A save failed; the previous file (if any) is intact. ``str()`` is a user-facing message."""

    def __init__(self, err: int | None, message: str) -> None:
        super().__init__(err, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _describe(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ENOSPC:
        why = "the disk is full"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "the folder is not writable"
    elif exc.errno == errno.ENOENT:
        why = "the folder no longer exists"
    else:
        why = exc.strerror or str(exc)
    return f"Could not save {path.name}: {why}. The previous version is kept."


def fsync_dir(folder: Path) -> None:
    """Make a rename or unlink inside ``folder`` durable (no-op where unsupported)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes(path: Path | str, data: bytes, *, mode: int = 0o600) -> None:
    """Atomically and durably replace ``path`` with ``data``.

    Temp file in the same folder, write, flush, fsync, ``os.replace``, fsync the folder.
    Raises :class:`SaveError` (an ``OSError`` with the original ``errno``) on failure.
    """
    # Loaded with the first save, not at start-up (tempfile brings shutil, random, bz2, lzma).
    import tempfile

    path = Path(path)
    folder = path.parent
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if os.name == "posix":
                os.chmod(tmp_name, mode)
            os.replace(tmp_name, path)
            tmp_name = None
        finally:
            if tmp_name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)
        fsync_dir(folder)
    except SaveError:
        raise
    except OSError as exc:
        raise SaveError(exc.errno, _describe(exc, path)) from exc


def write_text(path: Path | str, text: str, *, mode: int = 0o600) -> None:
    """Atomically write UTF-8 text (see :func:`write_bytes` and :func:`utf8`)."""
    write_bytes(path, utf8(text), mode=mode)


def utf8(text: str) -> bytes:
    """``text`` as UTF-8, never failing: a lone surrogate (half of a broken emoji from a model)
    cannot be UTF-8 and becomes ``\\udXXX`` — in our JSON files that is the JSON escape, which
    reads back as itself — so a save never fails on text the user did not write."""
    return text.encode("utf-8", "backslashreplace")
