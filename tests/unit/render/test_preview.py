"""The plain text a long message shows while it renders off the GUI thread: its end, as written,
bounded so Qt lays it out in a few milliseconds whatever the shape of the text."""

from __future__ import annotations

from nebula_desktop.render.preview import PREVIEW_CHARS, PREVIEW_LINES, plain_preview


def test_short_text_is_shown_whole_and_as_written() -> None:
    text = "# Title\n\nSome **bold** text\n"
    assert plain_preview(text) == (text, False)


def test_long_text_shows_its_end_after_an_ellipsis() -> None:
    text = "".join(f"paragraph {i} with some words\n\n" for i in range(20_000))
    shown, cut = plain_preview(text)
    assert cut and shown.startswith("… ")
    assert shown.endswith("paragraph 19999 with some words\n\n")
    assert len(shown) <= PREVIEW_CHARS + 2


def test_a_wall_of_short_lines_is_cut_to_a_bounded_number_of_lines() -> None:
    shown, cut = plain_preview("a\n" * 100_000)  # each line costs Qt a layout line
    assert cut and shown.count("\n") <= PREVIEW_LINES


def test_an_endless_unbroken_run_gets_break_hints() -> None:
    shown, cut = plain_preview("[" * 200_000)  # Qt wraps an unbroken run in quadratic time
    assert cut and "\u200b" in shown
    assert shown.replace("\u200b", "") == "… " + "[" * PREVIEW_CHARS


def test_bidi_overrides_are_removed_as_in_rendered_text() -> None:
    shown, _ = plain_preview("abc\u202eevil")
    assert shown == "abcevil"
