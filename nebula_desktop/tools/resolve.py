"""Find a server's command (``npx``, ``uvx``, ``docker``…) the way the user's shell would.

An app started from a desktop launcher gets the session's short PATH, not the one the user's
shell builds (nvm, Homebrew, ``~/.local/bin``, ``~/.cargo/bin``…), so ``npx`` typed in a
terminal may be "missing" for it. :func:`search_path` asks the user's login shell for its PATH
once (interactive too, since nvm and friends are set up in ``.bashrc``/``.zshrc``), bounded by a
short timeout and a cap on what is read, caches the answer, and adds the usual install folders.
:func:`resolve_command` then finds the command there or raises :class:`CommandNotFound`
("command not found: npx") at once. The same PATH is given to the server (:func:`child_path`),
because ``npx`` itself needs ``node`` on it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from nebula_desktop.tools.errors import CommandNotFound

__all__ = [
    "COMMON_DIRS",
    "SHELL_TIMEOUT_S",
    "child_path",
    "clear_cache",
    "login_shell_path",
    "resolve_command",
    "search_path",
]

log = logging.getLogger(__name__)

SHELL_TIMEOUT_S = 3.0
MAX_SHELL_OUTPUT = 64 * 1024
_START = "__NEBULA_PATH_START__"
_END = "__NEBULA_PATH_END__"
# printf, not echo: a PATH with backslashes stays as it is in every shell.
_SCRIPT = f"printf '%s%s%s' '{_START}' \"$PATH\" '{_END}'"

COMMON_DIRS = (
    "~/.local/bin",
    "/usr/local/bin",
    "/opt/homebrew/bin",
    "/opt/homebrew/sbin",
    "~/.cargo/bin",
    "~/.volta/bin",
    "~/.bun/bin",
    "~/.deno/bin",
    "~/.asdf/shims",
    "~/.local/share/mise/shims",
    "~/.nix-profile/bin",
    "/nix/var/nix/profiles/default/bin",
    "/snap/bin",
    "/usr/bin",
    "/bin",
    "/usr/sbin",
    "/sbin",
)

_lock = threading.Lock()
_cached: list[str] | None = None


def clear_cache() -> None:
    """Forget the login shell's PATH (the next look-up asks again)."""
    global _cached
    with _lock:
        _cached = None


def _user_shell() -> str:
    shell = os.environ.get("SHELL", "")
    if not shell and sys.platform != "win32":
        import pwd

        with contextlib.suppress(KeyError):
            shell = pwd.getpwuid(os.getuid()).pw_shell
    return shell


def login_shell_path(timeout: float = SHELL_TIMEOUT_S) -> list[str]:
    """The PATH of the user's login shell as folders, asked once and cached ([] if unknown).

    The shell runs without a terminal and without input, in its own process group that is
    killed after ``timeout`` seconds; at most 64 KB of its output is read.
    """
    global _cached
    with _lock:
        if _cached is None:
            _cached = _ask_shell(_user_shell(), timeout) if sys.platform != "win32" else []
        return list(_cached)


def _ask_shell(shell: str, timeout: float) -> list[str]:
    if not shell or not os.access(shell, os.X_OK):
        return []
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            [shell, "-ilc", _SCRIPT],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        log.info("could not ask the login shell %s for its PATH: %s", shell, exc)
        return []
    assert proc.stdout is not None
    chunks: list[bytes] = []
    size = 0
    deadline = started + timeout
    try:
        fd = proc.stdout.fileno()
        while size < MAX_SHELL_OUTPUT:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                break
            chunk = os.read(fd, MAX_SHELL_OUTPUT - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if _END.encode() in b"".join(chunks):
                break
    finally:
        proc.stdout.close()
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(1.0)
    text = b"".join(chunks).decode("utf-8", "replace")
    start = text.rfind(_START)
    end = text.find(_END, start + len(_START)) if start >= 0 else -1
    if start < 0 or end < 0:
        log.info("the login shell %s gave no PATH within %.1f s", shell, timeout)
        return []
    log.info("login shell PATH read in %.2f s", time.monotonic() - started)
    return [p for p in text[start + len(_START) : end].split(os.pathsep) if p]


def _nvm_dirs(home: Path) -> list[str]:
    """nvm's node folders: the default alias first, then the newest installed version."""
    root = Path(os.environ.get("NVM_DIR", "") or home / ".nvm")
    versions = root / "versions" / "node"
    found: list[str] = []
    with contextlib.suppress(OSError):
        alias = (root / "alias" / "default").read_text(encoding="utf-8")[:100].strip()
        if alias:
            name = alias if alias.startswith("v") else f"v{alias}"
            matches = sorted(versions.glob(f"{name}*"), key=_version_key, reverse=True)
            found += [str(m / "bin") for m in matches[:1]]
    with contextlib.suppress(OSError):
        newest = sorted(versions.iterdir(), key=_version_key, reverse=True)[:1]
        found += [str(m / "bin") for m in newest]
    found.append(str(root / "current" / "bin"))
    return found


def _version_key(path: Path) -> tuple[int, ...]:
    parts = path.name.lstrip("v").split(".")
    return tuple(int(p) if p.isdigit() else -1 for p in parts)


def search_path(timeout: float = SHELL_TIMEOUT_S) -> list[str]:
    """Folders to look for commands in, best first, without duplicates: the login shell's
    PATH, this process's PATH, nvm's node, then the usual install folders."""
    home = Path.home()
    folders = [
        *login_shell_path(timeout),
        *os.environ.get("PATH", "").split(os.pathsep),
        *_nvm_dirs(home),
        *(str(Path(d).expanduser()) for d in COMMON_DIRS),
    ]
    seen: set[str] = set()
    out: list[str] = []
    for folder in folders:
        if folder and folder not in seen:
            seen.add(folder)
            out.append(folder)
    return out


def child_path(timeout: float = SHELL_TIMEOUT_S) -> str:
    """The PATH a server process gets: the folders of :func:`search_path` that exist."""
    return os.pathsep.join(d for d in search_path(timeout) if os.path.isdir(d))


def resolve_command(command: str, path: Sequence[str] | None = None) -> str:
    """The full path of ``command``, or :class:`CommandNotFound` (never a wait on anything
    but the one, bounded, login-shell question).

    A command with a folder in it (``./server``, ``/usr/bin/python3``, ``~/bin/x``) must be an
    executable file; a bare name is searched in ``path`` (default :func:`search_path`).
    """
    name = command.strip()
    if not name:
        raise CommandNotFound("(empty)")
    expanded = os.path.expanduser(name)
    if os.sep in expanded or (os.altsep and os.altsep in expanded):
        if os.path.isfile(expanded) and os.access(expanded, os.X_OK):
            return os.path.abspath(expanded)
        raise CommandNotFound(name)
    folders = search_path() if path is None else list(path)
    found = shutil.which(name, path=os.pathsep.join(folders))
    if found is None:
        raise CommandNotFound(name)
    return found
