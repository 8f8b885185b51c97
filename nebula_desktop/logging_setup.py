"""The log file: one rotating file in the user log folder, with keys redacted from every record.

``setup_logging(log_dir)`` installs a rotating file handler (``nebula-desktop.log``, 1 MB × 5)
on the root logger. A :class:`RedactingFilter` on that handler rewrites each record before it is
written: the formatted message (``msg % args``), the exception text and the stack text are all
scrubbed of anything that looks like a credential — ``sk-…`` keys, ``Bearer …`` tokens,
``Authorization: …`` headers — and of every value registered with :func:`register_secret` (a key
the user typed, a custom header value).

Message text (what the user and the model wrote) is private too: code that wants to mention it
calls :func:`loggable_text`, which returns a length summary unless the user opted in with
``settings.log_message_text`` (passed to :func:`set_log_message_text`).

No Qt here: the core and the UI share this module.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import threading
from functools import cache
from pathlib import Path

LOG_FILE_NAME = "nebula-desktop.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
REDACTED = "[REDACTED]"
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

# Secrets shorter than this are not registered: replacing every "ab" in the log would make it
# unreadable and such a value cannot be a real key anyway.
_MIN_SECRET_LENGTH = 6


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The key shapes to redact, compiled with the first record (not at start-up)."""
    return (
        # Header lines and dict reprs: "Authorization: Bearer x", "'Authorization': 'Bearer x'".
        (
            re.compile(r"""(?i)(authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]*"""),
            r"\1" + REDACTED,
        ),
        (re.compile(r"(?i)\bbearer\s+[^\s\"',}]+"), "Bearer " + REDACTED),
        # Key-like fields in dict reprs, JSON and query strings: "api_key": "…", x-api-key=….
        (
            re.compile(
                r"""(?i)((?:api[_-]?key|x-api-key|access[_-]?token|secret|password)["']?\s*[:=]\s*["']?)"""
                r"""[^"'\s,}&]+"""
            ),
            r"\1" + REDACTED,
        ),
        (re.compile(r"sk-[A-Za-z0-9_\-]{8,}"), REDACTED),
    )


_secrets_lock = threading.Lock()
_secrets: set[str] = set()
_log_message_text = False


def register_secret(value: str | None) -> None:
    """Redact ``value`` from every later log record (an API key, a token in a custom header)."""
    if not value or len(value.strip()) < _MIN_SECRET_LENGTH:
        return
    with _secrets_lock:
        _secrets.add(value.strip())


def set_log_message_text(enabled: bool) -> None:
    """Follow ``settings.log_message_text``: may chat text appear in the log?"""
    global _log_message_text
    _log_message_text = bool(enabled)


def loggable_text(text: str) -> str:
    """Return ``text`` if the user allowed message text in the log, else only its length."""
    if _log_message_text:
        return redact(text)
    return f"<{len(text)} chars>"


def redact(text: str) -> str:
    """Return ``text`` with every key-like substring replaced by ``[REDACTED]``."""
    with _secrets_lock:
        # Longest first, so a secret that contains another one is removed whole.
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _patterns():
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Scrub keys from a record's message, arguments, exception and stack text.

    The record is rewritten in place (message pre-formatted, ``args`` cleared, ``exc_text`` set)
    so every handler after this one — and the formatter — only ever sees the redacted text.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _RotatingFileHandler(logging.FileHandler):
    """``logging.handlers.RotatingFileHandler``'s rotation, without importing that module.

    ``logging.handlers`` imports socket, pickle, queue and more for handlers the app never uses
    (~20 M instructions before the first window). Same rule: before a record would take the
    file to ``max_bytes``, ``name.1`` … ``name.{backup_count - 1}`` move up one, the file
    becomes ``name.1`` and a new file starts; only regular files are rotated.
    """

    def __init__(self, path: Path, max_bytes: int, backup_count: int) -> None:
        super().__init__(path, mode="a", encoding="utf-8", delay=False)
        self.max_bytes = max_bytes
        self.backup_count = backup_count

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._should_roll_over(record):
                self._roll_over()
            super().emit(record)
        except Exception:
            self.handleError(record)

    def _should_roll_over(self, record: logging.LogRecord) -> bool:
        if os.path.exists(self.baseFilename) and not os.path.isfile(self.baseFilename):
            return False
        if self.stream is None:
            self.stream = self._open()
        if self.max_bytes <= 0:
            return False
        line = f"{self.format(record)}\n"
        self.stream.seek(0, 2)
        return bool(self.stream.tell() + len(line) >= self.max_bytes)

    def _roll_over(self) -> None:
        if self.stream:
            self.stream.close()
            self.stream = None
        if self.backup_count > 0:
            for n in range(self.backup_count - 1, 0, -1):
                older, newer = f"{self.baseFilename}.{n}", f"{self.baseFilename}.{n + 1}"
                if os.path.exists(older):
                    if os.path.exists(newer):
                        os.remove(newer)
                    os.rename(older, newer)
            first = f"{self.baseFilename}.1"
            if os.path.exists(first):
                os.remove(first)
            if os.path.exists(self.baseFilename):
                os.rename(self.baseFilename, first)
        self.stream = self._open()


def _remove_our_handlers(root: logging.Logger) -> None:
    for handler in list(root.handlers):
        if getattr(handler, "_nebula_handler", False):
            root.removeHandler(handler)
            handler.close()


def setup_logging(log_dir: str | os.PathLike[str], level: int = logging.INFO) -> Path:
    """Send log records to ``log_dir/nebula-desktop.log`` (rotating) and return that path.

    Calling it again (tests, a changed folder) replaces the previous file handler instead of
    doubling every line. Warnings from the ``warnings`` module are logged too.
    """
    folder = Path(log_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE_NAME
    handler = _RotatingFileHandler(path, MAX_BYTES, BACKUP_COUNT)
    handler._nebula_handler = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter())
    # The log names hosts and models: keep it readable by its owner only.
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)
    root = logging.getLogger()
    _remove_our_handlers(root)
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    logging.getLogger(__name__).info("Logging to %s (Python %s)", path, sys.version.split()[0])
    return path


def shutdown_logging() -> None:
    """Close the file handler installed by :func:`setup_logging` (flushes it)."""
    _remove_our_handlers(logging.getLogger())
