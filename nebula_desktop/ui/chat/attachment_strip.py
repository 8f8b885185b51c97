"""Attachments in the UI: reading files and images with Qt, and the strip above the composer.

Decoding and downscaling happen here (QImage does it well and off the network path); the rules
— limits, text inlining, the stored form — live in the Qt-free ``nebula_desktop.attachments``.
Documents (PDF, Word, …) are read off the GUI thread on the runner's "documents" queue; their
chip says "Reading report.pdf…" meanwhile and then shows pages, characters and tokens.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtGui
from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop import attachments as att
from nebula_desktop.ui.common.i18n import translate
from nebula_desktop.ui.common.plain import plain, plain_tooltip
from nebula_desktop.ui.common.runner import default_runner
from nebula_desktop.ui.common.thumbnails import ThumbnailCache

THUMB = 48  # thumbnail size in the strip


# The Qt-free rules module words its refusals in English; listing them here lets lupdate put
# them in the catalogue, and _refusal translates them (same context) before the names are filled
# in.
_CORE_MESSAGES = (
    QT_TRANSLATE_NOOP("AttachmentStrip", "{name} is too large ({size}; the limit is {limit})"),
    QT_TRANSLATE_NOOP("AttachmentStrip", "A message can carry at most {limit} attachments."),
    QT_TRANSLATE_NOOP("AttachmentStrip", "{name} is not UTF-8 text, so it cannot be inlined."),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} is not a kind of file Nebula Desktop can attach. It attaches images, PDF, Word "
        "(.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument, EPUB, HTML, CSV and text or "
        "code files.",
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} is not a regular file (a pipe, a device or a folder), so it cannot be attached.",
    ),
    QT_TRANSLATE_NOOP("AttachmentStrip", "Could not read {name}: {reason}"),
)


# The document readers' refusals (nebula_desktop.documents.common), for the same reason.
_DOCUMENT_MESSAGES = (
    QT_TRANSLATE_NOOP(
        "AttachmentStrip", "{name} is too large to read ({size}; the limit is {limit})."
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} is not a kind of file Nebula Desktop can read text from. It reads PDF, Word "
        "(.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument, EPUB, HTML, CSV and text or "
        "code files.",
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} is in the old Office format; save it as {modern} and attach it again.",
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} is not a real {label} file: its content does not match its extension.",
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip", "{name} could not be read: the file is damaged ({detail})."
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} is protected by a password; remove the password and attach it again.",
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} is protected by DRM (copy protection), so its text cannot be read.",
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} is encrypted in a way this copy of Nebula Desktop cannot open; "
        "save an unprotected copy and attach that.",
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} looks scanned: no text to extract (its pages are images, not text).",
    ),
    QT_TRANSLATE_NOOP("AttachmentStrip", "{name} contains no text to extract."),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} is not UTF-8 or UTF-16 text (perhaps an older encoding such as Windows-1252 or "
        "GBK); save it as UTF-8 and attach it again.",
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} was refused: it contains an XML document type declaration, which real "
        "documents never need and which can make a reader expand text without end.",
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} was refused: it unpacks to {size}, more than the {limit} Nebula Desktop reads "
        "from one document.",
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} was refused: it lists more parts than a document has ({size} of zip directory; "
        "the limit is {limit}).",
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} was refused: it has more than {limit} elements of markup and no text among them.",
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} was refused: it has more internal objects ({count}) than {limit}.",
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} was refused: its structure goes past a safety limit ({detail}).",
    ),
)


# Called on the GUI thread and on the "documents" queue: QCoreApplication.translate is
# thread-safe (the translators are installed once, before any widget exists).
_refusal = partial(translate, "AttachmentStrip")  # the translator the core's checks are given


def _is_opaque(image: QtGui.QImage) -> bool:
    """True when no pixel is even partly transparent (then JPEG loses nothing that matters)."""
    if not image.hasAlphaChannel():
        return True
    alpha = image.convertToFormat(QtGui.QImage.Format.Format_Alpha8)
    bits = alpha.constBits()
    data = bytes(bits) if bits is not None else b""
    per_line, width = alpha.bytesPerLine(), alpha.width()
    # Rows are padded to 4 bytes: look only at the pixels of each row.
    return all(
        not data[row * per_line : row * per_line + width].translate(None, b"\xff")
        for row in range(alpha.height())
    )


def encode_image(name: str, image: QtGui.QImage) -> dict[str, Any]:
    """Downscale ``image`` to at most MAX_IMAGE_SIDE on its long side and re-encode it (JPEG
    q85 for opaque images, PNG when it has transparency); returns the stored attachment."""
    if image.isNull():
        message = translate("AttachmentStrip", "{name} is not an image that can be read.")
        raise att.AttachmentError(message.format(name=name))
    if max(image.width(), image.height()) > att.MAX_IMAGE_SIDE:
        image = image.scaled(
            att.MAX_IMAGE_SIDE,
            att.MAX_IMAGE_SIDE,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    opaque = _is_opaque(image)
    if opaque and image.hasAlphaChannel():
        image = image.convertToFormat(QtGui.QImage.Format.Format_RGB32)
    data = QtCore.QByteArray()
    buffer = QtCore.QBuffer(data)
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    # PySide6 accepts the format only as str here, whatever its stubs say.
    image.save(buffer, "JPEG" if opaque else "PNG", 85 if opaque else -1)  # type: ignore[call-overload]
    buffer.close()
    mime = "image/jpeg" if opaque else "image/png"
    return att.image_attachment(name, mime, bytes(data.data()), image.width(), image.height())


def load_file(path: str | Path) -> dict[str, Any]:
    """Read one file as an attachment: an image (stored) or a text file (``text`` key, inlined
    when sent). Raises AttachmentError with the message to show."""
    name = Path(path).name
    data = att.read_file(path, _refusal)  # regular files only, capped: never a FIFO or a device
    if att.kind_of(name) == "image":
        buffer = QtCore.QBuffer()
        buffer.setData(QtCore.QByteArray(data))
        buffer.open(QtCore.QIODevice.OpenModeFlag.ReadOnly)
        reader = QtGui.QImageReader(buffer)  # the format from the content, as from a file
        reader.setAutoTransform(True)  # phone photos: honour the EXIF rotation
        return encode_image(name, reader.read())
    return {"name": name, "mime": "text/plain", "text": att.read_text(name, data, _refusal)}


class _Reading:
    """A document being read off the GUI thread: its chip says so until the job lands."""

    def __init__(self, name: str) -> None:
        self.name = name


class AttachmentStrip(QWidget):
    """The pending attachments above the composer, each with a × to remove it, and the
    notice that explains a refused file. Hidden when there is nothing to show.

    A document is read on the runner's "documents" queue (:meth:`add_document`); until it lands
    its chip says "Reading report.pdf…" and :meth:`busy` is True. Removing that chip cancels it
    (the result is dropped). ``changed`` is emitted whenever the chips change, including when a
    document finished reading or was refused.
    """

    changed = Signal()
    reading_cancelled = Signal()  # the chip of a document being read was removed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[dict[str, Any] | _Reading] = []
        self._thumbs = ThumbnailCache(limit=32)
        self._row = QHBoxLayout()
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(6)
        self._row.addStretch(1)
        self.error = plain(QLabel(self))
        self.error.setObjectName("attachmentError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b42318;")
        self.error.setVisible(False)
        self.error.setAccessibleName(self.tr("Attachment problem"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.error)
        layout.addLayout(self._row)
        self.setVisible(False)

    def items(self) -> list[dict[str, Any]]:
        """The attachments ready to send (images in stored form; text files with a ``text`` key;
        documents with ``text`` and their counts); documents still being read are left out."""
        return [item for item in self._items if isinstance(item, dict)]

    def busy(self) -> bool:
        """True while a document is being read (sending must wait)."""
        return any(isinstance(item, _Reading) for item in self._items)

    def reading(self) -> list[str]:
        """The names of the documents being read, in order."""
        return [item.name for item in self._items if isinstance(item, _Reading)]

    def add(self, item: dict[str, Any]) -> bool:
        """Add one attachment unless the per-message limit is reached (then say so)."""
        if not self._room():
            return False
        self._items.append(item)
        self._rebuild()
        return True

    def add_document(self, path: str | Path) -> bool:
        """Start reading the document at ``path`` off the GUI thread; its chip shows
        "Reading…" until it is read (then its pages and tokens) or refused (then the sentence
        shows above the chips and nothing is attached). False when the limit is reached."""
        if not self._room():
            return False
        reading = _Reading(Path(path).name)
        self._items.append(reading)
        self._rebuild()
        default_runner().serial("documents").run(
            att.read_document,
            path,
            _refusal,
            on_done=lambda item: self._on_document_read(reading, item),
            on_failed=lambda exc: self._on_document_failed(reading, exc),
            owner=self,
        )
        return True

    def _room(self) -> bool:
        try:
            att.check_count(len(self._items), 1, _refusal)
        except att.AttachmentError as exc:
            self.show_error(str(exc))
            return False
        return True

    def _on_document_read(self, reading: _Reading, item: dict[str, Any]) -> None:
        if reading not in self._items:
            return  # its chip was removed, or the strip cleared: cancelled
        self._items[self._items.index(reading)] = item
        self.show_error("")
        self._rebuild()

    def _on_document_failed(self, reading: _Reading, exc: BaseException) -> None:
        if reading not in self._items:
            return
        self._items.remove(reading)
        if isinstance(exc, att.AttachmentError):
            message = str(exc)
        else:  # a reader's bug or no memory left: still a sentence, and the app goes on
            message = translate("AttachmentStrip", "Could not read {name}: {reason}").format(
                name=reading.name, reason=str(exc) or type(exc).__name__
            )
        self.show_error(message)
        self._rebuild()

    def remove(self, index: int) -> None:
        """Drop the attachment at ``index`` (its × was clicked); a document being read is
        cancelled (its result is dropped when it lands)."""
        if 0 <= index < len(self._items):
            removed = self._items.pop(index)
            if isinstance(removed, _Reading):
                self.reading_cancelled.emit()  # before ``changed``: a waiting send is dropped
            self._rebuild()

    def clear(self) -> None:
        """Forget every attachment and notice (after sending); documents being read are
        dropped when they land."""
        self._items.clear()
        self.error.clear()
        self.error.setVisible(False)
        self._rebuild()

    def show_error(self, text: str) -> None:
        """Explain why a file was not attached (cleared by the next success or send)."""
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.setVisible(bool(text) or bool(self._items))

    def _rebuild(self) -> None:
        while self._row.count() > 1:  # keep the trailing stretch
            taken = self._row.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.hide()  # deleteLater waits for the event loop; never show it twice
                widget.deleteLater()
        for index, item in enumerate(self._items):
            chip = self._chip(index, item)
            self._row.insertWidget(index, chip)
            chip.show()  # now, not at the next event loop turn: the chips are what the strip says
        self.setVisible(bool(self._items) or self.error.isVisible())
        self.changed.emit()

    def _chip(self, index: int, item: dict[str, Any] | _Reading) -> QWidget:
        chip = QWidget(self)
        chip.setObjectName("attachmentChip")
        row = QHBoxLayout(chip)
        row.setContentsMargins(2, 2, 2, 2)
        row.setSpacing(4)
        icon = QLabel(chip)
        icon.setFixedSize(QSize(THUMB, THUMB))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if isinstance(item, _Reading) or "text" in item:
            # Imported here: naming QStyle builds all its Python enums (not for the first paint).
            from PySide6.QtWidgets import QStyle

            file_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
            icon.setPixmap(file_icon.pixmap(THUMB // 2, THUMB // 2))
        else:
            # Keyed by content: a removed item's address may be reused by the next one.
            owner = f"strip{hash(item.get('data', ''))}"
            icon.setPixmap(self._thumbs.get(owner, 0, item, THUMB))
        file_name = item.name if isinstance(item, _Reading) else str(item.get("name", ""))
        close = QToolButton(chip)
        close.setText("×")
        close.setAutoRaise(True)
        if isinstance(item, _Reading):
            remove = self.tr("Cancel reading {name}").format(name=file_name)
        else:
            remove = self.tr("Remove {name}").format(name=file_name)
        close.setToolTip(plain_tooltip(remove))
        close.setAccessibleName(remove)
        close.clicked.connect(lambda _=False, i=index: self.remove(i))
        row.addWidget(icon)
        if isinstance(item, _Reading) or att.is_document(item):
            row.addLayout(self._document_lines(chip, item, file_name))
        else:
            name = plain(QLabel(file_name, chip))
            name.setMaximumWidth(140)
            row.addWidget(name)
        row.addWidget(close)
        return chip

    def document_details(self, item: dict[str, Any]) -> str:
        """ "12 pages · 8,412 chars · ≈2,100 tokens" for a document's chip (pages when known)."""
        pages, chars, tokens = att.document_facts(item)
        parts = [self.tr("%n page(s)", "", pages)] if pages else []
        parts.append(self.tr("{count} chars").format(count=f"{chars:,}"))
        parts.append(self.tr("≈{count} tokens").format(count=f"{tokens:,}"))
        return " · ".join(parts)

    def _document_lines(
        self, chip: QWidget, item: dict[str, Any] | _Reading, file_name: str
    ) -> QVBoxLayout:
        """A document's name over its counts, or "Reading report.pdf…" over a busy bar."""
        lines = QVBoxLayout()
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(2)
        if isinstance(item, _Reading):
            label = plain(QLabel(self.tr("Reading {name}…").format(name=file_name), chip))
            label.setObjectName("documentReading")
            label.setMaximumWidth(260)
            bar = QProgressBar(chip)
            bar.setRange(0, 0)  # busy: extraction reports no progress of its own
            bar.setTextVisible(False)
            bar.setFixedHeight(6)
            bar.setMaximumWidth(260)
            bar.setAccessibleName(self.tr("Reading {name}").format(name=file_name))
            lines.addWidget(label)
            lines.addWidget(bar)
            return lines
        name = plain(QLabel(file_name, chip))
        name.setMaximumWidth(260)
        details = plain(QLabel(self.document_details(item), chip))
        details.setObjectName("documentDetails")
        details.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, like a hint
        if item.get("truncated") is True:
            details.setText(details.text() + " · " + self.tr("cut at the limit"))
            # The last line of the text says what was kept ("[… truncated: kept pages 1–300 of
            # 412]").
            text = str(item.get("text", ""))
            details.setToolTip(plain_tooltip(text[text.rfind("\n") + 1 :][:300]))
        lines.addWidget(name)
        lines.addWidget(details)
        return lines
