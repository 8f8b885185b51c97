"""Light, dark or follow-the-OS colours for the whole application.

``apply_theme(app, mode)`` with ``mode`` one of ``"system"``, ``"light"``, ``"dark"``:

* Qt ≥ 6.8 can ask the platform for a colour scheme (``QStyleHints.setColorScheme``); when the
  platform honours it we keep its native palette.
* Where it does not (older Qt, the offscreen/minimal platforms, some Linux desktops) we fall back
  to the Fusion style with a palette of our own, so "Dark" always means dark.
* In ``"system"`` mode we follow the OS live: ``colorSchemeChanged`` re-applies and calls the
  optional ``on_dark_changed(dark)`` callback so views that paint their own colours (the message
  view's code highlighting) can switch too.

Returns whether the effective scheme is dark. ``apply_font_size(app, points)`` sets the
application font size (0 = the system's). There is no application style sheet: the few widgets
with a look of their own get it from ``looks.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

log = logging.getLogger(__name__)

MODES = ("system", "light", "dark")
_CONTROLLER_NAME = "nebulaThemeController"
# Some platforms accept a colour scheme but repaint the palette a moment later: look again then.
PALETTE_SETTLE_MS = 300


_Role = QPalette.ColorRole
# Each theme is a table of the same roles, built into a palette by one function.
_DARK_COLORS = {
    _Role.Window: "#202124",
    _Role.WindowText: "#E8E8EA",
    _Role.Base: "#17181B",
    _Role.AlternateBase: "#2A2B2F",
    _Role.ToolTipBase: "#2A2B2F",
    _Role.ToolTipText: "#E8E8EA",
    _Role.PlaceholderText: "#9A9AA0",
    _Role.Text: "#E8E8EA",
    _Role.Button: "#2C2D31",
    _Role.ButtonText: "#E8E8EA",
    _Role.BrightText: "#FF5555",
    _Role.Light: "#3A3B40",
    _Role.Midlight: "#333438",
    _Role.Mid: "#4A4B50",
    _Role.Dark: "#101012",
    _Role.Shadow: "#000000",
    _Role.Highlight: "#3D6FD9",
    _Role.HighlightedText: "#FFFFFF",
    _Role.Link: "#7AAEFF",
    _Role.LinkVisited: "#B39DFF",
}
_LIGHT_COLORS = {
    _Role.Window: "#F3F3F5",
    _Role.WindowText: "#1D1D1F",
    _Role.Base: "#FFFFFF",
    _Role.AlternateBase: "#ECECF0",
    _Role.ToolTipBase: "#FFFFF0",
    _Role.ToolTipText: "#1D1D1F",
    _Role.PlaceholderText: "#808086",
    _Role.Text: "#1D1D1F",
    _Role.Button: "#EEEEF0",
    _Role.ButtonText: "#1D1D1F",
    _Role.BrightText: "#D00000",
    _Role.Light: "#FFFFFF",
    _Role.Midlight: "#E0E0E4",
    _Role.Mid: "#B8B8BE",
    _Role.Dark: "#9A9AA0",
    _Role.Shadow: "#606066",
    _Role.Highlight: "#2F6FEB",
    _Role.HighlightedText: "#FFFFFF",
    _Role.Link: "#1A5FD0",
    _Role.LinkVisited: "#6A3FB5",
}
# The dark theme also dims disabled text: Qt's default disabled colours suit a light background.
_DARK_DISABLED_TEXT = "#808086"


def _palette(colors: dict[QPalette.ColorRole, str], disabled_text: str | None = None) -> QPalette:
    """A palette with ``colors`` for every state, and ``disabled_text`` for disabled text."""
    p = QPalette()
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    if disabled_text is not None:
        for role in (_Role.WindowText, _Role.Text, _Role.ButtonText):
            p.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled_text))
    return p


def _dark_palette() -> QPalette:
    return _palette(_DARK_COLORS, _DARK_DISABLED_TEXT)


def _light_palette() -> QPalette:
    return _palette(_LIGHT_COLORS)


def _is_dark(palette: QPalette) -> bool:
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return window.lightness() < text.lightness()


class _ThemeController(QObject):
    """Remembers the native look so "system" can return to it, and follows OS changes."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName(_CONTROLLER_NAME)
        self._app = app
        # The platform's style, named when our fallback first replaces it: reading
        # ``app.style()`` builds all of QStyle's Python enums (~47 M instructions), which the
        # first paint does not need when the platform's look is kept.
        self._native_style: str | None = None
        self.native_font = QFont(app.font())
        self.mode = "system"
        self.dark = _is_dark(app.palette())
        self.on_dark_changed: Callable[[bool], None] | None = None
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._on_hints_color_scheme_changed)

    def apply(self, mode: str) -> bool:
        self.mode = mode if mode in MODES else "system"
        hints = QGuiApplication.styleHints()
        wanted = {
            "light": Qt.ColorScheme.Light,
            "dark": Qt.ColorScheme.Dark,
            "system": Qt.ColorScheme.Unknown,
        }[self.mode]
        if hasattr(hints, "setColorScheme"):  # Qt >= 6.8
            hints.setColorScheme(wanted)
        if self.mode == "system":
            self._restore_native()
            scheme = hints.colorScheme()
            if scheme == Qt.ColorScheme.Dark:
                dark = True
            elif scheme == Qt.ColorScheme.Light:
                dark = False
            else:
                dark = _is_dark(self._app.palette())
        else:
            dark = self.mode == "dark"
            self._restore_native()  # the platform's own look, if it can do what we asked
            if hints.colorScheme() != wanted:
                self._paint_fallback(dark)  # it cannot: paint it ourselves
            elif _is_dark(self._app.palette()) != dark:
                # It agreed, but some platforms update the palette a moment later: check then.
                QTimer.singleShot(PALETTE_SETTLE_MS, self._verify_palette)
        return self._set_dark(dark)

    def _paint_fallback(self, dark: bool) -> None:
        if self._native_style is None:
            self._native_style = self._app.style().name()
        self._app.setStyle(QStyleFactory.create("Fusion"))
        self._app.setPalette(_dark_palette() if dark else _light_palette())

    def _verify_palette(self) -> None:
        if self.mode in ("light", "dark") and _is_dark(self._app.palette()) != self.dark:
            log.info("platform did not switch the palette to %s; using our own", self.mode)
            self._paint_fallback(self.dark)

    def _restore_native(self) -> None:
        native = self._native_style
        # Until the fallback replaced it, the application still has the platform's style.
        if native is not None and self._app.style().name().lower() != native.lower():
            style = QStyleFactory.create(native)
            if style is not None:
                self._app.setStyle(style)
        # A default-constructed palette resets to the platform's and keeps following it.
        self._app.setPalette(QPalette())

    def _set_dark(self, dark: bool) -> bool:
        changed = dark != self.dark
        self.dark = dark
        if changed and self.on_dark_changed is not None:
            self.on_dark_changed(dark)
        return dark

    def _on_hints_color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.mode != "system":
            return
        self.apply("system")


def _controller(app: QApplication) -> _ThemeController:
    found = app.findChild(_ThemeController, _CONTROLLER_NAME)
    return found if found is not None else _ThemeController(app)


def apply_theme(
    app: QApplication, mode: str, on_dark_changed: Callable[[bool], None] | None = None
) -> bool:
    """Switch the application to ``mode`` ("system", "light" or "dark"); return True if dark.

    ``on_dark_changed(dark)`` (optional, replaces an earlier one) is called whenever the
    effective scheme flips later — by a later ``apply_theme`` or, in "system" mode, by the OS.
    """
    controller = _controller(app)
    if on_dark_changed is not None:
        controller.on_dark_changed = on_dark_changed
    return controller.apply(mode)


def is_dark(app: QApplication) -> bool:
    """Whether the application currently uses a dark scheme."""
    return _controller(app).dark


def apply_font_size(app: QApplication, points: int) -> None:
    """Use ``points`` as the application font size; 0 restores the system size."""
    font = QFont(_controller(app).native_font)
    if points > 0:
        font.setPointSize(points)
    app.setFont(font)
