"""The interface in Simplified Chinese: every text a user can see is translated.

Under ``zh_CN`` the test builds the main window (with a chat holding an answer, thinking, usage
and a failed answer), opens every menu and every dialog the window offers, and walks every
widget and action: window titles, labels, buttons, tabs, menu entries, tooltips, placeholders,
combo entries and table headers, plus the texts the delegates paint (message headers, buttons,
the incomplete marker, relative times). Any Latin word of three letters or more that is not on
the allow-list (product and format names, key names, model names, user data) fails the test
with the place it was found, so a new string someone forgot to wrap in ``tr()`` — or forgot to
translate — is caught here.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from nebula_desktop.store import ConversationStore, Message
from nebula_desktop.ui.common.i18n import CHINESE, ENGLISH, install_translators, language_names
from nebula_desktop.ui.messages.actions import build_menu
from nebula_desktop.ui.window.menus import confirm_open_link

# Words that stay in Latin letters in the Chinese interface too: product, protocol and file
# format names, key names, and the names of services and local servers the presets offer.
ALLOWED_WORDS = {
    "Nebula", "Desktop", "API", "URL", "URLs", "JSON", "Markdown", "HTML", "HTTP", "HTTPS",
    "http", "https", "Ctrl", "Shift", "Alt", "Enter", "Esc", "Del", "Tab", "Meta", "Space",
    "PgUp", "PgDown",
    "PNG", "ZIP", "zip", "json", "html", "ChatGPT", "OpenAI", "OpenRouter", "DeepSeek",
    "Ollama", "Studio", "llama", "cpp", "localhost", "MIT", "Bearer", "Secret", "Service",
    "gnome", "keyring", "KWallet", "KDE", "GNOME", "Linux", "macOS", "Windows", "SOCKS", "socks",
    "PEM", "CA", "SSE", "Qt", "TLS", "Dropbox", "Syncthing", "OneDrive",
    "MCP", "Claude", "Cursor", "mcpServers",  # the protocol, clients whose configs import, its key
    # Chinese AI products keep the unit in Latin letters ("Token 用量"), like "API".
    "Token", "tokens",
    "English",  # each language is named in itself in the Language combo
}  # fmt: skip
# Things that are data, not interface: addresses and paths.
_DATA = re.compile(
    r"https?://\S+"  # addresses
    r"|[\w.-]+@[\w.-]+"  # e-mail
    r"|(?:[A-Za-z]:)?[/\\][\w./\\-]+"  # paths
    r"|\b[\w-]+\.(?:json|md|html|zip|pem|crt|txt)\b"  # file names
    r"|\b(?:gpt|claude|gemini|deepseek|qwen|llama)[\w.:-]*"  # model names in examples
    r"|\bX-[\w-]+:\s*\w+"  # an example HTTP header
    r"|\b[a-z]+(?:_[a-z]+)+(?::\s*(?:true|false))?"  # a request field sent as it is
    r"|\b[a-z]+(?:-[a-z]+)+\b"  # folder and profile names: conflicts-merged, ai-nebula
)
_TAGS = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[A-Za-z]{3,}")

USER_TITLE = "测试对话"
MODEL = "test-model"


def english_words(text: str, data: list[str]) -> list[str]:
    """The Latin words of ``text`` that are neither allowed nor part of the user's data."""
    text = _DATA.sub(" ", html.unescape(_TAGS.sub(" ", text)).replace("&", ""))
    for item in sorted(data, key=len, reverse=True):
        if item:
            text = text.replace(item, " ")
    return [w for w in _WORD.findall(text) if w not in ALLOWED_WORDS]


def _plain(text: str) -> str:
    """An action's text as Qt derives its default tooltip: no mnemonic, ellipsis or shortcut."""
    return text.split("\t")[0].replace("&", "").replace("…", "").replace("...", "").strip()


class TextCollector:
    """Gathers ``(where, text)`` pairs from widgets, actions and painted rows."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []
        self._seen_actions: set[int] = set()

    def add(self, where: str, text: str | None) -> None:
        if text and text.strip():
            self.texts.append((where, text))

    def action(self, where: str, action: QAction) -> None:
        if id(action) in self._seen_actions or action.isSeparator():
            return
        self._seen_actions.add(id(action))
        # The shortcut after a tab is drawn from QKeySequence (key names are allowed).
        self.add(f"{where} action", action.text().split("\t")[0])
        if _plain(action.toolTip()) != _plain(action.text()):  # not Qt's default tooltip
            self.add(f"{where} action tooltip", action.toolTip())
        self.add(f"{where} action status tip", action.statusTip())
        menu = action.menu()
        if isinstance(menu, QMenu):
            self.menu(f"{where} › {action.text()}", menu)

    def menu(self, where: str, menu: QMenu) -> None:
        self.add(f"{where} menu title", menu.title())
        for action in menu.actions():
            self.action(where, action)

    def widget_tree(self, root: QWidget) -> None:
        for widget in [root, *root.findChildren(QWidget)]:
            self.widget(widget)

    def widget(self, w: QWidget) -> None:
        name = f"{type(w).__name__}({w.objectName() or w.accessibleName() or ''})"
        if w.isWindow():
            self.add(f"{name} window title", w.windowTitle())
        self.add(f"{name} tooltip", w.toolTip())
        self.add(f"{name} what's this", w.whatsThis())
        if isinstance(w, (QLabel, QAbstractButton)):
            self.add(f"{name} text", w.text())
        elif isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit)):
            self.add(f"{name} placeholder", w.placeholderText())
        elif isinstance(w, QGroupBox):
            self.add(f"{name} title", w.title())
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                self.add(f"{name} tab", w.tabText(i))
                self.add(f"{name} tab tooltip", w.tabToolTip(i))
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                self.add(f"{name} item", w.itemText(i))
            if w.lineEdit() is not None:
                self.add(f"{name} placeholder", w.lineEdit().placeholderText())
            self.add(f"{name} placeholder", w.placeholderText())
        elif isinstance(w, QAbstractSpinBox):
            self.add(f"{name} special value", w.specialValueText())
            if isinstance(w, QSpinBox):
                self.add(f"{name} suffix", w.suffix())
                self.add(f"{name} prefix", w.prefix())
        elif isinstance(w, QHeaderView) and not w.isHidden() and w.model() is not None:
            for section in range(w.count()):
                label = w.model().headerData(section, w.orientation())
                self.add(f"{name} header", str(label) if label is not None else "")
        if isinstance(w, QMenu):
            self.menu(name, w)
        for action in w.actions():
            self.action(name, action)

    def untranslated(self, data: list[str]) -> list[str]:
        found = []
        for where, text in self.texts:
            words = english_words(text, data)
            if words:
                found.append(f"{where}: {text!r} ({', '.join(words)})")
        return sorted(set(found))


@pytest.fixture
def chinese(qapp: Any) -> Iterator[None]:
    """The app's translators for Simplified Chinese, as start-up installs them; removed after."""
    installed = install_translators(CHINESE)
    assert installed.language == CHINESE
    assert installed.translators, "the zh_CN catalogue did not load (run the build script)"
    yield
    installed.remove()


def _write_chat(data_dir: Path) -> None:
    """A chat with a plain answer (thinking + usage) and a failed, partial one after it."""
    store = ConversationStore(data_dir)
    try:
        conv = store.create(title=USER_TITLE, model=MODEL)
        conv.messages += [
            Message(role="user", content="你好"),
            Message(
                role="assistant",
                content="你好！\n\n```\nprint(1)\n```",
                reasoning="想一想",
                reasoning_seconds=1.5,
                model=MODEL,
                usage={"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12},
            ),
            Message(role="user", content="再说一遍"),
            Message(
                role="assistant",
                content="你",
                model=MODEL,
                complete=False,
                error="Error: Cannot connect to API server",
                request_id="req-1",
            ),
        ]
        store.save(conv)
    finally:
        store.close()


def _user_data(window: Any) -> list[str]:
    """What the window shows of the user's own data (never translated)."""
    data = [USER_TITLE, MODEL, "other-model", "req-1", "example.com"]
    # The product's fixed error texts come from core, in English by design.
    data.append("Error: Cannot connect to API server")
    for profile in window.ctx.settings.profiles:
        data += [profile.name, profile.base_url, profile.default_model, *profile.models_cache]
    return data


def _painted_texts(window: Any, collect: TextCollector) -> None:
    """Texts the delegates paint: message rows (idle and streaming) and conversation rows."""
    view = window.view
    delegate = view.itemDelegate()
    model = view.model()
    assert model.rowCount() == 4
    for state in ("idle", "streaming"):
        for row in range(model.rowCount()):
            msg = model.message_at(row)
            if state == "streaming":
                view.set_streaming(msg.id)
            lay = delegate.layout(msg, row, 0)
            where = f"message row {row} ({state})"
            collect.add(f"{where} header", lay.header_text)
            collect.add(f"{where} thinking", lay.thinking_label)
            collect.add(f"{where} placeholder", lay.placeholder)
            collect.add(f"{where} usage", lay.usage_text)
            for _action, label, _rect in [*lay.actions, *lay.buttons]:
                collect.add(f"{where} button", label)
            for text, _rect, _bold in lay.error_lines:
                collect.add(f"{where} error box", text)
            # render/ writes a code block's label and Copy link; the rest is the message.
            for doc in (lay.body_doc, lay.thinking_doc):
                for line in doc.doc.toPlainText().splitlines() if doc is not None else []:
                    if line.strip() and line not in msg.content + msg.reasoning:
                        collect.add(f"{where} rendered text", line)
        view.set_streaming(None)
    from nebula_desktop.ui.conversations import delegate as conversation_delegate

    now = time.time()
    for ago in (5, 600, 3 * 3600, 3 * 86400, 40 * 86400, 400 * 86400):
        collect.add(
            f"relative time {ago}s ago", conversation_delegate.relative_time(now - ago, now)
        )
    for hint in ("untitled_text", "empty_preview_text"):
        text = getattr(conversation_delegate, hint, None)
        if callable(text):
            collect.add(f"conversation row {hint}", text())


def _open_dialogs(window: Any, qtbot: Any) -> list[QWidget]:
    """Every dialog the window offers without a file picker: settings, shortcuts, about, the
    system prompt and prompt presets, export, backups, sync conflicts, link and data notices."""
    before = set(QApplication.topLevelWidgets())
    window.open_settings()
    window.show_shortcuts()
    window.show_about()
    window.header.system.click()
    window.notices.show_problems(["x.json"])
    # The question before a key would go to another computer over plain http://.
    profile = window.ctx.settings.profile(window.header.profile_id())
    address, profile.base_url = profile.base_url, "http://example.com/v1"
    window.plain_http.confirm(lambda: None)
    profile.base_url = address  # core writes these texts (not translated)
    confirm_open_link(window, "https://example.com/")
    for opener in ("open_prompt_presets",):
        if hasattr(window, opener):
            getattr(window, opener)()
    window.data.export()
    window.data.backups.choose_restore()
    window.data.conflicts.review()
    qtbot.waitUntil(lambda: window.dialogs.settings_dialog is not None)
    return [
        w
        for w in QApplication.topLevelWidgets()
        if w not in before and isinstance(w, (QDialog, QMessageBox)) and w.isVisible()
    ]


def _context_menus(window: Any, collect: TextCollector) -> None:
    """The right-click menus: each message (and one over a link), and a conversation row."""
    view = window.view
    for row in range(view.model().rowCount()):
        index = view.model().index(row, 0)
        view.scrollTo(index)
        menu = view.context_menu_at(view.visualRect(index).center())
        assert menu is not None
        collect.menu(f"message {row} context menu", menu)
    link_menu = build_menu(view, [], "https://example.com/", lambda _name, _arg: None)
    collect.menu("link context menu", link_menu)
    conv_list = window.conv_list
    row_menu = conv_list.context_menu(conv_list.model.index(0, 0))
    conv_list.add_export_entry(row_menu)
    collect.menu("chat list context menu", row_menu)


def test_every_visible_text_is_chinese_under_zh_cn(
    chinese: None, make_window: Callable[..., Any], data_dir: Path, qtbot: Any, qtlog: Any
) -> None:
    _write_chat(data_dir)
    window = make_window()
    assert window.controller.conv is not None and window.controller.conv.title == USER_TITLE
    collect = TextCollector()
    # The offscreen platform warns that popups cannot grab the keyboard or be raised.
    with qtlog.disabled():
        # Open every menu of the menu bar, as a user would, then walk it.
        for action in window.menuBar().actions():
            menu = action.menu()
            assert isinstance(menu, QMenu)
            menu.popup(window.mapToGlobal(QPoint(10, 10)))
            qtbot.waitUntil(menu.isVisible)
            collect.menu(f"menu {action.text()}", menu)
            menu.hide()
        window.composer.set_editing(True)  # the notice over the message box
        collect.widget_tree(window)
        window.composer.set_editing(False)
        _painted_texts(window, collect)
        _context_menus(window, collect)
        dialogs = _open_dialogs(window, qtbot)
        assert len(dialogs) >= 10, [d.windowTitle() for d in dialogs]
        for dialog in dialogs:
            collect.widget_tree(dialog)
        data = _user_data(window)
        for dialog in dialogs:
            dialog.close()
    missing = collect.untranslated(data)
    assert not missing, "untranslated under zh_CN:\n" + "\n".join(missing)


def test_main_menu_speaks_chinese_under_zh_cn(
    chinese: None, make_window: Callable[..., Any]
) -> None:
    window = make_window()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[0].startswith("文件"), titles
    assert window.composer.findChildren(QAbstractButton)
    # Qt's own buttons come from Qt's catalogue, loaded beside ours.
    box = QMessageBox(QMessageBox.Icon.Information, "x", "x", QMessageBox.StandardButton.Cancel)
    assert box.button(QMessageBox.StandardButton.Cancel).text() == "取消"


def test_english_keeps_english_with_proper_plurals(qapp: Any) -> None:
    installed = install_translators(ENGLISH, ["zh-CN"])
    try:
        assert installed.language == ENGLISH
        assert QApplication.translate("MainWindow", "Open data folder") == "Open data folder"
        exported = "Exported %n file(s) to {folder}"
        one, three = (QApplication.translate("DataActions", exported, "", n) for n in (1, 3))
        assert (one, three) == ("Exported 1 file to {folder}", "Exported 3 files to {folder}")
    finally:
        installed.remove()


def test_chinese_os_gets_chinese_without_a_setting(qapp: Any) -> None:
    installed = install_translators("", ["zh-Hans-CN", "zh-CN", "en-US"])
    try:
        assert installed.language == CHINESE
        assert QApplication.translate("GeneralSettings", "Follow system") == "跟随系统"
    finally:
        installed.remove()
    assert QApplication.translate("GeneralSettings", "Follow system") == "Follow system"


def test_language_choices_are_named_in_their_own_language(qapp: Any) -> None:
    assert [code for code, _name in language_names()] == ["", ENGLISH, CHINESE]
    assert [name for _code, name in language_names()][1:] == ["English", "简体中文"]


def test_language_setting_is_saved_and_says_it_needs_a_restart(
    qtbot: Any, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nebula_desktop import secrets
    from nebula_desktop.settings import SettingsStore
    from nebula_desktop.ui.settings.dialog import SettingsDialog

    monkeypatch.setattr(secrets, "get_key", lambda _profile_id: "sk-test")  # no keyring here
    store = SettingsStore(config_dir)
    settings = store.load()
    dialog = SettingsDialog(settings, store, {})
    qtbot.addWidget(dialog)
    dialog.show()
    combo = dialog.language_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Follow system",
        "English",
        "简体中文",
    ]
    assert combo.currentData() == ""  # a new install follows the OS
    dialog.tabs.setCurrentIndex(1)
    assert dialog.language_note.isVisible()
    assert "Restart Nebula Desktop" in dialog.language_note.text()
    combo.setCurrentIndex(combo.findData(CHINESE))
    with qtbot.waitSignal(dialog.settings_changed):
        dialog.save()
    assert SettingsStore(config_dir).load().language == CHINESE
    reopened = SettingsDialog(SettingsStore(config_dir).load(), store, {})
    qtbot.addWidget(reopened)
    assert reopened.language_combo.currentData() == CHINESE


# The real app in a process: it reports the menu titles its window was built with.
_PROBE = """
import sys
from nebula_desktop import app
from nebula_desktop.ui.window import main_window
titles = []
load = main_window.MainWindow.load


def probe(self):
    titles.extend(a.text() for a in self.menuBar().actions())
    load(self)


main_window.MainWindow.load = probe
rc = app.main(sys.argv[1:])
print("MENUS", "|".join(titles))
sys.exit(rc)
"""


@pytest.mark.parametrize(
    ("setting", "os_language", "file_menu"),
    [
        ("zh_CN", "en_US", "文件(&F)"),  # the setting wins over an English OS
        ("", "zh_CN", "文件(&F)"),  # no setting: a Chinese OS gets Chinese
        ("en", "zh_CN", "&File"),  # English chosen on a Chinese OS
        ("", "de_DE", "&File"),  # a language we do not have: English
    ],
)
def test_app_starts_in_the_chosen_or_os_language(
    tmp_path: Path, setting: str, os_language: str, file_menu: str
) -> None:
    import os
    import subprocess
    import sys

    from nebula_desktop.settings import SettingsStore

    config = tmp_path / "config"
    store = SettingsStore(config)
    settings = store.load()
    settings.language = setting
    store.save(settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        LANG=f"{os_language}.UTF-8",
        LANGUAGE=os_language,
        NEBULA_LOG_DIR=str(tmp_path / "logs"),
    )
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "--smoke-test", "--data-dir", str(tmp_path / "data"),
         "--config-dir", str(config)],
        capture_output=True, text=True, env=env, timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    menus = done.stdout.split("MENUS ", 1)[1].strip().split("|")
    assert menus[0] == file_menu, menus


@pytest.mark.parametrize("language", [ENGLISH, CHINESE])
def test_a_title_with_percent_signs_is_shown_as_typed(
    qapp: Any, qtbot: Any, tmp_path: Path, language: str
) -> None:
    # Numbered placeholders filled one after another ("%1 … %2" then .replace("%2", …)) put
    # the sync tool's name into a title that itself holds "%2"; named ones are filled once.
    from nebula_desktop.store.sync import ConflictCopy
    from nebula_desktop.ui.data.conflict_dialog import ConflictDialog

    title = "Sale: 50%2 off, then 20%3 more"
    store = ConversationStore(tmp_path)
    installed = install_translators(language, [])
    try:
        conv = store.create(title=title, model=MODEL)
        store.save(conv)
        copy = store.conversations_dir / f"{conv.id}.sync-conflict-20240101-123456-ABCDEFG.json"
        copy.write_bytes((store.conversations_dir / f"{conv.id}.json").read_bytes())
        dialog = ConflictDialog(store, [ConflictCopy(copy, conv.id, "Syncthing")])
        qtbot.addWidget(dialog)
        shown = dialog.list.item(0).text()
    finally:
        installed.remove()
        store.close()
    assert shown.startswith(title + " — "), shown
    assert shown.count("Syncthing") == 1, shown
