"""The composer: Enter sends, Shift+Enter adds a line, it grows, Send turns into Stop."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from nebula_desktop.ui.chat.composer import Composer
from tests.gui.helpers import show_widget


def make(qtbot: Any) -> Composer:
    composer: Composer = show_widget(qtbot, Composer(), 500, 120)
    return composer


def test_enter_sends_the_text(qtbot: Any) -> None:
    composer = make(qtbot)
    qtbot.keyClicks(composer.editor, "hello there")
    with qtbot.waitSignal(composer.send_requested) as blocker:
        qtbot.keyClick(composer.editor, Qt.Key.Key_Return)
    assert blocker.args == ["hello there"]


def test_shift_enter_adds_a_new_line_instead_of_sending(qtbot: Any) -> None:
    composer = make(qtbot)
    qtbot.keyClicks(composer.editor, "one")
    with qtbot.assertNotEmitted(composer.send_requested):
        qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(composer.editor, "two")
    assert composer.text() == "one\ntwo"


def test_blank_text_is_not_sent(qtbot: Any) -> None:
    composer = make(qtbot)
    qtbot.keyClicks(composer.editor, "   ")
    with qtbot.assertNotEmitted(composer.send_requested):
        qtbot.keyClick(composer.editor, Qt.Key.Key_Return)


def test_box_grows_with_lines_up_to_six(qtbot: Any) -> None:
    composer = make(qtbot)
    one_line = composer.editor.height()
    composer.set_text("a\nb\nc")
    qtbot.waitUntil(lambda: composer.editor.height() > one_line)
    three_lines = composer.editor.height()
    composer.set_text("\n".join("x" * 20))
    qtbot.waitUntil(lambda: composer.editor.height() > three_lines)
    six_lines = composer.editor.height()
    composer.set_text("\n".join("y" * 40))
    qtbot.wait(0)  # let the layout settle: the height must not pass six lines
    assert composer.editor.height() == six_lines


def test_send_button_becomes_stop_while_streaming_and_esc_stops(qtbot: Any) -> None:
    composer = make(qtbot)
    composer.set_streaming(True)
    assert composer.button.text() == "Stop"
    qtbot.keyClicks(composer.editor, "next question")
    with qtbot.assertNotEmitted(composer.send_requested):
        qtbot.keyClick(composer.editor, Qt.Key.Key_Return)
    with qtbot.waitSignal(composer.stop_requested):
        qtbot.keyClick(composer.editor, Qt.Key.Key_Escape)
    with qtbot.waitSignal(composer.stop_requested):
        composer.button.click()
    composer.set_streaming(False)
    assert composer.button.text() == "Send"
    with qtbot.waitSignal(composer.send_requested) as blocker:
        composer.button.click()
    assert blocker.args == ["next question"]


def test_read_only_conversation_cannot_send(qtbot: Any) -> None:
    composer = make(qtbot)
    composer.set_read_only(True, "read-only")
    assert not composer.button.isEnabled()
    assert composer.notice.isVisible()
