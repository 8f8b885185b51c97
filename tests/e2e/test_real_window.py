"""The real app in a real X window (Xvfb): it starts, opens the last conversation and draws it.

The app runs as its own process on the Xvfb display with the xcb platform plugin (not the
offscreen one the other tests use), on a temporary data folder holding a conversation with a
code block, CJK text and emoji. We find its window with ``xwininfo``, photograph the screen
with ImageMagick's ``import -window root`` and look at the message area: dark text pixels and
coloured pixels (syntax highlighting, colour emoji) must be there, not an empty or blank window.

By default the app under test is ``python -m nebula_desktop``; set ``NEBULA_E2E_APP`` to a
command (e.g. ``/usr/bin/nebula-desktop``) to run the same checks on an installed build.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nebula_desktop.settings import SettingsStore
from nebula_desktop.store import ConversationStore, Message
from tests.e2e.conftest import require_tools
from tests.servers import LoopbackServer, Reply

pytestmark = pytest.mark.xvfb

MODEL = "e2e-model"
USER_TEXT = "Show me hello world in Python, then say hello in Japanese and Chinese 🙂"
ANSWER = """Here is **hello world** in Python:

```python
def greet(name: str) -> str:
    return f"Hello, {name}!"

print(greet("world"))  # Hello, world!
```

In Japanese: こんにちは世界 — and in Chinese: 你好，世界。

Have fun 🚀✨🎉
"""
# Waiting on another process (not on Qt in this one): poll with a deadline.
START_TIMEOUT = 60.0
DRAW_TIMEOUT = 30.0


@dataclass(frozen=True)
class Geometry:
    """A window's absolute position and size on the screen (and its X id, if it is one)."""

    x: int
    y: int
    width: int
    height: int
    window_id: str = ""


@dataclass(frozen=True)
class Look:
    """What a region of a screenshot contains."""

    colours: int  # distinct colours
    dark: int  # pixels darker than 40 % grey (text, in the light theme)
    coloured: int  # pixels with clear chroma (highlighted code, colour emoji)

    def drew_the_conversation(self) -> bool:
        """Text, highlighted code and emoji are on screen, not an empty or one-colour area."""
        return self.colours >= 100 and self.dark >= 400 and self.coloured >= 40


def _app_command() -> list[str]:
    installed = os.environ.get("NEBULA_E2E_APP")
    return shlex.split(installed) if installed else [sys.executable, "-m", "nebula_desktop"]


def _app_env(display: str, home: Path) -> dict[str, str]:
    """The environment of a user on an X11 desktop with nothing but a fresh HOME."""
    drop = ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
            "XDG_CACHE_HOME", "XDG_STATE_HOME", "NEBULA_DATA_DIR", "NEBULA_CONFIG_DIR",
            "NEBULA_CACHE_DIR", "NEBULA_LOG_DIR")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in drop}
    # A crash in Qt's C++ (a segfault) then still prints the Python stack into the report.
    env.update(DISPLAY=display, HOME=str(home), PYTHONFAULTHANDLER="1")
    return env


def _seed(data_dir: Path, config_dir: Path, base_url: str) -> str:
    """Write a conversation with code, CJK and emoji; make it the one that opens at start."""
    store = ConversationStore(data_dir)
    try:
        conv = store.create(title="Hello in three scripts", model=MODEL)
        conv.messages.append(Message(role="user", content=USER_TEXT))
        conv.messages.append(
            Message(
                role="assistant",
                content=ANSWER,
                model=MODEL,
                finish_reason="stop",
                usage={"prompt_tokens": 21, "completion_tokens": 64, "total_tokens": 85},
            )
        )
        store.save(conv)
    finally:
        store.close()
    settings_store = SettingsStore(config_dir)
    settings = settings_store.load()
    profile = settings.profile(settings.default_profile_id)
    # A local endpoint without a key: no first-run dialog, no keyring, no internet.
    profile.base_url = base_url
    profile.needs_key = False
    profile.default_model = MODEL
    settings.theme = "light"  # the pixel checks below expect dark text on a light background
    settings.last_conversation_id = conv.id
    settings_store.save(settings)
    return conv.id


def _find_window(display: str, env: dict[str, str]) -> Geometry | None:
    """The app's main window if it is mapped (a top-level titled with the app name)."""
    out = subprocess.run(
        ["xwininfo", "-root", "-tree"], env=env, capture_output=True, text=True, timeout=20
    ).stdout
    pattern = re.compile(
        r'^\s*(0x[0-9a-f]+) "[^"]*Nebula Desktop[^"]*":.*?\s(\d+)x(\d+)[+-]-?\d+[+-]-?\d+'
        r"\s+\+(-?\d+)\+(-?\d+)\s*$"
    )
    for line in out.splitlines():
        m = pattern.match(line)
        if m:
            width, height, x, y = (int(v) for v in m.groups()[1:])
            if width >= 300 and height >= 200:
                return Geometry(x, y, width, height, m.group(1))
    return None


def _message_area(win: Geometry) -> Geometry:
    """The right-hand part of the window, below the header and above the composer."""
    return Geometry(
        win.x + int(win.width * 0.32),
        win.y + int(win.height * 0.10),
        int(win.width * 0.66),
        int(win.height * 0.72),
    )


def _magick(png: Path, area: Geometry, *ops: str) -> str:
    crop = f"{area.width}x{area.height}+{area.x}+{area.y}"
    return subprocess.run(
        ["convert", str(png), "-crop", crop, "+repage", *ops],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()


def _look(png: Path, area: Geometry) -> Look:
    colours = int(_magick(png, area, "-format", "%k", "info:"))
    dark = _magick(png, area, "-colorspace", "Gray", "-threshold", "40%", "-negate",
                   "-format", "%[fx:round(mean*w*h)]", "info:")  # fmt: skip
    coloured = _magick(png, area, "-colorspace", "HCL", "-channel", "G", "-separate",
                       "+channel", "-threshold", "20%", "-format", "%[fx:round(mean*w*h)]",
                       "info:")  # fmt: skip
    return Look(colours, int(float(dark)), int(float(coloured)))


def _stop(proc: subprocess.Popen[bytes]) -> str:
    """End the app and return what it wrote to stderr."""
    if proc.poll() is None:
        proc.terminate()
    try:
        _, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err.decode(errors="replace")


@pytest.fixture
def models_server() -> Iterator[LoopbackServer]:
    """A loopback endpoint answering /v1/models, so the app's background fetch succeeds."""
    with LoopbackServer() as srv:
        srv.default["/v1/models"] = Reply.json(
            200, {"object": "list", "data": [{"id": MODEL, "object": "model"}]}
        )
        yield srv


def test_app_window_draws_conversation_with_code_cjk_and_emoji(
    xvfb_display: str, models_server: LoopbackServer, tmp_path: Path
) -> None:
    require_tools("import", "convert", "xwininfo", "xprop")
    data_dir, config_dir, home = tmp_path / "data", tmp_path / "config", tmp_path / "home"
    home.mkdir()
    _seed(data_dir, config_dir, models_server.base_url)
    env = _app_env(xvfb_display, home)
    proc = subprocess.Popen(
        [*_app_command(), "--data-dir", str(data_dir), "--config-dir", str(config_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    shot = tmp_path / "root.png"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        window = None
        while window is None and time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the app exited with {proc.returncode}:\n{_stop(proc)}")
            window = _find_window(xvfb_display, env)
            if window is None:
                time.sleep(0.2)
        assert window is not None, f"no Nebula Desktop window within {START_TIMEOUT:.0f} s"

        # Mapped is not painted: photograph until the conversation is there, or give up.
        area = _message_area(window)
        deadline = time.monotonic() + DRAW_TIMEOUT
        look = Look(0, 0, 0)
        while time.monotonic() < deadline:
            subprocess.run(["import", "-window", "root", str(shot)], env=env, check=True,
                           timeout=60, capture_output=True)  # fmt: skip
            look = _look(shot, area)
            if look.drew_the_conversation():
                break
            time.sleep(0.3)
        assert proc.poll() is None, f"the app died while drawing:\n{_stop(proc)}"
        # The icon taskbars and Alt+Tab show comes from the window's _NET_WM_ICON.
        icon = subprocess.run(["xprop", "-id", window.window_id, "_NET_WM_ICON"], env=env,
                              capture_output=True, text=True, timeout=20).stdout  # fmt: skip
    finally:
        stderr = _stop(proc)
    assert look.drew_the_conversation(), (
        f"the message area of the window does not show the conversation: {look} "
        f"(screenshot: {shot})\napp stderr:\n{stderr}"
    )
    assert "Traceback" not in stderr, stderr
    assert "_NET_WM_ICON(CARDINAL)" in icon, f"the window has no icon: {icon.strip()}"


def test_screenshot_option_saves_the_drawn_window_under_x11(
    xvfb_display: str, models_server: LoopbackServer, tmp_path: Path
) -> None:
    require_tools("convert")
    data_dir, config_dir, home = tmp_path / "data", tmp_path / "config", tmp_path / "home"
    home.mkdir()
    _seed(data_dir, config_dir, models_server.base_url)
    shot = tmp_path / "window.png"
    run = subprocess.run(
        [*_app_command(), "--data-dir", str(data_dir), "--config-dir", str(config_dir),
         "--screenshot", str(shot)],
        env=_app_env(xvfb_display, home),
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, f"exit {run.returncode}:\n{run.stderr}"
    assert shot.is_file() and shot.stat().st_size > 0, f"no screenshot written:\n{run.stderr}"
    size = subprocess.run(["identify", "-format", "%w %h", str(shot)], capture_output=True,
                          text=True, check=True).stdout.split()  # fmt: skip
    look = _look(shot, _message_area(Geometry(0, 0, int(size[0]), int(size[1]))))
    assert look.drew_the_conversation(), f"{look} (screenshot: {shot})\n{run.stderr}"
    assert "Traceback" not in run.stderr, run.stderr


_CLIPBOARD_CHILD = """
import sys
from PySide6.QtWidgets import QApplication
from nebula_desktop.ui.common.leaving import leave

qt = QApplication([sys.argv[0]])
qt.destroyed.connect(lambda: print("QApplication destroyed", flush=True))
if sys.argv[1] == "copy":
    qt.clipboard().setText("copied in the app")
    qt.processEvents()
print("owns:", qt.clipboard().ownsClipboard(), flush=True)
leave(0)
"""


@pytest.mark.parametrize("copied", [True, False])
def test_leaving_fast_still_hands_copied_text_to_the_clipboard_manager(
    xvfb_display: str, tmp_path: Path, copied: bool
) -> None:
    # The command skips Python's teardown at quit; on X11 the clipboard lives in its owner,
    # and only QApplication's destructor hands it to a clipboard manager: when the app owns
    # the clipboard it is destroyed as before (else the quit stays fast).
    home = tmp_path / "home"
    home.mkdir()
    env = {**_app_env(xvfb_display, home), "QT_QPA_PLATFORM": "xcb"}
    out = subprocess.run(
        [sys.executable, "-c", _CLIPBOARD_CHILD, "copy" if copied else "nothing"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert f"owns: {copied}" in out.stdout, out.stdout + out.stderr
    assert ("QApplication destroyed" in out.stdout) is copied, out.stdout
