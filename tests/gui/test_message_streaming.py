"""Streaming into the message view: what the user sees while an answer arrives."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QPoint, QPointF, QRect, Qt, QUrl
from PySide6.QtGui import QFont, QGuiApplication, QMouseEvent
from PySide6.QtWidgets import QApplication, QTextBrowser

from nebula_desktop.render import render_markdown
from nebula_desktop.store import Message
from nebula_desktop.ui.messages.documents import StreamingDoc, new_document
from nebula_desktop.ui.messages.view import MessageView
from tests.gui.helpers import show_widget

ANSWER = (
    "# Title\n\nIntro paragraph with **bold** and `code`.\n\n```python\nx = 1\n\ny = 2\n```\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n1. one\n2. two\n   - nested\n\n> quoted\n\nThe end.\n"
)


@pytest.fixture
def view(qtbot):  # type: ignore[no-untyped-def]
    return show_widget(qtbot, MessageView(), 700, 500)


def _plain(text: str) -> str:
    # The live document carries tiny spacer paragraphs between blocks; compare the words.
    return " ".join(text.replace("\u200b", " ").split())


def test_live_document_shows_the_same_text_as_a_full_render(qapp) -> None:  # type: ignore[no-untyped-def]
    live = StreamingDoc(dark=False, font=QFont())
    for end in range(0, len(ANSWER) + 1, 3):
        live.update(ANSWER[:end])
    live.update(ANSWER)
    full = new_document(QFont())
    full.setHtml(render_markdown(ANSWER).html)
    assert _plain(live.entry.doc.toPlainText()) == _plain(full.toPlainText())
    assert live.entry.code_blocks == ["x = 1\n\ny = 2\n"]


def test_finished_answer_is_rendered_once_in_full(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    answer = Message(role="assistant", content="", complete=False)
    view.set_messages([Message(role="user", content="q")])
    view.append_message(answer)
    view.set_streaming(answer.id)
    for i in range(0, len(ANSWER), 5):
        view.stream_append(answer.id, "content", ANSWER[i : i + 5])
        view.flush_stream()
    answer.complete = True
    view.set_streaming(None)
    lay = view.message_delegate.layout(answer, 1, 0)
    assert lay.body_doc.html == render_markdown(ANSWER).html


def _start_answer_below_a_long_chat(qtbot, view: MessageView) -> Message:  # type: ignore[no-untyped-def]
    """Forty messages, then an empty answer starts streaming; waits until the view is at the end."""
    msgs = [
        Message(role="user" if i % 2 == 0 else "assistant", content=f"m{i} " * 40)
        for i in range(40)
    ]
    view.set_messages(msgs)
    answer = Message(role="assistant", content="", complete=False)
    view.append_message(answer)
    view.set_streaming(answer.id)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    return answer


def _stream_lines(view: MessageView, answer: Message, count: int) -> None:
    """Stream ``count`` short paragraphs into ``answer``, each shown as it arrives."""
    for i in range(count):
        view.stream_append(answer.id, "content", f"line {i}\n\n")
        view.flush_stream()


def test_view_follows_the_stream_when_at_the_bottom(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    answer = _start_answer_below_a_long_chat(qtbot, view)
    bar = view.verticalScrollBar()
    _stream_lines(view, answer, 30)
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())
    last = view.model().index(view.model().rowCount() - 1, 0)
    assert view.visualRect(last).bottom() <= view.viewport().height() + 2


def test_view_stays_put_when_the_user_scrolled_up(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    answer = _start_answer_below_a_long_chat(qtbot, view)
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    where = bar.value()
    _stream_lines(view, answer, 30)
    view.executeDelayedItemsLayout()
    assert bar.value() == where
    assert bar.value() < bar.maximum()


def _press_drag_release(view: MessageView, start: QPoint, end: QPoint) -> None:
    vp = view.viewport()
    for kind, pos, buttons in (
        (QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseMove, end, Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton),
    ):
        event = QMouseEvent(
            kind,
            QPointF(pos),
            QPointF(vp.mapToGlobal(pos)),
            Qt.MouseButton.LeftButton,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(vp, event)


def _show_alone(view: MessageView, msg: Message) -> tuple[QModelIndex, QRect]:
    """Show ``msg`` as the only message; return its index and where its text is painted."""
    view.set_messages([msg])
    view.executeDelayedItemsLayout()
    index = view.model().index(0, 0)
    return index, view.message_delegate.body_rect(index, view.visualRect(index))


def test_dragging_over_a_message_selects_part_of_it(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msg = Message(role="assistant", content="alpha beta gamma delta epsilon")
    index, body = _show_alone(view, msg)
    y = body.top() + body.height() // 2
    _press_drag_release(
        view, QPoint(body.left() + 1, y), QPoint(body.left() + body.width() // 6, y)
    )
    editor = view.indexWidget(index)
    assert isinstance(editor, QTextBrowser)
    selected = editor.textCursor().selectedText()
    assert selected and "alpha".startswith(selected[:3])
    # Ctrl+C copies just the selection, wherever the keyboard focus ended up.
    target = QApplication.focusWidget() or view
    qtbot.keyClick(target, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == selected
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == selected


def test_selection_closes_when_scrolled_away_or_another_row_is_clicked(
    qtbot, view: MessageView
) -> None:  # type: ignore[no-untyped-def]
    msgs = [Message(role="assistant", content=f"message number {i} " * 30) for i in range(30)]
    view.set_messages(msgs)
    view.executeDelayedItemsLayout()
    last = view.model().index(29, 0)
    body = view.message_delegate.body_rect(last, view.visualRect(last))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=body.center())
    assert view.indexWidget(last) is not None
    view.verticalScrollBar().setValue(0)
    assert view.indexWidget(last) is None


def test_link_in_the_selectable_text_emits_only_for_web_links(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msg = Message(role="assistant", content="see [site](https://example.org/) now")
    index, body = _show_alone(view, msg)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=body.topLeft() + QPoint(2, 4))
    editor = view.indexWidget(index)
    assert isinstance(editor, QTextBrowser)
    with qtbot.waitSignal(view.link_activated) as sig:
        editor.anchorClicked.emit(QUrl("https://example.org/"))
    assert sig.args == ["https://example.org/"]
    with qtbot.assertNotEmitted(view.link_activated):
        editor.anchorClicked.emit(QUrl("file:///etc/passwd"))


def test_streaming_answer_never_vanishes_during_relayout(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QObject

    msgs = [
        Message(role="user" if i % 2 == 0 else "assistant", content=f"m{i}") for i in range(1500)
    ]
    view.set_messages(msgs)
    answer = Message(role="assistant", content="", complete=False)
    view.append_message(answer)
    view.set_streaming(answer.id)
    last = view.model().index(len(msgs), 0)
    qtbot.waitUntil(lambda: view.visualRect(last).intersects(view.viewport().rect()))
    seen = {"paints": 0, "missing": 0}

    class PaintWatcher(QObject):
        def eventFilter(self, obj, event):  # type: ignore[no-untyped-def]
            if event.type() == QEvent.Type.Paint:
                seen["paints"] += 1
                if not view.visualRect(last).intersects(view.viewport().rect()):
                    seen["missing"] += 1
            return False

    watcher = PaintWatcher()
    view.viewport().installEventFilter(watcher)
    for i in range(40):
        view.stream_append(answer.id, "content", "word " * 30 + ("\n\n" if i % 3 == 0 else ""))
        view.flush_stream()
        painted = seen["paints"]
        view.viewport().update()
        qtbot.waitUntil(lambda painted=painted: seen["paints"] > painted)
        for _ in range(5):
            QApplication.processEvents()
    view.viewport().removeEventFilter(watcher)
    assert seen["paints"] >= 40
    assert seen["missing"] == 0


def _settle(view: MessageView) -> None:
    for _ in range(3):
        view.grab()
        view.executeDelayedItemsLayout()


def _middle_row(view: MessageView):  # type: ignore[no-untyped-def]
    center = QPoint(view.viewport().width() // 2, view.viewport().height() // 2)
    for dy in (0, 24, -24, 60):
        index = view.indexAt(center + QPoint(0, dy))
        if index.isValid():
            return index
    raise AssertionError("no row in the middle of the view")


def test_message_being_read_stays_put_when_a_message_above_grows(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msgs = [
        Message(role="assistant", content=f"Answer {i}\n\n" + "words " * 80) for i in range(200)
    ]
    view.set_messages(msgs)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 2)
    _settle(view)
    reading = _middle_row(view)
    top = view.visualRect(reading).top()
    above = msgs[reading.row() - 1]
    above.content += "\n\nA long addition. " * 30  # e.g. an edit landing in a message above
    view.refresh_message(above.id)
    _settle(view)
    assert abs(view.visualRect(reading).top() - top) <= 2


def test_thinking_toggle_stays_under_the_mouse(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msgs = [
        Message(
            role="assistant", content=f"Answer {i} " * 20, reasoning="step one\n\nstep two " * 20
        )
        for i in range(100)
    ]
    view.set_messages(msgs)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 2)
    _settle(view)
    index = view.indexAt(QPoint(view.viewport().width() // 2, 40))
    if view.visualRect(index).top() < 0:
        index = view.model().index(index.row() + 1, 0)
    rect = view.visualRect(index)
    d = view.message_delegate
    header = d.layout(msgs[index.row()], index.row(), rect.top()).thinking_header
    assert header is not None
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=header.center())
    _settle(view)
    rect_after = view.visualRect(index)
    assert d.layout(msgs[index.row()], index.row(), rect_after.top()).thinking_doc is not None
    assert abs(rect_after.top() - rect.top()) <= 2


def test_message_being_read_stays_put_while_rows_above_are_measured(
    qtbot, view: MessageView
) -> None:  # type: ignore[no-untyped-def]
    # Code blocks and tables make the cheap text-length estimate wrong, so rows change height
    # when they are first shown.
    body = "Intro\n\n```python\n" + "x = 1\n" * 12 + "```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    msgs = [Message(role="assistant", content=f"Answer {i}\n\n{body}") for i in range(300)]
    view.set_messages(msgs)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 2)
    view.grab()  # paint: visible rows are measured, the view lays out again
    center = QPoint(view.viewport().width() // 2, view.viewport().height() // 2)

    def settle() -> None:
        for _ in range(3):
            view.grab()
            view.executeDelayedItemsLayout()

    settle()
    for _ in range(6):  # scroll up a few screens, as a reader would
        reading = next(
            view.indexAt(center + QPoint(0, dy))
            for dy in (0, 24, -24, 60)
            if view.indexAt(center + QPoint(0, dy)).isValid()
        )
        top = view.visualRect(reading).top()
        moved_by = view.viewport().height() // 3
        bar.setValue(bar.value() - moved_by)
        settle()
        assert abs(view.visualRect(reading).top() - (top + moved_by)) <= 2


def test_double_click_selects_a_word_and_escape_returns_to_the_list(
    qtbot, view: MessageView
) -> None:  # type: ignore[no-untyped-def]
    view.set_messages([Message(role="assistant", content="alpha beta gamma")])
    view.executeDelayedItemsLayout()
    index = view.model().index(0, 0)
    body = view.message_delegate.body_rect(index, view.visualRect(index))
    pos = QPoint(body.left() + 3, body.top() + body.height() // 2)
    # A real double-click arrives as press, release, double-click, release.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    editor = view.indexWidget(index)
    assert isinstance(editor, QTextBrowser)
    assert editor.textCursor().selectedText() == "alpha"
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert view.indexWidget(index) is None
    assert view.hasFocus()


def test_thinking_text_can_be_selected_and_copied(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msg = Message(role="assistant", content="The answer.", reasoning="First I considered options.")
    view.set_messages([msg])
    view.executeDelayedItemsLayout()
    view.message_delegate.thinking_open[msg.id] = True
    view.refresh_message(msg.id)
    view.executeDelayedItemsLayout()
    index = view.model().index(0, 0)
    rect = view.message_delegate.body_rect(index, view.visualRect(index), "thinking")
    assert rect.isValid()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    editor = view.indexWidget(index)
    assert isinstance(editor, QTextBrowser)
    assert editor.toPlainText() == "First I considered options."
    editor.selectAll()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "First I considered options."
    # Pressing in the answer switches the selector to the answer.
    body = view.message_delegate.body_rect(index, view.visualRect(index))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=body.center())
    editor = view.indexWidget(index)
    assert isinstance(editor, QTextBrowser)
    assert editor.toPlainText() == "The answer."


def test_copy_link_in_thinking_copies_the_thinking_code_block(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msg = Message(
        role="assistant",
        content="```\nanswer_code()\n```",
        reasoning="Maybe:\n\n```\nthinking_code()\n```",
    )
    view.set_messages([msg])
    view.message_delegate.thinking_open[msg.id] = True
    view.refresh_message(msg.id)
    view.executeDelayedItemsLayout()
    index = view.model().index(0, 0)
    lay = view.message_delegate.layout(msg, 0, view.visualRect(index).top())
    doc = lay.thinking_doc.doc
    found = doc.find("Copy")
    block = found.block()
    line = block.layout().lineForTextPosition(found.selectionStart() - block.position())
    x = line.cursorToX(found.selectionStart() - block.position())[0] + 3
    origin = doc.documentLayout().blockBoundingRect(block).topLeft()
    pos = lay.thinking_pos + QPoint(
        int(origin.x() + x), int(origin.y() + line.y() + line.height() / 2)
    )
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert QGuiApplication.clipboard().text() == "thinking_code()\n"


def test_live_document_matches_full_render_for_random_markdown(qapp) -> None:  # type: ignore[no-untyped-def]
    import random

    pieces = [
        "# h\n", "- a\n", "1. b\n", "  - c\n", "```py\nx=1\n", "```\n", "\n", "| a | b |\n",
        "|---|---|\n", "| 1 | 2 |\n", "> q\n", "text **b** ", "`c` ", "[l](https://x.y) ",
        "![i](http://x/y.png)", "<b>x</b>", "---\n", "    code\n", "你好 🎉 ", "\u202e", "~~s~~ ",
    ]  # fmt: skip
    rng = random.Random(7)
    for _ in range(80):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        live = StreamingDoc(dark=False, font=QFont())
        end = 0
        while end < len(text):  # arrives in random-sized pieces
            end += rng.randint(1, 15)
            live.update(text[:end])
        full = new_document(QFont())
        full.setHtml(render_markdown(text).html)
        assert _plain(live.entry.doc.toPlainText()) == _plain(full.toPlainText()), text
