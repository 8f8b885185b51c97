"""The message view as a user meets it: painted messages, streaming, copy, links, buttons."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QTextBrowser

from nebula_desktop.store import Message
from nebula_desktop.ui.messages.model import MessageModel
from nebula_desktop.ui.messages.view import MessageView
from tests.gui.helpers import show_widget, wait_for


@pytest.fixture
def view(qtbot):  # type: ignore[no-untyped-def]
    return show_widget(qtbot, MessageView(), 800, 600)


def _conversation() -> list[Message]:
    return [
        Message(role="user", content="Show me code 你好世界 🎉"),
        Message(
            role="assistant",
            model="gpt-test",
            content="Here:\n\n```python\nprint('hi')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            reasoning="thinking about it",
            reasoning_seconds=2.5,
            usage={"prompt_tokens": 9, "completion_tokens": 403, "total_tokens": 412},
        ),
    ]


def _settle(qtbot, v: MessageView) -> None:  # type: ignore[no-untyped-def]
    v.executeDelayedItemsLayout()
    qtbot.waitUntil(
        lambda: v.model().rowCount() == 0 or v.visualRect(v.model().index(0, 0)).isValid()
    )


def _click_action(qtbot, v: MessageView, row: int, action: str) -> None:  # type: ignore[no-untyped-def]
    """Click the painted button named ``action`` on ``row`` (hover first, as a user would)."""
    index = v.model().index(row, 0)
    v.scrollTo(index)
    v.executeDelayedItemsLayout()
    rect = v.visualRect(index)
    qtbot.mouseMove(v.viewport(), rect.center())
    d = v.message_delegate
    d.hover_row = row
    lay = d.layout(index.data(MessageModel.MessageRole), row, rect.top())
    targets = {a: r for a, _, r in lay.actions + lay.buttons}
    if lay.thinking_header is not None:
        targets["thinking"] = lay.thinking_header
    assert action in targets, f"{action} not shown; have {sorted(targets)}"
    qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, pos=targets[action].center())


def _find_anchor(v: MessageView, row: int, href: str) -> QPoint:
    """Viewport position of the link ``href`` in the painted body of ``row``."""
    index = v.model().index(row, 0)
    rect = v.visualRect(index)
    lay = v.message_delegate.layout(index.data(MessageModel.MessageRole), row, rect.top())
    doc = lay.body_doc.doc
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.charFormat().anchorHref() == href:
                layout = block.layout()
                pos_in_block = frag.position() - block.position()
                line = layout.lineForTextPosition(pos_in_block)
                x = line.cursorToX(pos_in_block + 1)[0]
                origin = doc.documentLayout().blockBoundingRect(block).topLeft()
                y = origin.y() + line.y() + line.height() / 2
                return lay.body_pos + QPoint(int(origin.x() + x), int(y))
            it += 1
        block = block.next()
    raise AssertionError(f"no anchor {href}")


def test_message_model_passes_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = MessageModel()
    model.set_messages(_conversation())
    qtmodeltester.check(model)
    model.append_message(Message(role="user", content="more"))
    qtmodeltester.check(model)


def test_model_rows_are_the_conversations_own_messages() -> None:
    msgs = _conversation()
    model = MessageModel()
    model.set_messages(msgs)
    assert model.data(model.index(1, 0), MessageModel.MessageRole) is msgs[1]


def test_view_is_named_for_screen_readers(view: MessageView) -> None:
    assert view.accessibleName() == "Messages"


def test_conversation_with_code_cjk_emoji_and_table_paints(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    view.set_messages(_conversation())
    _settle(qtbot, view)
    image = view.grab().toImage()
    assert not image.isNull()
    d = view.message_delegate
    lay = d.layout(_conversation()[1], 1, 0)
    text = lay.body_doc.doc.toPlainText()
    assert "print('hi')" in text and "Copy" in text
    user = d.layout(view.message_model.message_at(0), 0, 0)
    assert "你好世界 🎉" in user.body_doc.doc.toPlainText()
    assert user.bubble is not None  # user messages sit in a tinted bubble
    assert lay.usage_text == "412 tokens · 9 in / 403 out"


def test_streamed_pieces_join_into_the_message(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msgs = _conversation()
    answer = Message(role="assistant", content="", model="m", complete=False)
    view.set_messages(msgs)
    view.append_message(answer)
    view.set_streaming(answer.id)
    pieces = [f"word{i} " + ("\n\n" if i % 17 == 0 else "") for i in range(500)]
    for p in pieces:
        view.stream_append(answer.id, "content", p)
    wait_for(qtbot, view.model().dataChanged, lambda: answer.content == "".join(pieces))
    view.stream_append(answer.id, "reasoning", "hmm")
    view.flush_stream()
    assert answer.reasoning == "hmm"


def test_streaming_re_measures_only_the_streaming_row(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msgs = [Message(role="user" if i % 2 == 0 else "assistant", content=f"m{i}") for i in range(60)]
    view.set_messages(msgs)
    _settle(qtbot, view)
    answer = Message(role="assistant", content="", complete=False)
    view.append_message(answer)
    view.set_streaming(answer.id)
    view.grab()
    changed_rows: list[int] = []
    view.model().dataChanged.connect(lambda a, b: changed_rows.extend(range(a.row(), b.row() + 1)))
    d = view.message_delegate
    d.measured_ids.clear()
    renders = d.cache.renders
    pieces = [f"token {i} " + ("\n\n" if i % 9 == 0 else "") for i in range(200)]
    for piece in pieces:  # arrives faster than the ~30 ms flush timer: coalesced
        view.stream_append(answer.id, "content", piece)
    wait_for(qtbot, view.model().dataChanged, lambda: answer.content == "".join(pieces))
    view.grab()
    assert set(changed_rows) == {len(msgs)}
    assert set(d.measured_ids) == {answer.id}
    assert d.cache.renders == renders  # no other message's document was rendered again


def test_thinking_is_open_while_streaming_and_folded_after(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    answer = Message(role="assistant", content="", complete=False)
    view.set_messages([Message(role="user", content="q")])
    view.append_message(answer)
    view.set_streaming(answer.id)
    view.stream_append(answer.id, "reasoning", "let me think")
    view.flush_stream()
    d = view.message_delegate
    assert d.layout(answer, 1, 0).thinking_doc is not None
    view.stream_append(answer.id, "content", "answer")
    view.flush_stream()
    answer.complete = True
    view.set_streaming(None)
    lay = d.layout(answer, 1, 0)
    assert lay.thinking_header is not None and lay.thinking_doc is None
    _click_action(qtbot, view, 1, "thinking")  # the user can unfold it again
    assert d.layout(answer, 1, 0).thinking_doc is not None


def test_retry_and_continue_buttons_emit_the_message_id(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    failed = Message(
        role="assistant",
        content="partial",
        complete=False,
        error="Error: Cannot connect to API server",
        request_id="req-42",
    )
    view.set_messages([Message(role="user", content="q"), failed])
    _settle(qtbot, view)
    lay = view.message_delegate.layout(failed, 1, 0)
    shown = " ".join(t for t, _, _ in lay.error_lines)
    assert "Error: Cannot connect to API server" in shown and "req-42" in shown
    with qtbot.waitSignal(view.retry_requested) as sig:
        _click_action(qtbot, view, 1, "retry")
    assert sig.args == [failed.id]
    with qtbot.waitSignal(view.continue_requested) as sig:
        _click_action(qtbot, view, 1, "continue")
    assert sig.args == [failed.id]


def test_hover_actions_edit_and_regenerate(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msgs = _conversation()
    view.set_messages(msgs)
    _settle(qtbot, view)
    with qtbot.waitSignal(view.edit_requested) as sig:
        _click_action(qtbot, view, 0, "edit")
    assert sig.args == [msgs[0].id]
    with qtbot.waitSignal(view.regenerate_requested) as sig:
        _click_action(qtbot, view, 1, "regenerate")
    assert sig.args == [msgs[1].id]


def test_copy_puts_text_on_the_clipboard(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msgs = [Message(role="assistant", content="Hello **world**")]
    view.set_messages(msgs)
    _settle(qtbot, view)
    with qtbot.waitSignal(view.status_message):
        _click_action(qtbot, view, 0, "copy")
    assert QGuiApplication.clipboard().text() == "Hello world"
    _click_action(qtbot, view, 0, "copy_markdown")
    assert QGuiApplication.clipboard().text() == "Hello **world**"


def test_copy_of_a_message_shown_plain_gives_its_text_without_the_note(
    qtbot, view: MessageView
) -> None:  # type: ignore[no-untyped-def]
    dense = "*a " * 3_000  # too much markup to format quickly: shown plain, under a note
    view.set_messages([Message(role="assistant", content=dense)])
    _settle(qtbot, view)
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == dense


def test_ctrl_c_copies_the_focused_message(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    view.set_messages(
        [Message(role="user", content="first"), Message(role="assistant", content="second")]
    )
    _settle(qtbot, view)
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "second"


def test_code_block_copy_link_copies_that_block(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    view.set_messages(
        [Message(role="assistant", content="```\nfirst()\n```\n\n```\nsecond()\n```")]
    )
    _settle(qtbot, view)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=_find_anchor(view, 0, "nebula-copy:1")
    )
    assert QGuiApplication.clipboard().text() == "second()\n"


def _find_text(v: MessageView, row: int, text: str) -> QPoint:
    """Viewport position of the first character of ``text`` in the painted body of ``row``."""
    index = v.model().index(row, 0)
    lay = v.message_delegate.layout(
        index.data(MessageModel.MessageRole), row, v.visualRect(index).top()
    )
    doc = lay.body_doc.doc
    found = doc.find(text)
    assert not found.isNull(), f"{text!r} not shown"
    block = found.block()
    pos_in_block = found.selectionStart() - block.position()
    line = block.layout().lineForTextPosition(pos_in_block)
    x = line.cursorToX(pos_in_block)[0] + 2
    origin = doc.documentLayout().blockBoundingRect(block).topLeft()
    return lay.body_pos + QPoint(
        int(origin.x() + x), int(origin.y() + line.y() + line.height() / 2)
    )


def test_link_click_emits_for_https_but_not_for_file(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    view.set_messages(
        [
            Message(
                role="assistant",
                content="[web](https://example.com/x) and [passwd](file:///etc/passwd) and "
                "[js](javascript:alert(1))",
            )
        ]
    )
    _settle(qtbot, view)
    with qtbot.waitSignal(view.link_activated) as sig:
        qtbot.mouseClick(
            view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=_find_anchor(view, 0, "https://example.com/x"),
        )
    assert sig.args == ["https://example.com/x"]
    for text in ("passwd", "js"):
        with qtbot.assertNotEmitted(view.link_activated):
            qtbot.mouseClick(
                view.viewport(), Qt.MouseButton.LeftButton, pos=_find_text(view, 0, text)
            )
        # The click opened the text selector (plain text there too); start fresh.
        view.set_messages(view.message_model.messages())
        _settle(qtbot, view)


def test_hostile_answer_renders_inert(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    hostile = (
        '<script>alert(1)</script> <img src="http://127.0.0.1:9/x.png">\n\n'
        "[p](file:///etc/passwd) [j](javascript:alert(1)) ![i](http://127.0.0.1:9/y.png)\n\n"
        "abc\u202eevil\u2066 \ud800\n\n" + "- a\n" + "\n".join("  " * i + "- n" for i in range(200))
    )
    msg = Message(role="assistant", content=hostile)
    view.set_messages([msg])
    _settle(qtbot, view)
    view.grab()
    html = view.message_delegate.layout(msg, 0, 0).body_doc.html
    assert "<img" not in html and "<script" not in html
    assert 'href="file' not in html and 'href="javascript' not in html
    assert "\u202e" not in html


def test_one_megabyte_line_renders(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msg = Message(role="assistant", content="y" * 1_000_000)
    view.set_messages([msg])
    _settle(qtbot, view)
    view.grab()
    assert view.message_delegate.cached_size(msg) is not None


def test_opening_two_thousand_messages_renders_few_documents(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msgs = [
        Message(
            role="user" if i % 2 == 0 else "assistant",
            content=f"Message {i}\n\n" + "text " * (i % 50),
        )
        for i in range(2000)
    ]
    view.message_delegate.cache.renders = 0
    view.set_messages(msgs)
    _settle(qtbot, view)
    view.grab()
    # The newest message is what the user sees once the batched layout is done.
    last = view.model().index(1999, 0)
    qtbot.waitUntil(lambda: view.visualRect(last).intersects(view.viewport().rect()))
    view.grab()
    assert view.message_delegate.cache.renders < 150
    assert len(view.message_delegate.cache) <= view.message_delegate.cache.capacity


def test_click_in_body_opens_a_selectable_text_view(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msg = Message(role="assistant", content="Select some of this text please")
    view.set_messages([msg])
    _settle(qtbot, view)
    index = view.model().index(0, 0)
    body = view.message_delegate.body_rect(index, view.visualRect(index))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=body.center())
    editor = view.indexWidget(index)
    assert isinstance(editor, QTextBrowser)
    assert "Select some of this text please" in editor.toPlainText()
    editor.selectAll()
    editor.copy()
    assert QGuiApplication.clipboard().text() == "Select some of this text please"


def test_dark_mode_and_font_size_re_render(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msg = Message(role="assistant", content="```\ncode\n```")
    view.set_messages([msg])
    _settle(qtbot, view)
    light = view.message_delegate.layout(msg, 0, 0).body_doc.html
    view.set_dark(True)
    dark = view.message_delegate.layout(msg, 0, 0).body_doc.html
    assert light != dark
    small = view.message_delegate.layout(msg, 0, 0).height
    view.set_font_point_size(20)
    assert view.message_delegate.layout(msg, 0, 0).height > small


def test_hostile_answer_fetches_nothing_and_embeds_no_images(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    from tests.servers import LoopbackServer

    with LoopbackServer() as srv:
        base = f"http://127.0.0.1:{srv.port}"
        hostile = (
            f'<img src="{base}/a.png"> ![x]({base}/b.png) <img src="file:///etc/passwd">\n\n'
            f'<link rel="stylesheet" href="{base}/c.css"> <iframe src="{base}/d"></iframe>\n\n'
            f"[click]({base}/e) <{base}/f>"
        )
        msg = Message(role="assistant", content=hostile)
        view.set_messages([msg])
        _settle(qtbot, view)
        view.grab()
        index = view.model().index(0, 0)
        body = view.message_delegate.body_rect(index, view.visualRect(index))
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=body.bottomRight() - QPoint(2, 2)
        )
        editor = view.indexWidget(index)
        assert isinstance(editor, QTextBrowser)
        editor.grab()
        # QTextDocument loads resources synchronously while laying out and painting, so any
        # fetch would already have reached the server.
        assert srv.requests == []
        for doc in (view.message_delegate.layout(msg, 0, 0).body_doc.doc, editor.document()):
            block = doc.begin()
            while block.isValid():
                it = block.begin()
                while not it.atEnd():
                    assert not it.fragment().charFormat().isImageFormat()
                    it += 1
                block = block.next()


def test_context_menu_offers_the_messages_actions(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    failed = Message(role="assistant", content="partial", complete=False, error="Error: x")
    view.set_messages([Message(role="user", content="q"), failed])
    _settle(qtbot, view)
    index = view.model().index(1, 0)
    pos = view.visualRect(index).center()
    menu = view.context_menu_at(pos)  # what right-click pops up (popups warn offscreen)
    assert menu is not None
    labels = [a.text() for a in menu.actions() if a.text()]
    assert labels[:2] == ["Copy", "Copy as Markdown"]
    assert "Regenerate" in labels and "Retry" in labels and "Continue" in labels
    with qtbot.waitSignal(view.retry_requested) as sig:
        next(a for a in menu.actions() if a.text() == "Retry").trigger()
    assert sig.args == [failed.id]


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen platform limit
def test_hovering_a_link_shows_its_full_address(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    url = "https://example.com/a/very/long/path?with=query"
    view.set_messages([Message(role="assistant", content=f"[short]({url})")])
    _settle(qtbot, view)
    pos = _find_anchor(view, 0, url)
    QApplication.sendEvent(
        view.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    )
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == url
    QToolTip.hideText()


def test_one_megabyte_code_line_renders(qtbot, view: MessageView) -> None:  # type: ignore[no-untyped-def]
    msg = Message(role="assistant", content="```\n" + "z" * 1_000_000 + "\n```")
    view.set_messages([msg])
    _settle(qtbot, view)
    view.grab()
    assert view.message_delegate.cached_size(msg) is not None
