"""The real app as a process (offscreen): --version, --smoke-test, --screenshot, one instance."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

ANSWER = """Here is a function that reverses a string in Python:

```python
def reverse(text: str) -> str:
    \"\"\"Return *text* backwards.\"\"\"
    return text[::-1]

print(reverse("你好, world 👋"))
```

It works with **any** Unicode text — 中文, emoji 🎉 and accents (café).
"""


def seed(data_dir: Path, config_dir: Path) -> str:
    """A data folder holding a realistic conversation, set as the last one open."""
    from nebula_desktop.settings import SettingsStore
    from nebula_desktop.store import ConversationStore, Message

    with ConversationStore(data_dir) as store:
        older = store.create(title="Trip ideas for Kyoto 京都", model="gpt-4o-mini")
        older.messages.append(Message(role="user", content="Three things to do in Kyoto?"))
        older.messages.append(
            Message(role="assistant", content="1. Fushimi Inari\n2. Gion\n3. Arashiyama")
        )
        store.save(older)
        conv = store.create(title="Reverse a string", model="claude-sonnet-4-5")
        conv.messages.append(Message(role="user", content="How do I reverse a string in Python?"))
        conv.messages.append(
            Message(
                role="assistant",
                content=ANSWER,
                reasoning="The user wants slicing; show an example with CJK and emoji.",
                reasoning_seconds=2.4,
                model="claude-sonnet-4-5",
                usage={"prompt_tokens": 18, "completion_tokens": 96, "total_tokens": 114},
                finish_reason="stop",
            )
        )
        store.save(conv)
        conv_id = conv.id
    settings_store = SettingsStore(config_dir)
    settings = settings_store.load()
    settings.last_conversation_id = conv_id
    settings_store.save(settings)
    return conv_id


def run_app(
    tmp_path: Path,
    *args: str,
    timeout: float = 60,
    python: tuple[str, ...] = ("-m", "nebula_desktop"),
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python <python> <args>`` (the app's command by default), as a user's shell runs it."""
    return subprocess.run(
        [sys.executable, *python, *args],
        cwd=ROOT,
        env=app_env(tmp_path) if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def app_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["NEBULA_LOG_DIR"] = str(tmp_path / "logs")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    return env


def dirs(tmp_path: Path) -> list[str]:
    return ["--data-dir", str(tmp_path / "data"), "--config-dir", str(tmp_path / "config")]


def test_version_prints_and_exits(tmp_path: Path) -> None:
    from nebula_desktop import __version__

    result = run_app(tmp_path, "--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_smoke_test_opens_the_last_conversation(tmp_path: Path) -> None:
    seed(tmp_path / "data", tmp_path / "config")
    result = run_app(tmp_path, *dirs(tmp_path), "--smoke-test")
    assert result.returncode == 0, result.stderr
    assert "2 conversation(s)" in result.stdout
    assert "Reverse a string" in result.stdout


def test_smoke_test_on_an_empty_folder_passes(tmp_path: Path) -> None:
    result = run_app(tmp_path, *dirs(tmp_path), "--smoke-test")
    assert result.returncode == 0, result.stderr
    assert "0 conversation(s)" in result.stdout


def test_smoke_test_explains_a_data_folder_in_use(tmp_path: Path) -> None:
    from nebula_desktop.store import ConversationStore

    with ConversationStore(tmp_path / "data"):
        result = run_app(tmp_path, *dirs(tmp_path), "--smoke-test")
    assert result.returncode == 1
    assert "already using the data folder" in result.stderr


def test_the_app_zips_the_data_folder_before_migrating_an_old_chat(tmp_path: Path) -> None:
    """The store migrates old files forward; the app hands it the backup to make first."""
    import json
    import zipfile

    from nebula_desktop.backup import MIGRATION_DIR
    from nebula_desktop.settings import SettingsStore

    chats = tmp_path / "data" / "conversations"
    chats.mkdir(parents=True)
    raw = json.dumps({"id": "legacy", "title": "Old", "messages": [{"role": "user", "text": "q"}]})
    (chats / "legacy.json").write_text(raw, encoding="utf-8")
    settings_store = SettingsStore(tmp_path / "config")
    settings = settings_store.load()
    settings.last_conversation_id = "legacy"  # the smoke test opens it: that migrates it
    settings_store.save(settings)
    result = run_app(tmp_path, *dirs(tmp_path), "--smoke-test")
    assert result.returncode == 0, result.stderr
    assert json.loads((chats / "legacy.json").read_text())["messages"][0]["content"] == "q"
    (zip_path,) = (tmp_path / "data" / MIGRATION_DIR).iterdir()
    with zipfile.ZipFile(zip_path) as zf:
        assert zf.read("conversations/legacy.json").decode() == raw  # the pre-migration bytes


def test_screenshot_saves_a_picture_of_the_window(tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    seed(tmp_path / "data", tmp_path / "config")
    shot = tmp_path / "shot.png"
    result = run_app(tmp_path, *dirs(tmp_path), "--screenshot", str(shot))
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert not image.isNull()
    assert image.width() >= 600 and image.height() >= 400
    # The window really drew something: many distinct colours, not a blank rectangle.
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20


def test_second_launch_raises_the_first_and_exits(tmp_path: Path, qtbot: Any) -> None:
    log_file = tmp_path / "logs" / "nebula-desktop.log"
    first = subprocess.Popen(
        [sys.executable, "-m", "nebula_desktop", *dirs(tmp_path)],
        cwd=ROOT,
        env=app_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        qtbot.waitUntil(
            lambda: log_file.exists() and "single instance" in log_file.read_text(), timeout=30000
        )
        second = run_app(tmp_path, *dirs(tmp_path))
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout
        qtbot.waitUntil(lambda: "activated by a second launch" in log_file.read_text())
        assert first.poll() is None
    finally:
        first.terminate()
        try:
            first.wait(timeout=10)
        except subprocess.TimeoutExpired:
            first.kill()
            first.wait()


@pytest.mark.parametrize("flag", ["--smoke-test"])
def test_start_up_needs_no_network(tmp_path: Path, flag: str) -> None:
    """Headless modes are offline: an unreachable server address changes nothing."""
    from nebula_desktop.settings import SettingsStore

    settings_store = SettingsStore(tmp_path / "config")
    settings = settings_store.load()
    settings.profile(settings.default_profile_id).base_url = "http://192.0.2.1:9/v1"
    settings_store.save(settings)
    result = run_app(tmp_path, *dirs(tmp_path), flag)
    assert result.returncode == 0, result.stderr


def test_the_command_leaves_at_once_with_its_output_and_log_written(tmp_path: Path) -> None:
    # After main() everything is on disk; the command then skips Python's teardown (no
    # module-by-module freeing at every quit), flushing the log and a piped stdout first.
    seed(tmp_path / "data", tmp_path / "config")
    env = {k: v for k, v in app_env(tmp_path).items() if k != "PYTHONUNBUFFERED"}
    code = (
        "import atexit, sys; atexit.register(lambda: print('TORN DOWN', flush=True)); "
        "from nebula_desktop.app import run; sys.argv[0] = 'nebula-desktop'; run()"
    )
    result = run_app(tmp_path, *dirs(tmp_path), "--smoke-test", python=("-c", code), env=env)
    assert result.returncode == 0, result.stderr
    assert "2 conversation(s)" in result.stdout  # printed, flushed through the pipe
    assert "TORN DOWN" not in result.stdout  # Python's teardown never ran
    log = (tmp_path / "logs" / "nebula-desktop.log").read_text(encoding="utf-8")
    assert "Logging to" in log
