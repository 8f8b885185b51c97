"""Item 11 of issue 11: text from a server, a model or a file is shown as the characters it is.

Qt renders a label, a message box or a tooltip as HTML when its first line looks like markup
(``Qt::mightBeRichText``): an error message with ``<img src="file:///etc/passwd">`` made the
connection test read a local file, and ``<a href>`` showed a link. Each test feeds hostile markup
through a path a user sees and reads back what Qt would show: the literal text, with no resource
asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QUrl
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QToolTip, QWidget

from nebula_desktop.settings import Profile
from nebula_desktop.ui.chat.attachment_strip import AttachmentStrip
from nebula_desktop.ui.messages.model import MessageModel
from nebula_desktop.ui.settings.connection_test import ConnectionTest
from tests.gui.conftest import MODELS_PATH, OFFSCREEN_SIZE_HINTS
from tests.gui.helpers import chat_requests, open_chat, saved_chat, send_and_wait, wait_for
from tests.servers import LoopbackServer, Reply, sse_reply

IMG = '<img src="file:///etc/passwd">'
HOSTILE = f'{IMG} <a href="http://x">x</a> <b>bold</b>'
# What a model may call a chat (titles are cut at 60 characters and lose a final period).
HOSTILE_TITLE = f"{IMG}<b>bold</b>"

# Every QTextDocument asks loadResource for what it would show from a URL (the <img> file).
loads: list[str] = []


class SpyDocument(QTextDocument):
    def loadResource(self, kind: int, name: Any) -> Any:
        loads.append(QUrl(name).toString() if not isinstance(name, str) else name)
        return None


def seen(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """What a label or tooltip holding ``text`` in ``fmt`` shows, read back as plain text.

    Qt's own rule: AutoText is rich text when ``mightBeRichText`` says so. The document is laid
    out, so an ``<img>`` would be asked for (and recorded in ``loads``).
    """
    doc = SpyDocument()
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    )
    if rich:
        doc.setHtml(text)
    else:
        doc.setPlainText(text)
    doc.setTextWidth(500)
    doc.size()
    return doc.toPlainText()


def assert_literal(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText, *, want: str) -> None:
    loads.clear()
    assert want in seen(text, fmt), f"{text!r} is shown as markup"
    assert loads == []


def assert_label_literal(label: QLabel, want: str) -> None:
    assert_literal(label.text(), label.textFormat(), want=want)


def assert_box_literal(box: QMessageBox, want: str) -> None:
    labels = [lab for lab in box.findChildren(QLabel) if want in lab.text()]
    assert labels, f"{want!r} is not in the box"
    for label in labels:
        assert_label_literal(label, want)


def sweep(want: str = IMG) -> int:
    """Every label on screen that holds ``want`` shows it literally; returns how many did."""
    found = 0
    for widget in QApplication.allWidgets():
        if isinstance(widget, QLabel) and want in widget.text():
            assert_label_literal(widget, want)
            found += 1
    return found


def test_the_check_would_notice_rich_text(qapp: Any) -> None:
    """The checks below are meaningful: markup in AutoText is rendered and the file asked for."""
    loads.clear()
    assert IMG not in seen("API request failed: " + HOSTILE)
    assert loads == ["file:///etc/passwd"]


@pytest.fixture
def models_fail(server: LoopbackServer) -> Iterator[None]:
    error = {"error": {"message": HOSTILE, "type": "invalid_request_error", "code": "bad"}}
    server.default[MODELS_PATH] = Reply.json(400, error)
    yield


def test_connection_test_shows_the_servers_error_as_text(
    qtbot: Any, server: LoopbackServer, models_fail: None
) -> None:
    tester = ConnectionTest()
    qtbot.addWidget(tester)
    tester.show()
    profile = Profile(id="p", name="P", base_url=server.base_url, needs_key=False)
    with qtbot.waitSignal(tester.failed):
        tester.start(profile, "", None)
    assert tester.button.isEnabled() and "bold" in tester.result.text()
    assert_label_literal(tester.result, HOSTILE)


def _title_reply(title: str) -> Reply:
    message = {"role": "assistant", "content": title}
    choice = {"index": 0, "finish_reason": "stop", "message": message}
    return Reply.json(200, {"id": "t", "object": "chat.completion", "choices": [choice]})


def test_a_title_from_the_model_shows_as_text_in_the_list_window_and_undo_bar(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["Sure."]))
    server.queue(_title_reply(HOSTILE_TITLE))
    window = make_window(auto_title=True)
    send_and_wait(qtbot, window, "hello")
    conv = window.controller.conv  # the model's title is saved when it arrives
    wait_for(qtbot, window.controller.conversation_saved, lambda: conv.title == HOSTILE_TITLE)
    assert HOSTILE_TITLE in window.windowTitle()  # a window title is always plain
    index = window.conv_list.view.currentIndex()
    assert index.data(Qt.ItemDataRole.DisplayRole) == HOSTILE_TITLE  # painted with drawText
    assert_literal(index.data(Qt.ItemDataRole.ToolTipRole), want=HOSTILE_TITLE)
    window.conv_list.delete_current()
    qtbot.waitUntil(window.conv_list.undo_bar.isVisible)
    assert_label_literal(window.conv_list.undo_bar.label, IMG)  # the bar shortens titles
    assert sweep() >= 1


def _hover(qtbot: Any, view: Any, row: int, href: str) -> str:
    """Rest the mouse on the link ``href`` in ``row``; the tooltip text that appears."""
    from tests.hardening.test_untrusted_output import walk_fragments

    index = view.model().index(row, 0)
    rect = view.visualRect(index)
    lay = view.message_delegate.layout(index.data(MessageModel.MessageRole), row, rect.top())
    doc = lay.body_doc.doc
    frag = next(f for f in walk_fragments(doc) if f.charFormat().anchorHref() == href)
    block = doc.findBlock(frag.position())
    line = block.layout().lineForTextPosition(frag.position() - block.position())
    x = line.cursorToX(frag.position() - block.position() + 1)[0]
    origin = doc.documentLayout().blockBoundingRect(block).topLeft()
    pos = lay.body_pos + QPoint(int(origin.x() + x), int(origin.y() + line.y() + 3))
    viewport: QWidget = view.viewport()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos))
    QApplication.sendEvent(viewport, event)
    return str(QToolTip.text())


# The tooltip is a window of its own, which the offscreen platform cannot raise.
@pytest.mark.qt_log_ignore(OFFSCREEN_SIZE_HINTS, "This plugin does not support raise")
def test_model_names_answers_and_errors_in_the_chat_show_as_text(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    models = {"object": "list", "data": [{"id": HOSTILE_TITLE}, {"id": "test-model"}]}
    server.default[MODELS_PATH] = Reply.json(200, models)
    # The address a link tooltip shows must be the address, not what Qt makes of "&lt;".
    href = "https://example.com/?q=&lt;b&gt;bold&lt;/b&gt;"
    server.queue(sse_reply([f"See [the page]({href.replace('&', '&amp;')})."]))
    error = {"error": {"message": HOSTILE, "type": "invalid_request_error", "code": "bad"}}
    server.queue(Reply.json(400, error))
    window = make_window()
    wait_for(qtbot, window.models.loaded, lambda: window.header.model.count() == 2, 10000)
    names = [window.header.model.itemText(i) for i in range(window.header.model.count())]
    assert HOSTILE_TITLE in names  # combo items are plain text

    answer = send_and_wait(qtbot, window, "a link please")
    view = window.view
    view.flush_stream()
    row = view.message_model.row_of(answer.id)
    tip = _hover(qtbot, view, row, href)
    assert_literal(tip, want=href)
    assert seen(tip) == href

    failed = send_and_wait(qtbot, window, "and now fail")
    assert HOSTILE in (failed.error or "")
    lay = view.message_delegate.layout(failed, view.message_model.row_of(failed.id), 0)
    assert any(HOSTILE in text for text, _rect, _bold in lay.error_lines)  # drawn with drawText

    error = {"error": {"message": HOSTILE, "type": "x", "code": "x"}}
    server.default[MODELS_PATH] = Reply.json(400, error)
    with qtbot.waitSignal(window.models.failed, timeout=10000):
        window.header.refresh.click()
    assert HOSTILE in window.statusBar().currentMessage()  # QStatusBar paints plain text
    assert len(chat_requests(server)) == 2


def test_a_system_prompt_tooltip_shows_as_text(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.header.set_system_prompt(HOSTILE)
    assert_literal(window.header.system.toolTip(), want=HOSTILE)


def test_message_boxes_show_file_names_and_notices_as_text(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window = make_window()
    name = "<b>bold<i>.json"  # a file name cannot hold "/", but it can hold tags
    path = tmp_path / name
    path.write_text('{"hello": 1}', encoding="utf-8")
    with qtbot.waitSignal(window.data.import_path(str(path)).done, timeout=10000):
        pass
    qtbot.waitUntil(lambda: window.notices.error_box is not None)
    assert_box_literal(window.notices.error_box, name)
    window.notices.show_error(HOSTILE)  # a second problem is added to the same box
    assert_box_literal(window.notices.error_box, HOSTILE)
    window.notices.show_problems([f"Profile {HOSTILE} was repaired.", HOSTILE])
    assert_box_literal(window.notices.problems_box, HOSTILE)


def test_attachment_file_names_show_as_text(qtbot: Any) -> None:
    strip = AttachmentStrip()
    qtbot.addWidget(strip)
    strip.show()
    name = "<b>bold</b>.txt"
    assert strip.add({"name": name, "mime": "text/plain", "text": "hello"})
    assert sweep(name) == 1  # the chip's name label
    (close,) = [b for b in strip.findChildren(QWidget) if b.toolTip()]
    assert_literal(close.toolTip(), want=name)
    strip.show_error(f"{name} is not a text file.")
    assert_label_literal(strip.error, name)


def test_a_chat_title_with_qts_modified_mark_shows_whole_in_the_window_title(
    qtbot: Any, make_window: Any
) -> None:
    window = make_window()
    conv = saved_chat(window, "Fix [*] in the parser", "hi", "hello")
    open_chat(window, conv.id)
    assert window.windowHandle().title().startswith("Fix [*] in the parser — ")
