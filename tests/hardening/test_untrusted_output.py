"""Item 4 of issue 6: whatever a model (or a hostile gateway) sends, the message view shows it
as inert text or safe markup, fetches nothing, reads no local file, and finishes rendering.
Links leave the app only for http/https, after the user saw the full address and agreed. A
remote image (issue 15) is never fetched by itself: it shows as a placeholder with its host and
a "Load image" link; one click loads that one image, once, with no key, no profile headers and
no cookies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QMessageBox, QTextBrowser

from nebula_desktop.store import Message
from nebula_desktop.ui.messages import documents as message_documents
from nebula_desktop.ui.messages import selector as message_selector
from nebula_desktop.ui.messages.model import MessageModel
from nebula_desktop.ui.messages.selector import MessageTextSelector
from nebula_desktop.ui.messages.view import MessageView
from tests.gui.helpers import UrlCatcher, catch_urls, show_widget, wait_for
from tests.servers import LoopbackServer

# nebula-load-image: a remote image's "Load image" (nothing is fetched before that click).
ALLOWED_HREF = ("http://", "https://", "mailto:", "nebula-copy:", "nebula-load-image:")
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

# Every QTextDocument / QTextBrowser asks loadResource for anything it would show from a URL
# (images, style sheets). Recording those calls proves nothing was even asked for.
loads: list[str] = []


class SpyDocument(QTextDocument):
    def loadResource(self, kind: int, name: Any) -> Any:
        loads.append(QUrl(name).toString() if not isinstance(name, str) else name)
        return None


class SpySelector(MessageTextSelector):
    def loadResource(self, kind: int, name: Any) -> Any:
        loads.append(QUrl(name).toString() if not isinstance(name, str) else name)
        return None


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def view(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> MessageView:
    loads.clear()
    monkeypatch.setattr(message_documents, "QTextDocument", SpyDocument)
    # (the delegate imports the selector when a selection starts: from its module)
    monkeypatch.setattr(message_selector, "MessageTextSelector", SpySelector)
    view: MessageView = show_widget(qtbot, MessageView(), 800, 600)
    return view


def test_the_spy_would_notice_a_resource_load(qtbot: Any) -> None:
    """The check below is meaningful: a plain document with an image does ask for it."""
    loads.clear()
    doc = SpyDocument()
    doc.setHtml('<p>x<img src="file:///etc/passwd"></p>')
    doc.setTextWidth(300)
    doc.size()
    assert loads == ["file:///etc/passwd"]


def hostile_cases(base: str) -> dict[str, str]:
    nested = "\n".join("  " * i + f"- level {i}" for i in range(200))
    table = "| a | b |\n|---|---|\n" + "".join(f"| {i} | <b>{i}</b> |\n" for i in range(2000))
    return {
        "script": "<script>fetch('" + base + "/s')</script><style>*{}</style> after",
        "img-tag": f'look <img src="{base}/img.png"> <img src="file:///etc/passwd">',
        "markdown-image": f"![alt text]({base}/md.png) ![local](file:///etc/passwd)",
        "file-link": '<a href="file:///etc/passwd">passwd</a> [passwd](file:///etc/passwd)',
        "javascript-link": '[click](javascript:alert(1)) <a href="javascript:alert(1)">x</a>',
        "stylesheet-iframe": f'<link rel="stylesheet" href="{base}/c.css"><iframe src="{base}/f">',
        "huge-table": table,
        "one-megabyte-line": "w" * 1_000_000,
        "deep-list": nested,
        "zero-width-and-rtl": "safe\u200b\u200c\u200d\ufeff text \u202eexe.txt\u202c \u2067x\u2069",
        "invalid-surrogates": "before \ud800 middle \udfff after \x00 nul",
        "html-entities": "&lt;script&gt; &#x3C;img src=x&#x3E; <!-- comment --> <?php ?>",
        "disguised-schemes": (
            "[a](JAVASCRIPT:alert(1)) [b]( javascript:alert(1)) [c](&#106;avascript:alert(1)) "
            "[d](java\tscript:alert(1)) [e](data:text/html;base64,PHNjcmlwdD4=) "
            "[f](vbscript:msgbox) [g](//127.0.0.1/protocol-relative) <javascript:alert(1)> "
            "[h](file:etc/passwd) [i](FILE:///etc/passwd) [j](qrc:/icons/x.png)"
        ),
        "reference-links": "[x][1] and ![y][2]\n\n[1]: file:///etc/passwd\n[2]: " + base + "/r.png",
        "attribute-injection": (
            f'[t](https://example.com "x\\" onmouseover=\\"alert(1)") '
            f'[u](https://example.com/"><img src="{base}/q.png">)\n\n'
            '```"><img src=x onerror=alert(1)>\ncode\n```\n\n'
            '```python" style="background:url(' + base + "/bg.png)\nprint(1)\n```"
        ),
        "css-and-svg": f'<svg onload="alert(1)"><image href="{base}/svg.png"/></svg>'
        f'<div style="background:url({base}/div.png)">styled</div>',
    }


def walk_fragments(doc: QTextDocument) -> Iterator[Any]:
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            yield it.fragment()
            it += 1
        block = block.next()


def assert_inert(doc: QTextDocument) -> None:
    text = doc.toPlainText()
    assert not any(c in text for c in BIDI_CONTROLS)
    assert "\x00" not in text
    for frag in walk_fragments(doc):
        fmt = frag.charFormat()
        assert not fmt.isImageFormat()
        href = fmt.anchorHref()
        assert not href or href.startswith(ALLOWED_HREF), href


def open_selector(qtbot: Any, view: MessageView, row: int) -> QTextBrowser:
    """Click into the body, as a user selecting text does: the selector widget opens."""
    index = view.model().index(row, 0)
    view.scrollTo(index)
    view.executeDelayedItemsLayout()
    rect = view.visualRect(index)
    lay = view.message_delegate.layout(index.data(MessageModel.MessageRole), row, rect.top())
    body = lay.body_rect
    doc_layout = lay.body_doc.doc.documentLayout()
    for dy in range(2, max(3, body.height()), 7):
        for dx in (2, body.width() // 2, body.width() - 4):
            point = body.topLeft() + QPoint(dx, dy)
            if doc_layout.anchorAt((point - lay.body_pos).toPointF()):
                continue  # a link: clicking it is not selecting text
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
            editor = view.indexWidget(index)
            if isinstance(editor, QTextBrowser):
                editor.grab()
                return editor
    raise AssertionError("no spot in the body opened the text selector")


@pytest.mark.parametrize(
    "name",
    list(hostile_cases("")),
)
def test_hostile_answer_is_inert_fetches_nothing_and_reads_no_file(
    qtbot: Any, view: MessageView, loopback: LoopbackServer, name: str
) -> None:
    content = hostile_cases(f"http://127.0.0.1:{loopback.port}")[name]
    msg = Message(role="assistant", content=content)
    view.set_messages([Message(role="user", content=content), msg])
    view.executeDelayedItemsLayout()
    view.grab()  # paint: Qt loads resources while laying out and painting
    for row, m in enumerate((view.message_model.message_at(0), msg)):
        lay = view.message_delegate.layout(m, row, 0)
        assert lay.body_doc is not None
        assert_inert(lay.body_doc.doc)
        assert "<img" not in lay.body_doc.html and "<script" not in lay.body_doc.html
    editor = open_selector(qtbot, view, 1)
    assert_inert(editor.document())
    assert loads == []
    assert loopback.requests == []
    if name == "script":  # shown as text, so the user sees what the model wrote
        assert "<script>" in view.message_delegate.layout(msg, 1, 0).body_doc.doc.toPlainText()
    if name == "huge-table":  # shown up to a cap, with a note; the rest is in Copy as Markdown
        # Long enough to be formatted off the GUI thread: its end shows as written meanwhile.
        def formatted() -> str:
            return view.message_delegate.layout(msg, 1, 0).body_doc.doc.toPlainText()

        wait_for(qtbot, view.message_delegate.document_ready, lambda: "more" in formatted(), 10000)
        view.grab()
        assert "1700 more" in formatted() and "<b>" in formatted()
        assert_inert(view.message_delegate.layout(msg, 1, 0).body_doc.doc)
        assert loads == []
        assert loopback.requests == []


def test_hostile_answer_streamed_in_pieces_is_just_as_inert(
    qtbot: Any, view: MessageView, loopback: LoopbackServer
) -> None:
    cases = hostile_cases(f"http://127.0.0.1:{loopback.port}")
    text = "\n\n".join(v for k, v in cases.items() if k not in ("one-megabyte-line", "huge-table"))
    msg = Message(role="assistant", content="", complete=False)
    view.set_messages([msg])
    view.set_streaming(msg.id)
    for start in range(0, len(text), 997):  # odd split: tags and entities cut in half
        view.stream_append(msg.id, "content", text[start : start + 997])
        view.flush_stream()
        view.grab()
    qtbot.waitUntil(lambda: msg.content == text)
    lay = view.message_delegate.layout(msg, 0, 0)
    assert_inert(lay.body_doc.doc)
    view.set_streaming(None)
    view.grab()
    assert_inert(view.message_delegate.layout(msg, 0, 0).body_doc.doc)
    assert loads == []
    assert loopback.requests == []


# -- links ----------------------------------------------------------------------------------------


def anchors(view: MessageView, row: int) -> list[str]:
    msg = view.message_model.message_at(row)
    doc = view.message_delegate.layout(msg, row, 0).body_doc.doc
    return [f.charFormat().anchorHref() for f in walk_fragments(doc) if f.charFormat().isAnchor()]


def click_anchor(qtbot: Any, view: MessageView, row: int, href: str) -> None:
    """Click the painted link ``href`` (its first character) in ``row``."""
    index = view.model().index(row, 0)
    rect = view.visualRect(index)
    lay = view.message_delegate.layout(index.data(MessageModel.MessageRole), row, rect.top())
    doc = lay.body_doc.doc
    for frag in walk_fragments(doc):
        if frag.charFormat().anchorHref() == href:
            block = doc.findBlock(frag.position())
            line = block.layout().lineForTextPosition(frag.position() - block.position())
            x = line.cursorToX(frag.position() - block.position() + 1)[0]
            origin = doc.documentLayout().blockBoundingRect(block).topLeft()
            pos = lay.body_pos + QPoint(int(origin.x() + x), int(origin.y() + line.y() + 3))
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
            return
    raise AssertionError(f"no link {href}")


def test_only_web_links_are_clickable_and_only_they_leave_the_view(
    qtbot: Any, view: MessageView
) -> None:
    content = (
        "[web](https://example.com/a?b=1) [plain](http://example.org/) "
        "[mail](mailto:someone@example.com) [file](file:///etc/passwd) "
        "[js](javascript:alert(1)) [data](data:text/html,<b>x</b>) [rel](/etc/passwd) "
        "[custom](nebula-copy:0) [ftp](ftp://example.com/x) <file:///etc/shadow>"
    )
    view.set_messages([Message(role="assistant", content=content)])
    view.executeDelayedItemsLayout()
    assert sorted(anchors(view, 0)) == sorted(
        ["https://example.com/a?b=1", "http://example.org/", "mailto:someone@example.com"]
    )
    emitted: list[str] = []
    view.link_activated.connect(emitted.append)
    with qtbot.waitSignal(view.link_activated):
        click_anchor(qtbot, view, 0, "https://example.com/a?b=1")
    with (
        qtbot.assertNotEmitted(view.link_activated, wait=50),
        qtbot.waitSignal(view.status_message) as status,  # proves the click hit the link
    ):
        click_anchor(qtbot, view, 0, "mailto:someone@example.com")
    assert status.args == ["Not opened (only web links open): mailto:someone@example.com"]
    assert emitted == ["https://example.com/a?b=1"]


def test_remote_image_loads_only_on_click_once_without_key_headers_or_cookies(
    qtbot: Any, make_window: Callable[..., Any], server: LoopbackServer, loopback: LoopbackServer
) -> None:
    from tests.gui.helpers import send_and_wait
    from tests.servers import Reply, sse_reply
    from tests.unit.test_answer_images import png

    window = make_window()  # a profile with a key...
    profile = window.ctx.settings.profile(window.ctx.settings.default_profile_id)
    profile.extra_headers["X-Team-Token"] = "team-secret"  # ... and a header of its own
    url = f"http://127.0.0.1:{loopback.port}/chart.png"
    server.queue(sse_reply([f"Here is the chart: ![chart]({url})"]))
    answer = send_and_wait(qtbot, window, "Plot it")
    view = window.view
    row = len(window.controller.conv.messages) - 1
    view.grab()
    assert "image from 127.0.0.1 · Load image" in (
        view.message_delegate.layout(answer, row, 0).body_doc.doc.toPlainText()
    )
    assert f"nebula-load-image:{url}" in anchors(view, row)
    assert loopback.requests == []  # shown, painted: nothing fetched

    loopback.queue(Reply(200, {"Content-Type": "image/png"}, [png(8, 6)]), path="/chart.png")
    with qtbot.waitSignal(window.controller.remote_images.loaded, timeout=10000):
        click_anchor(qtbot, view, row, f"nebula-load-image:{url}")
    assert len(loopback.requests) == 1
    sent = loopback.requests[0]
    assert (sent.method, sent.path) == ("GET", "/chart.png")
    for header in ("authorization", "x-team-token", "cookie"):
        assert header not in sent.headers
    assert [(a["source_url"], a["width"]) for a in answer.attachments] == [(url, 8)]
    assert len(view.message_delegate.layout(answer, row, 0).thumbs) == 1

    click_anchor(qtbot, view, row, f"nebula-load-image:{url}")  # again: shown, not fetched
    qtbot.waitUntil(lambda: view._commands.image_viewer is not None)
    assert len(loopback.requests) == 1


@pytest.fixture
def browser() -> Iterator[UrlCatcher]:
    with catch_urls("http", "https", "file", "javascript") as catcher:
        yield catcher


def confirm_boxes(window: Any) -> list[QMessageBox]:
    return [w for w in window.findChildren(QMessageBox) if w.isVisible()]


def test_window_shows_the_full_address_before_opening_a_link(
    qtbot: Any, make_window: Callable[..., Any], browser: UrlCatcher
) -> None:
    window = make_window()
    url = "https://example.com/a/very/long/path/that/is/not/what/the/link/text/says?x=1&y=2#frag"
    window.view.link_activated.emit(url)
    qtbot.waitUntil(lambda: len(confirm_boxes(window)) == 1)
    box = confirm_boxes(window)[0]
    assert url in box.text()
    assert browser.urls == []  # nothing opens before the user agrees
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not confirm_boxes(window))
    assert browser.urls == []

    window.view.link_activated.emit(url)
    qtbot.waitUntil(lambda: len(confirm_boxes(window)) == 1)
    confirm_boxes(window)[0].button(QMessageBox.StandardButton.Open).click()
    qtbot.waitUntil(lambda: browser.urls == [url])


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://x/y"])
def test_window_never_opens_other_schemes_even_if_asked(
    qtbot: Any, make_window: Callable[..., Any], browser: UrlCatcher, url: str
) -> None:
    window = make_window()
    window.view.link_activated.emit(url)
    QApplication.processEvents()
    assert confirm_boxes(window) == []
    assert browser.urls == []


def test_streaming_one_long_paragraph_costs_no_more_per_flush_as_it_grows(
    view: MessageView, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nebula_desktop.render import markdown, stream

    rendered = [0]

    def counting(text: str, dark: bool, code_index_base: int, **options: Any) -> Any:
        rendered[0] += len(text)
        return markdown.render_fragment(text, dark, code_index_base, **options)

    monkeypatch.setattr(stream, "render_fragment", counting)
    msg = Message(role="assistant", content="", complete=False)
    view.set_messages([msg])
    view.set_streaming(msg.id)
    for _ in range(100):  # a model writing 100 KB without a blank line, flushed as it arrives
        view.stream_append(msg.id, "content", "word " * 200)
        view.flush_stream()
    assert len(msg.content) == 100_000
    # Each character rendered a bounded number of times, not once per flush.
    assert rendered[0] < 10 * len(msg.content), f"{rendered[0]:,} characters rendered"
