"""Chat titles: the immediate one from the first message, and the model's answer cleaned up."""

from __future__ import annotations

from nebula_desktop.titles import TITLE_PROMPT, clean_title, first_line, title_prompt


def test_the_first_title_is_the_first_non_empty_line_with_spaces_collapsed() -> None:
    assert first_line("\n  \n  How   do I\treverse a string?\nsecond line") == (
        "How do I reverse a string?"
    )


def test_a_long_first_line_is_cut_to_sixty_characters_with_an_ellipsis() -> None:
    title = first_line("word " * 40)
    assert len(title) == 60 and title.endswith("…")
    assert not title[:-1].endswith(" ")


def test_a_blank_message_gives_no_title_so_the_default_stays() -> None:
    assert first_line(" \n\t\n") == ""


def test_the_models_title_loses_quotes_labels_and_the_final_dot() -> None:
    assert clean_title('\n"Reversing strings in Python."\n') == "Reversing strings in Python"
    assert clean_title("Title: Kyoto trip ideas") == "Kyoto trip ideas"
    assert clean_title("**Kyoto trip ideas**") == "Kyoto trip ideas"
    assert clean_title("`Shell tips`\nmore text") == "Shell tips"
    assert clean_title(" \n...\n") == ""
    assert len(clean_title("x" * 500)) == 60


def test_the_title_request_quotes_only_the_start_of_a_long_exchange() -> None:
    prompt = title_prompt("ж" * 5000, "щ" * 5000)
    assert prompt.startswith(TITLE_PROMPT)
    assert prompt.count("ж") == 1500 and prompt.count("щ") == 1500
    assert prompt.index("User: ") < prompt.index("ж") < prompt.index("Assistant: ")
