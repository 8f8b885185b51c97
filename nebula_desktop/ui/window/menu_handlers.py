"""The main window's menus filled in: what each entry calls, and the entries other rooms bring.

``menus.install_actions`` builds the menus from a ``Handlers`` table; this module fills the
table from a ``MainWindow``'s public parts (requests that send the key go through its plain-http
guard), adds the Chat menu's "Prompt presets…" entry and puts the data actions (export, import,
backup, restore) into the File menu before Settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence

from nebula_desktop.ui.window.menus import Handlers, Menus, install_actions


def install_window_actions(window: Any) -> Menus:
    """Create ``window``'s (a ``MainWindow``'s) menu bar and shortcuts.

    Needs ``window.controller``, ``plain_http``, ``conv_list`` and ``composer`` to exist already.
    """
    guarded = window.plain_http.guarded
    menus = install_actions(
        window,
        Handlers(
            new_chat=window.new_chat,
            search=window.conv_list.focus_search,
            next_chat=lambda: window.conv_list.step(1),
            previous_chat=lambda: window.conv_list.step(-1),
            stop=window.controller.stop,
            regenerate=guarded(lambda: window.controller.regenerate(None)),
            continue_last=guarded(window.controller.continue_last),
            edit_last=window.controller.edit_last,
            copy_last=window.copy_last_answer,
            focus_composer=window.composer.focus,
            rename=window.conv_list.rename_current,
            delete=window.conv_list.delete_current,
            settings=window.open_settings,
            open_log_folder=window.open_log_folder,
            shortcuts=window.show_shortcuts,
            about=window.show_about,
            quit=window.close,
        ),
    )
    add_clear_context_entry(menus, window, window.controller.clear_context)
    return menus


def add_clear_context_entry(menus: Menus, window: Any, slot: Callable[[], None]) -> None:
    """Add "Clear context" (Ctrl+K) to the Chat menu, after "Edit last message"."""
    action = QAction(QCoreApplication.translate("MainWindow", "C&lear context"), window)
    action.setShortcut(QKeySequence("Ctrl+K"))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    actions = menus.chat.actions()
    edit = menus.actions["edit_last"]
    if edit in actions[:-1]:
        menus.chat.insertAction(actions[actions.index(edit) + 1], action)
    else:
        menus.chat.addAction(action)
    menus.actions["clear_context"] = action


def add_prompt_presets_entry(menus: Menus, slot: Callable[[], None]) -> None:
    """Add "Prompt presets…" at the end of the Chat menu."""
    menus.chat.addSeparator()
    action = menus.chat.addAction(QCoreApplication.translate("MainWindow", "&Prompt presets…"))
    action.triggered.connect(lambda _checked=False: slot())
    menus.actions["prompt_presets"] = action


def add_data_entries(menus: Menus, actions: dict[str, QAction]) -> None:
    """Export and import, then backup and restore, in the File menu just before Settings."""
    before = menus.actions["settings"]
    for name in ("export", "import"):
        menus.file.insertAction(before, actions[name])
    menus.file.insertSeparator(before)
    for name in ("backup", "restore"):
        menus.file.insertAction(before, actions[name])
    menus.file.insertSeparator(before)
