"""Text of a PDF, page by page, with ``pypdf`` (pure Python, BSD) imported only here.

Bounded before and while parsing: the file is under the document size cap; a file with more
than :data:`MAX_PDF_OBJECTS` objects, or cross-reference tables declaring more entries, is
refused before ``pypdf`` sees it (it indexes every entry at about 200 bytes each: a million
would take ~250 MB and 5 s); ``pypdf``'s own
limits are tightened (page tree, content-stream parsing work, decompressed stream size), so
one page costs at most a second or two; at most :data:`MAX_PAGES` pages are read and reading
stops after :data:`MAX_PDF_SECONDS` (pages can share one heavy content stream, so the page cap
alone does not bound the time). A page that cannot be read is marked and the others are kept.

A PDF "encrypted" with an empty user password (only copying or printing restricted) opens as
every viewer opens it; a real password is refused with a sentence.
"""

from __future__ import annotations

import io
import logging
import re
import time
from typing import Any

from nebula_desktop.documents.common import (
    DAMAGED,
    ENCRYPTED,
    ENCRYPTION_UNSUPPORTED,
    MAX_PAGES,
    MISMATCH,
    OVER_LIMITS,
    SCANNED,
    TOO_COMPLEX,
    Budget,
    DocumentError,
    Extracted,
    Full,
    Translate,
    finish,
)

MAX_PDF_OBJECTS = 250_000
MAX_PDF_SECONDS = 10.0  # checked between pages
_LIMITS: dict[str, Any] = {
    "page_tree_maximum_entries": 20_000,
    "stream_parsing_work_maximum_count": 500_000,
    "zlib_maximum_output_length": 16 * 1024 * 1024,
    "lzw_maximum_output_length": 16 * 1024 * 1024,
    "run_length_maximum_output_length": 16 * 1024 * 1024,
    "brotli_maximum_output_length": 16 * 1024 * 1024,
    "maximum_declared_stream_length": 16 * 1024 * 1024,
    "array_based_stream_maximum_output_length": 16 * 1024 * 1024,
    "xform_maximum_invocations_per_extraction": 1_000,
    "jbig2dec_binary": None,  # never start an external program for a picture we do not read
}

_XREF = re.compile(rb"(?<!start)xref")
_GAP = rb"(?:\s|%[^\r\n]*+)"  # white space and comments, as pypdf skips them
_SUBSECTION = re.compile(_GAP + rb"*+(\d{1,10})" + _GAP + rb"++(\d{1,10})")
_MAX_XREF_SECTIONS = 1_000

# A hostile file can make pypdf warn once per object: keep the log readable.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(name: str, data: bytes, tr: Translate) -> Extracted:
    """The text of a PDF, pages in order."""
    if b"%PDF-" not in data[:1024]:
        raise DocumentError(tr(MISMATCH).format(name=name, label="PDF"))
    # "obj" closes ("endobj") and opens every object written out in the file; objects packed
    # in object streams are counted by pypdf against the same cap (xref_stream_maximum_entries).
    objects = max(data.count(b"obj") // 2, xref_entries(data))
    if objects > MAX_PDF_OBJECTS:
        raise DocumentError(
            tr(TOO_COMPLEX).format(name=name, count=f"{objects:,}", limit=f"{MAX_PDF_OBJECTS:,}")
        )
    import pypdf
    from pypdf.errors import DependencyError, LimitReachedError

    with pypdf.apply_configuration(**_LIMITS):
        try:
            reader = pypdf.PdfReader(
                io.BytesIO(data), strict=False, xref_stream_maximum_entries=MAX_PDF_OBJECTS
            )
            if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
                raise DocumentError(tr(ENCRYPTED).format(name=name))
            total = len(reader.pages)
        except DocumentError:
            raise
        except DependencyError:
            raise DocumentError(tr(ENCRYPTION_UNSUPPORTED).format(name=name)) from None
        except Exception as exc:  # pypdf raises many kinds on a damaged file
            limit = _cause(exc, LimitReachedError)
            if limit is not None:
                raise DocumentError(tr(OVER_LIMITS).format(name=name, detail=_why(limit))) from None
            raise DocumentError(tr(DAMAGED).format(name=name, detail=_why(exc))) from None
        try:
            return _read_pages(name, reader, total, tr)
        except DependencyError:  # AES streams are decrypted as pages are read
            raise DocumentError(tr(ENCRYPTION_UNSUPPORTED).format(name=name)) from None


def xref_entries(data: bytes) -> int:
    """How many entries the cross-reference tables in ``data`` declare (what pypdf would index;
    a count over :data:`MAX_PDF_OBJECTS` is returned as soon as it is reached)."""
    total = 0
    for sections, found in enumerate(_XREF.finditer(data)):
        if sections >= _MAX_XREF_SECTIONS:
            return MAX_PDF_OBJECTS + 1
        pos = found.end()
        for _ in range(_MAX_XREF_SECTIONS):
            header = _SUBSECTION.match(data, pos)
            if header is None:
                break
            count = int(header.group(2))
            total += count
            if total > MAX_PDF_OBJECTS:
                return total
            pos = header.end() + count * 20  # entries are 20 bytes
    return total


def _read_pages(name: str, reader: Any, total: int, tr: Translate) -> Extracted:
    from pypdf.errors import DependencyError

    budget = Budget()
    deadline = time.monotonic() + MAX_PDF_SECONDS
    kept, found_text, timed_out, failure = 0, False, False, ""
    try:
        for index in range(min(total, MAX_PAGES)):
            if index and time.monotonic() > deadline:
                timed_out = True
                break
            try:
                page_text = reader.pages[index].extract_text() or ""
            except DependencyError:
                raise
            except Exception as exc:  # one broken page does not lose the others
                failure = failure or _why(exc)
                page_text = f"[page {index + 1} could not be read: {_why(exc)}]"
            else:
                found_text = found_text or bool(page_text.strip())
            kept = index + 1
            if total > 1:
                budget.add(f"\n\n--- Page {kept} ---\n")
            budget.add(page_text)
    except Full:
        pass
    if not found_text and not budget.full:
        if failure:
            raise DocumentError(tr(DAMAGED).format(name=name, detail=failure))
        if total and not timed_out:
            raise DocumentError(tr(SCANNED).format(name=name))
    note = ""
    if budget.full or kept < total:
        why = "; the rest took too long to read" if timed_out else ""
        note = f"[… truncated: kept pages 1–{kept} of {total}{why}]"
    return finish(name, budget, "pdf", pages=total, note=note, tr=tr)


def _cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """``exc`` or the exception it was raised from, if one is a ``kind`` (pypdf re-raises
    its limits as read errors)."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None or isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _why(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "…"
