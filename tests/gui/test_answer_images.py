"""Images inside an answer (issue 15) in the real window: every way a gateway sends one ends as a
thumbnail attachment of the answer with a placeholder in its text, saved, and never sent back."""

from __future__ import annotations

import json
from typing import Any

from nebula_desktop.store import ConversationStore
from tests.gui.helpers import chat_requests, send_and_wait
from tests.servers import LoopbackServer, Reply, sse_reply
from tests.unit.test_answer_images import bomb, data_url, png

SSE = {"Content-Type": "text/event-stream"}


def _event(delta: dict[str, Any], finish: str | None = None) -> bytes:
    chunk = {
        "model": "test-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


def _stream(*deltas: dict[str, Any]) -> Reply:
    body = b"".join(_event(d) for d in deltas) + _event({}, "stop") + b"data: [DONE]\n\n"
    return Reply(200, SSE, [body[i : i + 4096] for i in range(0, len(body), 4096)])


def _whole(message: dict[str, Any]) -> Reply:
    choice = {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": "stop"}
    return Reply.json(200, {"model": "test-model", "choices": [choice]})


def _thumbs(window: Any, row: int) -> list[Any]:
    view = window.view
    msg = view.message_model.message_at(row)
    lay = view.message_delegate.layout(msg, row, view.visualRect(view.model().index(row, 0)).top())
    return lay.thumbs


def _check(qtbot: Any, window: Any, reply: Reply, server: LoopbackServer, text: str) -> Any:
    server.queue(reply)
    answer = send_and_wait(qtbot, window, "Draw it")
    assert answer.complete and answer.content == text
    assert [(a["mime"], a["width"], a["height"]) for a in answer.attachments] == [
        ("image/png", 6, 4)
    ]
    assert len(_thumbs(window, len(window.controller.conv.messages) - 1)) == 1
    return answer


def test_each_way_an_image_arrives_ends_as_a_thumbnail_with_a_placeholder(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    window = make_window()
    url = data_url(png(6, 4))
    part = {"type": "image_url", "image_url": {"url": url}}
    # Markdown data: URI streamed in pieces, OpenRouter's images list in a delta, content parts
    # of a whole message, and the images list of a whole message.
    _check(
        qtbot,
        window,
        _stream({"content": "Here: ![a cat"}, {"content": f"]({url}) done"}),
        server,
        "Here: [image 1: a cat] done",
    )
    _check(
        qtbot,
        window,
        _stream({"content": "Drawn."}, {"images": [part]}),
        server,
        "Drawn.\n\n[image 1]",
    )
    _check(
        qtbot,
        window,
        _whole({"content": [{"type": "text", "text": "Parts."}, part]}),
        server,
        "Parts.\n\n[image 1]",
    )
    _check(
        qtbot,
        window,
        _whole({"content": "Listed.", "images": [part]}),
        server,
        "Listed.\n\n[image 1]",
    )


def test_answer_images_are_saved_and_never_sent_back(
    qtbot: Any, make_window: Any, server: LoopbackServer, data_dir: Any
) -> None:
    window = make_window()
    url = data_url(png(6, 4))
    server.queue(_stream({"content": f"Look: ![cat]({url})"}))
    send_and_wait(qtbot, window, "Draw a cat")
    server.queue(sse_reply(["It is orange."]))
    send_and_wait(qtbot, window, "What colour?")
    sent = chat_requests(server)[1].json["messages"]
    assert sent == [
        {"role": "user", "content": "Draw a cat"},
        {"role": "assistant", "content": "Look: [image 1: cat]"},
        {"role": "user", "content": "What colour?"},
    ]
    assert "base64" not in json.dumps(sent)
    conv_id = window.controller.conv.id
    make_window.close(window)
    with ConversationStore(data_dir) as store:
        answer = store.load(conv_id).messages[1]
    assert answer.content == "Look: [image 1: cat]"
    assert [(a["name"], a["width"]) for a in answer.attachments] == [("image-1.png", 6)]


def test_bomb_in_an_answer_is_refused_with_a_clear_line(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    window = make_window()
    server.queue(_stream({"content": f"![boom]({data_url(bomb())})"}))
    answer = send_and_wait(qtbot, window, "Draw")
    assert answer.attachments == []
    assert answer.content == (
        "[image 1 not shown: it is 40,000 × 40,000 pixels; the limit is 40 megapixels]"
    )


# -- showing them: full size, Save image…, Copy image ---------------------------------------------


def _answer_with_images(qtbot: Any) -> tuple[Any, Any]:
    from nebula_desktop.answer_images import decode_image
    from nebula_desktop.store import Message
    from nebula_desktop.ui.messages.view import MessageView
    from tests.gui.helpers import show_widget

    view = show_widget(qtbot, MessageView(), 700, 500)
    answer = Message(
        role="assistant",
        content="Two cats: [image 1] [image 2]",
        complete=True,
        attachments=[decode_image(png(300, 200), "a.png"), decode_image(png(40, 60), "b.png")],
    )
    view.set_messages([Message(role="user", content="Draw two cats"), answer])
    view.executeDelayedItemsLayout()
    return view, answer


def _thumb_center(view: Any, which: int) -> Any:
    index = view.model().index(1, 0)
    msg = view.message_model.message_at(1)
    lay = view.message_delegate.layout(msg, 1, view.visualRect(index).top())
    return dict(lay.thumbs)[which].center()


def test_clicking_an_answer_thumbnail_opens_it_full_size(qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    view, _ = _answer_with_images(qtbot)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_thumb_center(view, 0))
    viewer = view._commands.image_viewer
    assert viewer is not None
    qtbot.addWidget(viewer)
    qtbot.waitExposed(viewer)
    assert viewer.note.text() == "300 × 200 pixels"
    assert viewer.shown_size() == viewer.picture.pixmap().size()  # 300 × 200 fits: not scaled
    viewer.resize(220, 260)  # smaller than the image: scaled down to fit, proportions kept
    qtbot.waitUntil(lambda: viewer.shown_size().width() <= viewer.picture.width())
    shown = viewer.shown_size()
    assert abs(shown.width() / shown.height() - 1.5) < 0.05
    shot = viewer.picture.grab().toImage()
    centre = shot.pixelColor(shot.width() // 2, shot.height() // 2)
    assert centre.red() > 200 and centre.green() < 60  # the red picture is painted


def test_save_image_writes_the_images_own_bytes_and_copy_puts_it_on_the_clipboard(
    qtbot: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QFileDialog

    from nebula_desktop.attachments import image_bytes

    view, answer = _answer_with_images(qtbot)
    target = tmp_path / "saved.png"
    asked: list[str] = []

    def choose(parent: Any, title: str, name: str, filters: str) -> tuple[str, str]:
        asked.append(name)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    # Right-click on the second thumbnail: the menu's entries act on that image.
    menu = view.context_menu_at(_thumb_center(view, 1))
    entries = {a.text(): a for a in menu.actions()}
    assert {"Save image…", "Copy image"} <= set(entries)
    with qtbot.waitSignal(view.status_message) as said:
        entries["Save image…"].trigger()
    assert asked == ["b.png"]
    assert target.read_bytes() == image_bytes(answer.attachments[1])
    assert said.args == [f"Image saved to {target}"]
    with qtbot.waitSignal(view.status_message) as said:
        entries["Copy image"].trigger()
    assert said.args == ["Image copied"]
    copied = QGuiApplication.clipboard().image()
    assert (copied.width(), copied.height()) == (40, 60)


def test_messages_without_images_offer_no_image_entries(qtbot: Any) -> None:
    view, _ = _answer_with_images(qtbot)
    menu = view.context_menu_at(view.visualRect(view.model().index(0, 0)).center())
    assert not {"Save image…", "Copy image"} & {a.text() for a in menu.actions()}
