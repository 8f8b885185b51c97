"""Zip-packaged documents (Office Open XML, OpenDocument, EPUB) read under caps, no Qt.

A package is opened only after its central directory's size is read from the end record and
found under :data:`MAX_ZIP_DIRECTORY_BYTES` (``zipfile`` builds an object per entry, so a zip
listing a million parts would cost memory before anything else could refuse it). The parts a
reader needs are reserved first: their declared sizes are summed and refused over
:data:`MAX_UNPACKED_BYTES` before one byte is inflated, and each part is then read through
:func:`nebula_desktop.safeio.zip_member_chunks` capped at its declared size.

XML parts are streamed through expat (the parser under ``xml.etree``, without building a tree):
a document type declaration is refused the moment it starts, so internal entities (the
"billion laughs") are never declared, let alone expanded, and external ones are never fetched.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import struct
import zipfile
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import unquote
from xml.parsers import expat

from nebula_desktop.documents.common import (
    DAMAGED,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_DIRECTORY_BYTES,
    MISMATCH,
    TOO_MANY_PARTS,
    UNPACKS_TOO_LARGE,
    UNSAFE_XML,
    Budget,
    DocumentError,
    Translate,
    size_text,
)
from nebula_desktop.safeio import UnsafeFileError, zip_member_chunks

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"


def directory_size(data: bytes) -> int | None:
    """The size in bytes of the zip's central directory, from its end record (``None``: no
    end record, so not a zip)."""
    end = data.rfind(_EOCD, max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or len(data) - end < 22:
        return None
    (size,) = struct.unpack_from("<L", data, end + 12)
    locator = end - 20
    if size == 0xFFFFFFFF and locator >= 0 and data[locator : locator + 4] == _EOCD64_LOCATOR:
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if offset + 56 <= len(data) and data[offset : offset + 4] == _EOCD64:
            (size,) = struct.unpack_from("<Q", data, offset + 40)
    return int(size)


class DamagedPart(DocumentError):
    """An XML part that is not well-formed (or a member that cannot be inflated)."""


class Package:
    """One opened zip package; every part read is reserved against the unpacked cap first."""

    def __init__(self, name: str, data: bytes, label: str, tr: Translate) -> None:
        self.name = name
        self.label = label
        self.tr = tr
        self.unpacked = 0
        size = directory_size(data)
        if size is None or not data.startswith(b"PK"):
            raise self.mismatch()
        if size > MAX_ZIP_DIRECTORY_BYTES:
            raise DocumentError(
                tr(TOO_MANY_PARTS).format(
                    name=name, size=size_text(size), limit=size_text(MAX_ZIP_DIRECTORY_BYTES)
                )
            )
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
            raise self.mismatch() from None
        # Part names are case-insensitive in Office packages; the first of two spellings wins.
        self._parts: dict[str, zipfile.ZipInfo] = {}
        for info in self.zip.infolist():
            self._parts.setdefault(info.filename.lower(), info)

    def mismatch(self) -> DocumentError:
        """The refusal for a file that is not the package its extension promises."""
        return DocumentError(self.tr(MISMATCH).format(name=self.name, label=self.label))

    def damaged(self, detail: str) -> DamagedPart:
        """The refusal for a package that is what it says but broken inside."""
        return DamagedPart(self.tr(DAMAGED).format(name=self.name, detail=detail))

    def find(self, path: str) -> zipfile.ZipInfo | None:
        """The part at ``path`` (no leading slash), if the package has it."""
        return self._parts.get(path.lstrip("/").lower())

    def names(self) -> list[str]:
        """Every part's name."""
        return [info.filename for info in self._parts.values()]

    def reserve(self, infos: Iterable[zipfile.ZipInfo]) -> None:
        """Count the declared sizes of ``infos`` against :data:`MAX_UNPACKED_BYTES`, refusing
        the document before anything is inflated when the sum is over."""
        total = self.unpacked + sum(info.file_size for info in infos)
        if total > MAX_UNPACKED_BYTES:
            raise DocumentError(
                self.tr(UNPACKS_TOO_LARGE).format(
                    name=self.name, size=size_text(total), limit=size_text(MAX_UNPACKED_BYTES)
                )
            )
        self.unpacked = total

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The bytes of one (reserved) part."""
        try:
            return b"".join(zip_member_chunks(self.zip, info, info.file_size))
        except UnsafeFileError as exc:
            raise self.damaged(str(exc)) from None

    def walk(self, info: zipfile.ZipInfo, handler: Handler, budget: Budget) -> None:
        """Stream the (reserved) XML part ``info`` through ``handler``.

        :class:`~nebula_desktop.documents.common.Full` and ``TooManyElements`` from the budget
        pass through; a document type declaration or malformed XML is a :class:`DocumentError`.
        """
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

        def refuse(*_args: object) -> None:
            raise DocumentError(self.tr(UNSAFE_XML).format(name=self.name))

        def start(tag: str, attrs: dict[str, str]) -> None:
            budget.tick()
            handler.start(tag.rpartition(" ")[2], attrs)

        def end(tag: str) -> None:
            handler.end(tag.rpartition(" ")[2])

        parser.StartDoctypeDeclHandler = refuse
        parser.EntityDeclHandler = refuse
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = handler.text
        try:
            for chunk in zip_member_chunks(self.zip, info, info.file_size):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise self.damaged(f"{info.filename}: {expat.ErrorString(exc.code)}") from None
        except UnsafeFileError as exc:
            raise self.damaged(str(exc)) from None

    def xml_part(self, path: str, handler: Handler, budget: Budget) -> bool:
        """Reserve and walk the part at ``path``; ``False`` when the package has none."""
        info = self.find(path)
        if info is None:
            return False
        self.reserve([info])
        self.walk(info, handler, budget)
        return True

    def relationships(self, source: str, budget: Budget) -> dict[str, tuple[str, str]]:
        """``{id: (type, part path)}`` from the relationships part of ``source`` (an Office
        part path, or ``""`` for the package itself); external targets are left out."""
        folder, _, base = source.rpartition("/")
        rels_path = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
        found = _Relationships(folder)
        # As office suites do: a broken list falls back to the usual part names.
        with contextlib.suppress(DamagedPart):
            self.xml_part(rels_path, found, budget)
        return found.targets


class Handler(Protocol):
    """What :meth:`Package.walk` calls: element names are local (namespace stripped),
    attribute names keep their namespace as ``"uri local"``."""

    def start(self, tag: str, attrs: dict[str, str]) -> None: ...

    def end(self, tag: str) -> None: ...

    def text(self, data: str) -> None: ...


def attr(attrs: dict[str, str], local: str, namespace_hint: str = "") -> str:
    """The value of attribute ``local`` (in a namespace containing ``namespace_hint`` when
    given; unqualified otherwise), or ``""``."""
    if not namespace_hint:
        return attrs.get(local, "")
    for key, value in attrs.items():
        uri, _, name = key.rpartition(" ")
        if name == local and namespace_hint in uri:
            return value
    return ""


def resolve(folder: str, target: str) -> str:
    """A relationship or manifest ``target`` as a package path, relative to ``folder``."""
    target = unquote(target.split("#", 1)[0])
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path).lstrip("/") if path else ""


class _Relationships:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.targets: dict[str, tuple[str, str]] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "Relationship" and attrs.get("TargetMode", "") != "External":
            target = resolve(self.folder, attrs.get("Target", ""))
            self.targets[attrs.get("Id", "")] = (attrs.get("Type", ""), target)

    def end(self, tag: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass
