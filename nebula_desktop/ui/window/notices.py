"""What the main window tells the user outside the chat: hints, message boxes, the usage line.

The start hint over an empty chat, the "your data needed attention" notice, the error box and
the "tokens this chat" text (the plain-http question is in ``chat/plain_http_guard.py``). Built here so
``MainWindow`` keeps to layout and wiring; the window still owns when they appear. Texts keep
the translation context "MainWindow", where they first lived.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QAbstractItemView, QLabel, QMessageBox, QVBoxLayout, QWidget

from nebula_desktop import APP_NAME
from nebula_desktop.ui.common.plain import plain


def error_box(parent: QWidget, text: str) -> QMessageBox:
    """A non-blocking warning box showing ``text`` (deleted when closed)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, APP_NAME, text, QMessageBox.StandardButton.Ok, parent
    )
    plain(box)  # error texts come from servers and name files
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.NonModal)
    return box


def problems_box(
    parent: QWidget,
    problems: list[str],
    data_folder: Path | str | None,
    settings_folder: Path | str | None,
) -> QMessageBox:
    """List what went wrong while loading data, with buttons that open the folders involved.

    ``settings_folder`` is given only when settings.json itself was repaired or moved aside
    (the broken file is kept beside it).
    """
    text = QCoreApplication.translate(
        "MainWindow", "Some of your data needed attention. Nothing was deleted:"
    )
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        APP_NAME,
        text + "\n\n" + "\n\n".join(f"• {p}" for p in problems)[:4000],
        QMessageBox.StandardButton.Close,
        parent,
    )
    box.setObjectName("problemsNotice")
    plain(box)  # notices name profiles, files and chats
    if data_folder is not None:
        _add_folder_button(
            box, QCoreApplication.translate("MainWindow", "Open data folder"), data_folder
        )
    if settings_folder is not None:
        _add_folder_button(
            box, QCoreApplication.translate("MainWindow", "Open settings folder"), settings_folder
        )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.NonModal)
    return box


def _add_folder_button(box: QMessageBox, text: str, folder: Path | str) -> None:
    """A button on ``box`` that opens ``folder`` in the file manager."""
    button = box.addButton(text, QMessageBox.ButtonRole.ActionRole)
    button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))


def usage_text(conv: Any, settings: Any) -> str:
    """ "1,234 tokens this chat · $0.0123" for ``conv`` (empty before any usage)."""
    from nebula_desktop.presets import conversation_totals, format_cost

    if conv is None:
        return ""
    profile = settings.profile(conv.profile_id or settings.default_profile_id)
    tokens, cost = conversation_totals(conv.messages, profile, conv.model)
    text = (
        QCoreApplication.translate("MainWindow", "{tokens} tokens this chat").format(
            tokens=f"{tokens:,}"
        )
        if tokens
        else ""
    )
    if cost is not None:
        text += f" · {format_cost(cost)}"
    return text


class EmptyChatHint(QLabel):
    """A friendly line in the empty message area, so a new chat is not a blank page.

    Laid over ``view``'s viewport and shown while its model has no rows.
    """

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(
            "<p style='font-size:15pt'>{}</p><p>{}</p>".format(
                QCoreApplication.translate("MainWindow", "Start a conversation"),
                QCoreApplication.translate(
                    "MainWindow",
                    "Type a message below and press Enter (Shift+Enter for a new line).",
                ),
            ),
            view.viewport(),
        )
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setEnabled(False)  # drawn in the palette's disabled (muted) text colour
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(view.viewport())
        layout.addWidget(self)
        self._model = view.model()
        for signal in (self._model.modelReset, self._model.rowsInserted, self._model.rowsRemoved):
            signal.connect(self._on_model_rows_changed)
        self._on_model_rows_changed()

    def _on_model_rows_changed(self, *_args: object) -> None:
        self.setVisible(self._model.rowCount() == 0)
