"""Theme switching: the whole app really turns dark or light, and back to the system look."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel

from nebula_desktop.ui.common.theme import apply_font_size, apply_theme, is_dark


def _window_lightness(app: QApplication) -> int:
    return app.palette().color(QPalette.ColorRole.Window).lightness()


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    apply_theme(qapp, "system")
    apply_font_size(qapp, 0)


def test_dark_mode_turns_the_palette_dark(app: QApplication) -> None:
    assert apply_theme(app, "dark") is True
    assert _window_lightness(app) < 80
    text = app.palette().color(QPalette.ColorRole.WindowText).lightness()
    assert text > 180  # readable on the dark background


def test_light_mode_turns_the_palette_light(app: QApplication) -> None:
    apply_theme(app, "dark")
    assert apply_theme(app, "light") is False
    assert _window_lightness(app) > 200


def test_existing_widgets_repaint_with_the_new_palette(app: QApplication, qtbot) -> None:
    label = QLabel("hello")
    qtbot.addWidget(label)
    label.show()

    def lightness() -> int:
        return label.palette().color(QPalette.ColorRole.Window).lightness()

    apply_theme(app, "dark")
    qtbot.waitUntil(lambda: lightness() < 80)
    apply_theme(app, "light")
    qtbot.waitUntil(lambda: lightness() > 200)


def test_system_mode_returns_to_the_platform_palette(app: QApplication) -> None:
    apply_theme(app, "system")
    native = app.palette().color(QPalette.ColorRole.Window).name()
    apply_theme(app, "dark")
    assert app.palette().color(QPalette.ColorRole.Window).name() != native
    dark = apply_theme(app, "system")
    assert app.palette().color(QPalette.ColorRole.Window).name() == native
    assert dark is is_dark(app)


def test_callback_hears_when_the_scheme_flips(app: QApplication) -> None:
    seen: list[bool] = []
    apply_theme(app, "light", on_dark_changed=seen.append)
    apply_theme(app, "dark")
    apply_theme(app, "dark")
    apply_theme(app, "light")
    assert seen[-2:] == [True, False]
    assert seen.count(True) == 1


def test_unknown_mode_falls_back_to_system(app: QApplication) -> None:
    native_dark = apply_theme(app, "system")
    assert apply_theme(app, "purple") is native_dark


def test_font_size_applies_and_zero_restores(app: QApplication) -> None:
    apply_font_size(app, 0)
    native = app.font().pointSize()
    apply_font_size(app, native + 5)
    assert app.font().pointSize() == native + 5
    apply_font_size(app, 0)
    assert app.font().pointSize() == native


def test_named_looks_show_without_an_application_style_sheet(app: QApplication, qtbot) -> None:
    from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

    from nebula_desktop.ui.common.looks import use_looks

    apply_theme(app, "light")
    assert app.styleSheet() == ""
    panel = QWidget()
    qtbot.addWidget(panel)
    strip = QFrame(panel)
    strip.setObjectName("undoBar")
    strip.setFixedSize(120, 30)
    error = QLabel("Could not connect", panel)
    error.setObjectName("fieldError")
    layout = QVBoxLayout(panel)
    layout.addWidget(strip)
    layout.addWidget(error)
    use_looks(panel)
    panel.show()
    qtbot.waitExposed(panel)
    # The strip has the alternate background with a line on top; the error is red.
    picture = strip.grab().toImage()
    assert picture.pixelColor(60, 15) == app.palette().color(QPalette.ColorRole.AlternateBase)
    assert picture.pixelColor(60, 0) == app.palette().color(QPalette.ColorRole.Mid)
    assert error.palette().color(QPalette.ColorRole.WindowText).name() == "#e53935"


def test_spin_boxes_with_looks_keep_their_style_sheet_size(app: QApplication, qtbot) -> None:
    from PySide6.QtWidgets import QSpinBox

    from nebula_desktop.ui.common.looks import STYLE_SHEET, use_looks

    apply_theme(app, "light")
    mine = QSpinBox()
    qtbot.addWidget(mine)
    use_looks(mine)
    mine_size = mine.sizeHint()
    # The size they had when the looks were the application's style sheet.
    app.setStyleSheet(STYLE_SHEET)
    before = QSpinBox()
    qtbot.addWidget(before)
    assert mine_size == before.sizeHint()


def test_explicit_light_stays_light_when_the_os_turns_dark(app: QApplication) -> None:
    from PySide6.QtCore import Qt

    seen: list[bool] = []
    apply_theme(app, "light", on_dark_changed=seen.append)
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert _window_lightness(app) > 200
    assert seen == []


def test_system_mode_re_reads_the_os_scheme_when_it_changes(app: QApplication) -> None:
    from PySide6.QtCore import Qt

    apply_theme(app, "dark")
    seen: list[bool] = []
    apply_theme(app, "system", on_dark_changed=seen.append)
    native_dark = is_dark(app)
    # The offscreen platform cannot really switch; the signal must at least be handled
    # without disturbing the platform look.
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert is_dark(app) is native_dark
    assert app.palette().resolveMask() == 0  # still the platform's own palette
