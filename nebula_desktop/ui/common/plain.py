"""Text from servers, models and files shown as plain text, never as Qt rich text.

A QLabel, a QMessageBox and a tooltip guess: text whose first line holds something tag-like is
rendered as HTML (``Qt::mightBeRichText``), so an error message with ``<img src=file:///…>``
would make Qt read a local file, and ``<a href>`` would show a link. Error texts, model names,
chat titles, file names, profile names and request ids all come from outside the app; every
widget that shows them uses one of these helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # Qt::mightBeRichText lives in QtGui's Qt namespace
from PySide6.QtWidgets import QLabel

if TYPE_CHECKING:  # naming the type at import would build its enum types at every start
    from PySide6.QtWidgets import QMessageBox

_Shown = TypeVar("_Shown", QLabel, "QMessageBox")


def plain(widget: _Shown) -> _Shown:
    """``widget`` (a QLabel, or a QMessageBox with its informative text) showing plain text."""
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows exactly these characters.

    Tooltips have no text format of their own; text that Qt would take for HTML is escaped
    inside an explicit rich-text paragraph (line breaks kept). Other text is returned as is.
    """
    if not GuiQt.mightBeRichText(text):
        return text
    import html  # (and its entity table: only for a tooltip that needs escaping)

    return f"<p style='white-space:pre-wrap'>{html.escape(text, quote=False)}</p>"


def window_title(text: str) -> str:
    """``text`` for ``setWindowTitle``: Qt takes "[*]" as its "modified" mark and hides it, so a
    chat titled "Fix [*] parsing" would lose it; doubled, Qt shows it once."""
    return text.replace("[*]", "[*][*]")
