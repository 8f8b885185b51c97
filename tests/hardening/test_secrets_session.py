"""Item 3 of issue 6: after a whole session — key set in the settings dialog, chats, error
paths, a crash — the key is nowhere on disk and nowhere in what the app printed or logged.

The key is stored in the REAL Secret Service when ``NEBULA_TEST_SECRET_SERVICE=1`` (run under
``dbus-run-session -- bash tools/with-keyring.sh``; required in CI), and in an in-memory
stand-in otherwise, so the rest of the session is checked on every machine.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from nebula_desktop import secrets
from nebula_desktop.logging_setup import setup_logging, shutdown_logging
from nebula_desktop.settings import Profile, SettingsStore
from nebula_desktop.store import ConversationStore
from nebula_desktop.ui.common.app_context import AppContext
from nebula_desktop.ui.settings.dialog import SettingsDialog
from nebula_desktop.ui.window.main_window import MainWindow
from tests.conftest import CASES_DIR
from tests.gui.helpers import send_and_wait, wait_job
from tests.hardening.leaks import all_files, find_in_files, find_in_text
from tests.servers import CHAT_PATH, LoopbackServer, Recorded, Reply, case_reply, sse_reply

# Not "sk-…": the log's generic key pattern must not be what hides it. '+', '/' and '=' make
# the URL-encoded and base64 spellings differ from the plain one.
KEY = "nbk-Hardening+Key/0123=xyz789QW"
REPO = Path(__file__).resolve().parents[2]
FOLDERS = ("data", "config", "cache", "log", "xdg-config", "xdg-cache", "xdg-data")


class MemoryKeyring:
    """Stands in for the OS keyring where no Secret Service runs (never a file)."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}

    def get_key(self, profile_id: str) -> str | None:
        return self.keys.get(profile_id)

    def set_key(self, profile_id: str, key: str) -> None:
        self.keys[profile_id] = key

    def delete_key(self, profile_id: str) -> None:
        self.keys.pop(profile_id, None)


def require_secret_service() -> None:
    if os.environ.get("NEBULA_TEST_SECRET_SERVICE") != "1":
        message = "needs a real Secret Service: run under tools/with-keyring.sh"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(params=[pytest.param("secret-service", marks=pytest.mark.keyring), "memory"])
def keystore(request: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """(kind, profile id): where the key will live for this session."""
    profile_id = f"hardening-{uuid.uuid4().hex[:12]}"
    if request.param == "secret-service":
        require_secret_service()
        yield "secret-service", profile_id
        with contextlib.suppress(secrets.KeyringUnavailableError):
            secrets.delete_key(profile_id)
        return
    fake = MemoryKeyring()
    for name in ("get_key", "set_key", "delete_key"):
        monkeypatch.setattr(secrets, name, getattr(fake, name))
    yield "memory", profile_id


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Every folder the app may write to, inside tmp (NEBULA_*_DIR and XDG overrides)."""
    found = {name: tmp_path / name for name in FOLDERS}
    for name in ("data", "config", "cache", "log"):
        monkeypatch.setenv(f"NEBULA_{name.upper()}_DIR", str(found[name]))
    for name in ("config", "cache", "data"):
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(found[f"xdg-{name}"]))
    return found


def write_profile(config_dir: Path, profile_id: str, base_url: str) -> None:
    settings_store = SettingsStore(config_dir)
    settings = settings_store.load()
    settings.profiles.append(
        Profile(id=profile_id, name="Hardening", base_url=base_url, default_model="test-model")
    )
    settings.default_profile_id = profile_id
    settings.auto_title = False  # its extra request would take replies queued for the chat
    settings_store.save(settings)


def echo_key(status: int, template: str) -> Any:
    """A reply that repeats the caller's key back in its error message (some gateways do)."""

    def reply(rec: Recorded) -> Reply:
        token = rec.headers.get("Authorization", "").removeprefix("Bearer ")
        return Reply.json(status, {"error": {"message": template.format(token), "code": ""}})

    return reply


def test_key_is_nowhere_after_a_full_session(
    qtbot: Any,
    keystore: tuple[str, str],
    folders: dict[str, Path],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    kind, profile_id = keystore
    caplog.set_level(logging.DEBUG)  # every record any library emits, before any redaction
    log_file = setup_logging(folders["log"], level=logging.DEBUG)
    window: MainWindow | None = None
    store: ConversationStore | None = None
    errors: list[str] = []
    with LoopbackServer() as server:
        server.default["/v1/models"] = Reply.json(200, {"data": [{"id": "test-model"}]})
        try:
            write_profile(folders["config"], profile_id, server.base_url)
            settings_store = SettingsStore(folders["config"])
            settings = settings_store.load()
            store = ConversationStore(folders["data"])
            window = MainWindow(
                AppContext(settings_store, store, settings, log_dir=str(folders["log"]))
            )
            qtbot.addWidget(window)
            window.show()
            qtbot.waitExposed(window)
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow)
            window.load()

            # 1. No key yet: the first-run settings dialog asks for it; the user pastes it.
            qtbot.waitUntil(lambda: window.findChild(SettingsDialog) is not None, timeout=10000)
            dialog = window.findChild(SettingsDialog)
            qtbot.waitUntil(dialog.isVisible)
            qtbot.keyClicks(dialog.editor.key_edit, KEY)
            with qtbot.waitSignal(dialog.accepted, timeout=20000):
                qtbot.mouseClick(
                    dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                    Qt.MouseButton.LeftButton,
                )
            assert secrets.get_key(profile_id) == KEY  # stored where the user was told
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow)

            # 2. A chat that works, sending the key the keyring gave the worker.
            server.queue(sse_reply(["Hello ", "there"]))
            answer = send_and_wait(qtbot, window, "Hi")
            assert answer.content == "Hello there" and answer.complete
            assert server.requests[-1].headers["Authorization"] == f"Bearer {KEY}"

            # 3. Error paths: servers that echo the key, an HTML 502, a dropped stream.
            server.queue(echo_key(401, "Incorrect API key provided: {}"))
            errors.append(send_and_wait(qtbot, window, "again").error)
            assert errors[-1] == "Error: Invalid or unauthorized API key"
            server.queue(echo_key(400, "Bad request from key {0} (Authorization: Bearer {0})"))
            errors.append(send_and_wait(qtbot, window, "bad").error)
            assert errors[-1].startswith("API request failed: Bad request from key ")
            server.default[CHAT_PATH] = case_reply(CASES_DIR / "34_502_nginx_bad_gateway_html.json")
            errors.append(send_and_wait(qtbot, window, "gateway").error)
            assert errors[-1].startswith("API request failed: 502 Bad Gateway")
            del server.default[CHAT_PATH]
            dropped = sse_reply(["Half an ", "answer"], finish_reason=None, done=False)
            dropped.abort_after = len(dropped.chunks)
            server.queue(dropped)
            errors.append(send_and_wait(qtbot, window, "drop").error)
            assert errors[-1] == "Error: Cannot connect to API server"
            # 4. Export the chat in every format (what the export dialog writes).
            from nebula_desktop.exchange.exporter import FORMATS, export_sources

            for fmt, suffix in FORMATS.items():
                exported = folders["data"] / "exports" / f"chat{suffix}"
                assert export_sources([window.controller.conv], fmt, exported) == [exported]
            errors += [m.error for m in window.controller.conv.messages if m.error]
            title, status = window.windowTitle(), window.statusBar().currentMessage()
        finally:
            if window is not None:
                window.close()
            if store is not None:
                store.close()
            shutdown_logging()

    # What the user saw: no key, and no header names, in any error text.
    for text in [*errors, title, status]:
        assert not find_in_text(text, KEY), text
        assert "authorization" not in text.lower().replace("authorization: bearer ***", ""), text
    # Everything written to disk, whatever the file.
    written = all_files(folders.values())
    assert log_file in written and any(p.suffix == ".json" for p in written)
    assert {p.suffix for p in written if p.parent.name == "exports"} == {".md", ".json", ".html"}
    assert find_in_files(folders.values(), KEY) == []
    assert "authorization" not in log_file.read_text(encoding="utf-8").lower()
    # Everything printed, and every log record as emitted (before the file's redaction).
    out, err = capfd.readouterr()
    assert find_in_text(out + err, KEY) == []
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        assert find_in_text(text, KEY) == [], record.name
        assert "authorization" not in text.lower(), record.name
    if kind == "memory":
        assert secrets.get_key(profile_id) == KEY  # the stand-in really held it (not a file)


# -- a crash mid-stream ------------------------------------------------------------------------


def start_app(folders: dict[str, Path], key_from_stdin: bool) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        NEBULA_CACHE_DIR=str(folders["cache"]),
        NEBULA_LOG_DIR=str(folders["log"]),
        XDG_CONFIG_HOME=str(folders["xdg-config"]),
        XDG_CACHE_HOME=str(folders["xdg-cache"]),
        XDG_DATA_HOME=str(folders["xdg-data"]),
        PYTHONPATH=str(REPO),
    )
    args = [sys.executable, "-m", "tests.hardening.app_driver"]
    args += ["--data-dir", str(folders["data"]), "--config-dir", str(folders["config"])]
    if key_from_stdin:
        args.append("--key-from-stdin")
    proc = subprocess.Popen(
        args, cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdin is not None
    if key_from_stdin:
        proc.stdin.write(KEY.encode() + b"\n")
    proc.stdin.close()
    proc.stdin = None  # communicate() must not touch the closed pipe
    return proc


def conversation_text(data_dir: Path) -> str:
    folder = data_dir / "conversations"
    if not folder.is_dir():
        return ""
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.glob("*.json"))


def test_key_is_nowhere_after_the_app_is_killed_mid_stream(
    keystore: tuple[str, str], folders: dict[str, Path]
) -> None:
    kind, profile_id = keystore
    if kind == "secret-service":
        secrets.set_key(profile_id, KEY)
    with LoopbackServer() as server:
        server.default["/v1/models"] = Reply.json(200, {"data": [{"id": "test-model"}]})
        write_profile(folders["config"], profile_id, server.base_url)
        streaming = sse_reply(["Once upon ", "a time, "], finish_reason=None, done=False)
        streaming.hang = True  # the answer is still coming when the process dies
        server.queue(streaming)
        proc = start_app(folders, key_from_stdin=kind == "memory")
        try:
            server.wait_requests(1, timeout=60)
            # Wait for the periodic save of the streaming answer: the crash then really lands
            # mid-stream, with the partial answer on disk (the app saves every 3 s).
            deadline = time.monotonic() + 30
            while "a time, " not in conversation_text(folders["data"]):
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the streaming answer was never saved"
                time.sleep(0.1)  # another process's progress: nothing of ours to wait on
            os.kill(proc.pid, signal.SIGKILL)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        assert server.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    assert b"driver: starting" in out
    assert find_in_text(out + err, KEY) == []
    assert b"authorization" not in (out + err).lower()
    written = all_files(folders.values())
    assert any(p.parent.name == "conversations" for p in written)
    assert find_in_files(folders.values(), KEY) == []
    for log_file in folders["log"].glob("*.log*"):
        assert "authorization" not in log_file.read_text(encoding="utf-8").lower()


def test_everything_the_app_writes_is_readable_by_its_owner_only(
    qtbot: Any, make_window: Any, server: LoopbackServer, data_dir: Path, config_dir: Path
) -> None:
    previous = os.umask(0o022)  # the usual desktop umask: new files are world-readable
    try:
        server.queue(sse_reply(["private ", "answer"]))
        window = make_window()
        send_and_wait(qtbot, window, "private question")
        wait_job(qtbot, window.data.last_task)  # the daily backup
        assert any((data_dir / "backups").glob("*.zip"))
        make_window.close(window)
    finally:
        os.umask(previous)
    loose = {
        str(p.relative_to(p.parents[1])): oct(p.stat().st_mode & 0o777)
        for p in all_files([data_dir, config_dir])
        if p.stat().st_mode & 0o077
    }
    assert loose == {}, f"readable by other users: {loose}"
