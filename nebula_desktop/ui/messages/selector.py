"""The read-only text selector laid over one message so its text can be selected and copied."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette, QTextOption
from PySide6.QtWidgets import QFrame, QTextBrowser


class MessageTextSelector(QTextBrowser):
    """A frameless, transparent, scroll-less QTextBrowser showing a message body's HTML.

    It only exists while the user selects text in one message (the delegate paints all others),
    so a long chat never holds more than one widget. Links do not navigate: the delegate turns
    ``anchorClicked`` into the view's actions.
    """

    def __init__(
        self, parent: Any, html: str, font: QFont, option: QTextOption, color: QColor
    ) -> None:
        super().__init__(parent)
        self.setObjectName("messageTextSelector")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        pal = self.palette()
        # Transparent, so the user bubble painted underneath still shows.
        pal.setColor(QPalette.ColorRole.Base, Qt.GlobalColor.transparent)
        pal.setColor(QPalette.ColorRole.Text, color)
        self.setPalette(pal)
        self.viewport().setAutoFillBackground(False)
        doc = self.document()
        doc.setDefaultFont(font)
        doc.setDocumentMargin(0)
        doc.setUndoRedoEnabled(False)
        doc.setDefaultTextOption(option)
        doc.setHtml(html)

    def loadResource(self, kind: int, name: Any) -> Any:
        """Never load anything (render/ emits no images; this keeps that promise here too)."""
        return None
