"""The chat-list preview: one calm line of the last message, without Markdown or data URIs."""

from __future__ import annotations

import pytest

from nebula_desktop.store import ConversationStore, Message
from nebula_desktop.store.model import IMAGE_MARK, PREVIEW_LIMIT, make_preview, preview_text

PNG = (  # a 1x1 picture
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _preview(content: str) -> str:
    return make_preview([Message(role="assistant", content=content)])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("**bold**, a list", "bold, a list"),
        ("Use `pip`. Then __run__!", "Use pip. Then run!"),
        ("## Steps:\n1. **one**;\n2. two", "Steps: 1. one; 2. two"),
        ("Sure.\n\n```python\nprint('hi')\n```", "Sure. print('hi')"),
    ],
)
def test_markdown_marks_leave_no_space_before_punctuation(content: str, expected: str) -> None:
    assert _preview(content) == expected


def test_an_image_answer_shows_a_short_mark_not_its_data_uri() -> None:
    content = f"Here it is:\n\n![a red dot](data:image/png;base64,{PNG})\n\nEnjoy."
    assert _preview(content) == f"Here it is: {IMAGE_MARK} Enjoy."


def test_a_bare_data_uri_and_a_linked_image_show_the_mark() -> None:
    assert _preview(f"data:image/png;base64,{PNG}") == IMAGE_MARK
    assert _preview("See ![chart](https://example.com/c.png).") == f"See {IMAGE_MARK}."


def test_a_stored_preview_cut_inside_a_data_uri_is_cleaned_too() -> None:
    # Older versions stored the first 120 raw characters: the URI is cut, with no ")".
    old = f"Done: ![img](data:image/png;base64,{PNG * 3}"[: PREVIEW_LIMIT - 1] + "…"
    assert preview_text(old) == f"Done: {IMAGE_MARK}"


def test_a_huge_image_answer_gives_a_short_preview(store: ConversationStore) -> None:
    conv = store.create()
    conv.messages.append(Message(role="user", content="draw a dot"))
    big = "A" * 8_000_000  # an 8 MB picture inline
    conv.messages.append(Message(role="assistant", content=f"![dot](data:image/png;base64,{big})"))
    store.save(conv)
    (row,) = store.list()
    assert row.preview == IMAGE_MARK
    assert "base64" not in row.preview
