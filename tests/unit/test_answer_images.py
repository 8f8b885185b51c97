"""Images inside an answer (issue 15): found in its text and beside it, checked before any
decoding, moved into the message's attachments with a placeholder left in the text; remote ones
loaded only when asked, without the user's key, headers or cookies."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest

from nebula_desktop import answer_images
from nebula_desktop.answer_images import (
    ImageRefused,
    decode_image,
    fetch_image,
    strip_inline_images,
    take_answer_images,
)
from nebula_desktop.attachments import image_bytes
from tests.servers import LoopbackServer, Reply


def png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG of ``width`` × ``height`` red pixels."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def bomb(width: int = 40_000, height: int = 40_000) -> bytes:
    """A few hundred bytes whose header declares ``width`` × ``height`` pixels."""
    data = png(1, 1)
    return data[:16] + struct.pack(">II", width, height) + data[24:]


def data_url(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def test_markdown_data_image_becomes_an_attachment_and_a_placeholder() -> None:
    image = png(4, 3)
    text, images = take_answer_images(f"Here it is:\n\n![a red square]({data_url(image)})\n\nEnjoy")
    assert text == "Here it is:\n\n[image 1: a red square]\n\nEnjoy"
    assert len(images) == 1
    assert images[0]["mime"] == "image/png" and images[0]["name"] == "image-1.png"
    assert (images[0]["width"], images[0]["height"]) == (4, 3)
    assert image_bytes(images[0]) == image  # the image's own bytes, untouched


def test_images_beside_the_text_follow_it_numbered_after_those_already_kept() -> None:
    text, images = take_answer_images("A cat.", [data_url(png(2, 2))], kept=1)
    assert text == "A cat.\n\n[image 2]"
    assert [i["width"] for i in images] == [2]


def test_the_mime_comes_from_the_bytes_not_the_claim() -> None:
    _, images = take_answer_images("", [data_url(png(), mime="image/jpeg")])
    assert images[0]["mime"] == "image/png"


def test_remote_image_beside_the_text_stays_a_markdown_image_and_is_not_fetched() -> None:
    with LoopbackServer() as srv:
        url = f"http://127.0.0.1:{srv.port}/cat.png"
        text, images = take_answer_images("", [url])
    assert images == [] and srv.requests == []
    assert text == f"![image 1](<{url}>)"


def test_decompression_bomb_is_refused_from_its_header_with_a_clear_line() -> None:
    text, images = take_answer_images(f"![boom]({data_url(bomb())})")
    assert images == []
    assert text == ("[image 1 not shown: it is 40,000 × 40,000 pixels; the limit is 40 megapixels]")


def test_huge_image_is_refused_before_anything_is_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_decoding(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("decoded before the size was checked")

    monkeypatch.setattr(answer_images.base64, "b64decode", no_decoding)
    huge = "data:image/png;base64," + "A" * (28 * 1024 * 1024)  # ~21 MB of bytes
    text, images = take_answer_images(f"![big]({huge})")
    assert images == []
    assert text == "[image 1 not shown: it is 21 MB; the limit is 20 MB]"


def test_more_images_than_a_message_keeps_get_a_line_each() -> None:
    urls = [data_url(png())] * 10
    text, images = take_answer_images("", urls)
    assert len(images) == 8
    assert text.endswith(
        "[image 9 not shown: an answer keeps at most 8 images]\n\n"
        "[image 10 not shown: an answer keeps at most 8 images]"
    )


def test_damaged_or_foreign_data_is_refused_with_a_line() -> None:
    text, images = take_answer_images(f"![x]({data_url(b'<svg onload=alert(1)>')})")
    assert images == []
    assert text == "[image 1 not shown: it is not a PNG, JPEG, GIF, WebP or BMP image]"
    with pytest.raises(ImageRefused, match="damaged"):
        decode_image(png()[:20])


def test_base64_left_in_an_answer_is_never_sent_back() -> None:
    stopped = "Drawing… ![x](data:image/png;base64," + "QUJD" * 100  # Stop mid-image
    assert strip_inline_images(stopped) == "Drawing… ![x]([image]"
    assert strip_inline_images("a data:image/png;base64,QUJD mention") == (
        "a data:image/png;base64,QUJD mention"
    )


# -- remote images: only when the user clicks "Load image" ---------------------------------------


def test_fetch_sends_no_key_headers_or_cookies_and_keeps_the_address() -> None:
    image = png(5, 5)
    with LoopbackServer() as srv:
        srv.queue(Reply(200, {"Content-Type": "image/png"}, [image]), path="/pic.png")
        url = f"http://127.0.0.1:{srv.port}/pic.png"
        stored = fetch_image(url)
    assert len(srv.requests) == 1
    sent = srv.requests[0]
    assert sent.method == "GET" and sent.path == "/pic.png"
    assert "authorization" not in sent.headers and "cookie" not in sent.headers
    assert stored["source_url"] == url and stored["name"] == "pic.png"
    assert image_bytes(stored) == image


def test_fetch_refuses_a_body_over_the_cap_while_reading_it() -> None:
    with LoopbackServer() as srv:
        body = [b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024)] * 21
        srv.queue(Reply(200, {"Content-Type": "image/png"}, body), path="/big.png")
        with pytest.raises(ImageRefused, match="the limit is 20 MB"):
            fetch_image(f"http://127.0.0.1:{srv.port}/big.png")


def test_fetch_refuses_a_bomb_and_a_page_that_is_not_an_image() -> None:
    with LoopbackServer() as srv:
        srv.queue(Reply(200, {"Content-Type": "image/png"}, [bomb()]), path="/b.png")
        srv.queue(Reply(200, {"Content-Type": "text/html"}, [b"<html>"]), path="/p")
        with pytest.raises(ImageRefused, match="40 megapixels"):
            fetch_image(f"http://127.0.0.1:{srv.port}/b.png")
        with pytest.raises(ImageRefused, match="not a PNG"):
            fetch_image(f"http://127.0.0.1:{srv.port}/p")
