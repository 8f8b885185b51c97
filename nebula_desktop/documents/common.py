"""Limits, sentences and the text budget shared by the document readers (no Qt).

Every reader writes into one :class:`Budget`: it keeps at most :data:`MAX_CHARS` characters and
counts the markup elements walked, so a reader stops as soon as it has enough text and a file
with endless markup and no text stops at :data:`MAX_ELEMENTS`. The limits are checked before
the work they guard: the file's size before anything is parsed, a zip's directory and declared
unpacked sizes before anything is inflated.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from nebula_desktop.tokens import text_tokens

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # the file as attached, refused before parsing
MAX_CHARS = 200_000  # text kept (about 50,000 tokens); the rest is cut with a line saying so
MAX_PAGES = 300  # PDF pages, slides, sheets or EPUB chapters read
MAX_CELLS = 50_000  # spreadsheet cells with a value (a table of numbers costs many tokens)
MAX_ELEMENTS = 3_000_000  # XML elements or HTML tags walked in one document (~2 s)
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # declared sizes of the zip parts read, summed
MAX_ZIP_DIRECTORY_BYTES = 2 * 1024 * 1024  # a zip's central directory (~20,000 parts)

Translate = Callable[[str], str]

# Refusals: format strings, so the UI can translate them before filling in the name.
TOO_LARGE = "{name} is too large to read ({size}; the limit is {limit})."
UNSUPPORTED = (
    "{name} is not a kind of file Nebula Desktop can read text from. It reads PDF, Word (.docx), "
    "Excel (.xlsx), PowerPoint (.pptx), OpenDocument, EPUB, HTML, CSV and text or code files."
)
OLD_OFFICE = "{name} is in the old Office format; save it as {modern} and attach it again."
MISMATCH = "{name} is not a real {label} file: its content does not match its extension."
DAMAGED = "{name} could not be read: the file is damaged ({detail})."
ENCRYPTED = "{name} is protected by a password; remove the password and attach it again."
DRM = "{name} is protected by DRM (copy protection), so its text cannot be read."
ENCRYPTION_UNSUPPORTED = (
    "{name} is encrypted in a way this copy of Nebula Desktop cannot open; "
    "save an unprotected copy and attach that."
)
SCANNED = "{name} looks scanned: no text to extract (its pages are images, not text)."
NO_TEXT = "{name} contains no text to extract."
NOT_TEXT = (
    "{name} is not UTF-8 or UTF-16 text (perhaps an older encoding such as Windows-1252 or "
    "GBK); save it as UTF-8 and attach it again."
)
UNSAFE_XML = (
    "{name} was refused: it contains an XML document type declaration, which real documents "
    "never need and which can make a reader expand text without end."
)
UNPACKS_TOO_LARGE = (
    "{name} was refused: it unpacks to {size}, more than the {limit} Nebula Desktop reads from "
    "one document."
)
TOO_MANY_PARTS = (
    "{name} was refused: it lists more parts than a document has ({size} of zip directory; "
    "the limit is {limit})."
)
TOO_MUCH_MARKUP = (
    "{name} was refused: it has more than {limit} elements of markup and no text among them."
)
TOO_COMPLEX = "{name} was refused: it has more internal objects ({count}) than {limit}."
OVER_LIMITS = "{name} was refused: its structure goes past a safety limit ({detail})."


class DocumentError(ValueError):
    """A document that was not read; ``str()`` is the sentence shown to the user.

    (``attachments.extract_text`` raises it as an ``AttachmentError``; this package does not
    import ``attachments``, which imports it lazily.)
    """


def same(text: str) -> str:
    """The untranslated text (the default translator)."""
    return text


def size_text(size: int) -> str:
    """``20 MB`` or ``512 KB``: how sizes appear in the sentences."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(1, size // 1024)} KB"


class Full(Exception):
    """The budget is spent: the reader stops and keeps what it has."""


class TooManyElements(Exception):
    """The document has more markup than :data:`MAX_ELEMENTS`: the reader keeps what it has."""


class Budget:
    """The text read so far, at most ``cap`` characters, and the markup elements walked.

    :meth:`add` raises :class:`Full` once the cap is reached (the text kept is cut at the cap);
    :meth:`tick` raises :class:`TooManyElements` past ``max_elements``.
    """

    def __init__(self, cap: int | None = None, max_elements: int | None = None) -> None:
        self.cap = MAX_CHARS if cap is None else cap
        self.max_elements = MAX_ELEMENTS if max_elements is None else max_elements
        self.size = 0
        self.elements = 0
        self.full = False
        self._parts: list[str] = []

    def add(self, text: str) -> None:
        """Keep ``text``, or as much of it as fits, then raise :class:`Full`."""
        if self.full:
            raise Full
        if not text:
            return
        room = self.cap - self.size
        if len(text) <= room:
            self._parts.append(text)
            self.size += len(text)
            return
        self._parts.append(text[:room])
        self.size = self.cap
        self.full = True
        raise Full

    def tick(self) -> None:
        """Count one element; raise :class:`TooManyElements` past the limit."""
        self.elements += 1
        if self.elements > self.max_elements:
            raise TooManyElements

    def text(self) -> str:
        """The text kept so far."""
        return "".join(self._parts)


@dataclass(frozen=True)
class Extracted:
    """The text of one document and what the UI shows about it.

    ``pages`` counts the document's pages (PDF), slides, sheets or chapters (0 for flowing text
    such as a Word or text file); ``truncated`` says the text ends with a ``[… truncated: …]``
    line saying what was kept.
    """

    text: str
    kind: str
    pages: int = 0
    truncated: bool = False

    @property
    def chars(self) -> int:
        """The number of characters sent."""
        return len(self.text)

    @property
    def tokens(self) -> int:
        """The estimated tokens the text costs (the same offline estimate as the composer's:
        ``nebula_desktop.tokens``, uncalibrated, so CJK and code count as they should)."""
        return math.ceil(text_tokens(self.text))


_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Unix newlines, no trailing spaces on lines, at most one blank line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def elements_note(budget: Budget) -> str:
    """The line ending a text cut at :data:`MAX_ELEMENTS`."""
    return f"[… truncated: stopped after {budget.max_elements:,} elements of markup]"


def chars_note(budget: Budget) -> str:
    """The line ending a text cut at the character cap."""
    return f"[… truncated: kept the first {budget.cap:,} characters]"


def finish(
    name: str,
    budget: Budget,
    kind: str,
    *,
    pages: int = 0,
    note: str = "",
    tr: Translate = same,
    verbatim: bool = False,
    whole_lines: bool = False,
) -> Extracted:
    """The :class:`Extracted` result: the kept text, tidied (only its newlines made Unix ones
    when ``verbatim``: code keeps its blank lines), then the truncation ``note``. With
    ``whole_lines``, text cut at the character cap ends at the last whole line when one is near
    (a CSV or sheet row is not left half).

    Raises :class:`DocumentError` (:data:`NO_TEXT`) when nothing but whitespace was found.
    """
    text = budget.text()
    if budget.full:
        cut = text.rfind("\n")
        if whole_lines and cut >= len(text) * 0.95:
            text = text[:cut]
        note = note or chars_note(budget)
    text = text.replace("\r\n", "\n").replace("\r", "\n") if verbatim else tidy(text)
    if not text.strip():
        if budget.elements > budget.max_elements:
            limit = f"{budget.max_elements:,}"
            raise DocumentError(tr(TOO_MUCH_MARKUP).format(name=name, limit=limit))
        raise DocumentError(tr(NO_TEXT).format(name=name))
    if note:
        text = f"{text.rstrip(chr(10))}\n\n{note}"
    return Extracted(text=text, kind=kind, pages=pages, truncated=bool(note))
