"""Thumbnails of stored images (attachments), decoded once and kept in a small LRU cache.

The composer's attachment strip and the message delegate both show them.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6 import QtGui
from PySide6.QtCore import Qt

from nebula_desktop import attachments as att


class ThumbnailCache:
    """Decoded thumbnails of stored images, so painting never decodes base64 twice."""

    def __init__(self, limit: int = 256) -> None:
        self._limit = limit
        self._items: OrderedDict[tuple[str, int, int], QtGui.QPixmap] = OrderedDict()

    def get(self, owner: str, index: int, attachment: dict[str, Any], size: int) -> QtGui.QPixmap:
        """The thumbnail (at most ``size`` px) of ``attachment``; null when undecodable."""
        key = (owner, index, size)
        pixmap = self._items.get(key)
        if pixmap is None:
            image = QtGui.QImage.fromData(att.image_bytes(attachment))
            pixmap = QtGui.QPixmap()
            if not image.isNull():
                pixmap = QtGui.QPixmap.fromImage(
                    image.scaled(
                        size,
                        size,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )
            self._items[key] = pixmap
            while len(self._items) > self._limit:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(key)
        return pixmap
