"""Help → Keyboard shortcuts: the table and its dialog (imported when the dialog opens)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from nebula_desktop.ui.common.i18n import translate

# The descriptions are translated where they are shown (context "ShortcutsDialog").
SHORTCUTS: list[tuple[str, object]] = [  # object: QT_TRANSLATE_NOOP's stubs return object
    ("Ctrl+N", QT_TRANSLATE_NOOP("ShortcutsDialog", "New chat")),
    ("Ctrl+F", QT_TRANSLATE_NOOP("ShortcutsDialog", "Search chats")),
    (
        "Ctrl+PgDown, Ctrl+Tab",
        QT_TRANSLATE_NOOP("ShortcutsDialog", "Open the next chat in the list"),
    ),
    ("Ctrl+PgUp, Ctrl+Shift+Tab", QT_TRANSLATE_NOOP("ShortcutsDialog", "Open the previous chat")),
    ("Enter", QT_TRANSLATE_NOOP("ShortcutsDialog", "Send the message")),
    ("Shift+Enter", QT_TRANSLATE_NOOP("ShortcutsDialog", "New line in the message")),
    ("Esc", QT_TRANSLATE_NOOP("ShortcutsDialog", "Stop the answer (or cancel editing)")),
    ("Ctrl+R", QT_TRANSLATE_NOOP("ShortcutsDialog", "Regenerate the last answer")),
    (
        "Ctrl+Shift+R",
        QT_TRANSLATE_NOOP("ShortcutsDialog", "Continue the last answer where it stopped"),
    ),
    ("Ctrl+E", QT_TRANSLATE_NOOP("ShortcutsDialog", "Edit your last message and send it again")),
    (
        "Ctrl+K",
        QT_TRANSLATE_NOOP("ShortcutsDialog", "Clear the context: what is above is no longer sent"),
    ),
    ("Ctrl+Shift+C", QT_TRANSLATE_NOOP("ShortcutsDialog", "Copy the last answer")),
    (
        "Ctrl+Shift+M",
        QT_TRANSLATE_NOOP("ShortcutsDialog", "Compare: ask 2–4 models at once (on / off)"),
    ),
    ("Ctrl+L", QT_TRANSLATE_NOOP("ShortcutsDialog", "Go to the message box")),
    ("F2", QT_TRANSLATE_NOOP("ShortcutsDialog", "Rename the selected chat")),
    ("Del", QT_TRANSLATE_NOOP("ShortcutsDialog", "Delete the selected chat (with Undo)")),
    ("Ctrl+,", QT_TRANSLATE_NOOP("ShortcutsDialog", "Settings")),
    ("F1", QT_TRANSLATE_NOOP("ShortcutsDialog", "Keyboard shortcuts")),
    ("Ctrl+Q", QT_TRANSLATE_NOOP("ShortcutsDialog", "Quit")),
]


class ShortcutsDialog(QDialog):
    """Help → Keyboard shortcuts: a plain table of every shortcut."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = "".join(
            f"<tr><td style='padding-right:18px'><b>{keys}</b></td>"
            f"<td>{translate('ShortcutsDialog', what)}</td></tr>"
            for keys, what in SHORTCUTS
        )
        label = QLabel(f"<table>{rows}</table>", self)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAccessibleName(self.tr("Keyboard shortcuts"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(buttons)
