"""Menus, keyboard shortcuts and the Help texts of the main window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6 import QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

import nebula_desktop
from nebula_desktop import APP_NAME
from nebula_desktop.ui.common.i18n import translate
from nebula_desktop.ui.common.plain import plain


@dataclass
class Handlers:
    """What each action calls; the window provides them."""

    new_chat: Callable[[], None]
    search: Callable[[], None]
    next_chat: Callable[[], None]
    previous_chat: Callable[[], None]
    stop: Callable[[], None]
    regenerate: Callable[[], None]
    continue_last: Callable[[], None]
    edit_last: Callable[[], None]
    copy_last: Callable[[], None]
    focus_composer: Callable[[], None]
    rename: Callable[[], None]
    delete: Callable[[], None]
    settings: Callable[[], None]
    open_log_folder: Callable[[], None]
    shortcuts: Callable[[], None]
    about: Callable[[], None]
    quit: Callable[[], None]


@dataclass
class Menus:
    """The menu bar's menus and every action by name: entries are added by name, not searched."""

    file: QMenu
    chat: QMenu
    help: QMenu
    actions: dict[str, QAction]


def _action(
    window: QMainWindow,
    text: str,
    shortcut: str | QKeySequence.StandardKey | None,
    slot: Callable[[], None],
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        # Window-wide, so the shortcut works whichever child has focus.
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


def install_actions(window: QMainWindow, handlers: Handlers) -> Menus:
    """Create the menu bar and the shortcuts; returns the menus and the actions by name."""
    h = handlers

    acts = {
        "new": _action(window, translate("MainWindow", "&New chat"), "Ctrl+N", h.new_chat),
        "search": _action(window, translate("MainWindow", "&Search chats"), "Ctrl+F", h.search),
        "next_chat": _action(
            window, translate("MainWindow", "Ne&xt chat"), "Ctrl+PgDown", h.next_chat
        ),
        "previous_chat": _action(
            window,
            translate("MainWindow", "Pre&vious chat"),
            "Ctrl+PgUp",
            h.previous_chat,
        ),
        "rename": _action(window, translate("MainWindow", "&Rename chat") + "\tF2", None, h.rename),
        "delete": _action(
            window, translate("MainWindow", "&Delete chat") + "\tDel", None, h.delete
        ),
        "settings": _action(window, translate("MainWindow", "Se&ttings…"), "Ctrl+,", h.settings),
        "quit": _action(window, translate("MainWindow", "&Quit"), "Ctrl+Q", h.quit),
        "stop": _action(window, translate("MainWindow", "&Stop answer"), "Esc", h.stop),
        "regenerate": _action(
            window,
            translate("MainWindow", "&Regenerate last answer"),
            "Ctrl+R",
            h.regenerate,
        ),
        "continue": _action(
            window,
            translate("MainWindow", "C&ontinue last answer"),
            "Ctrl+Shift+R",
            h.continue_last,
        ),
        "edit_last": _action(
            window, translate("MainWindow", "&Edit last message"), "Ctrl+E", h.edit_last
        ),
        "copy_last": _action(
            window,
            translate("MainWindow", "&Copy last answer"),
            "Ctrl+Shift+C",
            h.copy_last,
        ),
        "composer": _action(
            window,
            translate("MainWindow", "Go to &message box"),
            "Ctrl+L",
            h.focus_composer,
        ),
        "shortcuts": _action(
            window, translate("MainWindow", "&Keyboard shortcuts"), "F1", h.shortcuts
        ),
        "log": _action(
            window, translate("MainWindow", "Open &log folder"), None, h.open_log_folder
        ),
        "about": _action(window, translate("MainWindow", "&About Nebula Desktop"), None, h.about),
    }
    # F2 and Del are handled by the conversation list itself: as window shortcuts they would
    # also fire while typing in the composer. The menu only shows them.
    acts["stop"].setEnabled(False)
    # Browsers' second pair too (the menu shows the first).
    acts["next_chat"].setShortcuts([QKeySequence("Ctrl+PgDown"), QKeySequence("Ctrl+Tab")])
    acts["previous_chat"].setShortcuts([QKeySequence("Ctrl+PgUp"), QKeySequence("Ctrl+Shift+Tab")])
    bar = window.menuBar()
    file_menu = bar.addMenu(translate("MainWindow", "&File"))
    for name in ("new", "search", "next_chat", "previous_chat", "rename", "delete"):
        file_menu.addAction(acts[name])
    file_menu.addSeparator()
    file_menu.addAction(acts["settings"])
    file_menu.addSeparator()
    file_menu.addAction(acts["quit"])
    chat_menu = bar.addMenu(translate("MainWindow", "&Chat"))
    for name in ("stop", "regenerate", "continue", "edit_last", "copy_last", "composer"):
        chat_menu.addAction(acts[name])
    help_menu = bar.addMenu(translate("MainWindow", "&Help"))
    for name in ("shortcuts", "log", "about"):
        help_menu.addAction(acts[name])
    return Menus(file_menu, chat_menu, help_menu, acts)


def show_about_box(parent: QWidget) -> None:
    """About box with the version (non-blocking, like every dialog here)."""
    box = QtWidgets.QMessageBox(parent)
    box.setWindowTitle(translate("MainWindow", "About {app}").format(app=APP_NAME))
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(
        f"<h3>{APP_NAME} {nebula_desktop.__version__}</h3>"
        + "<p>{}</p><p>{}</p>".format(
            translate(
                "MainWindow",
                "A fast, light, native desktop chat client for OpenAI-compatible APIs.",
            ),
            translate("MainWindow", "License: MIT"),
        )
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def confirm_open_link(parent: QWidget, url: str) -> None:
    """Show the full address and open it in the browser only if the user agrees."""
    if not url.startswith(("http://", "https://")):
        return  # only web links leave the app
    box = QtWidgets.QMessageBox(
        QtWidgets.QMessageBox.Icon.Question,
        translate("MainWindow", "Open link"),
        translate("MainWindow", "Open this address in your browser?") + f"\n\n{url}",
        QtWidgets.QMessageBox.StandardButton.Open | QtWidgets.QMessageBox.StandardButton.Cancel,
        parent,
    )
    plain(box)  # the address exactly as it is
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # Imported on use: naming QUrl builds its Python enums (not for the first paint).
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    box.accepted.connect(lambda: QDesktopServices.openUrl(QUrl(url)))
    box.open()
