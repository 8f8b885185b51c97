"""The small dialog that picks the 2–4 models a compare asks."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop.ui.compare.picks import MAX_MODELS, MAX_NAME, MIN_MODELS, Pick, available

_PICK = Qt.ItemDataRole.UserRole


class ComparePicker(QDialog):
    """Every model the profiles list, with a filter and a box to add one by name; OK once
    2–4 are ticked. ``picks()`` gives them in the order they were ticked."""

    def __init__(
        self,
        settings: Any,
        chosen: list[Pick],
        current: Pick | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Compare models"))
        self._names = {p.id: p.name for p in settings.profiles}
        self._order: list[Pick] = []
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("Filter models"))
        self.filter.setAccessibleName(self.tr("Filter models"))
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Models to compare"))
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("Another model by name"))
        self.name.setAccessibleName(self.tr("Another model by name"))
        self.name.setMaxLength(MAX_NAME)
        self.profile = QComboBox(self)
        self.profile.setAccessibleName(self.tr("Endpoint profile"))
        for p in settings.profiles:
            self.profile.addItem(p.name, p.id)
        self.profile.setVisible(len(settings.profiles) > 1)
        if current is not None:
            self.profile.setCurrentIndex(max(0, self.profile.findData(current.profile_id)))
        self.add_button = QPushButton(self.tr("Add"), self)
        self.add_button.setAutoDefault(False)
        self.count = QLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        add_row = QHBoxLayout()
        add_row.addWidget(self.name, 1)
        add_row.addWidget(self.profile)
        add_row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Your next message goes to every model ticked here, at once."), self)
        )
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addLayout(add_row)
        layout.addWidget(self.count)
        layout.addWidget(self.buttons)
        extra = [*chosen, *([current] if current is not None else [])]
        for pick in available(settings, extra):
            self._add_item(pick, pick in chosen)
        self._order = [p for p in chosen if self._item(p) is not None]
        self.list.itemChanged.connect(self._on_list_item_changed)
        self.filter.textChanged.connect(self._on_filter_text_changed)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.name.returnPressed.connect(self._on_add_button_clicked)
        self._update_count()
        self.resize(460, 420)

    def picks(self) -> list[Pick]:
        """The ticked models, in the order they were ticked (the first is column 1)."""
        return list(self._order)

    def set_checked(self, pick: Pick, checked: bool) -> None:
        """Tick or untick ``pick`` (as a click would)."""
        item = self._item(pick)
        if item is not None:
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    # -- internals -----------------------------------------------------------------------------
    def _label(self, pick: Pick) -> str:
        if len(self._names) < 2:
            return pick.model
        return f"{pick.model}  —  {self._names.get(pick.profile_id, pick.profile_id)}"

    def _add_item(self, pick: Pick, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(self._label(pick))
        item.setData(_PICK, pick)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.addItem(item)
        return item

    def _item(self, pick: Pick) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(_PICK) == pick:
                return item
        return None

    def _on_list_item_changed(self, item: QListWidgetItem) -> None:
        pick = item.data(_PICK)
        checked = item.checkState() == Qt.CheckState.Checked
        if checked and pick not in self._order:
            if len(self._order) >= MAX_MODELS:
                # One more than four: refused on the spot, with the reason below the list.
                self.list.blockSignals(True)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.list.blockSignals(False)
                self.count.setText(
                    self.tr("At most {count} models at once.").format(count=MAX_MODELS)
                )
                return
            self._order.append(pick)
        elif not checked and pick in self._order:
            self._order.remove(pick)
        self._update_count()

    def _on_filter_text_changed(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def _on_add_button_clicked(self) -> None:
        model = self.name.text().strip()
        if not model:
            return
        pick = Pick(str(self.profile.currentData() or ""), model)
        item = self._item(pick) or self._add_item(pick, False)
        item.setHidden(False)
        item.setCheckState(Qt.CheckState.Checked)
        self.list.scrollToItem(item)
        self.name.clear()

    def _update_count(self) -> None:
        n = len(self._order)
        ok = MIN_MODELS <= n <= MAX_MODELS
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self.count.setText(
            self.tr("{count} of {most} chosen; pick at least {least}.").format(
                count=n, most=MAX_MODELS, least=MIN_MODELS
            )
            if not ok
            else self.tr("{count} models chosen.").format(count=n)
        )
