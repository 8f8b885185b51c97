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
