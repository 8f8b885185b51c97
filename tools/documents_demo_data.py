"""Seed a data folder with a chat about an attached PDF (for docs/screenshot-documents.png).

python tools/documents_demo_data.py DATA_DIR CONFIG_DIR
bash tools/make_screenshot.sh docs/screenshot-documents.png tools/documents_demo_data.py

The PDF is made here (a few pages of text), read by the app's own reader
(``attachments.read_document``) and stored with the question as the composer would: the message
shows a chip with its pages and tokens, and its text goes into the requests only.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from nebula_desktop.attachments import read_document
from nebula_desktop.settings import SettingsStore
from nebula_desktop.store import ConversationStore, Message

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


def pdf(pages: list[str]) -> bytes:
    """A small PDF with one line of Helvetica text per page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 "
               b"/BaseFont /Helvetica >>"]  # fmt: skip
    kids = []
    for text in pages:
        kids.append(b"%d 0 R" % (len(objects) + 1))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 "
            b"3 0 R >> >> /Contents %d 0 R >>" % (len(objects) + 2)
        )
        body = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
        objects.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(pages))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def main(data: Path, config: Path) -> None:
    settings_store = SettingsStore(config)
    settings = settings_store.load()
    profile = settings.profile(settings.default_profile_id)
    profile.default_model = MODEL
    profile.needs_key = False  # a demo must not stop at the first-run dialog
    profile.prices = {MODEL: {"input": 2.5, "output": 10.0}}  # dollars per million tokens
    settings.auto_title = False
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Q3 2025 results.pdf"
        path.write_bytes(pdf(PAGES))
        document = read_document(path)
    now = time.time()
    with ConversationStore(data) as store:
        conv = store.create(title="Q3 results for the board", model=MODEL, profile_id=profile.id)
        conv.messages.append(
            Message(role="user", content=QUESTION, created_at=now - 60, attachments=[document])
        )
        conv.messages.append(
            Message(
                role="assistant",
                content=ANSWER,
                model=MODEL,
                created_at=now - 55,
                usage={"prompt_tokens": 142, "completion_tokens": 61},
            )
        )
        conv.draft = DRAFT
        store.save(conv, touch=False)
        settings.last_conversation_id = conv.id
    settings_store.save(settings)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
