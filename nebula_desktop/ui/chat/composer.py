"""The composer: a growing text box with a Send button that turns into Stop while streaming,
attachments (paste, drop, or the paperclip) shown in a strip above it, and under it the
estimated tokens and cost of the next request. Sending while a document is still being read
waits for it (Esc, or removing its chip, cancels the wait)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6 import QtGui
from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QDropEvent, QIcon, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop.attachments import (
    DOCUMENT_EXTENSIONS,
    IMAGE_EXTENSIONS,
    TEXT_EXTENSIONS,
    AttachmentError,
    kind_of,
)
from nebula_desktop.ui.chat.attachment_strip import AttachmentStrip, encode_image, load_file
from nebula_desktop.ui.chat.context_bar import ContextClearedBar
from nebula_desktop.ui.chat.estimate import Estimate
from nebula_desktop.ui.common.plain import plain

if TYPE_CHECKING:
    from PySide6.QtGui import QDragMoveEvent

_MAX_LINES = 6


class _Editor(QPlainTextEdit):
    """Enter sends, Shift+Enter inserts a new line; height follows the text up to six lines."""

    submit = Signal()
    escape = Signal()
    files_pasted = Signal(list)  # local file paths pasted or dropped into the text
    image_pasted = Signal(object)  # a QImage (named on use: its type is not built at start)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self._fit_height()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            mods = event.modifiers()
            if mods & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
                return
            if not mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
                self.submit.emit()
                return
        if key == Qt.Key.Key_Escape:
            self.escape.emit()
            return
        super().keyPressEvent(event)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        """Images and files can be pasted or dropped, not only text."""
        return source.hasImage() or source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Paste/drop: local files and images become attachments; text is inserted."""
        paths = local_paths(source)
        if paths:
            self.files_pasted.emit(paths)
        elif source.hasImage():
            self.image_pasted.emit(QtGui.QImage(source.imageData()))
        else:
            super().insertFromMimeData(source)

    def _fit_height(self) -> None:
        # documentSize is in lines for QPlainTextEdit's layout; clamp between one and six lines.
        lines = int(self.document().documentLayout().documentSize().height())
        lines = max(1, min(_MAX_LINES, lines))
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        frame = 2 * self.frameWidth() + int(self.document().documentMargin() * 2)
        height = lines * metrics.lineSpacing() + frame + margins.top() + margins.bottom()
        self.setFixedHeight(height)

    def sizeHint(self) -> QSize:
        return QSize(400, self.height())


def local_paths(source: QMimeData) -> list[str]:
    """The local files in pasted or dropped data (web links are left as text)."""
    if not source.hasUrls():
        return []
    return [url.toLocalFile() for url in source.urls() if url.isLocalFile()]


class Composer(QWidget):
    """Bottom input area. Emits ``send_requested(text)``; ``stop_requested()`` while streaming."""

    send_requested = Signal(str)
    stop_requested = Signal()
    cancel_edit_requested = Signal()
    draft_changed = Signal()  # the text or the attachments changed: estimate again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._streaming = False
        self._editing = False
        self._send_waiting = False  # Send was pressed while a document was being read
        self.editor = _Editor(self)
        self.editor.setPlaceholderText(
            self.tr("Message  (Enter to send, Shift+Enter for a new line)")
        )
        self.editor.setAccessibleName(self.tr("Message"))
        self.editor.setAccessibleDescription(
            self.tr("Type a message; Enter sends, Shift+Enter adds a line")
        )
        self.button = QPushButton(self.tr("Send"), self)
        self.button.setAccessibleName(self.tr("Send"))
        self.button.setDefault(False)
        self.button.setAutoDefault(False)
        self.notice = plain(QLabel(self))
        self.notice.setVisible(False)
        self.notice.setAccessibleName(self.tr("Composer notice"))
        self.strip = AttachmentStrip(self)
        self.context_bar = ContextClearedBar(self)
        self.estimate = QLabel(self)
        self.estimate.setTextFormat(Qt.TextFormat.PlainText)
        self.estimate.setObjectName("composerEstimate")
        self.estimate.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.estimate.setAccessibleName(self.tr("Estimate of the next request"))
        self.estimate.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, a hint
        self._estimate: Estimate | None = None
        self.set_estimate(None)
        self.attach_button = QToolButton(self)
        # The desktop theme's paperclip where there is one (Linux), else the emoji.
        clip = QIcon.fromTheme("mail-attachment")
        if clip.isNull():
            self.attach_button.setText("📎")
        else:
            self.attach_button.setIcon(clip)
        self.attach_button.setAutoRaise(True)
        self.attach_button.setToolTip(self.tr("Attach images, documents or text files"))
        self.attach_button.setAccessibleName(self.tr("Attach files"))
        self.setAcceptDrops(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.editor, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.setSpacing(2)
        layout.addWidget(self.context_bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.strip)
        layout.addLayout(row)
        layout.addWidget(self.estimate)
        self.editor.submit.connect(self._on_editor_submit)
        self.editor.escape.connect(self._on_editor_escape)
        self.button.clicked.connect(self._on_button_clicked)
        self.attach_button.clicked.connect(self._on_attach_button_clicked)
        self.editor.files_pasted.connect(self.add_paths)
        self.editor.image_pasted.connect(self._on_editor_image_pasted)
        self.editor.textChanged.connect(self.draft_changed)
        self.strip.changed.connect(self.draft_changed)
        self.strip.changed.connect(self._on_strip_changed)
        self.strip.reading_cancelled.connect(lambda: self._set_send_waiting(False))

    # -- state -------------------------------------------------------------------------------
    def text(self) -> str:
        """The current text (the draft)."""
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the text and put the cursor at its end."""
        self.editor.setPlainText(text)
        if text:  # (an empty draft, as at start, needs no cursor: nor its types built)
            cursor = self.editor.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            self.editor.setTextCursor(cursor)

    def clear(self) -> None:
        self.editor.clear()

    # -- attachments -------------------------------------------------------------------------
    def attachments(self) -> list[dict[str, Any]]:
        """Pending attachments: stored images, and text files (a ``text`` key) to inline."""
        return self.strip.items()

    def clear_attachments(self) -> None:
        """Forget pending attachments (after sending); a send waiting for them is dropped."""
        self._set_send_waiting(False)
        self.strip.clear()

    def add_paths(self, paths: list[str]) -> None:
        """Attach files (picker, paste, drop); a refused one is explained above the text.
        Documents are read in the background: their chips say "Reading…" until then."""
        for path in paths:
            if kind_of(path) == "document":
                if not self.strip.add_document(path):
                    return  # the limit message is shown
                continue
            try:
                item = load_file(path)
            except AttachmentError as exc:
                self.strip.show_error(str(exc))
                continue
            if not self.strip.add(item):
                return  # the limit message is shown; the rest would be refused too
            self.strip.show_error("")

    def add_image(self, name: str, image: QtGui.QImage) -> None:
        """Attach an image that has no file (pasted from the clipboard)."""
        try:
            item = encode_image(name, image)
        except AttachmentError as exc:
            self.strip.show_error(str(exc))
            return
        if self.strip.add(item):
            self.strip.show_error("")

    def dragEnterEvent(self, event: QDragMoveEvent) -> None:
        """Files dropped anywhere on the composer are attached (the window hands it the drags
        and drops aimed at the rest of it too)."""
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Attach dropped files or an image."""
        source = event.mimeData()
        paths = local_paths(source)
        if paths:
            self.add_paths(paths)
        elif source.hasImage():
            self._on_editor_image_pasted(QtGui.QImage(source.imageData()))
        event.acceptProposedAction()

    def set_streaming(self, streaming: bool) -> None:
        """Send becomes Stop while an answer streams."""
        self._streaming = streaming
        label = self.tr("Stop") if streaming else self.tr("Send")
        self.button.setText(label)
        self.button.setAccessibleName(label)
        self.button.setToolTip(
            self.tr("Stop the answer (Esc)") if streaming else self.tr("Send (Enter)")
        )

    def set_estimate(self, estimate: Estimate | None) -> None:
        """Show the estimate of the next request ("≈ 1,234 tokens · $0.0021"), in the warning
        colour past the model's context window; None shows nothing."""
        self._estimate = estimate
        if estimate is None:
            self.estimate.setText("")
            self.estimate.setToolTip("")
            self.estimate.setProperty("warning", False)
            self.estimate.setVisible(False)
            return
        from nebula_desktop.costs import format_cost

        if estimate.count > 1:  # Compare on: the same prompt to each model, their total cost
            each = round(estimate.tokens / estimate.count)
            text = self.tr("≈ {count} × {tokens} tokens").format(
                count=estimate.count, tokens=f"{each:,}"
            )
        else:
            text = self.tr("≈ {tokens} tokens").format(tokens=f"{estimate.tokens:,}")
        if estimate.cost is not None:
            # A short question costs a few millionths of a dollar: not "$0.0000".
            tiny = 0 < estimate.cost < 0.00005
            text += " · " + ("< $0.0001" if tiny else format_cost(estimate.cost))
        tip = self.tr(
            "Estimated prompt of the next request: the system prompt, the messages this chat "
            "sends, your message and its attachments."
        )
        tip += " " + (
            self.tr("Fitted to what this model reported for earlier answers.")
            if estimate.calibrated
            else self.tr("A rough estimate until this model has answered once.")
        )
        if estimate.cost is not None:
            tip += " " + self.tr("The price counts the prompt only, not the answer.")
        if estimate.count > 1:
            tip += "\n\n" + self.tr("Sent to {count} models:").format(count=estimate.count)
            for part in estimate.parts:
                line = self.tr("{model}: ≈ {tokens} tokens").format(
                    model=part.model, tokens=f"{part.tokens:,}"
                )
                price = format_cost(part.cost) if part.cost is not None else self.tr("no price")
                tip += "\n" + line + " · " + price
        if estimate.too_big and estimate.window is not None:
            text += " · " + self.tr("over the {window}-token context window").format(
                window=f"{estimate.window:,}"
            )
            tip = (
                self.tr(
                    "This request is larger than the model's context window ({window} tokens): "
                    "the server may refuse it or drop the oldest text. Clear the context or send "
                    "fewer messages (Context in the chat bar)."
                ).format(window=f"{estimate.window:,}")
                + "\n\n"
                + tip
            )
        self.estimate.setText(text)
        self.estimate.setToolTip(tip)
        self.estimate.setProperty("warning", estimate.too_big)
        # Muted like a hint; the warning colour of the app's field warnings past the window.
        self.estimate.setStyleSheet("color: #d07a00;" if estimate.too_big else "")
        self.estimate.setVisible(True)

    def current_estimate(self) -> Estimate | None:
        """The estimate on show (None: nothing shown)."""
        return self._estimate

    def is_streaming(self) -> bool:
        return self._streaming

    def set_editing(self, editing: bool) -> None:
        """Show that the next send replaces an earlier message."""
        self._editing = editing
        self.notice.setText(
            self.tr(
                "Editing a message: sending adds it as a new version; the old one stays "
                "(‹ › on the message). Esc cancels."
            )
        )
        self.notice.setVisible(editing)

    def set_read_only(self, read_only: bool, reason: str = "") -> None:
        """Disable input for conversations that cannot be saved (e.g. from a newer version)."""
        self.editor.setReadOnly(read_only)
        self.button.setEnabled(not read_only)
        self.notice.setText(reason)
        self.notice.setVisible(read_only and bool(reason))

    def focus(self) -> None:
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- slots -------------------------------------------------------------------------------
    def _on_editor_submit(self) -> None:
        if self._streaming or self.editor.isReadOnly():
            return  # a second request while one streams is refused: Enter does nothing
        if self.strip.busy():
            self._set_send_waiting(True)  # never a half-read document: send once it is read
            return
        self._set_send_waiting(False)
        text = self.text()
        if text.strip() or self.strip.items():
            self.send_requested.emit(text)

    def is_send_waiting(self) -> bool:
        """True while a send waits for documents being read."""
        return self._send_waiting

    def _set_send_waiting(self, waiting: bool) -> None:
        if waiting == self._send_waiting:
            return
        self._send_waiting = waiting
        if waiting:
            names = ", ".join(self.strip.reading())
            self.notice.setText(
                self.tr("Sends when {names} has been read (Esc cancels).").format(names=names)
            )
            self.button.setToolTip(self.tr("Waiting for the documents to be read"))
        elif self._editing:
            self.set_editing(True)  # the edit notice again
        else:
            self.notice.setText("")
            self.set_streaming(self._streaming)  # the button's own tooltip
        self.notice.setVisible(bool(self.notice.text()))

    def _on_strip_changed(self) -> None:
        if not self._send_waiting or self.strip.busy():
            return
        if self.strip.error.text():
            # A document was refused: the user reads why and decides; nothing is sent.
            self._set_send_waiting(False)
            return
        self._on_editor_submit()

    def _on_editor_escape(self) -> None:
        if self._send_waiting:
            self._set_send_waiting(False)
        elif self._streaming:
            self.stop_requested.emit()
        elif self._editing:
            self.cancel_edit_requested.emit()

    def _on_editor_image_pasted(self, image: QtGui.QImage) -> None:
        self.add_image(self.tr("pasted image"), image)

    def _on_attach_button_clicked(self) -> None:
        every_kind = {*IMAGE_EXTENSIONS, *DOCUMENT_EXTENSIONS, *TEXT_EXTENSIONS}
        patterns = " ".join(f"*{ext}" for ext in sorted(every_kind))
        # Outside the f-string: lupdate does not look inside one.
        supported = self.tr("Images, documents and text files")
        every = self.tr("All files")
        # Imported on use: naming a dialog class builds its Python enums (not for the first paint).
        from PySide6.QtWidgets import QFileDialog

        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Attach files"), "", f"{supported} ({patterns});;{every} (*)"
        )
        if paths:
            self.add_paths(paths)

    def _on_button_clicked(self) -> None:
        if self._streaming:
            self.stop_requested.emit()
        else:
            self._on_editor_submit()
