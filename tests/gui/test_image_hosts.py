"""Issue 15: "a setting can allow a host" — an answer's image from a host the user allowed in
Settings → General loads without a click (the same careful fetch: no key, no headers, no
cookies); any other host still waits for "Load image"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from nebula_desktop.settings import Settings
from nebula_desktop.ui.settings.general import GeneralSettings
from tests.gui.helpers import send_and_wait
from tests.servers import LoopbackServer, Reply, sse_reply
from tests.unit.test_answer_images import png


@pytest.fixture
def images() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def _answer_with_image(
    qtbot: Any, make_window: Any, server: LoopbackServer, images: LoopbackServer, hosts: list[str]
) -> tuple[Any, Any, str]:
    window = make_window()
    window.ctx.settings.image_hosts = hosts
    profile = window.ctx.settings.profile(window.ctx.settings.default_profile_id)
    profile.extra_headers["X-Team-Token"] = "team-secret"
    url = f"http://127.0.0.1:{images.port}/chart.png"
    images.queue(Reply(200, {"Content-Type": "image/png"}, [png(8, 6)]), path="/chart.png")
    server.queue(sse_reply([f"Here is the chart: ![chart]({url})"]))
    answer = send_and_wait(qtbot, window, "Plot it")
    return window, answer, url


def test_an_allowed_hosts_image_loads_without_a_click_and_without_the_key(
    qtbot: Any, make_window: Any, server: LoopbackServer, images: LoopbackServer
) -> None:
    window, answer, url = _answer_with_image(qtbot, make_window, server, images, ["127.0.0.1"])
    qtbot.waitUntil(lambda: len(answer.attachments) == 1, timeout=10000)
    assert len(images.requests) == 1
    sent = images.requests[0]
    assert (sent.method, sent.path) == ("GET", "/chart.png")
    for header in ("authorization", "x-team-token", "cookie"):
        assert header not in sent.headers
    assert [(a["source_url"], a["width"]) for a in answer.attachments] == [(url, 8)]
    # Opening the chat again fetches nothing more: the image is the answer's now.
    conv = window.controller.conv
    window.controller.open(None)
    window.controller.open(conv)
    qtbot.wait(300)
    assert len(images.requests) == 1


def test_an_image_from_a_host_not_allowed_still_waits_for_the_click(
    qtbot: Any, make_window: Any, server: LoopbackServer, images: LoopbackServer
) -> None:
    window, answer, _url = _answer_with_image(qtbot, make_window, server, images, ["example.org"])
    conv = window.controller.conv
    window.controller.open(None)
    window.controller.open(conv)
    qtbot.wait(500)
    assert images.requests == []
    assert answer.attachments == []


def test_opening_a_chat_loads_the_images_of_a_host_allowed_since(
    qtbot: Any, make_window: Any, server: LoopbackServer, images: LoopbackServer
) -> None:
    window, answer, url = _answer_with_image(qtbot, make_window, server, images, [])
    qtbot.wait(300)
    assert images.requests == []
    window.ctx.settings.image_hosts = ["127.0.0.1"]
    conv = window.controller.conv
    window.controller.open(None)
    window.controller.open(conv)
    qtbot.waitUntil(lambda: len(answer.attachments) == 1, timeout=10000)
    assert len(images.requests) == 1
    assert answer.attachments[0]["source_url"] == url


def test_a_host_allows_its_subdomains_only() -> None:
    from nebula_desktop.ui.chat.remote_images import host_allowed

    assert host_allowed("example.org", ["example.org"])
    assert host_allowed("img.example.org", ["example.org"])
    assert not host_allowed("badexample.org", ["example.org"])
    assert not host_allowed("example.org.evil.net", ["example.org"])
    assert not host_allowed("example.org", [])


def test_general_tab_edits_the_allowed_hosts(qtbot: Any) -> None:
    settings = Settings()
    tab = GeneralSettings(settings)
    qtbot.addWidget(tab)
    assert tab.image_hosts_edit.text() == ""
    tab.image_hosts_edit.setText(" Images.Example.org, cdn.test  bad/host ")
    assert tab.image_hosts_note.text() == (
        "Not saved: bad/host (a host name only, at most 50 hosts)."
    )
    tab.apply_to(settings)
    assert settings.image_hosts == ["images.example.org", "cdn.test"]
    assert GeneralSettings(settings).image_hosts_edit.text() == "images.example.org, cdn.test"
