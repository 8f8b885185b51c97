"""The main window's menus and shortcuts, wired to the window's parts.

``menus.install_actions`` builds the menus from a ``Handlers`` table; this module fills the
table from a ``MainWindow`` (requests that send the key go through its plain-http guard) and
adds the Chat menu's "Prompt presets…" entry. Texts keep the translation context
"MainWindow", where they first lived.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from nebula_desktop.ui.window.menus import Handlers, install_actions


def install_window_actions(window: Any) -> dict[str, QAction]:
    """Create ``window``'s menu bar and shortcuts; returns the actions by name.

    Needs ``window.controller``, ``conv_list`` and ``composer`` to exist already.
    """
    return install_actions(
        window,
        Handlers(
            new_chat=window.new_chat,
            search=window.conv_list.focus_search,
            next_chat=lambda: window.conv_list.step(1),
            previous_chat=lambda: window.conv_list.step(-1),
            stop=window.controller.stop,
            regenerate=window._guarded(lambda: window.controller.regenerate(None)),
            continue_last=window._guarded(window.controller.continue_last),
            edit_last=window.controller.edit_last,
            copy_last=window.copy_last_answer,
            focus_composer=window.composer.focus,
            rename=window.conv_list.rename_current,
            delete=window.conv_list.delete_current,
            settings=window.open_settings,
            open_log_folder=window.open_log_folder,
            shortcuts=window.show_shortcuts,
            about=window.show_about,
            quit=window._quit,
        ),
    )


def add_prompt_presets_entry(
    window: Any, actions_by_name: dict[str, QAction], slot: Callable[[], None]
) -> None:
    """Add "Prompt presets…" to the Chat menu (found by its Stop action: titles get translated)."""
    text = QCoreApplication.translate("MainWindow", "&Prompt presets…")
    stop = actions_by_name["stop"]
    for entry in window.menuBar().actions():
        menu = entry.menu()
        if isinstance(menu, QMenu) and stop in menu.actions():
            menu.addSeparator()
            action = menu.addAction(text)
            action.triggered.connect(lambda _checked=False: slot())
            actions_by_name.setdefault("prompt_presets", action)
            return
