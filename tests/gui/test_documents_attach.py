"""Documents in the window: a PDF (or Word, Excel…) attached in the composer is read off the GUI
thread, shows as a chip with its pages and tokens, goes to the server as a fenced block in the
request only, stays a chip in the sent message (a click shows its text) and comes back after a
reload; a refused document says why and attaches nothing."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QProgressBar, QToolButton, QWidget

from nebula_desktop import documents
from nebula_desktop.ui.common.i18n import CHINESE, ENGLISH, install_translators
from tests import document_files as files
from tests.gui.helpers import chat_requests, send, send_and_wait, wait_for, wait_idle
from tests.servers import LoopbackServer, sse_reply

PAGES = ["Quarterly revenue rose by 12 percent", "Costs fell in every region"]


@pytest.fixture(autouse=True)
def english(qapp: Any) -> Iterator[None]:
    """English as the app installs it at start-up: its catalogue spells the plurals."""
    installed = install_translators(ENGLISH, [])
    yield
    installed.remove()


def report(tmp_path: Path, name: str = "report.pdf", pages: list[str] | None = None) -> Path:
    path = tmp_path / name
    path.write_bytes(files.pdf(pages or PAGES))
    return path


def wait_read(qtbot: Any, window: Any) -> None:
    """Wait until no document is being read in the composer."""
    strip = window.composer.strip
    wait_for(qtbot, strip.changed, lambda: not strip.busy(), timeout=10000)


def chip_texts(window: Any) -> list[str]:
    """The texts shown on the composer's chips (labels), in order."""
    return [label.text() for chip in chips(window) for label in chip.findChildren(QLabel)
            if label.text()]  # fmt: skip


def chips(window: Any) -> list[Any]:
    """The composer's chips (a removed chip is hidden at once, deleted later)."""
    strip = window.composer.strip
    return [w for w in strip.findChildren(QWidget, "attachmentChip") if not w.isHidden()]


def row_layout(window: Any, row: int) -> Any:
    view = window.view
    index = view.model().index(row, 0)
    msg = view.message_model.message_at(row)
    return view.message_delegate.layout(msg, row, view.visualRect(index).top())


class SlowExtract:
    """Stands in for ``documents.extract`` on the Qt-free side: waits until released."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self._real = documents.extract

    def __call__(self, name: str, data: bytes, *, tr: Any = None) -> Any:
        self.started.set()
        self.release.wait(10)
        return self._real(name, data) if tr is None else self._real(name, data, tr=tr)


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> SlowExtract:
    """``documents.extract`` held until the test releases it."""
    held = SlowExtract()
    monkeypatch.setattr(documents, "extract", held)
    return held


def reading_report(make_window: Any, tmp_path: Path, slow: SlowExtract) -> Any:
    """A window whose composer is reading report.pdf (the extractor has started and waits)."""
    window = make_window()
    window.composer.add_paths([str(report(tmp_path))])
    assert slow.started.wait(5)  # extraction runs while the GUI thread goes on
    return window


def test_pdf_becomes_a_chip_and_its_text_goes_in_the_request_only(
    qtbot: Any, make_window: Any, server: LoopbackServer, tmp_path: Path
) -> None:
    server.queue(sse_reply(["Revenue up, costs down."]))
    window = make_window()
    window.composer.add_paths([str(report(tmp_path))])  # as the paperclip, paste and drop do
    wait_read(qtbot, window)
    expected = documents.extract("report.pdf", files.pdf(PAGES))
    tokens = f"{expected.tokens:,}"
    assert chip_texts(window) == [
        "report.pdf",
        f"2 pages · {expected.chars:,} chars · ≈{tokens} tokens",
    ]
    send_and_wait(qtbot, window, "Summarise this")
    sent = chat_requests(server)[0].json["messages"][-1]["content"]
    assert sent == f"Summarise this\n\nreport.pdf\n```\n{expected.text}\n```"
    # The message shows what the user typed; the document is a chip, its text is not drawn.
    question = window.controller.conv.messages[0]
    assert question.content == "Summarise this"
    ((index, _rect, name, details),) = row_layout(window, 0).doc_chips
    assert (name, details) == ("report.pdf", f"2 pages · ≈{tokens} tokens")
    body = window.view.message_delegate.body_document(question).doc.toPlainText()
    assert "Quarterly" not in body
    assert question.attachments[index]["pages"] == 2
    assert window.composer.attachments() == [] and not window.composer.strip.isVisible()


def test_clicking_a_sent_documents_chip_shows_its_text_to_read_and_copy(
    qtbot: Any, make_window: Any, server: LoopbackServer, tmp_path: Path
) -> None:
    from nebula_desktop.ui.messages.attachment_viewer import AttachmentViewer

    server.queue(sse_reply(["Noted."]))
    window = make_window()
    window.composer.add_paths([str(report(tmp_path))])
    wait_read(qtbot, window)
    send(qtbot, window, "")  # a document alone can be sent
    wait_idle(qtbot, window)
    assert window.controller.conv.title == "report.pdf"  # and names the chat
    ((_, rect, _, _),) = row_layout(window, 0).doc_chips
    view = window.view
    qtbot.mouseMove(view.viewport(), rect.center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    (viewer,) = [w for w in view.findChildren(AttachmentViewer) if w.isVisible()]
    assert viewer.windowTitle() == "report.pdf"
    assert viewer.text.isReadOnly()
    text = documents.extract("report.pdf", files.pdf(PAGES)).text
    assert text.startswith("--- Page 1 ---\nQuarterly revenue")
    assert viewer.text.toPlainText() == text
    viewer.copy_button.click()
    assert QGuiApplication.clipboard().text() == text
    viewer.close()


@pytest.mark.parametrize(
    ("name", "make", "sentence"),
    [
        (
            "locked.pdf",
            lambda: encrypted_pdf(),
            "locked.pdf is protected by a password; remove the password and attach it again.",
        ),
        (
            "notes.docx",
            lambda: b"just some text, not a Word file",
            "notes.docx is not a real Word (.docx) file: its content does not match its extension.",
        ),
        (
            "scan.pdf",
            lambda: files.pdf([None, None]),
            "scan.pdf looks scanned: no text to extract (its pages are images, not text).",
        ),
    ],
)
def test_a_refused_document_says_why_and_attaches_nothing(
    qtbot: Any,
    make_window: Any,
    server: LoopbackServer,
    tmp_path: Path,
    name: str,
    make: Any,
    sentence: str,
) -> None:
    window = make_window()
    (tmp_path / name).write_bytes(make())
    window.composer.add_paths([str(tmp_path / name)])
    wait_read(qtbot, window)
    assert window.composer.strip.error.text() == sentence
    assert window.composer.attachments() == []
    assert chips(window) == []


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(files.pdf(["Confidential"]))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.timeout(30)
def test_reading_runs_off_the_gui_thread_and_sending_waits_for_it(
    qtbot: Any, make_window: Any, server: LoopbackServer, tmp_path: Path, slow: SlowExtract
) -> None:
    server.queue(sse_reply(["Read it."]))
    window = reading_report(make_window, tmp_path, slow)
    composer = window.composer
    assert composer.strip.busy()
    assert "Reading report.pdf…" in chip_texts(window)
    ((chip),) = chips(window)
    assert chip.findChildren(QProgressBar)  # a busy line
    # The event loop keeps turning: a timer fires while the extractor is still waiting.
    timer = QTimer()
    timer.setSingleShot(True)
    with qtbot.waitSignal(timer.timeout, timeout=2000):
        timer.start(50)
    assert not slow.release.is_set()
    # Enter now does not send a half-read document: the send waits, and says so.
    send(qtbot, window, "What changed?")
    assert composer.is_send_waiting()
    assert composer.notice.text() == "Sends when report.pdf has been read (Esc cancels)."
    assert chat_requests(server) == []
    slow.release.set()
    wait_read(qtbot, window)
    wait_idle(qtbot, window)
    (request,) = chat_requests(server)
    content = request.json["messages"][-1]["content"]
    assert content.startswith("What changed?\n\nreport.pdf\n```\n--- Page 1 ---\nQuarterly")
    assert not composer.is_send_waiting() and not composer.notice.isVisible()


@pytest.mark.timeout(30)
def test_removing_the_chip_of_a_document_being_read_cancels_it_and_the_waiting_send(
    qtbot: Any, make_window: Any, server: LoopbackServer, tmp_path: Path, slow: SlowExtract
) -> None:
    window = reading_report(make_window, tmp_path, slow)
    composer = window.composer
    send(qtbot, window, "Summarise")
    assert composer.is_send_waiting()
    ((chip),) = chips(window)
    (cross,) = chip.findChildren(QToolButton)
    assert cross.toolTip() == "Cancel reading report.pdf"
    qtbot.mouseClick(cross, Qt.MouseButton.LeftButton)
    assert not composer.strip.busy() and not composer.is_send_waiting()
    job_done = composer.strip.changed
    slow.release.set()
    # The read lands later and is dropped: nothing attached, nothing sent, the text kept.
    with qtbot.assertNotEmitted(job_done, wait=300):
        pass
    assert composer.attachments() == []
    assert chat_requests(server) == []
    assert composer.text() == "Summarise"


def test_a_chat_with_a_document_comes_back_with_its_chip_after_a_reload(
    qtbot: Any, make_window: Any, server: LoopbackServer, tmp_path: Path
) -> None:
    server.queue(sse_reply(["Fine."]))
    server.queue(sse_reply(["Still there."]))
    window = make_window()
    window.composer.add_paths([str(report(tmp_path))])
    wait_read(qtbot, window)
    send_and_wait(qtbot, window, "Keep this")
    make_window.close(window)

    again = make_window()
    question = again.controller.conv.messages[0]
    assert question.content == "Keep this"
    ((_, _, name, details),) = row_layout(again, 0).doc_chips
    assert name == "report.pdf" and details.startswith("2 pages · ≈")
    # The next turn sends the document again, from the saved chat.
    send_and_wait(qtbot, again, "And now?")
    first = chat_requests(server)[1].json["messages"][0]["content"]
    assert "report.pdf\n```\n--- Page 1 ---\nQuarterly revenue rose by 12 percent" in first


def test_a_saved_document_with_damaged_counts_still_shows_its_chip(
    qtbot: Any, make_window: Any, server: LoopbackServer, data_dir: Path
) -> None:
    window = make_window()
    conv = window.ctx.store.create(title="hand-made", model="test-model", profile_id="ai-nebula")
    from nebula_desktop.store import Message

    conv.messages.append(Message("user", "look", attachments=[{"name": "x.pdf"}]))
    window.ctx.store.save(conv)
    make_window.close(window)
    # Edit the file as another program (or a damaged disk) could: counts that are not counts.
    path = next(data_dir.rglob(f"{conv.id}.json"))
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["messages"][0]["attachments"] = [
        {"name": "x.pdf", "mime": "application/pdf", "text": "hello", "pages": "many",
         "chars": True, "tokens": 10**30},
    ]  # fmt: skip
    path.write_text(json.dumps(stored), encoding="utf-8")
    again = make_window()
    ((_, _, name, details),) = row_layout(again, 0).doc_chips
    assert (name, details) == ("x.pdf", "document")  # counts unknown, nothing made up
    assert not again.view.viewport().grab().isNull()  # painting did not fail


def test_start_up_modules_load_no_document_reader() -> None:
    code = (
        "import sys\n"
        "import nebula_desktop.ui.chat.composer, nebula_desktop.ui.messages.view\n"
        "print(sorted(m for m in sys.modules if m.startswith(('nebula_desktop.documents', "
        "'pypdf'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_one_page_document_says_page_and_chinese_reads_its_chip(
    qtbot: Any, tmp_path: Path
) -> None:
    from nebula_desktop.ui.chat.attachment_strip import AttachmentStrip
    from nebula_desktop.ui.messages.attachment_chips import chip_details

    item = {"name": "a.pdf", "text": "x", "pages": 1, "chars": 1234, "tokens": 5}
    strip = AttachmentStrip()
    qtbot.addWidget(strip)
    assert strip.document_details(item) == "1 page · 1,234 chars · ≈5 tokens"
    assert chip_details(item) == "1 page · ≈5 tokens"
    chinese = install_translators(CHINESE, [])
    try:
        assert strip.document_details(item) == "1 页 · 1,234 个字符 · ≈5 个 Token"
        assert chip_details(item) == "1 页 · ≈5 个 Token"
    finally:
        chinese.remove()
