"""Conversation titles: the immediate one from the first message, the request for a better one,
and the clean-up of the model's answer to it."""

from __future__ import annotations

DEFAULT_TITLE = "New chat"  # English; the UI shows it translated and accepts both as untitled
TITLE_LIMIT = 60  # characters of a title
PROMPT_EXCERPT = 1500  # characters of the question and of the answer the title request quotes
TITLE_PROMPT = (
    "Write a short title (at most 6 words) for this conversation. "
    "Reply with the title only: no quotes, no punctuation at the end."
)


def first_line(text: str, limit: int = TITLE_LIMIT) -> str:
    """The first non-empty line of ``text``, spaces collapsed, cut to ``limit`` with "…"
    ("" when every line is blank)."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return ""


def title_prompt(question: str, answer: str) -> str:
    """What the title request asks the model, quoting the start of the first exchange."""
    return (
        f"{TITLE_PROMPT}\n\nUser: {question[:PROMPT_EXCERPT]}\n\n"
        f"Assistant: {answer[:PROMPT_EXCERPT]}"
    )


def clean_title(text: str, limit: int = TITLE_LIMIT) -> str:
    """First non-empty line of a model's answer, without quotes or trailing dots."""
    for line in text.splitlines():
        line = line.strip().strip("\"'`*#").strip()
        if line.lower().startswith("title:"):
            line = line[6:].strip()
        line = line.rstrip(".").strip()
        if line:
            return line[:limit]
    return ""
