"""What the main window tells the user outside the chat: the status line, message boxes, hints.

``Notices`` owns the status bar's messages, the one error box (later errors are added to it) and
the "your data needed attention" box; beside it, the start hint over an empty chat. (The
plain-http question is in ``chat/plain_http_guard.py``, the usage line in ``usage.py``.) Texts use
the translation context "MainWindow".
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtWidgets
from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QMainWindow, QVBoxLayout, QWidget

from nebula_desktop import APP_NAME
from nebula_desktop.ui.common.app_context import AppContext
from nebula_desktop.ui.common.plain import plain
from nebula_desktop.ui.common.status import STATUS_MS

# An error box keeps the last this many characters when errors pile up in it.
ERROR_BOX_CHARS = 4000


class Notices(QObject):
    """The window's status line and its non-blocking message boxes (one error box at a time)."""

    def __init__(self, window: QMainWindow, ctx: AppContext) -> None:
        super().__init__(window)
        self._window = window
        self._ctx = ctx
        self.error_box: QtWidgets.QMessageBox | None = None  # the open error box, if any
        self.problems_box: QtWidgets.QMessageBox | None = None  # the last data-problems notice

    def show_status(self, text: str, timeout_ms: int = STATUS_MS) -> None:
        """``text`` in the status bar for ``timeout_ms`` (0: until the next message)."""
        self._window.statusBar().showMessage(text, timeout_ms)

    def show_error(self, text: str) -> None:
        """Show a problem without blocking the window (one box; later ones are added to it)."""
        box = self.error_box
        if box is not None and box.isVisible():
            box.setText(f"{box.text()}\n\n{text}"[-ERROR_BOX_CHARS:])
            return
        box = error_box(self._window, text)
        box.destroyed.connect(self._on_error_box_destroyed)
        self.error_box = box
        box.show()

    def show_problems(self, problems: list[str]) -> None:
        """List what went wrong while loading data (non-blocking), with "Open data folder"."""
        settings_store = self._ctx.settings_store
        # A broken settings file is kept beside settings.json, in the settings folder.
        settings_broken = bool(getattr(settings_store, "problems", None))
        box = problems_box(
            self._window,
            problems,
            getattr(self._ctx.store, "root", None),
            self._ctx.settings_folder() if settings_broken else None,
        )
        self.problems_box = box
        box.show()

    def _on_error_box_destroyed(self) -> None:
        self.error_box = None


def error_box(parent: QWidget, text: str) -> QtWidgets.QMessageBox:
    """A non-blocking warning box showing ``text`` (deleted when closed)."""
    box = QtWidgets.QMessageBox(
        QtWidgets.QMessageBox.Icon.Warning,
        APP_NAME,
        text,
        QtWidgets.QMessageBox.StandardButton.Ok,
        parent,
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
) -> QtWidgets.QMessageBox:
    """List what went wrong while loading data, with buttons that open the folders involved.

    ``settings_folder`` is given only when settings.json itself was repaired or moved aside
    (the broken file is kept beside it).
    """
    text = QCoreApplication.translate(
        "MainWindow", "Some of your data needed attention. Nothing was deleted:"
    )
    box = QtWidgets.QMessageBox(
        QtWidgets.QMessageBox.Icon.Warning,
        APP_NAME,
        text + "\n\n" + "\n\n".join(f"• {p}" for p in problems)[:4000],
        QtWidgets.QMessageBox.StandardButton.Close,
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


def _add_folder_button(box: QtWidgets.QMessageBox, text: str, folder: Path | str) -> None:
    """A button on ``box`` that opens ``folder`` in the file manager."""
    button = box.addButton(text, QtWidgets.QMessageBox.ButtonRole.ActionRole)
    # Imported on use: naming QUrl builds its Python enums (not for the first paint).
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))


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
