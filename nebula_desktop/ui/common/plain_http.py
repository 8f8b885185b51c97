"""``plain_http_box``: the "Send anyway?" question before an API key goes unencrypted to another
computer — asked by the chat before a request (``ui/chat/plain_http_guard.py``) and by the
settings dialog before Test connection (``ui/settings/profile_editor.py``)."""

from __future__ import annotations

from PySide6 import QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from nebula_desktop.ui.common.i18n import translate
from nebula_desktop.ui.common.plain import plain


def plain_http_box(
    parent: QWidget | None, host: str, via_proxy: bool = False
) -> QtWidgets.QMessageBox:
    """The "Send anyway?" question before a key goes unencrypted to ``host`` (not yet open);
    ``via_proxy``: ``host`` is a proxy on the way to a server on this computer."""
    if via_proxy:
        question = translate(
            "PlainHttpGuard",
            "This profile sends your API key unencrypted to the proxy {host}. Send anyway?",
        )
        why = translate(
            "PlainHttpGuard",
            "The base URL is plain http://, so the proxy and anyone on the networks in between "
            "can read and reuse the key. Use https://, or a proxy on this computer.",
        )
    else:
        question = translate(
            "PlainHttpGuard", "This profile sends your API key unencrypted to {host}. Send anyway?"
        )
        why = translate(
            "PlainHttpGuard",
            "Anyone on the networks in between can read and reuse the key. Use https://.",
        )
    box = QtWidgets.QMessageBox(
        QtWidgets.QMessageBox.Icon.Warning,
        translate("PlainHttpGuard", "Unencrypted connection"),
        question.format(host=host),
        QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.button(QtWidgets.QMessageBox.StandardButton.Yes).setText(
        translate("PlainHttpGuard", "Send anyway")
    )
    box.setDefaultButton(QtWidgets.QMessageBox.StandardButton.Cancel)
    plain(box)  # the host comes from a (possibly imported) profile
    box.setInformativeText(why)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    return box


def tools_plain_http_box(
    parent: QWidget | None, server: str, host: str, via_proxy: bool = False
) -> QtWidgets.QMessageBox:
    """The "Use anyway?" question before a tools (MCP) server is used over plain http on another
    computer (or through a plain-http proxy on one): asked by the chat's tool loop when the
    server is first needed and by Test in Settings → Tools; a yes holds for the session."""
    if via_proxy:
        question = translate(
            "PlainHttpGuard",
            "The tools server “{server}” uses plain http: tool arguments, results and its "
            "headers would travel unencrypted to the proxy {host}. Use it anyway?",
        )
    else:
        question = translate(
            "PlainHttpGuard",
            "The tools server “{server}” uses plain http: tool arguments, results and its "
            "headers would travel unencrypted to {host}. Use it anyway?",
        )
    box = QtWidgets.QMessageBox(
        QtWidgets.QMessageBox.Icon.Warning,
        translate("PlainHttpGuard", "Unencrypted connection"),
        question.format(server=server, host=host),
        QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.button(QtWidgets.QMessageBox.StandardButton.Yes).setText(
        translate("PlainHttpGuard", "Use anyway")
    )
    box.setDefaultButton(QtWidgets.QMessageBox.StandardButton.Cancel)
    plain(box)  # the names come from a (possibly imported) server configuration
    box.setInformativeText(
        translate(
            "PlainHttpGuard",
            "Anyone on the networks in between can read and change them. A yes holds until "
            "Nebula quits. Use https:// if the server offers it.",
        )
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    return box
