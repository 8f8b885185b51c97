"""Seed a data folder with a chat about an attached PDF (for docs/screenshot-documents.png).

python tools/documents_demo_data.py DATA_DIR CONFIG_DIR
bash tools/make_screenshot.sh docs/screenshot-documents.png tools/documents_demo_data.py

The PDF is made here (a few pages of text, written by the tests' ``document_files.pdf``), read
by the app's own reader (``attachments.read_document``) and stored with the question as the
composer would: the message shows a chip with its pages and tokens, and its text goes into the
requests only.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from demo_common import add_turn, demo_chat

from nebula_desktop.attachments import read_document
from tests.document_files import pdf

MODEL = "gpt-4o"
PAGES = [
    "Q3 2025 results. Revenue 48.2 million dollars, up 12 percent on Q3 2024.",
    "Costs fell in every region; the gross margin widened from 41 to 45 percent.",
    "Europe grew fastest (plus 19 percent); North America plus 8 percent.",
    "Outlook: full-year revenue of 190 to 195 million dollars.",
]
QUESTION = "Summarise this report in three bullet points for the board."
ANSWER = (
    "- **Revenue** reached $48.2 M in Q3, up **12%** year on year.\n"
    "- **Costs fell** in every region, widening the gross margin from 41% to **45%**; Europe "
    "grew fastest (+19%).\n"
    "- **Outlook:** full-year revenue of **$190–195 M**."
)
DRAFT = "Which region should we invest in next year?"


def main(data: Path, config: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Q3 2025 results.pdf"
        path.write_bytes(pdf(PAGES))
        document = read_document(path)
    prices = {MODEL: {"input": 2.5, "output": 10.0}}
    now = time.time()
    title = "Q3 results for the board"
    with demo_chat(data, config, title=title, model=MODEL, prices=prices) as conv:
        usage = {"prompt_tokens": 142, "completion_tokens": 61}
        add_turn(conv, QUESTION, ANSWER, at=now - 60, usage=usage, attachments=[document])
        conv.draft = DRAFT


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
