"""While an image model's answer streams, its ``data:`` image shows as "[image …]" in the live
document, not as pages of base64, in a short answer and in a long one shown as plain text."""

from __future__ import annotations

import base64
import re

import pytest
from PySide6.QtGui import QFont

from nebula_desktop.render.stream import TAIL_RENDER_MAX
from nebula_desktop.ui.messages.documents import StreamingDoc

_BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{40,}")
DATA = base64.b64encode(bytes(range(256)) * 120).decode()  # ~41k characters


@pytest.mark.parametrize(
    "before",
    [
        "Here it is:\n\n",  # the image is the short tail: rendered as Markdown
        "Here it is: " + "word " * (TAIL_RENDER_MAX // 4),  # a long tail: plain text
        "```\n" + "x = 1\n" * (TAIL_RENDER_MAX // 5),  # in a long unfinished code block
    ],
)
def test_live_document_shows_a_placeholder_for_a_streaming_data_image(
    qapp,  # type: ignore[no-untyped-def]
    before: str,
) -> None:
    answer = before + f"![sunset](data:image/png;base64,{DATA}) Enjoy."
    live = StreamingDoc(dark=False, font=QFont())
    for end in range(0, len(answer) + 1, 1500):
        live.update(answer[:end])
        assert not _BASE64_RUN.search(live.entry.doc.toPlainText()), end
    live.update(answer)
    shown = live.entry.doc.toPlainText()
    assert not _BASE64_RUN.search(shown)
    assert "[image: sunset …]" in shown and "Enjoy." in shown
    assert "[image: sunset …]" in live.html and not _BASE64_RUN.search(live.html)
