"""A persistent cache of rendered Markdown, so start-up can show the last chat without the renderer.

Rendering the first screen of a chat needs markdown-it (~40 ms to import), Pygments (~15 ms) and
a Pygments lexer (~60 ms to build for Python): more than half of what the app adds to a bare Qt
window at start. The output depends only on the text, the theme and the renderer, so it is kept
on disk, one owner-only file per rendered message, keyed by a hash of all three.

The cache is disposable: a corrupt or unreadable entry is a miss (and is replaced), every write
happens on a background thread, entries unused for 30 days are pruned (the trash's lifetime, so
it never keeps a deleted chat's text longer than the trash does) and the folder is capped in size
(least recently used entries go first). ``NEBULA_RENDER_CACHE=0`` turns it off. It stays off
until the app calls :func:`enable`, so tests and library users never write to a user folder.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable
from functools import cache, lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from nebula_desktop import atomicfile

# The built-in SHA-256 alone: ``hashlib`` also loads OpenSSL and BLAKE2 (~3-10 ms at start).
if TYPE_CHECKING:
    from hashlib import sha256
else:
    try:
        from _sha256 import sha256  # Python ≤ 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # Python ≥ 3.12
        except ImportError:
            from hashlib import sha256

log = logging.getLogger(__name__)

# Bump when the renderer's output changes in a way the source-file stamps below would miss.
# 2: entries carry the formulas' TeX, and the key says whether formulas were drawn (math).
RENDER_VERSION = 2
MAX_BYTES = 20 * 1024 * 1024
MAX_AGE_DAYS = 30.0
# A hit refreshes the entry's mtime (its "last used" time) at most this often: one utime a day.
_TOUCH_AFTER_S = 24 * 3600.0


@cache
def _entry() -> re.Pattern[str]:
    return re.compile(r"[0-9a-f]{64}\.json")


@cache
def _version_re() -> re.Pattern[str]:
    return re.compile(r"""__version__\s*=\s*["']([^"']+)["']""")


# The modules whose code decides the output; their size and mtime join the key, so an edited
# renderer never serves stale HTML even if RENDER_VERSION was not bumped.
_RENDER_MODULES = (
    "markdown.py",
    "constants.py",
    "html_writer.py",
    "safe_html.py",
    "formula_marks.py",
    "parser.py",
    "highlight.py",
    "sanitize.py",
    "math_scan.py",
    "math_tex.py",
)


def _package_version(name: str) -> str:
    """A package's ``__version__`` read from its source, without importing it (the point)."""
    try:
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is None:
            return "missing"
        with open(origin, encoding="utf-8") as fh:
            match = _version_re().search(fh.read(20_000))
        if match is not None:
            return match.group(1)
        st = os.stat(origin)
        return f"{st.st_size}:{st.st_mtime_ns}"
    except (OSError, ValueError, ImportError):
        return "unknown"


@lru_cache(maxsize=1)
def renderer_stamp() -> str:
    """Everything besides the text and theme that decides the rendered output."""
    here = Path(__file__).parent
    parts = [f"v{RENDER_VERSION}", _package_version("markdown_it"), _package_version("pygments")]
    for name in _RENDER_MODULES:
        try:
            st = (here / name).stat()
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:  # a frozen bundle has no source files: its version is fixed anyway
            parts.append("-")
    return "|".join(parts)


def cache_key(text: str, dark: bool, math: bool = False) -> str:
    """The entry name for ``text`` rendered in the light or dark theme, formulas drawn or not."""
    h = sha256(renderer_stamp().encode())
    h.update(b"\0dark\0" if dark else b"\0light\0")
    if math:
        h.update(b"math\0")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class RenderCache:
    """Rendered messages on disk: ``get`` on the calling thread, writes on a background one."""

    def __init__(
        self, folder: Path | str, max_bytes: int = MAX_BYTES, max_age_days: float = MAX_AGE_DAYS
    ) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.max_age_s = max_age_days * 86400.0
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._ready = False  # folder created (lazily: a start with a warm cache never needs it)

    # -- lookups and stores (any thread; the GUI thread in the app) ------------------------

    def get(self, key: str) -> tuple[str, list[str], list[str]] | None:
        """``(html, code_blocks, formulas)`` of a stored entry, or None when missing or
        damaged."""
        path = self.folder / f"{key}.json"
        try:
            with open(path, "rb") as fh:
                mtime = os.fstat(fh.fileno()).st_mtime
                raw = fh.read()
            data = json.loads(raw.decode("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError):
            return None  # damaged: the caller renders and put() replaces it
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        html = data.get("html")
        blocks = data.get("code_blocks")
        formulas = data.get("formulas", [])
        if not isinstance(html, str) or not isinstance(blocks, list):
            return None
        if not isinstance(formulas, list):
            return None
        if not all(isinstance(b, str) for b in blocks) or not all(
            isinstance(f, str) for f in formulas
        ):
            return None
        if time.time() - mtime > _TOUCH_AFTER_S:
            self._submit(lambda: self._touch(path))
        return html, list(blocks), list(formulas)

    def put(
        self, key: str, html: str, code_blocks: list[str], formulas: list[str] | None = None
    ) -> None:
        """Store an entry; the write happens on the background thread."""
        entry = {"key": key, "html": html, "code_blocks": code_blocks, "formulas": formulas or []}
        text = json.dumps(entry, ensure_ascii=False)
        self._submit(lambda: self._write(key, text))

    def prune_later(self) -> None:
        """Prune old entries and enforce the size cap on the background thread."""
        self._submit(self._prune_job)

    def flush(self, timeout: float = 2.0) -> bool:
        """Wait (at most ``timeout`` s) until every queued write is done; True if it was."""
        if self._thread is None:
            return True
        done = threading.Event()
        self._jobs.put(done.set)
        return done.wait(timeout)

    def close(self, timeout: float = 2.0) -> None:
        """Finish queued writes (bounded by ``timeout``) and stop the thread."""
        if self._thread is None:
            return
        self.flush(timeout)
        self._jobs.put(None)
        self._thread = None

    # -- the background thread -------------------------------------------------------------

    def _submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            if self._thread is None:
                # Daemon: a write cut short at exit leaves only a temp file (pruned later).
                self._thread = threading.Thread(target=self._run, name="render-cache", daemon=True)
                self._thread.start()
        self._jobs.put(job)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                job()
            except Exception:  # a cache failure must never reach the user
                log.warning("render cache job failed", exc_info=True)

    def _ensure_folder(self) -> None:
        if not self._ready:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if os.name == "posix":
                os.chmod(self.folder, 0o700)  # mkdir's mode is masked by the umask
            self._ready = True

    def _write(self, key: str, text: str) -> None:
        try:
            self._ensure_folder()
            atomicfile.write_text(self.folder / f"{key}.json", text, mode=0o600)
        except OSError as exc:  # SaveError included: a full disk only costs speed
            log.info("render cache entry not written: %s", exc)

    def _prune_job(self) -> None:
        removed = self.prune()
        if removed:
            log.info("render cache: %d old entries pruned", removed)

    def _touch(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            os.utime(path)

    def prune(self) -> int:
        """Remove entries unused for ``max_age_days`` and the least recently used beyond the
        size cap, plus leftover temp files; returns how many files were removed."""
        now = time.time()
        entries: list[tuple[float, int, str]] = []
        removed = 0
        try:
            it = os.scandir(self.folder)
        except OSError:
            return 0
        with it:
            for item in it:
                try:
                    st = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                name = item.name
                stale_tmp = name.endswith(".tmp") and now - st.st_mtime > 3600
                too_old = (
                    _entry().fullmatch(name) is not None and now - st.st_mtime > self.max_age_s
                )
                if stale_tmp or too_old:
                    removed += _unlink(item.path)
                elif _entry().fullmatch(name):
                    entries.append((st.st_mtime, st.st_size, item.path))
        total = sum(size for _, size, _ in entries)
        if total > self.max_bytes:
            entries.sort()  # least recently used first
            for _, size, path in entries:
                if total <= self.max_bytes:
                    break
                if _unlink(path):
                    removed += 1
                    total -= size
        return removed


def _unlink(path: str) -> int:
    try:
        os.unlink(path)
    except OSError:
        return 0
    return 1


_active: RenderCache | None = None


def enable(folder: Path | str, max_bytes: int = MAX_BYTES) -> RenderCache | None:
    """Use a cache in ``folder`` for every :func:`render_markdown` call from now on.

    Returns None (and leaves the cache off) when ``NEBULA_RENDER_CACHE=0``.
    """
    global _active
    if os.environ.get("NEBULA_RENDER_CACHE", "1").strip() in ("0", "false", "no", "off"):
        _active = None
        return None
    _active = RenderCache(folder, max_bytes=max_bytes)
    return _active


def disable() -> None:
    """Stop using the cache (queued writes still finish)."""
    global _active
    if _active is not None:
        _active.close()
    _active = None


def active() -> RenderCache | None:
    """The cache in use, if any."""
    return _active
