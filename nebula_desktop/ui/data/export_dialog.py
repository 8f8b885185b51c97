"""``ExportDialog``: File → Export… — format, which chats, and where to write them.

The export itself runs on the thread pool (``run_in_background``): it reads conversation files
directly (the store is GUI-thread only) and gets a snapshot of the open chat, which may be
ahead of its file while an answer streams.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop.exchange.common import safe_file_stem
from nebula_desktop.exchange.exporter import FORMATS, Source, export_sources
from nebula_desktop.store import Conversation, ConversationStore
from nebula_desktop.ui.common.background import BackgroundTask, run_in_background
from nebula_desktop.ui.common.plain import plain


class ExportDialog(QDialog):
    """Pick format, scope and target; ``exported(list[str] paths)`` or ``failed(str)`` after."""

    exported = Signal(list)
    failed = Signal(str)

    def __init__(
        self,
        store: ConversationStore,
        current: Conversation | None,
        selected_ids: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export chats"))
        self._store = store
        self._current = current
        self._selected = [i for i in selected_ids if current is None or i != current.id]
        if current is not None:
            self._selected.insert(0, current.id)
        self.task: BackgroundTask | None = None

        self.formats = QButtonGroup(self)
        format_row = QHBoxLayout()
        for key, label in (
            ("markdown", self.tr("Markdown")),
            ("html", self.tr("HTML page")),
            ("json", self.tr("JSON (can be imported again)")),
        ):
            button = QRadioButton(label, self)
            button.setObjectName(f"format_{key}")
            self.formats.addButton(button)
            button.setProperty("format", key)
            format_row.addWidget(button)
        self.formats.buttons()[0].setChecked(True)

        self.scopes = QButtonGroup(self)
        scope_box = QVBoxLayout()
        count_all = len(store.list())
        choices = [
            ("current", self.tr("This chat"), current is not None),
            (
                "selected",
                self.tr("Selected chats (%n)", "", len(self._selected)),
                len(self._selected) > 1,
            ),
            ("all", self.tr("All chats (%n)", "", count_all), count_all > 0),
        ]
        for key, label, enabled in choices:
            button = QRadioButton(label, self)
            button.setObjectName(f"scope_{key}")
            button.setProperty("scope", key)
            button.setEnabled(enabled)
            self.scopes.addButton(button)
            scope_box.addWidget(button)
        default = "selected" if len(self._selected) > 1 else "current" if current else "all"
        self._scope_button(default).setChecked(True)

        self.one_per_chat = QCheckBox(self.tr("One file per chat (choose a folder)"), self)
        self.path_edit = QLineEdit(self)
        self.path_edit.setAccessibleName(self.tr("Export to"))
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._on_browse_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.status = plain(QLabel(self))  # errors name files
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText(self.tr("Export"))
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Format:"), format_row)
        form.addRow(self.tr("Chats:"), scope_box)
        form.addRow("", self.one_per_chat)
        form.addRow(self.tr("Save to:"), path_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.formats.buttonToggled.connect(self._suggest_path)
        self.scopes.buttonToggled.connect(self._suggest_path)
        self.one_per_chat.toggled.connect(self._suggest_path)
        self._suggest_path()

    # -- choices -------------------------------------------------------------------------------
    def _scope_button(self, key: str) -> QRadioButton:
        for button in self.scopes.buttons():
            if button.property("scope") == key:
                return button  # type: ignore[return-value]
        raise KeyError(key)

    def set_format(self, key: str) -> None:
        """Select a format ("markdown", "html" or "json")."""
        for button in self.formats.buttons():
            if button.property("format") == key:
                button.setChecked(True)

    def set_scope(self, key: str) -> None:
        """Select a scope ("current", "selected" or "all")."""
        self._scope_button(key).setChecked(True)

    def fmt(self) -> str:
        """The chosen format key."""
        button = self.formats.checkedButton()
        return str(button.property("format")) if button is not None else "json"

    def scope(self) -> str:
        """The chosen scope key."""
        button = self.scopes.checkedButton()
        return str(button.property("scope")) if button is not None else "current"

    def chosen_ids(self) -> list[str]:
        """Ids of the chats the chosen scope covers, in list order."""
        scope = self.scope()
        if scope == "current":
            return [self._current.id] if self._current is not None else []
        if scope == "selected":
            return list(self._selected)
        return [s.id for s in self._store.list()]

    def _suggest_path(self, *_args: Any) -> None:
        folder = Path(self.path_edit.text()).parent if self.path_edit.text() else Path.home()
        if self.one_per_chat.isChecked():
            self.path_edit.setText(str(folder / self.tr("Nebula chats")))
            return
        ids = self.chosen_ids()
        if len(ids) == 1 and self._current is not None and ids[0] == self._current.id:
            stem = safe_file_stem(self._current.title, "chat")
        else:
            stem = self.tr("Nebula chats")
        self.path_edit.setText(str(folder / f"{stem}{FORMATS[self.fmt()]}"))

    def _on_browse_clicked(self) -> None:
        if self.one_per_chat.isChecked():
            path = QFileDialog.getExistingDirectory(self, self.tr("Export to folder"))
        else:
            path, _filter = QFileDialog.getSaveFileName(
                self, self.tr("Export to file"), self.path_edit.text()
            )
        if path:
            self.path_edit.setText(path)

    # -- the export ------------------------------------------------------------------------------
    def _sources(self) -> list[Source]:
        sources: list[Source] = []
        for conv_id in self.chosen_ids():
            if self._current is not None and conv_id == self._current.id:
                # A copy: the original may change while the export runs on another thread.
                sources.append(Conversation.from_dict(self._current.to_dict()))
            else:
                sources.append(self._store.conversations_dir / f"{conv_id}.json")
        return sources

    def start_export(self) -> None:
        """Run the export in the background; the dialog closes when it succeeded."""
        text = self.path_edit.text().strip()
        if not text:
            self.status.setText(self.tr("Choose where to save the export."))
            return
        target = Path(text).expanduser()
        if not self.one_per_chat.isChecked() and target.suffix.lower() not in FORMATS.values():
            target = target.with_name(target.name + FORMATS[self.fmt()])
        sources = self._sources()
        if not sources:
            self.status.setText(self.tr("There is nothing to export."))
            return
        self.export_button.setEnabled(False)
        self.status.setText(self.tr("Exporting…"))
        self.task = run_in_background(
            export_sources,
            sources,
            self.fmt(),
            target,
            self.one_per_chat.isChecked(),
            on_success=self._on_task_succeeded,
            on_error=self._on_task_failed,
            context=self,
        )

    def _on_task_succeeded(self, paths: list[Path]) -> None:
        self.exported.emit([str(p) for p in paths])
        self.accept()

    def _on_task_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        message = str(error) or error.__class__.__name__
        self.status.setText(self.tr("Export failed: {error}").format(error=message))
        self.failed.emit(message)
