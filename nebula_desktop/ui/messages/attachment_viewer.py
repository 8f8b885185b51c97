"""The text of a document attached to a message, read-only: what the request sent for it."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop import attachments as att
from nebula_desktop.ui.common.plain import plain


class AttachmentViewer(QDialog):
    """A document's extracted text: plain, selectable, with Copy. Closed with Close or Esc;
    not modal, so the chat stays usable beside it."""

    def __init__(self, attachment: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name = str(attachment.get("name") or "document")
        text = attachment.get("text")
        self._text = text if isinstance(text, str) else ""
        self.setWindowTitle(name)
        self.setObjectName("attachmentViewer")
        pages, chars, tokens = att.document_facts(attachment)
        facts = [name, self.tr("%n page(s)", "", pages)] if pages else [name]
        facts.append(self.tr("{count} characters").format(count=f"{chars or len(self._text):,}"))
        facts.append(self.tr("≈{count} tokens").format(count=f"{tokens:,}"))
        self.summary = plain(QLabel(" · ".join(facts), self))
        self.summary.setWordWrap(True)
        note = plain(QLabel(self.tr("The text Nebula Desktop extracted and sent with the message."),
                            self))  # fmt: skip
        note.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)  # selectable and copyable, never edited
        self.text.setPlainText(self._text)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setAccessibleName(self.tr("Text of {name}").format(name=name))
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if mono.family():
            self.text.setFont(QFont(mono))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton(self.tr("Copy text"), self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(note)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(720, 560)

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self._text)
