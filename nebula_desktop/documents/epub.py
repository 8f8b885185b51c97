"""Text of an EPUB book: its chapters in reading order (the OPF spine), no Qt.

``META-INF/container.xml`` names the package document; its manifest and spine give the
chapter files, read as HTML by :mod:`nebula_desktop.documents.html_text` (EPUB 2 chapters carry
an XHTML DOCTYPE, which the HTML scanner skips without expanding anything). DRM-protected
books (an ``encryption.xml`` naming a chapter) are refused with a sentence.
"""

from __future__ import annotations

from nebula_desktop.documents.common import (
    DRM,
    MAX_PAGES,
    Budget,
    DocumentError,
    Extracted,
    Full,
    TooManyElements,
    Translate,
    elements_note,
    finish,
)
from nebula_desktop.documents.html_text import html_text
from nebula_desktop.documents.package import Package, attr, resolve
from nebula_desktop.documents.plain import decode_markup

_MAX_SPINE = 100_000


class _Container:
    def __init__(self) -> None:
        self.package = ""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "rootfile" and not self.package:
            self.package = attrs.get("full-path", "")

    def end(self, tag: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _Opf:
    def __init__(self) -> None:
        self.manifest: dict[str, str] = {}
        self.spine: list[str] = []

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "item" and len(self.manifest) < _MAX_SPINE:
            self.manifest[attrs.get("id", "")] = attrs.get("href", "")
        elif tag == "itemref" and len(self.spine) < _MAX_SPINE and attrs.get("linear") != "no":
            self.spine.append(attrs.get("idref", ""))

    def end(self, tag: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _Encryption:
    def __init__(self) -> None:
        self.encrypted: set[str] = set()

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "CipherReference" and len(self.encrypted) < _MAX_SPINE:
            self.encrypted.add(resolve("", attr(attrs, "URI")).lower())

    def end(self, tag: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


def read_epub(name: str, data: bytes, tr: Translate) -> Extracted:
    """The text of an EPUB book, chapter after chapter."""
    package = Package(name, data, "EPUB", tr)
    budget = Budget()
    container, opf, encryption = _Container(), _Opf(), _Encryption()
    try:
        if not package.xml_part("META-INF/container.xml", container, budget):
            raise package.mismatch()
        if not container.package or not package.xml_part(container.package, opf, budget):
            raise package.mismatch()
        package.xml_part("META-INF/encryption.xml", encryption, budget)
    except TooManyElements:
        return finish(name, budget, "epub", note=elements_note(budget), tr=tr)
    folder = container.package.rpartition("/")[0]
    chapters = [
        resolve(folder, opf.manifest[idref]) for idref in opf.spine if idref in opf.manifest
    ]
    if any(path.lower() in encryption.encrypted for path in chapters):
        raise DocumentError(tr(DRM).format(name=name))
    infos = [info for path in chapters[:MAX_PAGES] if (info := package.find(path))]
    package.reserve(infos)
    kept, done = 0, True
    try:
        for info in infos:
            kept += 1
            html_text(decode_markup(package.read(info)), budget, title=False)
            budget.add("\n\n")
    except (Full, TooManyElements):
        done = False
    note = ""
    if not done or kept < len(chapters):
        note = f"[… truncated: kept chapters 1–{kept} of {len(chapters)}]"
    return finish(name, budget, "epub", pages=len(chapters), note=note, tr=tr)
