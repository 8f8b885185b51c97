"""Attachment rules: limits with clear messages, text inlining, image content parts."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pytest

from nebula_desktop import attachments as att
from nebula_desktop.context import build_history
from nebula_desktop.store import Conversation, Message


def test_an_image_over_20_mb_is_refused_with_its_size_and_the_limit() -> None:
    with pytest.raises(att.AttachmentError) as err:
        att.check_image_size("photo.png", 25 * 1024 * 1024)
    assert str(err.value) == "photo.png is too large (25 MB; the limit is 20 MB)"
    att.check_image_size("ok.png", 20 * 1024 * 1024)  # exactly the limit is fine


def test_a_ninth_attachment_is_refused() -> None:
    att.check_count(7)
    with pytest.raises(att.AttachmentError, match="at most 8 attachments"):
        att.check_count(8)


def test_text_files_over_200_kb_or_not_utf8_are_refused() -> None:
    with pytest.raises(att.AttachmentError, match=r"big.txt is too large \(250 KB; the limit"):
        att.read_text("big.txt", b"a" * 250 * 1024)
    with pytest.raises(att.AttachmentError, match="not UTF-8"):
        att.read_text("latin.txt", "café".encode("latin-1"))
    with pytest.raises(att.AttachmentError, match="not UTF-8"):
        att.read_text("bin.txt", b"\x00\x01\x02")
    assert att.read_text("bom.md", "\ufeffhi\r\n".encode()) == "hi\n"


def test_text_file_is_inlined_as_a_fenced_block_with_its_name() -> None:
    text = att.inline_text_files("Look at this:", [("main.py", "print('hi')\n")])
    assert text == "Look at this:\n\nmain.py\n```python\nprint('hi')\n```"


def test_fence_is_longer_than_any_fence_inside_the_file() -> None:
    block = att.fenced_block("README.md", "```sh\nmake\n```\n")
    assert block.startswith("README.md\n````markdown\n")
    assert block.endswith("\n````")


def test_file_kinds_follow_the_extension() -> None:
    assert att.kind_of("Photo.JPG") == "image"
    assert att.kind_of("data.csv") == att.kind_of("Report.PDF") == "document"
    assert att.kind_of("notes.md") == "text"
    assert att.kind_of("archive.zip") == ""
    with pytest.raises(att.AttachmentError, match=r"archive\.zip is not a kind of file"):
        att.check_unsupported("archive.zip")


def test_messages_with_images_are_sent_as_parts_others_as_plain_strings() -> None:
    png = b"\x89PNG fake"
    image = att.image_attachment("a.png", "image/png", png, 10, 20)
    conv = Conversation(id="c", title="t", created_at=0.0, updated_at=0.0)
    conv.messages += [
        Message(role="user", content="What is this?", attachments=[image]),
        Message(role="assistant", content="A cat."),
        Message(role="user", content="Thanks"),
    ]
    history = build_history(conv, 3)
    assert history[0]["content"] == [
        {"type": "text", "text": "What is this?"},
        {
            "type": "image_url",
            "image_url": {"url": "data:image/png;base64," + base64.b64encode(png).decode()},
        },
    ]
    assert history[1] == {"role": "assistant", "content": "A cat."}
    assert history[2] == {"role": "user", "content": "Thanks"}
    assert att.image_bytes(image) == png


def test_attachments_survive_the_json_round_trip() -> None:
    image = att.image_attachment("a.png", "image/png", b"xyz", 3, 4)
    msg = Message(role="user", content="hi", attachments=[image])
    again = Message.from_dict(msg.to_dict())
    assert again.attachments == [image]
    assert "attachments" not in Message(role="user", content="plain").to_dict()


def test_every_refusal_message_is_in_the_translation_catalogue_list() -> None:
    from nebula_desktop.ui.chat.attachment_strip import _CORE_MESSAGES

    assert set(_CORE_MESSAGES) == {
        att.TOO_LARGE,
        att.TOO_MANY,
        att.NOT_UTF8,
        att.UNSUPPORTED,
        att.NOT_REGULAR,
        att.CANNOT_READ,
    }


def test_documents_are_read_by_the_readers_of_their_kind() -> None:
    from nebula_desktop import documents

    # attachments lists them without importing the readers (start-up); the lists must agree.
    assert {
        *documents.DOCUMENT_EXTENSIONS,
        ".csv",
        ".doc",
        ".xls",
        ".ppt",
    } == att.DOCUMENT_EXTENSIONS
    assert att.MAX_DOCUMENT_BYTES == documents.MAX_DOCUMENT_BYTES


def test_every_document_refusal_is_in_the_translation_catalogue_list() -> None:
    from nebula_desktop.documents import common
    from nebula_desktop.ui.chat.attachment_strip import _DOCUMENT_MESSAGES

    sentences = {
        value
        for name, value in vars(common).items()
        if name.isupper() and isinstance(value, str) and "{name}" in value
    }
    assert set(_DOCUMENT_MESSAGES) == sentences


def test_a_document_is_stored_with_its_text_and_counts(tmp_path: Any) -> None:
    from tests import document_files as files

    path = tmp_path / "report.pdf"
    path.write_bytes(files.pdf(["Revenue rose", "Costs fell"]))
    item = att.read_document(path)
    assert item["name"] == "report.pdf" and item["mime"] == "application/pdf"
    assert "Revenue rose" in item["text"] and "Costs fell" in item["text"]
    assert (item["pages"], item["chars"]) == (2, len(item["text"]))
    assert item["tokens"] > 0 and item["truncated"] is False
    assert att.is_document(item) and not att.is_document({"name": "a.txt", "text": "hi"})
    assert json.loads(json.dumps(item)) == item  # JSON-plain: saved with the chat as it is


@pytest.mark.timeout(10, method="thread")
def test_a_document_that_is_a_fifo_or_too_large_is_refused_before_reading(tmp_path: Any) -> None:
    os.mkfifo(tmp_path / "pipe.pdf")
    with pytest.raises(att.AttachmentError, match=r"pipe\.pdf is not a regular file"):
        att.read_document(tmp_path / "pipe.pdf")
    with (tmp_path / "huge.docx").open("wb") as handle:
        handle.truncate(25 * 1024 * 1024)  # sparse: the size alone must refuse it
    with pytest.raises(att.AttachmentError) as err:
        att.read_document(tmp_path / "huge.docx")
    assert str(err.value) == "huge.docx is too large (25 MB; the limit is 20 MB)"


def test_counts_read_back_from_a_file_are_whole_numbers_or_unknown() -> None:
    assert att.document_facts({"pages": 3, "chars": 10, "tokens": 4}) == (3, 10, 4)
    hostile = {"pages": "many", "chars": True, "tokens": 10**30}
    assert att.document_facts(hostile) == (0, 0, 0)
    assert att.document_facts({"pages": -1, "chars": 2.5}) == (0, 0, 0)
