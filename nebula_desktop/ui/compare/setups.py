"""Saved compare setups ("Claude vs GPT vs Gemini"): the menu that uses, saves and deletes them.

The window owns the menu (Chat → Compare setups, and a right click on the ⇆ toggle) and hands
it here each time it opens, so this room still loads only when Compare is first used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QWidget

from nebula_desktop.ui.compare.picks import (
    MAX_SETUP_NAME,
    MAX_SETUPS,
    Pick,
    delete_setup,
    save_setup,
    setup_picks,
)


class CompareSetups(QObject):
    """The saved setups of ``settings``: ``fill`` lists them in a menu; picking one emits
    ``chosen`` with its models; "Save current models as a setup…" asks for a name; "Delete
    setup" forgets one. Every change is written by ``save`` and said by ``status``."""

    chosen = Signal(object)  # list[Pick]: compare these from now on

    def __init__(
        self,
        settings: Any,
        current: Callable[[], list[Pick]],
        save: Callable[[], None],
        status: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._current = current
        self._save = save
        self._status = status
        self._parent = parent
        self.dialog: QInputDialog | None = None  # the open "name this setup" question, if any

    def fill(self, menu: QMenu) -> None:
        """Rebuild ``menu``: one entry per setup, then save and delete."""
        menu.clear()
        setups = self._settings.compare_setups
        if not setups:
            empty = menu.addAction(self.tr("No saved setups yet"))
            empty.setEnabled(False)
        for name, picks in setups.items():
            action = menu.addAction(name.replace("&", "&&"))
            usable = setup_picks(self._settings, name)
            action.setEnabled(len(usable) >= 2)
            action.setToolTip(
                "\n".join(p.model for p in picks)
                if len(usable) >= 2
                else self.tr("Fewer than two of its models' profiles still exist.")
            )
            action.triggered.connect(lambda _checked=False, n=name: self.use(n))
        menu.setToolTipsVisible(True)
        menu.addSeparator()
        save = menu.addAction(self.tr("Save current models as a setup…"))
        save.setEnabled(len(self._current()) >= 2)
        save.triggered.connect(lambda _checked=False: self.ask_name())
        remove = menu.addMenu(self.tr("Delete setup"))
        remove.setEnabled(bool(setups))
        for name in setups:
            action = remove.addAction(name.replace("&", "&&"))
            action.triggered.connect(lambda _checked=False, n=name: self.delete(n))

    def use(self, name: str) -> bool:
        """Compare the models of setup ``name`` from now on."""
        picks = setup_picks(self._settings, name)
        if len(picks) < 2:
            self._status(
                self.tr("The setup “{name}” has fewer than two usable models.").format(name=name)
            )
            return False
        self.chosen.emit(picks)
        self._status(self.tr("Comparing “{name}”.").format(name=name))
        return True

    def ask_name(self) -> None:
        """Ask for a name, then save the models compared now under it."""
        dialog = QInputDialog(self._parent)
        dialog.setWindowTitle(self.tr("Save compare setup"))
        dialog.setLabelText(self.tr("Name of this setup:"))
        dialog.setTextValue(" vs ".join(p.model for p in self._current()))
        line = dialog.findChild(QLineEdit)
        if line is not None:
            line.setMaxLength(MAX_SETUP_NAME)
        dialog.accepted.connect(lambda: self.save(dialog.textValue()))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()

    def _forget(self, dialog: QInputDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def save(self, name: str) -> bool:
        """Keep the models compared now as the setup ``name`` (one of that name is replaced)."""
        name = name.strip()
        picks = self._current()
        if len(picks) < 2:
            self._status(self.tr("Pick 2–4 models to compare first, then save them as a setup."))
            return False
        if not name:
            self._status(self.tr("A setup needs a name; nothing was saved."))
            return False
        replaced = name in self._settings.compare_setups
        if not save_setup(self._settings, name, picks):
            self._status(
                self.tr("{count} setups are saved, the most kept: delete one first.").format(
                    count=MAX_SETUPS
                )
            )
            return False
        self._save()
        self._status(
            (
                self.tr("Setup “{name}” replaced.")
                if replaced
                else self.tr("Setup “{name}” saved.")
            ).format(name=name)
        )
        return True

    def delete(self, name: str) -> bool:
        """Forget the setup ``name``."""
        if not delete_setup(self._settings, name):
            return False
        self._save()
        self._status(self.tr("Setup “{name}” deleted.").format(name=name))
        return True
