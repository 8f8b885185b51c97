"""Images a server sends beside the answer's text reach the result as URLs, from every shape
gateways use; a streamed image past the event cap ends the answer with a sentence saying so."""

from __future__ import annotations

import json

import pytest

from nebula_desktop.api import APIError
from nebula_desktop.api.accumulate import MAX_IMAGES, Accumulator
from tests.servers import LoopbackServer, Reply
from tests.unit.api.conftest import USER

SSE = {"Content-Type": "text/event-stream"}
URL = "data:image/png;base64,iVBORw0KGgo="
PART = {"type": "image_url", "image_url": {"url": URL}}


def event(delta: dict, finish: str | None = None) -> bytes:
    chunk = {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


def test_streamed_images_list_in_deltas_reaches_the_result(server: LoopbackServer, client) -> None:
    body = (
        event({"content": "Here you go."})
        + event({"images": [PART]})
        + event({}, "stop")
        + b"data: [DONE]\n\n"
    )
    server.queue(Reply(200, SSE, [body]))
    r = client.chat("m", USER)
    assert r.complete and r.content == "Here you go." and r.images == [URL]


def test_images_list_of_a_whole_message_reaches_the_result(server: LoopbackServer, client) -> None:
    message = {"role": "assistant", "content": "A cat.", "images": [PART]}
    server.queue(Reply.json(200, {"choices": [{"message": message, "finish_reason": "stop"}]}))
    r = client.chat("m", USER, stream=False)
    assert r.content == "A cat." and r.images == [URL]


def test_content_parts_give_their_text_and_their_images(server: LoopbackServer, client) -> None:
    parts = [{"type": "text", "text": "A dog."}, PART]
    message = {"role": "assistant", "content": parts}
    server.queue(Reply.json(200, {"choices": [{"message": message, "finish_reason": "stop"}]}))
    r = client.chat("m", USER, stream=False)
    assert r.content == "A dog." and r.images == [URL]


def test_images_past_the_cap_are_counted_not_kept() -> None:
    acc = Accumulator()
    for _ in range(MAX_IMAGES + 3):
        acc.add({"choices": [{"delta": {"images": [PART]}}]})
    result = acc.result()
    assert len(result.images) == MAX_IMAGES and result.images_dropped == 3


@pytest.mark.timeout(30)
def test_streamed_image_past_the_event_cap_ends_the_answer_saying_so(
    server: LoopbackServer, client
) -> None:
    huge = {"images": [{"type": "image_url", "image_url": {"url": URL + "A" * (9 * 1024**2)}}]}
    body = event({"content": "Drawing it now."}) + event(huge) + event({}, "stop")
    server.queue(Reply(200, SSE, [body[i : i + 65536] for i in range(0, len(body), 65536)]))
    with pytest.raises(APIError) as info:
        client.chat("m", USER)
    assert str(info.value) == (
        "API request failed: the server sent an image larger than 8 MB in its stream (the most "
        "one event may carry); the answer ends here"
    )
    assert info.value.partial.content == "Drawing it now."
