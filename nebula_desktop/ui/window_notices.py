"""What the main window tells the user outside the chat: message boxes and the usage line.

The "your data needed attention" notice, the error box and the "tokens this chat" text (the
plain-http question is in ``plain_http_guard``). Built here so ``MainWindow`` keeps to layout
and wiring; the window still owns when they appear. Texts keep the translation context
"MainWindow", where they first lived.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from nebula_desktop import APP_NAME


def error_box(parent: QWidget, text: str) -> QMessageBox:
    """A non-blocking warning box showing ``text`` (deleted when closed)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, APP_NAME, text, QMessageBox.StandardButton.Ok, parent
    )
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
    if data_folder is not None:
        open_button = box.addButton(
            QCoreApplication.translate("MainWindow", "Open data folder"),
            QMessageBox.ButtonRole.ActionRole,
        )
        open_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(data_folder)))
        )
    if settings_folder is not None:
        settings_button = box.addButton(
            QCoreApplication.translate("MainWindow", "Open settings folder"),
            QMessageBox.ButtonRole.ActionRole,
        )
        settings_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(settings_folder)))
        )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.NonModal)
    return box


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
