"""Text of Word (.docx), PowerPoint (.pptx) and OpenDocument text and slides (.odt, .odp).

The readers walk the XML of the main parts and keep only what a reader of the document sees:
paragraphs as lines, tabs and line breaks, table cells separated by tabs and rows by lines,
each slide under a ``Slide N`` heading. Deleted tracked changes, field codes and the fallback
copy that Word stores for every text box are left out. Headers, footers, footnotes, comments
and speaker notes are not read.
"""

from __future__ import annotations

import re

from nebula_desktop.documents.common import (
    MAX_PAGES,
    Budget,
    Extracted,
    Full,
    TooManyElements,
    Translate,
    elements_note,
    finish,
)
from nebula_desktop.documents.package import Package, attr

OFFICE_DOCUMENT = "/officeDocument"  # the relationship type of a package's main part
_SLIDE_NUMBER = re.compile(r"(?:^|/)slide(\d+)\.xml$", re.IGNORECASE)  # not notesSlide1.xml


class WrongRoot(Exception):
    """The main part is not the kind of document the extension promised."""


class _Text:
    """Collects the visible text of WordprocessingML, DrawingML and OpenDocument markup.

    ``text_tags`` hold text directly (Word's ``w:t``, DrawingML's ``a:t``); in OpenDocument
    (``text_tags`` empty) text sits in every paragraph. A paragraph ends a line, except inside
    a table cell, where it ends with a space so a table row stays on one line.
    """

    def __init__(self, budget: Budget, text_tags: frozenset[str], root: str = "") -> None:
        self.budget = budget
        self.text_tags = text_tags
        self.expected_root = root
        self.in_text = 0
        self.skipping = 0  # depth inside an element whose text is not shown
        self.cells = 0
        self.space = False  # a paragraph ended inside a table cell: a space before more text
        self.started = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if not self.started:
            self.started = True
            if self.expected_root and tag != self.expected_root:
                raise WrongRoot
        if self.skipping or tag in _SKIPPED:
            self.skipping += 1
        elif tag in self.text_tags or (not self.text_tags and tag in ("p", "h")):
            self.in_text += 1
        elif tag == "tab":
            self.budget.add("\t")
        elif tag in ("br", "cr", "line-break"):
            self.budget.add("\n")
        elif tag == "s" and not self.text_tags:  # OpenDocument's run of spaces
            count = attr(attrs, "c", "opendocument") or "1"
            self.budget.add(" " * min(int(count) if count.isdigit() else 1, 100))
        elif tag == "tc" or tag == "table-cell":
            self.cells += 1

    def end(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        if tag in self.text_tags or (not self.text_tags and tag in ("p", "h")):
            self.in_text = max(0, self.in_text - 1)
        if tag in ("p", "h"):
            if self.cells:
                self.space = True
            else:
                self.budget.add("\n")
        elif tag in ("tc", "table-cell"):
            self.cells = max(0, self.cells - 1)
            self.space = False
            self.budget.add("\t")
        elif tag in ("tr", "table-row", "tbl", "table"):
            self.budget.add("\n")

    def text(self, data: str) -> None:
        if self.in_text and not self.skipping:
            if self.space:
                self.space = False
                self.budget.add(" ")
            self.budget.add(data)


# Not shown: paragraph and run properties (their tab stops are not tabs), Word's copy of a text
# box for old readers, deleted text, field instructions, OpenDocument tracked deletions,
# comments, footnotes and speaker notes.
_SKIPPED = frozenset({
    "pPr", "rPr", "Fallback", "delText", "instrText",
    "tracked-changes", "annotation", "note", "notes",
})  # fmt: skip


def main_part(package: Package, budget: Budget, default: str) -> str:
    """The path of the package's main part (from ``_rels/.rels``, else ``default``)."""
    for kind, target in package.relationships("", budget).values():
        if kind.endswith(OFFICE_DOCUMENT) and package.find(target):
            return target
    return default


def read_docx(name: str, data: bytes, tr: Translate) -> Extracted:
    """The text of a Word document."""
    package = Package(name, data, "Word (.docx)", tr)
    budget = Budget()
    path = main_part(package, budget, "word/document.xml")
    try:
        if not package.xml_part(path, _Text(budget, frozenset({"t"}), "document"), budget):
            raise package.mismatch()
    except WrongRoot:
        raise package.mismatch() from None
    except Full:
        pass
    except TooManyElements:
        return finish(name, budget, "docx", note=elements_note(budget), tr=tr)
    return finish(name, budget, "docx", tr=tr)


def read_pptx(name: str, data: bytes, tr: Translate) -> Extracted:
    """The text of a PowerPoint presentation, slide by slide."""
    package = Package(name, data, "PowerPoint (.pptx)", tr)
    budget = Budget()
    path = main_part(package, budget, "ppt/presentation.xml")
    order = _SlideOrder()
    try:
        if not package.xml_part(path, order, budget) or order.root != "presentation":
            raise package.mismatch()
        rels = package.relationships(path, budget)
    except TooManyElements:
        return finish(name, budget, "pptx", note=elements_note(budget), tr=tr)
    slides = [rels[rid][1] for rid in order.ids if rid in rels and package.find(rels[rid][1])]
    if not slides:  # no slide list: the slide parts in their number order
        numbered = [(int(m.group(1)), n) for n in package.names() if (m := _SLIDE_NUMBER.search(n))]
        slides = [part for _, part in sorted(numbered)]
    return _read_slides(name, package, budget, slides, "pptx", tr)


def _read_slides(
    name: str, package: Package, budget: Budget, slides: list[str], kind: str, tr: Translate
) -> Extracted:
    infos = [info for path in slides[:MAX_PAGES] if (info := package.find(path))]
    package.reserve(infos)
    kept, done = 0, True
    try:
        for info in infos:
            kept += 1
            budget.add(f"\n\nSlide {kept}\n")
            package.walk(info, _Text(budget, frozenset({"t"})), budget)
    except (Full, TooManyElements):
        done = False
    note = ""
    if not done or kept < len(slides):
        note = f"[… truncated: kept slides 1–{kept} of {len(slides)}]"
    return finish(name, budget, kind, pages=len(slides), note=note, tr=tr)


class _SlideOrder:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.root = ""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.root = self.root or tag
        if tag == "sldId" and len(self.ids) < 100_000:
            self.ids.append(attr(attrs, "id", "relationships"))

    def end(self, tag: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


ODF_TYPES = {
    "odt": ("application/vnd.oasis.opendocument.text", "OpenDocument text (.odt)"),
    "odp": ("application/vnd.oasis.opendocument.presentation", "OpenDocument slides (.odp)"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument sheet (.ods)"),
}


def open_odf(name: str, data: bytes, kind: str, tr: Translate) -> Package:
    """The OpenDocument package of ``kind``; refused when its ``mimetype`` says otherwise."""
    mime, label = ODF_TYPES[kind]
    package = Package(name, data, label, tr)
    info = package.find("mimetype")
    if info is None or package.find("content.xml") is None or info.file_size > 200:
        raise package.mismatch()
    package.reserve([info])
    if package.read(info).strip() != mime.encode():
        raise package.mismatch()
    return package


def read_odt(name: str, data: bytes, tr: Translate) -> Extracted:
    """The text of an OpenDocument text (LibreOffice Writer)."""
    package = open_odf(name, data, "odt", tr)
    budget = Budget()
    try:
        package.xml_part("content.xml", _Text(budget, frozenset()), budget)
    except Full:
        pass
    except TooManyElements:
        return finish(name, budget, "odt", note=elements_note(budget), tr=tr)
    return finish(name, budget, "odt", tr=tr)


class _OdpSlides(_Text):
    """OpenDocument slides: a ``Slide N`` heading at each ``draw:page``."""

    def __init__(self, budget: Budget) -> None:
        super().__init__(budget, frozenset())
        self.slides = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "page" and not self.skipping:
            self.slides += 1
            if self.slides > MAX_PAGES:  # counted, not read
                self.skipping += 1
                return
            self.budget.add(f"\n\nSlide {self.slides}\n")
        super().start(tag, attrs)


def read_odp(name: str, data: bytes, tr: Translate) -> Extracted:
    """The text of OpenDocument slides (LibreOffice Impress), slide by slide."""
    package = open_odf(name, data, "odp", tr)
    budget = Budget()
    slides = _OdpSlides(budget)
    try:
        package.xml_part("content.xml", slides, budget)
    except (Full, TooManyElements):
        kept = min(slides.slides, MAX_PAGES)
        note = f"[… truncated: kept slides 1–{kept}]"
        return finish(name, budget, "odp", pages=slides.slides, note=note, tr=tr)
    note = ""
    if slides.slides > MAX_PAGES:
        note = f"[… truncated: kept slides 1–{MAX_PAGES} of {slides.slides}]"
    return finish(name, budget, "odp", pages=slides.slides, note=note, tr=tr)
