"""Attachments in the window: images reach the server as downscaled image_url parts, text files
are inlined, limits are explained in the composer, thumbnails come back after reopening."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage

from tests.gui.helpers import chat_requests, send, send_and_wait, wait_idle
from tests.servers import LoopbackServer, sse_reply


def photo(path: Path, width: int, height: int, alpha: bool = False) -> Path:
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor(200, 120, 40, 128 if alpha else 255))
    assert image.save(str(path))
    return path


def decode_data_url(url: str) -> tuple[str, QImage]:
    head, _, data = url.partition(",")
    assert head.startswith("data:") and head.endswith(";base64")
    image = QImage.fromData(QByteArray(base64.b64decode(data)))
    return head[5:-7], image


def test_photo_is_sent_as_a_downscaled_image_url_part(
    qtbot: Any, make_window: Any, server: LoopbackServer, tmp_path: Path
) -> None:
    server.queue(sse_reply(["A plain orange picture."]))
    window = make_window()
    window.composer.add_paths([str(photo(tmp_path / "big.png", 4000, 3000))])
    assert window.composer.strip.isVisible()
    send_and_wait(qtbot, window, "What is this?")
    (request,) = chat_requests(server)
    text_part, image_part = request.json["messages"][-1]["content"]
    assert text_part == {"type": "text", "text": "What is this?"}
    assert image_part["type"] == "image_url"
    mime, image = decode_data_url(image_part["image_url"]["url"])
    assert mime == "image/jpeg"  # an opaque photo is re-encoded as JPEG
    assert (image.width(), image.height()) == (1568, 1176)
    # The strip is emptied by sending; the message keeps the image.
    assert not window.composer.strip.isVisible()
    assert window.composer.attachments() == []
    sent = window.controller.conv.messages[0]
    assert [a["name"] for a in sent.attachments] == ["big.png"]


def test_messages_without_attachments_stay_plain_strings(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    server.queue(sse_reply(["Hi"]))
    window = make_window()
    send_and_wait(qtbot, window, "Hello")
    assert chat_requests(server)[0].json["messages"] == [{"role": "user", "content": "Hello"}]


def test_transparent_image_pasted_from_the_clipboard_stays_png(
    qtbot: Any, make_window: Any, server: LoopbackServer
) -> None:
    window = make_window()
    image = QImage(300, 200, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 255, 100))
    QGuiApplication.clipboard().setImage(image)
    window.composer.editor.setFocus()
    window.composer.editor.paste()
    (item,) = window.composer.attachments()
    assert item["mime"] == "image/png"
    assert (item["width"], item["height"]) == (300, 200)
    assert window.composer.text() == ""


def test_text_file_is_inlined_as_a_fenced_block_with_its_name(
    qtbot: Any, make_window: Any, server: LoopbackServer, tmp_path: Path
) -> None:
    server.queue(sse_reply(["Looks fine."]))
    source = tmp_path / "hello.py"
    source.write_text("print('hello')\n", encoding="utf-8")
    window = make_window()
    window.composer.add_paths([str(source)])  # as the paperclip's file picker does
    assert [a["name"] for a in window.composer.attachments()] == ["hello.py"]
    send_and_wait(qtbot, window, "Review this")
    sent = chat_requests(server)[0].json["messages"][-1]["content"]
    assert sent == "Review this\n\nhello.py\n```python\nprint('hello')\n```"
    assert window.controller.conv.messages[0].attachments == []


def test_limits_are_explained_in_the_composer(
    make_window: Any, server: LoopbackServer, tmp_path: Path
) -> None:
    window = make_window()
    huge = tmp_path / "photo.png"
    with huge.open("wb") as handle:
        handle.truncate(25 * 1024 * 1024)  # sparse: the size alone must refuse it
    window.composer.add_paths([str(huge)])
    assert window.composer.strip.error.text() == (
        "photo.png is too large (25 MB; the limit is 20 MB)"
    )
    assert window.composer.attachments() == []
    small = photo(tmp_path / "small.png", 20, 10)
    window.composer.add_paths([str(small)] * 9)
    assert len(window.composer.attachments()) == 8
    assert window.composer.strip.error.text() == "A message can carry at most 8 attachments."
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"\xff\xfe\x00binary")
    window.composer.add_paths([str(notes)])
    assert "notes.txt is not UTF-8 text" in window.composer.strip.error.text()
    zipped = tmp_path / "archive.zip"
    zipped.write_bytes(b"PK")
    window.composer.add_paths([str(zipped)])
    refusal = window.composer.strip.error.text()
    assert refusal.startswith("archive.zip is not a kind of file Nebula Desktop can attach.")


def test_removing_an_attachment_with_its_cross(
    qtbot: Any, make_window: Any, server: LoopbackServer, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QToolButton

    window = make_window()
    window.composer.add_paths([str(photo(tmp_path / f"p{i}.png", 30, 30)) for i in range(2)])
    crosses = [b for b in window.composer.strip.findChildren(QToolButton) if b.text() == "×"]
    qtbot.mouseClick(crosses[0], Qt.MouseButton.LeftButton)
    assert [a["name"] for a in window.composer.attachments()] == ["p1.png"]


def test_reopening_shows_the_thumbnail_of_a_sent_image(
    qtbot: Any, make_window: Any, server: LoopbackServer, tmp_path: Path
) -> None:
    server.queue(sse_reply(["Nice."]))
    window = make_window()
    window.composer.add_paths([str(photo(tmp_path / "cat.jpg", 640, 480))])
    send(qtbot, window, "")  # an image alone can be sent
    wait_idle(qtbot, window)
    make_window.close(window)

    again = make_window()
    assert again.controller.conv.title == "cat.jpg"  # an image alone names the chat
    msg = again.controller.conv.messages[0]
    assert [(a["name"], a["width"], a["height"]) for a in msg.attachments] == [
        ("cat.jpg", 640, 480)
    ]
    view = again.view
    rect = view.visualRect(view.model().index(0, 0))
    lay = view.message_delegate.layout(msg, 0, rect.top())
    ((index, thumb),) = lay.thumbs
    assert (thumb.width(), thumb.height()) == (96, 72)
    pixmap = view.message_delegate.thumbnails.get(msg.id, index, msg.attachments[index], 96)
    assert not pixmap.isNull()
    shot = view.viewport().grab().toImage()
    center = thumb.center()
    assert shot.pixelColor(center.x(), center.y()).red() > 150  # the orange photo is painted


def test_editing_a_message_brings_back_its_images_for_the_new_version(
    qtbot: Any, make_window: Any, server: LoopbackServer, tmp_path: Path
) -> None:
    server.queue(sse_reply(["First look."]))
    server.queue(sse_reply(["Second look."]))
    window = make_window()
    window.composer.add_paths([str(photo(tmp_path / "dog.png", 50, 40))])
    send_and_wait(qtbot, window, "What breed?")
    window.view.edit_requested.emit(window.controller.conv.messages[0].id)
    assert [a["name"] for a in window.composer.attachments()] == ["dog.png"]
    send_and_wait(qtbot, window, "What breed is it exactly?")
    parts = chat_requests(server)[1].json["messages"][-1]["content"]
    assert [p["type"] for p in parts] == ["text", "image_url"]
    assert window.controller.conv.messages[0].branch_count == 2


def test_pending_attachments_stay_with_their_chat(
    qtbot: Any, make_window: Any, server: LoopbackServer, tmp_path: Path
) -> None:
    server.queue(sse_reply(["One"]))
    server.queue(sse_reply(["Two"]))
    window = make_window()
    send_and_wait(qtbot, window, "chat one")
    first = window.controller.conv
    window.composer.add_paths([str(photo(tmp_path / "keep.png", 30, 30))])
    window.controller.open(None)  # "New chat"
    assert window.composer.attachments() == []
    send_and_wait(qtbot, window, "chat two")
    window.controller.open(first)
    assert [a["name"] for a in window.composer.attachments()] == ["keep.png"]


def test_damaged_image_data_in_a_file_shows_a_placeholder(qtbot: Any) -> None:
    from nebula_desktop.store import Message
    from nebula_desktop.ui.messages.view import MessageView

    view = MessageView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    broken = {"name": "x.png", "mime": "image/png", "data": "!!not base64", "width": "wide"}
    msg = Message(role="user", content="look", attachments=[broken])
    view.set_messages([msg])
    view.show()
    qtbot.waitExposed(view)
    lay = view.message_delegate.layout(msg, 0, 0)
    ((_, rect),) = lay.thumbs
    assert (rect.width(), rect.height()) == (96, 96)
    assert not view.viewport().grab().isNull()  # painting did not fail


def test_files_dropped_on_the_window_are_attached(
    make_window: Any, server: LoopbackServer, tmp_path: Path
) -> None:
    """Qt only delivers drop events from a real drag, so the window is sent the events Qt would
    route to it (the window accepts drops and hands them to the composer)."""
    from PySide6.QtCore import QCoreApplication, QMimeData, QPoint, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    window = make_window()
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(notes))])
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(20, 200), Qt.DropAction.CopyAction, mime, buttons, mods)
    drop = QDropEvent(QPointF(20, 200), Qt.DropAction.CopyAction, mime, buttons, mods)
    assert window.acceptDrops()
    # The messages take no drops themselves, so Qt routes a drop on them to the window too.
    assert not window.view.acceptDrops() and not window.view.viewport().acceptDrops()
    QCoreApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    QCoreApplication.sendEvent(window, drop)
    assert [a["name"] for a in window.composer.attachments()] == ["notes.md"]


def test_paperclip_button_attaches_the_files_picked(
    qtbot: Any, make_window: Any, server: LoopbackServer, tmp_path: Path, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QFileDialog

    picked = [str(photo(tmp_path / "a.png", 40, 30)), str(tmp_path / "b.txt")]
    Path(picked[1]).write_text("hello", encoding="utf-8")
    asked: list[str] = []

    def pick(parent: Any, caption: str, folder: str, filters: str) -> tuple[list[str], str]:
        asked.append(filters)
        return picked, ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(pick))
    window = make_window()
    qtbot.mouseClick(window.composer.attach_button, Qt.MouseButton.LeftButton)
    assert [a["name"] for a in window.composer.attachments()] == ["a.png", "b.txt"]
    assert "*.png" in asked[0] and "*.md" in asked[0]
