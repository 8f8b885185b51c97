"""``ServerEditor``: add or edit one MCP server (Settings → Tools → Add / Edit).

A ``stdio`` server is a command with arguments (one per line), environment variables
(``NAME=value`` per line) and a working folder; an ``http`` server (Streamable HTTP) is a URL
with headers (``Name: value`` per line) and an optional bearer token. Values that look like
credentials are not kept in the settings: :meth:`ServerEditor.server` returns them apart, to go
to the keyring (see ``tools.config.move_credentials``).
"""

from __future__ import annotations

import copy

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop.tools.config import (
    DEFAULT_TIMEOUT_S,
    MAX_ITEMS,
    MAX_VALUE_CHARS,
    McpServerConfig,
    keyring_user,
    move_credentials,
    parse_secret_ref,
    secret_ref,
)
from nebula_desktop.ui.common.looks import use_looks
from nebula_desktop.ui.common.plain import plain

TOKEN_NAME = "header-Authorization"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()][:MAX_ITEMS]


def _pairs(text: str, sep: str) -> tuple[dict[str, str], list[str]]:
    pairs: dict[str, str] = {}
    bad: list[str] = []
    for line in _lines(text):
        name, found, value = line.partition(sep)
        if not found or not name.strip():
            bad.append(line[:60])
            continue
        pairs[name.strip()] = value.strip()
    return pairs, bad


class ServerEditor(QDialog):
    """One server's fields; ``server()`` gives the edited server and the secrets to store."""

    def __init__(
        self, server: McpServerConfig, parent: QWidget | None = None, new: bool = False
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add a tools server") if new else self.tr("Edit tools server"))
        use_looks(self)
        self._server = copy.deepcopy(server)
        self.name_edit = QLineEdit(server.name)
        self.transport_combo = QComboBox()
        self.transport_combo.addItem(self.tr("Program on this computer (stdio)"), "stdio")
        self.transport_combo.addItem(self.tr("Streamable HTTP"), "http")
        self.transport_combo.addItem(self.tr("SSE (older HTTP transport)"), "sse")
        self.transport_combo.setCurrentIndex(
            max(0, self.transport_combo.findData(server.transport))
        )
        self.command_edit = QLineEdit(server.command)
        self.command_edit.setPlaceholderText("npx, uvx, docker, /usr/bin/python3 …")
        self.args_edit = QPlainTextEdit("\n".join(server.args))
        self.args_edit.setPlaceholderText(self.tr("One argument per line"))
        self.env_edit = QPlainTextEdit("\n".join(f"{k}={v}" for k, v in server.env.items()))
        self.env_edit.setPlaceholderText(self.tr("NAME=value, one per line"))
        self.cwd_edit = QLineEdit(server.cwd)
        self.cwd_edit.setPlaceholderText(self.tr("Your home folder"))
        self.url_edit = QLineEdit(server.url)
        self.url_edit.setPlaceholderText("https://example.com/mcp")
        headers = {k: v for k, v in server.headers.items() if k != "Authorization"}
        self.headers_edit = QPlainTextEdit("\n".join(f"{k}: {v}" for k, v in headers.items()))
        self.headers_edit.setPlaceholderText(self.tr("Name: value, one per line"))
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        has_token = parse_secret_ref(server.headers.get("Authorization", "")) is not None
        self.token_edit.setPlaceholderText(
            self.tr("Stored in the keyring (leave empty to keep it)")
            if has_token
            else self.tr("Optional; kept in the system keyring")
        )
        self.timeout_spin = QDoubleSpinBox()
        self.timeout_spin.setRange(1, 3600)
        self.timeout_spin.setSuffix(" s")
        self.timeout_spin.setValue(server.timeout_s or DEFAULT_TIMEOUT_S)
        for box in (self.args_edit, self.env_edit, self.headers_edit):
            box.setMaximumHeight(80)
        self.error = plain(QLabel())
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.form = QFormLayout()
        self.form.addRow(self.tr("Name"), self.name_edit)
        self.form.addRow(self.tr("Kind"), self.transport_combo)
        self.form.addRow(self.tr("Command"), self.command_edit)
        self.form.addRow(self.tr("Arguments"), self.args_edit)
        self.form.addRow(self.tr("Environment"), self.env_edit)
        self.form.addRow(self.tr("Working folder"), self.cwd_edit)
        self.form.addRow(self.tr("URL"), self.url_edit)
        self.form.addRow(self.tr("Headers"), self.headers_edit)
        self.form.addRow(self.tr("Bearer token"), self.token_edit)
        self.form.addRow(self.tr("Timeout"), self.timeout_spin)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.transport_combo.currentIndexChanged.connect(self._show_fields)
        self._show_fields()
        self.secrets: dict[str, str] = {}

    def _show_fields(self) -> None:
        stdio = self.transport_combo.currentData() == "stdio"
        for widget, show in (
            (self.command_edit, stdio),
            (self.args_edit, stdio),
            (self.env_edit, stdio),
            (self.cwd_edit, stdio),
            (self.url_edit, not stdio),
            (self.headers_edit, not stdio),
            (self.token_edit, not stdio),
        ):
            self.form.setRowVisible(widget, show)

    def problems(self) -> list[str]:
        """What keeps the fields from making a usable server (sentences)."""
        out = []
        if not self.name_edit.text().strip():
            out.append(self.tr("Give the server a name."))
        stdio = self.transport_combo.currentData() == "stdio"
        if stdio and not self.command_edit.text().strip():
            out.append(self.tr("Enter the command that starts the server."))
        url = self.url_edit.text().strip()
        if not stdio and not url.lower().startswith(("http://", "https://")):
            out.append(self.tr("Enter the server's address, starting with https://."))
        texts = [self.args_edit, self.env_edit, self.headers_edit]
        if any(len(box.toPlainText()) > MAX_VALUE_CHARS * 4 for box in texts):
            out.append(self.tr("A field is far too long."))
        _env, bad_env = _pairs(self.env_edit.toPlainText(), "=")
        _headers, bad_headers = _pairs(self.headers_edit.toPlainText(), ":")
        if stdio and bad_env:
            out.append(self.tr("Write each variable as NAME=value: {line}").format(line=bad_env[0]))
        if not stdio and bad_headers:
            out.append(
                self.tr("Write each header as Name: value: {line}").format(line=bad_headers[0])
            )
        return out

    def _on_buttons_accepted(self) -> None:
        problems = self.problems()
        if problems:
            self.error.setText(problems[0])
            self.error.show()
            return
        self.accept()

    def server(self) -> McpServerConfig:
        """The edited server; credentials in it are replaced by references and their values
        put in ``self.secrets`` (keyring user → value) for the caller to store."""
        s = self._server
        s.name = self.name_edit.text().strip()[:200]
        s.transport = str(self.transport_combo.currentData())
        s.timeout_s = float(self.timeout_spin.value())
        if s.transport == "stdio":
            s.command = self.command_edit.text().strip()
            s.args = _lines(self.args_edit.toPlainText())
            s.env = _pairs(self.env_edit.toPlainText(), "=")[0]
            s.cwd = self.cwd_edit.text().strip()
            s.url, s.headers = "", {}
        else:
            old_token = s.headers.get("Authorization", "")
            s.url = self.url_edit.text().strip()
            s.headers = _pairs(self.headers_edit.toPlainText(), ":")[0]
            s.command, s.args, s.env, s.cwd = "", [], {}, ""
            token = self.token_edit.text().strip()
            if token:
                value = token if token.lower().startswith("bearer ") else f"Bearer {token}"
                self.secrets[keyring_user(s.id, TOKEN_NAME)] = value
                s.headers["Authorization"] = secret_ref(s.id, TOKEN_NAME)
            elif parse_secret_ref(old_token) is not None:
                s.headers["Authorization"] = old_token
        self.secrets.update(move_credentials(s))
        return s
