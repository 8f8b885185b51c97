"""The read-only text selector laid over one message so its text can be selected and copied."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QColor, QFont, QPalette, QTextDocument, QTextOption
from PySide6.QtWidgets import QFrame, QTextBrowser

from nebula_desktop.ui.messages.formulas import (
    FormulaDocument,
    document_html,
    document_text,
    formulas_of,
    show_formulas,
)


class MessageTextSelector(QTextBrowser):
    """A frameless, transparent, scroll-less QTextBrowser showing a message body's HTML.

    It only exists while the user selects text in one message (the delegate paints all others),
    so a long chat never holds more than one widget. Links do not navigate: the delegate turns
    ``anchorClicked`` into the view's actions.
    """

    def __init__(
        self,
        parent: Any,
        html: str,
        font: QFont,
        option: QTextOption,
        color: QColor,
        painted: QTextDocument | None = None,
    ) -> None:
        super().__init__(parent)
        # The painted document's formula images are shown here too, and copied as TeX.
        self._formulas = formulas_of(painted) if painted is not None else []
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
        if isinstance(painted, FormulaDocument):
            show_formulas(doc, painted)
        doc.setHtml(html)

    def loadResource(self, kind: int, name: Any) -> Any:
        """Never load anything (formula images are drawn, see ``show_formulas``)."""
        return None

    def createMimeDataFromSelection(self) -> QMimeData:
        """The selection as Qt copies it, each formula image given as its TeX source."""
        mime = super().createMimeDataFromSelection()
        if not self._formulas:
            return mime
        cursor = self.textCursor()
        text = document_text(
            self.document(), self._formulas, cursor.selectionStart(), cursor.selectionEnd()
        )
        out = QMimeData()
        out.setText(text.replace("\u200b", ""))
        if mime.hasHtml():
            out.setHtml(document_html(mime.html(), self._formulas))
        return out
