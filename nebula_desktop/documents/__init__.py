"""The text of an attached document, extracted on the user's machine; no Qt.

``extract(name, data)`` returns an :class:`Extracted` (the text, its kind, pages, characters,
estimated tokens, whether it was cut) or raises :class:`DocumentError` whose ``str()`` is the
sentence to show (``attachments.extract_text`` is the same as an ``AttachmentError``).
The extension decides the reader and the content must match it. Supported: PDF (``pypdf``),
Word, Excel and PowerPoint (Office Open XML), OpenDocument text, sheets and slides, EPUB, HTML,
CSV and every text or code file (a file with another extension is read when it is text).
Readers are imported when a document of their kind arrives, so start-up pays for none of them.
"""

from __future__ import annotations

from pathlib import PurePath

from nebula_desktop.documents.common import (
    MAX_CELLS,
    MAX_CHARS,
    MAX_DOCUMENT_BYTES,
    MAX_ELEMENTS,
    MAX_PAGES,
    MAX_UNPACKED_BYTES,
    MISMATCH,
    NOT_TEXT,
    OLD_OFFICE,
    TOO_LARGE,
    UNSUPPORTED,
    Budget,
    DocumentError,
    Extracted,
    Full,
    Translate,
    finish,
    same,
    size_text,
)

__all__ = [
    "DOCUMENT_EXTENSIONS",
    "MAX_CELLS",
    "MAX_CHARS",
    "MAX_DOCUMENT_BYTES",
    "MAX_ELEMENTS",
    "MAX_PAGES",
    "MAX_UNPACKED_BYTES",
    "TEXT_EXTENSIONS",
    "DocumentError",
    "Extracted",
    "extract",
    "kind_of",
]

# Extension -> reader kind.
DOCUMENT_EXTENSIONS: dict[str, str] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".dotx": "docx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xltx": "xlsx",
    ".pptx": "pptx",
    ".pptm": "pptx",
    ".ppsx": "pptx",
    ".odt": "odt",
    ".ods": "ods",
    ".odp": "odp",
    ".epub": "epub",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
_OLD_OFFICE = {".doc": ".docx", ".xls": ".xlsx", ".ppt": ".pptx"}
# Text and code (every one attachments inlines, and more): read as text, and a binary file under
# one of these names is refused as not what it says. Other names are read when they are text.
TEXT_EXTENSIONS = frozenset({
    ".bat", ".bib", ".c", ".cc", ".cfg", ".cmake", ".conf", ".cpp", ".cs", ".css", ".csv",
    ".cxx", ".dart", ".diff", ".el", ".env", ".erl", ".ex", ".exs", ".fs", ".go", ".gradle",
    ".graphql", ".h", ".hpp", ".hs", ".ini", ".java", ".jl", ".js", ".json", ".jsx", ".kt",
    ".kts", ".less", ".lisp", ".log", ".lua", ".m", ".markdown", ".md", ".mk", ".ml", ".nim",
    ".patch", ".php", ".pl", ".pm", ".properties", ".proto", ".ps1", ".py", ".r", ".rb", ".rs",
    ".rst", ".scala", ".scm", ".scss", ".sh", ".sql", ".srt", ".svelte", ".swift", ".tex",
    ".toml", ".ts", ".tsv", ".tsx", ".txt", ".vim", ".vtt", ".vue", ".xml", ".yaml", ".yml",
    ".zig",
})  # fmt: skip
_BINARY_HINTS = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # PDF, zip, old Office


def kind_of(name: str) -> str:
    """The reader for ``name``: a :data:`DOCUMENT_EXTENSIONS` kind, ``"text"`` for a known
    text or code extension, or ``""`` (decided by the content: text or unsupported)."""
    suffix = PurePath(name).suffix.lower()
    if suffix in DOCUMENT_EXTENSIONS:
        return DOCUMENT_EXTENSIONS[suffix]
    if suffix in TEXT_EXTENSIONS:
        return "text"
    return ""


def extract(name: str, data: bytes, *, tr: Translate = same) -> Extracted:
    """The text of the document ``name`` whose content is ``data``.

    Raises :class:`DocumentError` with a sentence for a file over :data:`MAX_DOCUMENT_BYTES`,
    an unsupported type, content that does not match the extension, a password, a scanned
    PDF, a damaged file or one whose structure is over the caps. Text over :data:`MAX_CHARS`
    (or pages over :data:`MAX_PAGES`) is cut and ends with a ``[… truncated: …]`` line.
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            tr(TOO_LARGE).format(
                name=name, size=size_text(len(data)), limit=size_text(MAX_DOCUMENT_BYTES)
            )
        )
    kind = kind_of(name)
    if kind == "pdf":
        from nebula_desktop.documents.pdf import read_pdf

        return read_pdf(name, data, tr)
    if kind in ("docx", "pptx", "odt", "odp"):
        from nebula_desktop.documents import office

        reader = {
            "docx": office.read_docx,
            "pptx": office.read_pptx,
            "odt": office.read_odt,
            "odp": office.read_odp,
        }[kind]
        return reader(name, data, tr)
    if kind in ("xlsx", "ods"):
        from nebula_desktop.documents import sheets

        return (sheets.read_xlsx if kind == "xlsx" else sheets.read_ods)(name, data, tr)
    if kind == "epub":
        from nebula_desktop.documents.epub import read_epub

        return read_epub(name, data, tr)
    if kind == "html":
        return _read_html(name, data, tr)
    suffix = PurePath(name).suffix.lower()
    if suffix in _OLD_OFFICE:
        raise DocumentError(tr(OLD_OFFICE).format(name=name, modern=_OLD_OFFICE[suffix]))
    return _read_text(name, data, kind, tr)


def _read_text(name: str, data: bytes, kind: str, tr: Translate) -> Extracted:
    from nebula_desktop.documents.plain import decode_text, looks_binary

    if looks_binary(data) or data.startswith(_BINARY_HINTS):
        message = MISMATCH if kind else UNSUPPORTED
        raise DocumentError(tr(message).format(name=name, label="text"))
    text = decode_text(data)
    if text is None:
        raise DocumentError(tr(NOT_TEXT if kind else UNSUPPORTED).format(name=name))
    budget = Budget()
    try:
        budget.add(text)
    except Full:
        note = f"[… truncated: kept the first {budget.cap:,} characters of {len(text):,}]"
        return finish(name, budget, "text", note=note, tr=tr, verbatim=True, whole_lines=True)
    return finish(name, budget, "text", tr=tr, verbatim=True)


def _read_html(name: str, data: bytes, tr: Translate) -> Extracted:
    from nebula_desktop.documents.common import TooManyElements, elements_note
    from nebula_desktop.documents.html_text import html_text
    from nebula_desktop.documents.plain import decode_markup, looks_binary

    if looks_binary(data) or data.startswith(_BINARY_HINTS):
        raise DocumentError(tr(MISMATCH).format(name=name, label="HTML"))
    budget = Budget()
    try:
        html_text(decode_markup(data), budget)
    except Full:
        pass
    except TooManyElements:
        return finish(name, budget, "html", note=elements_note(budget), tr=tr)
    return finish(name, budget, "html", tr=tr)
