"""Reading files and zip members that may be hostile, with a hard byte cap.

Every read of a file the user (or another program) can put in our folders goes through here:
conversation files, the index, settings, imports, backups, attachments. The rules:

- only a regular file is opened for its content: a FIFO would block the reader forever, a
  character device such as ``/dev/zero`` never ends, a directory is not a document. The file is
  opened non-blocking and checked with ``fstat`` *after* opening (no race with a rename), so a
  symlink to a special file is refused as well;
- the cap is enforced on the bytes actually read, never on ``st_size`` (which is 0 for special
  files and can change while we read);
- a zip member is checked on its declared sizes before it is opened, then read through the
  decompressor with the same hard cap (a member that lies about its size is cut off), and an
  unsupported compression method (Deflate64, which Windows Explorer writes) is a clear error.

Errors are :class:`UnsafeFileError` (an ``OSError``) whose ``str()`` is a user-facing sentence.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import zipfile

CHUNK = 1 << 20


class UnsafeFileError(OSError):
    """A file or zip member was refused or could not be read; ``str()`` says why, for a person."""

    def __init__(self, err: int | None, message: str) -> None:
        super().__init__(err, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def describe_kind(mode: int) -> str:
    """A person's word for a non-regular file type."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular_message(name: str, mode: int) -> str:
    """The sentence for a file ``name`` of type ``mode`` that is not a regular file."""
    return f"{name} is {describe_kind(mode)}, not a regular file."


def is_regular(path: Path | str) -> bool:
    """True when ``path`` (following symlinks) is a regular file; never blocks, never raises."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _open_regular_fd(path: Path) -> tuple[int, os.stat_result]:
    """A descriptor of ``path`` and its ``fstat``, if it is a regular file: opened non-blocking
    (a FIFO never blocks the open) and checked on the descriptor (no race with a rename)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        why = exc.strerror or exc
        raise UnsafeFileError(exc.errno, f"Could not read {path.name}: {why}.") from None
    try:
        st = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        why = exc.strerror or exc
        raise UnsafeFileError(exc.errno, f"Could not read {path.name}: {why}.") from None
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise UnsafeFileError(errno.EINVAL, not_regular_message(path.name, st.st_mode))
    return fd, st


def read_regular(path: Path | str, cap: int) -> bytes:
    """The content of the regular file ``path``, at most ``cap`` bytes.

    Raises :class:`UnsafeFileError` for a special file (FIFO, device, socket, folder), a file
    larger than ``cap`` (counted while reading), or an OS error (the sentence names it).
    """
    path = Path(path)
    fd, st = _open_regular_fd(path)
    try:
        if st.st_size > cap:
            raise UnsafeFileError(
                errno.EFBIG,
                f"{path.name} is too large ({_mb(st.st_size)}; the limit is {_mb(cap)}).",
            )
        parts: list[bytes] = []
        total = 0
        # The size it claims, plus one byte to see it end, in one read (a 2 MB index: 0.1 ms
        # instead of 1.2 ms in 1 MB chunks); anything beyond in chunks, never past the cap.
        want = st.st_size + 1
        while True:
            chunk = os.read(fd, min(want, cap + 1 - total))
            want = CHUNK
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
            if total > cap:
                raise UnsafeFileError(
                    errno.EFBIG, f"{path.name} is too large (over {_mb(cap)}; the limit)."
                )
        return b"".join(parts)
    except UnsafeFileError:
        raise
    except OSError as exc:
        why = exc.strerror or exc
        raise UnsafeFileError(exc.errno, f"Could not read {path.name}: {why}.") from None
    finally:
        os.close(fd)


def open_regular(path: Path | str) -> BinaryIO:
    """``path`` opened for binary reading, if it is a regular file (seekable, so a zip can be
    read from it); the check is made on the open descriptor and never blocks on a FIFO.

    Raises :class:`UnsafeFileError` for a special file or an OS error (the sentence names it).
    """
    path = Path(path)
    fd, _st = _open_regular_fd(path)
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def zip_member_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> Iterator[bytes]:
    """The inflated bytes of one zip member, in chunks, at most ``cap`` of them in all.

    The declared size is checked before anything is inflated; the reads stop at ``cap + 1``
    bytes whatever the header claims. Raises :class:`UnsafeFileError` with a sentence for an
    over-size member, an unsupported compression method or a damaged member.
    """
    import zipfile  # loaded already by whoever opened ``zf``; not with this module at start-up

    name = info.filename
    if info.file_size > cap:
        raise UnsafeFileError(
            errno.EFBIG,
            f"{name} in the zip is too large "
            f"({_mb(info.file_size)} unpacked; the limit is {_mb(cap)}).",
        )
    try:
        with zf.open(info) as fh:
            total = 0
            while True:
                chunk = fh.read(min(CHUNK, cap + 1 - total))
                if not chunk:
                    return
                total += len(chunk)
                if total > cap:
                    raise UnsafeFileError(
                        errno.EFBIG, f"{name} in the zip is too large (over {_mb(cap)} unpacked)."
                    )
                yield chunk
    except NotImplementedError:
        raise UnsafeFileError(
            errno.ENOTSUP,
            f"{name} in the zip uses a compression method this app cannot read "
            f"(method {info.compress_type}); re-create the zip with ordinary Deflate.",
        ) from None
    except (zipfile.BadZipFile, EOFError, ValueError, RuntimeError) as exc:
        # RuntimeError: an encrypted member; zlib.error is a subclass of Exception caught below.
        why = f"{name} in the zip is damaged or encrypted ({exc})."
        raise UnsafeFileError(errno.EIO, why) from None
    except UnsafeFileError:
        raise
    except OSError as exc:
        raise UnsafeFileError(exc.errno, f"Could not read {name} from the zip: {exc}.") from None
    except Exception as exc:  # zlib.error and friends from a corrupt stream
        raise UnsafeFileError(errno.EIO, f"{name} in the zip is damaged ({exc}).") from None


def read_zip_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """The inflated bytes of one zip member, at most ``cap`` of them.

    The declared size is checked before anything is inflated; the read itself stops at
    ``cap + 1`` bytes whatever the header claims. Raises :class:`UnsafeFileError` with a sentence
    for an over-size member, an unsupported compression method or a damaged member.
    """
    return b"".join(zip_member_chunks(zf, info, cap))
