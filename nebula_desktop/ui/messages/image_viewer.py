"""An image attachment at full size (a click on its thumbnail), and "Save image…" / "Copy image"
for it, from the viewer or the message's context menu."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop import atomicfile
from nebula_desktop import attachments as att
from nebula_desktop.ui.common.i18n import translate
from nebula_desktop.ui.common.plain import plain

_SUFFIX = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}


def image_of(attachment: dict[str, Any]) -> QImage:
    """The decoded image of a stored attachment (null when its data is damaged). Images in
    messages were checked when they were stored (size and pixels), so this is bounded."""
    return QImage.fromData(att.image_bytes(attachment))


def copy_image(attachment: dict[str, Any]) -> str:
    """Put the image on the clipboard; the sentence for the status bar."""
    image = image_of(attachment)
    if image.isNull():
        return translate("ImageViewer", "The image could not be read.")
    QGuiApplication.clipboard().setImage(image)
    return translate("ImageViewer", "Image copied")


def save_image(parent: QWidget | None, attachment: dict[str, Any]) -> str:
    """Ask where to save the image's own bytes (as received, not re-encoded) and write them
    atomically; the sentence for the status bar ("" when the user cancelled)."""
    data = att.image_bytes(attachment)
    if not data:
        return translate("ImageViewer", "The image could not be read.")
    mime = str(attachment.get("mime") or "image/png")
    suffix = _SUFFIX.get(mime, "." + mime.rpartition("/")[2])
    name = PurePath(str(attachment.get("name") or "image")).name
    if not name.lower().endswith(suffix):
        name = PurePath(name).stem + suffix
    path, _ = QFileDialog.getSaveFileName(
        parent,
        translate("ImageViewer", "Save image"),
        name,
        translate("ImageViewer", "Images (*{suffix})").format(suffix=suffix),
    )
    if not path:
        return ""
    try:
        atomicfile.write_bytes(path, data, mode=0o644)
    except OSError as error:
        return translate("ImageViewer", "Could not save the image: {reason}").format(
            reason=str(error)
        )
    return translate("ImageViewer", "Image saved to {path}").format(path=path)


class ImageViewer(QDialog):
    """One image at full size, scaled down to fit the window (never up), with "Save image…"
    and "Copy image". Not modal: the chat stays usable beside it."""

    def __init__(self, attachment: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._attachment = attachment
        self.setObjectName("imageViewer")
        name = str(attachment.get("name") or "image")
        self.setWindowTitle(name)
        self._pixmap = QPixmap.fromImage(image_of(attachment))
        self.picture = QLabel(self)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.picture.setAccessibleName(name)
        scroll = QScrollArea(self)
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(True)
        self.note = plain(QLabel(self))
        if self._pixmap.isNull():
            self.note.setText(self.tr("The image could not be read."))
        else:
            size = self._pixmap.size()
            self.note.setText(
                self.tr("{width} × {height} pixels").format(
                    width=size.width(), height=size.height()
                )
            )
        self.status = plain(QLabel(self))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = QPushButton(self.tr("Save image…"), self)
        self.copy_button = QPushButton(self.tr("Copy image"), self)
        for button in (self.save_button, self.copy_button):
            button.setEnabled(not self._pixmap.isNull())
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        screen = self.screen().availableGeometry().size() if self.screen() else QSize(1280, 800)
        want = (
            self._pixmap.size() + QSize(40, 110) if not self._pixmap.isNull() else QSize(400, 200)
        )
        self.resize(want.boundedTo(screen * 0.85).expandedTo(QSize(360, 240)))

    def shown_size(self) -> QSize:
        """The size the image is drawn at now (scaled to fit, never enlarged)."""
        pixmap = self.picture.pixmap()
        return (
            QSize()
            if pixmap is None or pixmap.isNull()
            else pixmap.deviceIndependentSize().toSize()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the image to the room it has (kept sharp on HiDPI screens)."""
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._pixmap.isNull():
            return
        room = self.picture.size()
        size = self._pixmap.size()
        if size.width() > room.width() or size.height() > room.height():
            ratio = self.devicePixelRatioF()
            scaled = self._pixmap.scaled(
                room * ratio,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            scaled.setDevicePixelRatio(ratio)
            self.picture.setPixmap(scaled)
        else:
            self.picture.setPixmap(self._pixmap)

    def _on_save_button_clicked(self) -> None:
        said = save_image(self, self._attachment)
        if said:
            self.status.setText(said)

    def _on_copy_button_clicked(self) -> None:
        self.status.setText(copy_image(self._attachment))
