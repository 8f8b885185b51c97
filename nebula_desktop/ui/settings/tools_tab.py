"""``ToolsTab``: Settings → Tools — the MCP servers, where their tools are offered, what runs
without asking, and how many tool rounds an answer may take.

Each server shows its state (from the session's tools host: "Not started.", "running (5 tools)",
"command not found: npx"…). Add / Edit open a :class:`ServerEditor`; Import reads the
``mcpServers`` block of a Claude Desktop or Cursor JSON file (credentials go to the keyring, and
the tab says which moved); Test starts the server as edited, on its own, off the GUI thread and
lists its tools; "Always allowed" tools can be revoked. The tab edits copies: the dialog's Save
writes them (``apply_to``). Secrets typed or imported go to the keyring at once, in the
background.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6 import QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop.settings import Settings
from nebula_desktop.tools.config import McpServerConfig
from nebula_desktop.ui.common.background import run_in_background
from nebula_desktop.ui.common.plain import plain
from nebula_desktop.ui.common.plain_http import tools_plain_http_box
from nebula_desktop.ui.settings.server_editor import ServerEditor

MAX_IMPORT_BYTES = 1024 * 1024
TEST_TIMEOUT_S = 60.0


def _store_secrets(secrets: dict[str, str]) -> int:
    """Runner thread: put each secret in the keyring."""
    from nebula_desktop import secrets as keyring

    for user, value in secrets.items():
        keyring.set_key(user, value)
    return len(secrets)


def _test_server(server: McpServerConfig, plain_http_allowed: bool) -> list[str]:
    """Runner thread: start ``server`` alone, list its tool names, stop it."""
    from nebula_desktop.tools.host import McpHost

    host = McpHost([server])
    if plain_http_allowed:
        host.allow_plain_http(server.id)
    try:
        return [spec.name for spec in host.list_tools(server.id, timeout=TEST_TIMEOUT_S)]
    finally:
        host.stop()


def _read_import(path: str, taken: list[str]) -> Any:
    """Runner thread: read a config file (regular, at most 1 MB) and import it."""
    from nebula_desktop.safeio import read_regular
    from nebula_desktop.tools.config import import_claude_config

    raw = read_regular(path, MAX_IMPORT_BYTES)
    return import_claude_config(raw.decode("utf-8-sig", errors="replace"), taken)


class ToolsTab(QWidget):
    """The servers list and its actions; ``apply_to(settings)`` writes them back."""

    def __init__(
        self,
        s: Settings,
        tools: Any = None,
        chat_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.servers: list[McpServerConfig] = copy.deepcopy(list(s.mcp_servers))
        self._tools = tools
        self._chat_id = chat_id
        self.plain_http_question: QtWidgets.QMessageBox | None = None  # open while Test asks
        self.server_list = QListWidget()
        self.server_list.setAccessibleName(self.tr("Tools servers"))
        self.add_button = QPushButton(self.tr("Add…"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.setToolTip(
            self.tr("Import the mcpServers of a Claude Desktop or Cursor configuration file")
        )
        self.test_button = QPushButton(self.tr("Test"))
        self.test_button.setToolTip(
            self.tr("Start the server as configured here and list its tools")
        )
        self.all_chats_check = QCheckBox(self.tr("Offer its tools in every chat"))
        self.this_chat_check = QCheckBox(self.tr("Offer its tools in this chat"))
        self.this_chat_check.setEnabled(chat_id is not None)
        self.allowed_list = QListWidget()
        self.allowed_list.setAccessibleName(self.tr("Tools that run without asking"))
        self.allowed_list.setMaximumHeight(90)
        self.revoke_button = QPushButton(self.tr("Ask again"))
        self.revoke_button.setToolTip(self.tr("Revoke “Always allow” for the chosen tool"))
        self.rounds_spin = QSpinBox()
        self.rounds_spin.setRange(1, 100)
        self.rounds_spin.setValue(s.tool_max_rounds)
        self.rounds_spin.setAccessibleName(self.tr("Tool rounds per answer"))
        self.status = plain(QLabel())
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        intro = QLabel(
            self.tr(
                "Tools let the model read files, search or tell the time through MCP servers. "
                "Nothing runs without your approval."
            )
        )
        intro.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.remove_button,
            self.import_button,
            self.test_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        allowed = QHBoxLayout()
        allowed.addWidget(self.allowed_list, 1)
        allowed.addWidget(self.revoke_button, 0, Qt.AlignmentFlag.AlignTop)
        rounds = QHBoxLayout()
        rounds.addWidget(QLabel(self.tr("Tool rounds per answer, at most")))
        rounds.addWidget(self.rounds_spin)
        rounds.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.server_list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.all_chats_check)
        layout.addWidget(self.this_chat_check)
        layout.addWidget(QLabel(self.tr("Always allowed:")))
        layout.addLayout(allowed)
        layout.addLayout(rounds)
        layout.addWidget(self.status)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.revoke_button.clicked.connect(self._on_revoke_button_clicked)
        self.server_list.currentRowChanged.connect(self._on_server_list_current_row_changed)
        self.all_chats_check.toggled.connect(self._on_all_chats_check_toggled)
        self.this_chat_check.toggled.connect(self._on_this_chat_check_toggled)
        self._fill()

    # -- the list ----------------------------------------------------------------------------

    def current(self) -> McpServerConfig | None:
        """The chosen server (None: none)."""
        row = self.server_list.currentRow()
        return self.servers[row] if 0 <= row < len(self.servers) else None

    def _state(self, server: McpServerConfig) -> str:
        if self._tools is None:
            return self.tr("Not started.")
        state = self._tools.state(server.id)
        return str(state.message or state.status)

    def _fill(self, row: int = 0) -> None:
        self.server_list.clear()
        for server in self.servers:
            where = (
                self.tr("every chat")
                if server.enabled_for_all
                else self.tr("%n chat(s)", "", len(server.enabled_chats))
            )
            self.server_list.addItem(f"{server.name} — {where} — {self._state(server)}")
        self.server_list.setCurrentRow(min(row, len(self.servers) - 1))
        self._show_current()

    def _show_current(self) -> None:
        server = self.current()
        for widget in (
            self.edit_button,
            self.remove_button,
            self.test_button,
            self.all_chats_check,
            self.allowed_list,
        ):
            widget.setEnabled(server is not None)
        self.this_chat_check.setEnabled(server is not None and self._chat_id is not None)
        self.all_chats_check.blockSignals(True)
        self.this_chat_check.blockSignals(True)
        self.all_chats_check.setChecked(bool(server and server.enabled_for_all))
        self.this_chat_check.setChecked(
            bool(server and self._chat_id and self._chat_id in server.enabled_chats)
        )
        self.all_chats_check.blockSignals(False)
        self.this_chat_check.blockSignals(False)
        self.allowed_list.clear()
        if server is not None:
            self.allowed_list.addItems(server.always_allowed)
        self.revoke_button.setEnabled(self.allowed_list.count() > 0)

    def _on_server_list_current_row_changed(self, _row: int) -> None:
        self._show_current()

    def _on_all_chats_check_toggled(self, on: bool) -> None:
        server = self.current()
        if server is not None:
            server.enabled_for_all = on
            self._fill(self.server_list.currentRow())

    def _on_this_chat_check_toggled(self, on: bool) -> None:
        server = self.current()
        if server is None or self._chat_id is None:
            return
        if on and self._chat_id not in server.enabled_chats:
            server.enabled_chats.append(self._chat_id)
        elif not on and self._chat_id in server.enabled_chats:
            server.enabled_chats.remove(self._chat_id)
        self._fill(self.server_list.currentRow())

    def _on_revoke_button_clicked(self) -> None:
        server = self.current()
        item = self.allowed_list.currentItem() or self.allowed_list.item(0)
        if server is not None and item is not None and item.text() in server.always_allowed:
            server.always_allowed.remove(item.text())
            self.status.setText(
                self.tr("{tool} of “{server}” asks again from the next call.").format(
                    tool=item.text(), server=server.name
                )
            )
            self._show_current()

    # -- add, edit, remove ---------------------------------------------------------------------

    def _new_id(self, name: str) -> str:
        taken = {s.id for s in self.servers}
        base = "".join(c if c.isalnum() or c in "-_" else "-" for c in name.lower())
        base = base.strip("-")[:40] or "server"
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def _on_add_button_clicked(self) -> None:
        editor = ServerEditor(McpServerConfig(id="", name=""), self, new=True)
        if editor.exec() != ServerEditor.DialogCode.Accepted:
            return
        editor._server.id = self._new_id(editor.name_edit.text())
        self._take(editor)

    def _on_edit_button_clicked(self) -> None:
        server = self.current()
        if server is None:
            return
        editor = ServerEditor(server, self)
        if editor.exec() == ServerEditor.DialogCode.Accepted:
            self._take(editor, self.server_list.currentRow())

    def _take(self, editor: ServerEditor, row: int | None = None) -> None:
        server = editor.server()
        if row is None:
            self.servers.append(server)
            row = len(self.servers) - 1
        else:
            self.servers[row] = server
        self._fill(row)
        if editor.secrets:
            self._store(editor.secrets)

    def _on_remove_button_clicked(self) -> None:
        row = self.server_list.currentRow()
        if 0 <= row < len(self.servers):
            del self.servers[row]
            self._fill(max(0, row - 1))

    def _store(self, secrets: dict[str, str]) -> None:
        self.status.setText(self.tr("Saving in the keyring…"))
        run_in_background(
            _store_secrets,
            secrets,
            on_success=lambda n: self.status.setText(
                self.tr("%n secret(s) stored in the keyring.", "", int(n))
            ),
            on_error=lambda exc: self.status.setText(
                self.tr("The secret was not stored: {error}").format(error=exc)
            ),
            context=self,
        )

    # -- import and test -----------------------------------------------------------------------

    def _on_import_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import MCP servers"), "", self.tr("JSON files (*.json);;All files (*)")
        )
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> Any:
        """Import the servers of the config file at ``path`` (in the background)."""
        self.status.setText(self.tr("Importing…"))
        return run_in_background(
            _read_import,
            path,
            [s.id for s in self.servers],
            on_success=self._on_imported,
            on_error=lambda exc: self.status.setText(str(exc)),
            context=self,
        )

    def _on_imported(self, result: Any) -> None:
        self.servers.extend(result.servers)
        self._fill(len(self.servers) - 1)
        lines = [
            self.tr(
                "%n server(s) imported; enable them for the chats you choose.",
                "",
                len(result.servers),
            )
        ]
        if result.moved_secrets:
            moved = "; ".join(str(m) for m in result.moved_secrets)
            lines.append(self.tr("Moved to the keyring: {items}").format(items=moved))
        lines.extend(result.notices)
        self.status.setText("\n".join(lines))

    def _on_test_button_clicked(self) -> None:
        server = self.current()
        if server is not None:
            self._test(server)

    def _test(self, server: McpServerConfig) -> None:
        self.test_button.setEnabled(False)
        self.status.setText(self.tr("Starting “{server}”…").format(server=server.name))
        allowed = self._tools is not None and self._tools.plain_http_allowed(server.id)
        run_in_background(
            _test_server,
            copy.deepcopy(server),
            allowed,
            on_success=lambda names: self._on_tested(server, names, None),
            on_error=lambda exc: self._on_tested(server, [], exc),
            context=self,
        )

    def _on_tested(self, server: McpServerConfig, names: Any, error: BaseException | None) -> None:
        self.test_button.setEnabled(self.current() is not None)
        from nebula_desktop.tools.errors import PlainHttpRefused

        if isinstance(error, PlainHttpRefused) and self._tools is not None:
            self._ask_plain_http(server, error)
            return
        if error is not None:
            self.status.setText(
                self.tr("“{server}” did not start: {error}").format(server=server.name, error=error)
            )
            return
        self.status.setText(
            self.tr("“{server}” works: {tools}").format(
                server=server.name, tools=", ".join(names) or self.tr("no tools")
            )
        )

    def _ask_plain_http(self, server: McpServerConfig, refusal: Any) -> None:
        """Test met a plain-http server on another computer: ask; a yes holds for the session
        (the chats use it too) and tests again."""
        box = tools_plain_http_box(self, server.name, refusal.host, refusal.via_proxy)
        self.plain_http_question = box

        def answered(_code: int) -> None:
            self.plain_http_question = None
            if box.clickedButton() is box.button(QtWidgets.QMessageBox.StandardButton.Yes):
                self._tools.allow_plain_http(server.id)
                self._test(server)
            else:
                self.status.setText(
                    self.tr("“{server}” was not started: {error}").format(
                        server=server.name, error=refusal
                    )
                )

        box.finished.connect(answered)
        box.open()

    # -- saving --------------------------------------------------------------------------------

    def apply_to(self, s: Settings) -> None:
        """Write the servers and the rounds limit into ``s``."""
        s.mcp_servers = copy.deepcopy(self.servers)
        s.tool_max_rounds = self.rounds_spin.value()
