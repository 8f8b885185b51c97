"""``ToolCard``: the strip above the composer where a tool call waits for the user's approval.

It shows which server and tool the model wants to run and the arguments it wrote (pretty JSON,
plain text: a model's text is never markup here), with *Allow once*, *Always allow this tool*
and *Deny*; while an allowed call runs it says so (Stop in the composer ends it); and a line
for tools that could not be used ("command not found: npx"), which stays until dismissed or the
next turn.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nebula_desktop.ui.common.looks import use_looks_once
from nebula_desktop.ui.common.plain import plain

# Arguments shown in the card at most (the model may write a megabyte); the rest is summed up.
MAX_SHOWN_ARGUMENTS = 20_000


def pretty_arguments(text: str) -> str:
    """The arguments a model wrote, indented when they are JSON, as written otherwise; cut at
    :data:`MAX_SHOWN_ARGUMENTS` characters (checked before parsing)."""
    if len(text) <= MAX_SHOWN_ARGUMENTS:
        try:
            value = json.loads(text) if text.strip() else {}
        except (ValueError, RecursionError):
            value = None
        if value is not None:
            shown = json.dumps(value, ensure_ascii=False, indent=2)
            if len(shown) <= MAX_SHOWN_ARGUMENTS:
                return shown
            text = shown
    if len(text) > MAX_SHOWN_ARGUMENTS:
        return text[:MAX_SHOWN_ARGUMENTS] + f"\n… ({len(text) - MAX_SHOWN_ARGUMENTS:,} more)"
    return text


class ToolCard(QFrame):
    """Emits ``allow_once``, ``always_allow`` or ``deny`` for the call it shows."""

    allow_once = Signal()
    always_allow = Signal()
    deny = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")  # the strip look over the composer
        self.title = plain(QLabel(self))
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.detail = plain(QLabel(self))
        self.detail.setWordWrap(True)
        self.arguments = QPlainTextEdit(self)
        self.arguments.setReadOnly(True)
        self.arguments.setAccessibleName(self.tr("Tool arguments"))
        self.arguments.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.arguments.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.allow_button = QPushButton(self.tr("Allow once"), self)
        self.always_button = QPushButton(self.tr("Always allow this tool"), self)
        self.always_button.setToolTip(
            self.tr(
                "Run this tool of this server without asking again (revocable in Settings → Tools)"
            )
        )
        self.deny_button = QPushButton(self.tr("Deny"), self)
        self.deny_button.setToolTip(self.tr("Do not run it; the model is told you refused"))
        self.allow_button.clicked.connect(self.allow_once)
        self.always_button.clicked.connect(self.always_allow)
        self.deny_button.clicked.connect(self.deny)
        buttons = QHBoxLayout()
        buttons.addWidget(self.allow_button)
        buttons.addWidget(self.always_button)
        buttons.addWidget(self.deny_button)
        buttons.addStretch(1)
        self.ask_box = QWidget(self)
        ask = QVBoxLayout(self.ask_box)
        ask.setContentsMargins(0, 0, 0, 0)
        ask.addWidget(self.title)
        ask.addWidget(self.detail)
        ask.addWidget(self.arguments)
        ask.addLayout(buttons)
        self.running = plain(QLabel(self))
        self.running.setWordWrap(True)
        self.notice = plain(QLabel(self))
        self.notice.setObjectName("fieldWarning")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_notice = QToolButton(self)
        self.close_notice.setText("×")
        self.close_notice.setAccessibleName(self.tr("Dismiss"))
        self.close_notice.clicked.connect(self.dismiss_notice)
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.close_notice, 0, Qt.AlignmentFlag.AlignTop)
        self.notice_box = QWidget(self)
        self.notice_box.setLayout(notice_row)
        notice_row.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.notice_box)
        layout.addWidget(self.ask_box)
        layout.addWidget(self.running)
        self.ask_box.hide()
        self.running.hide()
        self.notice_box.hide()
        self.hide()

    # -- what it shows -----------------------------------------------------------------------

    def setVisible(self, visible: bool) -> None:
        if visible:
            use_looks_once(self)  # its look, once it shows: not a cost of every start
        super().setVisible(visible)

    def ask(self, server: str, tool: str, arguments: str, position: int, count: int) -> None:
        """Ask to run ``tool`` of ``server`` with ``arguments`` (the model's JSON text)."""
        self.title.setText(
            self.tr("The model wants to run {tool} of “{server}”").format(tool=tool, server=server)
        )
        parts = [self.tr("Nothing runs without your approval.")]
        if count > 1:
            parts.insert(0, self.tr("Call {n} of {count}.").format(n=position, count=count))
        self.detail.setText(" ".join(parts))
        shown = pretty_arguments(arguments)
        self.arguments.setPlainText(shown)
        # As tall as the arguments, up to 8 lines (then it scrolls).
        lines = min(8, shown.count("\n") + 1)
        margins = self.arguments.contentsMargins()
        frame = 2 * self.arguments.frameWidth() + margins.top() + margins.bottom()
        height = lines * self.arguments.fontMetrics().lineSpacing() + frame + 8
        self.arguments.setFixedHeight(height)
        self.running.hide()
        self.ask_box.show()
        self.show()
        self.allow_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_running(self, text: str) -> None:
        """A line while a call runs or the tools start (the buttons are gone)."""
        self.ask_box.hide()
        self.running.setText(text)
        self.running.show()
        self.show()

    def add_notice(self, text: str) -> None:
        """A line about tools that could not be used; kept until dismissed or cleared."""
        current = self.notice.text()
        lines = current.split("\n") if current else []
        if text not in lines:
            lines.append(text)
        self.notice.setText("\n".join(lines[-5:]))
        self.notice_box.show()
        self.show()

    def dismiss_notice(self) -> None:
        """Take the notice lines away."""
        self.notice.clear()
        self.notice_box.hide()
        self._hide_if_empty()

    def idle(self) -> None:
        """Nothing waits or runs: only a notice, if any, stays."""
        self.ask_box.hide()
        self.running.hide()
        self._hide_if_empty()

    @property
    def asking(self) -> bool:
        """Whether the approval buttons are showing."""
        return not self.isHidden() and not self.ask_box.isHidden()

    def _hide_if_empty(self) -> None:
        if self.ask_box.isHidden() and self.running.isHidden() and self.notice_box.isHidden():
            self.hide()
