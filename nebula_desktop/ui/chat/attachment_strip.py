"""Attachments in the UI: reading files and images with Qt, and the strip above the composer.

Decoding and downscaling happen here (QImage does it well and off the network path); the rules
— limits, text inlining, the stored form — live in the Qt-free ``nebula_desktop.attachments``.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QBuffer,
    QByteArray,
    QIODevice,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStyle, QToolButton, QVBoxLayout, QWidget

from nebula_desktop import attachments as att
from nebula_desktop.ui.common.i18n import translate
from nebula_desktop.ui.common.plain import plain, plain_tooltip
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
        "AttachmentStrip", "{name} is neither an image nor a text file Nebula Desktop can attach."
    ),
    QT_TRANSLATE_NOOP(
        "AttachmentStrip",
        "{name} is not a regular file (a pipe, a device or a folder), so it cannot be attached.",
    ),
    QT_TRANSLATE_NOOP("AttachmentStrip", "Could not read {name}: {reason}"),
)


_refusal = partial(translate, "AttachmentStrip")  # the translator the core's checks are given


def _is_opaque(image: QImage) -> bool:
    """True when no pixel is even partly transparent (then JPEG loses nothing that matters)."""
    if not image.hasAlphaChannel():
        return True
    alpha = image.convertToFormat(QImage.Format.Format_Alpha8)
    bits = alpha.constBits()
    data = bytes(bits) if bits is not None else b""
    per_line, width = alpha.bytesPerLine(), alpha.width()
    # Rows are padded to 4 bytes: look only at the pixels of each row.
    return all(
        not data[row * per_line : row * per_line + width].translate(None, b"\xff")
        for row in range(alpha.height())
    )


def encode_image(name: str, image: QImage) -> dict[str, Any]:
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
        image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
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
        buffer = QBuffer()
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)  # the format from the content, as from a file
        reader.setAutoTransform(True)  # phone photos: honour the EXIF rotation
        return encode_image(name, reader.read())
    return {"name": name, "mime": "text/plain", "text": att.read_text(name, data, _refusal)}


class AttachmentStrip(QWidget):
    """The pending attachments above the composer, each with a × to remove it, and the
    notice that explains a refused file. Hidden when there is nothing to show."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[dict[str, Any]] = []
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
        """The pending attachments (images stored form; text files with a ``text`` key)."""
        return list(self._items)

    def add(self, item: dict[str, Any]) -> bool:
        """Add one attachment unless the per-message limit is reached (then say so)."""
        try:
            att.check_count(len(self._items), 1, _refusal)
        except att.AttachmentError as exc:
            self.show_error(str(exc))
            return False
        self._items.append(item)
        self._rebuild()
        return True

    def remove(self, index: int) -> None:
        """Drop the attachment at ``index`` (its × was clicked)."""
        if 0 <= index < len(self._items):
            del self._items[index]
            self._rebuild()

    def clear(self) -> None:
        """Forget every attachment and notice (after sending)."""
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
            self._row.insertWidget(index, self._chip(index, item))
        self.setVisible(bool(self._items) or self.error.isVisible())
        self.changed.emit()

    def _chip(self, index: int, item: dict[str, Any]) -> QWidget:
        chip = QWidget(self)
        chip.setObjectName("attachmentChip")
        row = QHBoxLayout(chip)
        row.setContentsMargins(2, 2, 2, 2)
        row.setSpacing(4)
        icon = QLabel(chip)
        icon.setFixedSize(QSize(THUMB, THUMB))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if "text" in item:
            file_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
            icon.setPixmap(file_icon.pixmap(THUMB // 2, THUMB // 2))
        else:
            # Keyed by content: a removed item's address may be reused by the next one.
            owner = f"strip{hash(item.get('data', ''))}"
            icon.setPixmap(self._thumbs.get(owner, 0, item, THUMB))
        name = plain(QLabel(str(item.get("name", "")), chip))
        name.setMaximumWidth(140)
        close = QToolButton(chip)
        close.setText("×")
        close.setAutoRaise(True)
        close.setToolTip(plain_tooltip(self.tr("Remove {name}").format(name=item.get("name", ""))))
        close.setAccessibleName(self.tr("Remove {name}").format(name=item.get("name", "")))
        close.clicked.connect(lambda _=False, i=index: self.remove(i))
        row.addWidget(icon)
        row.addWidget(name)
        row.addWidget(close)
        return chip
