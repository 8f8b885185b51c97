"""Read the index and check every conversation file on another core at start-up (no Qt).

A start with 10,000 chats spends ~45 ms parsing ``index.json`` into rows and ~40 ms comparing
every file with it (a ``stat`` each: that is what finds chats edited, added or removed while
the app was closed). A thread cannot do either beside the GUI thread (it would need the GIL
all the time), so :func:`start` forks a helper process at the very beginning of ``main``,
before Qt is imported, while this process goes on importing Qt and building the window. The
helper runs the store's own code and answers through a pipe, twice:

1. the index, exactly as :func:`~nebula_desktop.store.index.read_index` read it, as plain
   columns (``marshal``: a fifth of the cost of parsing the JSON again) in display order, and
   the temp files of saves cut short (a listing of 10,000 names costs ~5 ms);
2. the folder's mtime before it looked, the ids of the index without a file, the
   ``(mtime_ns, size)`` of every file that differs from its index row or has none, and the
   names that are no regular file (usually nothing: the whole check arrives as a few bytes).

Like the store, the helper only looks at the type of a conversation name (the listing's
``stat``) and never opens one that is no regular file; it reads ``index.json`` only if that is
one, and only up to its cap: a FIFO or a link to ``/dev/zero`` costs it nothing.

The store takes answer 1 instead of reading ``index.json`` and answer 2 instead of scanning —
the latter only while the folder's own mtime is still the one the helper saw (nothing added,
removed or renamed since: every save of ours is a rename, so our own writes count too). In
every other case (no answer in time, a failed helper, a changed folder) the store does the
work itself as before: a bad prescan can cost time, never a chat.

Only where ``os.fork`` exists (Linux, macOS), with at least two cores, and only for a big
index: for a few hundred chats the work costs less than the process. The helper's CPU time
is extra (it parses the index that this process then reads in its faster form), traded for
~80 ms less wall time at 10,000 chats.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import struct
import time
from pathlib import Path
from typing import Any

from nebula_desktop.store.housekeeping import find_stale_temp_files
from nebula_desktop.store.index import (
    Changes,
    IndexEntry,
    compare,
    entries_from_columns,
    entries_to_columns,
    in_display_order,
    read_index,
    scan_folder,
)

# Below this index size (about 450 chats) the work costs less than the fork.
MIN_INDEX_BYTES = 128 * 1024
# NEBULA_PRESCAN=0 turns it off, NEBULA_PRESCAN=1 forces it (tests, diagnostics).
ENV_SWITCH = "NEBULA_PRESCAN"
# How long the store waits for an answer before doing the work itself.
ANSWER_TIMEOUT = 10.0

_HEADER = struct.Struct("<QQ")  # offset, length of one answer in the buffer file


class Prescan:
    """The helper process of one start; take its answers with :meth:`index` and
    :meth:`changes` (in that order), or :meth:`cancel` it."""

    def __init__(self, pid: int, fd: int, buffer: int) -> None:
        self.pid = pid
        self._fd: int | None = fd  # the pipe: small headers (offset, length) in ``buffer``
        self._buffer = buffer  # an unlinked in-memory file the helper writes its answers to
        self._index_taken = False

    def index(
        self, timeout: float = ANSWER_TIMEOUT
    ) -> tuple[dict[str, IndexEntry], list[str]] | None:
        """The index as the helper read it (empty when missing or damaged), in display order,
        and the temp files of interrupted saves it found; None without an answer."""
        if self._index_taken:
            return None
        self._index_taken = True
        answer = self._next(timeout)
        if type(answer) is not tuple or len(answer) != 2:
            self.cancel()  # its second answer would be about an index we do not use
            return None
        columns, stale = answer
        return entries_from_columns(columns), stale

    def changes(self, timeout: float = ANSWER_TIMEOUT) -> Changes | None:
        """The helper's check of every file against the index that :meth:`index` returned."""
        if not self._index_taken or self._fd is None:
            return None
        answer = self._next(timeout)
        self.cancel()  # done: close the pipe and reap the helper
        if type(answer) is not tuple or len(answer) != len(Changes._fields):
            return None
        return Changes(*answer)

    def cancel(self) -> None:
        """Close the pipe and stop the helper if it still runs; safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        os.close(fd)
        os.close(self._buffer)
        import signal  # only when a helper was started, not with the store at start-up

        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)  # finished helpers are zombies: nothing happens
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)

    def _next(self, timeout: float) -> Any:
        """One framed answer, or None (and the helper stopped) on a timeout or a bad read."""
        fd = self._fd
        if fd is None:
            return None
        deadline = time.monotonic() + timeout
        value = None
        try:
            head = _read_exact(fd, _HEADER.size, deadline)
            if head is not None:
                offset, length = _HEADER.unpack(head)
                body = os.pread(self._buffer, length, offset)
                if len(body) == length:
                    # Our own child wrote it a moment ago: marshal is safe, ~4x faster than JSON.
                    value = marshal.loads(body)
        except (OSError, EOFError, ValueError, TypeError):
            value = None
        if value is None:
            self.cancel()
        return value


def _read_exact(fd: int, size: int, deadline: float) -> bytes | None:
    import select  # only when a helper was started, not with the store at start-up

    chunks: list[bytes] = []
    while size:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def wanted(data_dir: Path) -> bool:
    """Whether a prescan of ``data_dir`` is worth a process (a big index, fork available)."""
    switch = os.environ.get(ENV_SWITCH, "")
    if switch == "0" or not hasattr(os, "fork"):
        return False
    if switch == "1":
        return True
    if _cores() < 2:
        return False  # the helper would take turns with us on one core: no gain
    try:
        return os.stat(data_dir / "index.json").st_size >= MIN_INDEX_BYTES
    except OSError:
        return False  # no index: the store reads every file anyway


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))  # the cores this process may use
    return os.cpu_count() or 1


def start(data_dir: Path) -> Prescan | None:
    """Fork the helper for ``data_dir`` if :func:`wanted`; None otherwise.

    Call it before Qt is imported and before any thread starts: the helper runs only
    Python code of the store, then exits without returning into the caller.
    """
    if not wanted(data_dir):
        return None
    try:
        buffer = _buffer_file()
    except OSError:
        return None
    try:
        read_end, write_end = os.pipe()
    except OSError:
        os.close(buffer)
        return None
    try:
        pid = os.fork()
    except OSError:
        for fd in (read_end, write_end, buffer):
            os.close(fd)
        return None
    if pid == 0:
        code = 1
        try:
            os.close(read_end)
            _helper(data_dir, _Answers(write_end, buffer))
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return Prescan(pid, read_end, buffer)


def _buffer_file() -> int:
    """An unlinked file for the answers (megabytes: a pipe would make the helper wait for us
    after 64 KB). In memory where the OS can (never on disk); else an owner-only temp file."""
    if hasattr(os, "memfd_create"):
        with contextlib.suppress(OSError):
            return os.memfd_create("nebula-prescan", getattr(os, "MFD_CLOEXEC", 0))
    import tempfile

    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the fd outlives this function
    fd = os.dup(handle.fileno())
    handle.close()
    return fd


class _Answers:
    """The helper's side: each answer goes to the buffer file, its place through the pipe."""

    def __init__(self, pipe: int, buffer: int) -> None:
        self.pipe = pipe
        self.buffer = buffer
        self.offset = 0

    def send(self, value: Any) -> None:
        payload = marshal.dumps(value)
        view = memoryview(payload)
        offset = self.offset
        while view:
            written = os.pwrite(self.buffer, view, offset)
            view = view[written:]
            offset += written
        os.write(self.pipe, _HEADER.pack(self.offset, len(payload)))  # 16 bytes: atomic
        self.offset = offset


def _helper(data_dir: Path, answers: _Answers) -> None:
    folder = data_dir / "conversations"
    entries = read_index(data_dir / "index.json")
    # In list order, so the sorts of the store's first list() find the rows already sorted.
    ordered = {s.id: entries[s.id] for s in in_display_order([e.summary for e in entries.values()])}
    stale = find_stale_temp_files(data_dir, folder, data_dir / "backups")
    answers.send((entries_to_columns(ordered), stale))
    dir_mtime = os.stat(folder).st_mtime_ns  # before the listing: later changes show
    unreadable: dict[str, str] = {}
    on_disk = scan_folder(folder, set(), unreadable)
    answers.send(tuple(compare(entries, on_disk, dir_mtime, unreadable)))
