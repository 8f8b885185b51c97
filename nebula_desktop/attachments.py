"""Attachments without Qt: limits, text-file inlining, documents, and image data for requests.

The UI reads files, decodes and downscales images (Qt does that well); this module decides what
is allowed and how an attachment is stored in a message and sent to the server. Images are sent
as OpenAI ``image_url`` content parts with a ``data:`` URL; text files are inlined into the
message text as fenced blocks headed by the file name, so every server understands them.
Documents (PDF, Word, Excel, …) are read with :func:`read_document` (off the GUI thread: it
parses the file) and stay in the message as attachments carrying their extracted ``text``, which
only the request inlines (``context.request_messages``).
"""

from __future__ import annotations

import base64
import errno
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

from nebula_desktop import safeio

MAX_IMAGE_BYTES = 20 * 1024 * 1024  # refused before decoding: a huge file would stall the UI
MAX_TEXT_BYTES = 200 * 1024
MAX_ATTACHMENTS = 8  # per message
MAX_IMAGE_SIDE = 1568  # long side after downscaling; larger costs tokens and adds little

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"})
# Extension -> fence language (empty: none).
TEXT_EXTENSIONS: dict[str, str] = {
    ".txt": "",
    ".md": "markdown",
    ".markdown": "markdown",
    ".rst": "",
    ".log": "",
    ".py": "python",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".ini": "ini",
    ".cfg": "ini",
    ".xml": "xml",
    ".css": "css",
    ".js": "javascript",
    ".ts": "typescript",
    ".c": "c",
    ".h": "c",
    ".cpp": "cpp",
    ".hpp": "cpp",
    ".java": "java",
    ".go": "go",
    ".rs": "rust",
    ".rb": "ruby",
    ".sh": "bash",
    ".sql": "sql",
}

# Read by nebula_desktop.documents (imported only when one is attached): the extensions of
# documents.DOCUMENT_EXTENSIONS, CSV, and the old Office formats (refused there with a sentence
# saying which format to save as). tests/unit check the two lists agree.
DOCUMENT_EXTENSIONS = frozenset({
    ".pdf", ".docx", ".docm", ".dotx", ".xlsx", ".xlsm", ".xltx", ".pptx", ".pptm", ".ppsx",
    ".odt", ".ods", ".odp", ".epub", ".html", ".htm", ".xhtml", ".csv", ".doc", ".xls", ".ppt",
})  # fmt: skip
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # as documents.MAX_DOCUMENT_BYTES; refused before reading
# Stored with a document; shown on its chip. Values from a file are bounded when read back.
_DOCUMENT_MIME = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".epub": "application/epub+zip",
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".csv": "text/csv",
}
_MAX_FACT = 10**9  # a page, character or token count read back from a file, at most

# Messages are format strings so the UI can pass them through its translator first.
TOO_LARGE = "{name} is too large ({size}; the limit is {limit})"
TOO_MANY = "A message can carry at most {limit} attachments."
NOT_UTF8 = "{name} is not UTF-8 text, so it cannot be inlined."
UNSUPPORTED = (
    "{name} is not a kind of file Nebula Desktop can attach. It attaches images, PDF, Word "
    "(.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument, EPUB, HTML, CSV and text or code "
    "files."
)
NOT_REGULAR = (
    "{name} is not a regular file (a pipe, a device or a folder), so it cannot be attached."
)
CANNOT_READ = "Could not read {name}: {reason}"


class AttachmentError(ValueError):
    """A refused attachment; ``str()`` is the message shown in the composer."""


Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text


def format_size(size: int) -> str:
    """``25 MB``, ``180 KB``, ``12 bytes``: how sizes appear in messages."""
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{value:.0f} MB" if value >= 10 else f"{value:.1f} MB".replace(".0 ", " ")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def kind_of(name: str) -> str:
    """``"image"``, ``"document"``, ``"text"`` or ``""`` (unsupported), from the file name's
    extension."""
    suffix = PurePath(name).suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        return "image"
    if suffix in DOCUMENT_EXTENSIONS:
        return "document"
    if suffix in TEXT_EXTENSIONS:
        return "text"
    return ""


def check_count(current: int, adding: int = 1, tr: Translate = _same) -> None:
    """Refuse going past :data:`MAX_ATTACHMENTS` on one message."""
    if current + adding > MAX_ATTACHMENTS:
        raise AttachmentError(tr(TOO_MANY).format(limit=MAX_ATTACHMENTS))


def check_image_size(name: str, size: int, tr: Translate = _same) -> None:
    """Refuse an image file over :data:`MAX_IMAGE_BYTES` (checked before reading it)."""
    if size > MAX_IMAGE_BYTES:
        raise AttachmentError(
            tr(TOO_LARGE).format(
                name=name, size=format_size(size), limit=format_size(MAX_IMAGE_BYTES)
            )
        )


def check_unsupported(name: str, tr: Translate = _same) -> None:
    """Refuse a file that is neither an image nor a known text type."""
    if not kind_of(name):
        raise AttachmentError(tr(UNSUPPORTED).format(name=name))


def check_text_size(name: str, size: int, tr: Translate = _same) -> None:
    """Refuse a text file over :data:`MAX_TEXT_BYTES` (checked before reading it)."""
    if size > MAX_TEXT_BYTES:
        raise AttachmentError(
            tr(TOO_LARGE).format(
                name=name, size=format_size(size), limit=format_size(MAX_TEXT_BYTES)
            )
        )


def check_document_size(name: str, size: int, tr: Translate = _same) -> None:
    """Refuse a document over :data:`MAX_DOCUMENT_BYTES` (checked before reading it)."""
    if size > MAX_DOCUMENT_BYTES:
        raise AttachmentError(
            tr(TOO_LARGE).format(
                name=name, size=format_size(size), limit=format_size(MAX_DOCUMENT_BYTES)
            )
        )


def read_file(path: str | Path, tr: Translate = _same) -> bytes:
    """The bytes of the file at ``path`` to attach, at most the limit of its kind.

    Only a regular file is opened: a FIFO would never answer and ``/dev/zero`` never ends (and
    both report a size of 0), so the type and size are checked on a ``stat`` before anything is
    opened, and the read itself stops at the limit whatever the size said. Raises
    :class:`AttachmentError` with the sentence to show.
    """
    name = PurePath(path).name
    check_unsupported(name, tr)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise AttachmentError(
            tr(CANNOT_READ).format(name=name, reason=exc.strerror or exc)
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise AttachmentError(tr(NOT_REGULAR).format(name=name))
    kind = kind_of(name)
    cap, check = {
        "image": (MAX_IMAGE_BYTES, check_image_size),
        "document": (MAX_DOCUMENT_BYTES, check_document_size),
    }.get(kind, (MAX_TEXT_BYTES, check_text_size))
    check(name, st.st_size, tr)  # before reading anything
    try:
        return safeio.read_regular(path, cap)
    except safeio.UnsafeFileError as exc:
        error = exc  # the file changed between the stat and the read, or the OS refused
    if error.errno == errno.EFBIG:
        check(name, cap + 1, tr)  # it grew past the limit: raises
    if error.errno == errno.EINVAL:
        raise AttachmentError(tr(NOT_REGULAR).format(name=name))
    reason = os.strerror(error.errno) if error.errno else str(error)
    raise AttachmentError(tr(CANNOT_READ).format(name=name, reason=reason))


def read_text(name: str, data: bytes, tr: Translate = _same) -> str:
    """The text of a text file, refusing files over :data:`MAX_TEXT_BYTES` or not UTF-8."""
    check_text_size(name, len(data), tr)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AttachmentError(tr(NOT_UTF8).format(name=name)) from None
    if "\x00" in text:  # a binary file that happens to decode
        raise AttachmentError(tr(NOT_UTF8).format(name=name))
    return text.replace("\r\n", "\n")


def fenced_block(name: str, text: str) -> str:
    """``text`` as a Markdown fenced block headed by the file name.

    The fence is one backtick longer than any run inside the text, so a file that contains
    code fences itself (a README) cannot close the block early.
    """
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    language = TEXT_EXTENSIONS.get(PurePath(name).suffix.lower(), "")
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"{name}\n{fence}{language}\n{body}{fence}"


def inline_text_files(text: str, files: list[tuple[str, str]]) -> str:
    """The message text followed by each ``(name, text)`` file as a fenced block."""
    blocks = [fenced_block(name, body) for name, body in files]
    return "\n\n".join(part for part in [text.rstrip(), *blocks] if part)


def image_attachment(name: str, mime: str, data: bytes, width: int, height: int) -> dict[str, Any]:
    """The stored form of an (already downscaled and re-encoded) image."""
    return {
        "name": name,
        "mime": mime,
        "data": base64.b64encode(data).decode("ascii"),
        "width": int(width),
        "height": int(height),
    }


def data_url(attachment: dict[str, Any]) -> str:
    """``data:<mime>;base64,<data>`` for one stored image."""
    return f"data:{attachment.get('mime') or 'image/png'};base64,{attachment.get('data', '')}"


def image_bytes(attachment: dict[str, Any]) -> bytes:
    """The encoded image bytes of a stored attachment (empty if the data is damaged)."""
    try:
        return base64.b64decode(str(attachment.get("data", "")), validate=True)
    except ValueError:
        return b""


def message_content(text: str, attachments: list[dict[str, Any]]) -> str | list[dict[str, Any]]:
    """What a message sends as ``content``: the plain string when it has no images (most
    servers prefer that), else a text part followed by one ``image_url`` part per image."""
    images = [a for a in attachments if str(a.get("mime", "")).startswith("image/")]
    if not images:
        return text
    parts: list[dict[str, Any]] = []
    if text:
        parts.append({"type": "text", "text": text})
    parts.extend({"type": "image_url", "image_url": {"url": data_url(a)}} for a in images)
    return parts


def extract_text(name: str, data: bytes, tr: Translate = _same) -> str:
    """The text of the document ``name`` (PDF, Word, Excel, PowerPoint, OpenDocument, EPUB,
    HTML, CSV, text or code) whose bytes are ``data``, cut with a ``[… truncated: …]`` line
    over the caps; see :mod:`nebula_desktop.documents`, imported only when called.

    Raises :class:`AttachmentError` with the sentence to show for a refused document.
    """
    from nebula_desktop.documents import DocumentError, extract

    try:
        return extract(name, data, tr=tr).text
    except DocumentError as exc:
        raise AttachmentError(str(exc)) from None


def read_document(path: str | Path, tr: Translate = _same) -> dict[str, Any]:
    """Read and extract the document at ``path``: the stored attachment, ``name``, ``mime``,
    ``text`` (what the request inlines), ``pages`` (0: flowing text), ``chars``, ``tokens``
    (estimated) and ``truncated``. Slow for a big file: the UI calls it off the GUI thread.

    Raises :class:`AttachmentError` with the sentence to show (not a regular file, too large,
    or any refusal of :func:`extract_text`).
    """
    from nebula_desktop.documents import DocumentError, extract

    name = PurePath(path).name
    data = read_file(path, tr)
    try:
        found = extract(name, data, tr=tr)
    except DocumentError as exc:
        raise AttachmentError(str(exc)) from None
    return {
        "name": name,
        "mime": _DOCUMENT_MIME.get(PurePath(name).suffix.lower(), "text/plain"),
        "text": found.text,
        "pages": found.pages,
        "chars": found.chars,
        "tokens": found.tokens,
        "truncated": found.truncated,
    }


def is_document(attachment: dict[str, Any]) -> bool:
    """True for a document attachment (extracted ``text`` with its counts): it stays a chip in
    its message, and only the request inlines its text. A text file picked in the composer
    (``text`` alone) is inlined into the message itself."""
    return isinstance(attachment.get("text"), str) and "chars" in attachment


def document_facts(attachment: dict[str, Any]) -> tuple[int, int, int]:
    """``(pages, chars, tokens)`` of a document attachment, each a whole number from 0 to
    10^9: a value a file holds that is not one (text, a float, ``true``, a huge number) counts
    as 0 (unknown) rather than failing the chat."""

    def fact(key: str) -> int:
        value = attachment.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_FACT:
            return 0
        return value

    return fact("pages"), fact("chars"), fact("tokens")
