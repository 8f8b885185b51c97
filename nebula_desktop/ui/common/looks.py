"""The few looks widgets opt into by object name, set as their own style sheets.

The undo strip under the chat list (and the strips over the composer), the settings' field
notes, the welcome line and the empty-list hint. Colours come from the palette (or stand out
the same on light and dark), so each look works in both themes.

There is no application-wide style sheet: one made Qt run every widget of the window through
its style-sheet engine (~27 M instructions before the first paint) for rules that match about
ten widgets. :func:`use_looks` puts the rules on the widget (and the children) that need them;
widgets hidden at start take them as they are first shown (:func:`use_looks_once`), so a start
that never shows them pays nothing for them.
Spin boxes get them too: the style-sheet engine sizes them its own way (a little wider and
lower than the plain style), and they keep the size they always had.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

LOOKS = {
    # The "Chat deleted · Undo" bar; the tool card and the context strip over the composer.
    "undoBar": "background: palette(alternate-base); border-top: 1px solid palette(mid);",
    # Inline notes in the settings (base URL, clear-text key), errors and a test's success.
    "fieldWarning": "color: #d07a00;",
    "fieldError": "color: #e53935;",
    "fieldSuccess": "color: #43a047;",
    # The first-run welcome line.
    "welcomeLabel": "font-weight: bold; padding: 4px 0 8px 0;",
    # The empty chat list's hint (its colour is the placeholder-text role).
    "emptyHint": "padding: 16px;",
}

STYLE_SHEET = "\n".join(f"#{name} {{ {rule} }}" for name, rule in LOOKS.items())


def use_looks(widget: QWidget) -> None:
    """Apply every look of :data:`LOOKS` to ``widget`` and its children, by object name.

    A child whose object name changes later (a test result turning from error to success)
    takes its new look once re-polished, as under an application style sheet.
    """
    widget.setStyleSheet(STYLE_SHEET)


def use_looks_once(widget: QWidget) -> None:
    """:func:`use_looks`, unless ``widget`` has a style sheet already (call it before showing)."""
    if not widget.styleSheet():
        use_looks(widget)
