"""Special files where the app expects documents: FIFOs, devices, folders, huge sparse files.

A FIFO never answers a reader, ``/dev/zero`` never ends and reports a size of 0: each used to
hang the start (the window never appeared), exhaust memory, or hang the composer. Now nothing
that is not a regular file is opened for its content, reads are capped on the bytes read, and
the user gets a sentence naming the file; the file itself is left where it is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nebula_desktop.settings import SettingsStore
from nebula_desktop.store import ConversationStore, prescan
from nebula_desktop.store.sync import find_conflicts, read_copy
from tests.hardening.limits import run_limited

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")

ROOT = Path(__file__).resolve().parents[2]
FIFO_ID = "a" * 32


def _data_with_one_chat(root: Path, title: str = "kept chat") -> str:
    with ConversationStore(root) as s:
        return s.create(title=title).id


def _fifo(root: Path, conv_id: str = FIFO_ID) -> Path:
    path = root / "conversations" / f"{conv_id}.json"
    os.mkfifo(path)
    return path


def _pipe_notice(problems: list[str], conv_id: str = FIFO_ID) -> str:
    (notice,) = [p for p in problems if f"{conv_id}.json" in p]
    assert "pipe (FIFO)" in notice and "not a regular file" in notice
    assert "left untouched" in notice
    return notice


@pytest.mark.timeout(10)
def test_fifo_conversation_file_does_not_stop_the_store_opening(tmp_path: Path) -> None:
    root = tmp_path / "data"
    _data_with_one_chat(root)
    fifo = _fifo(root)
    with ConversationStore(root) as s:
        assert [row.title for row in s.list()] == ["kept chat"]
        _pipe_notice(s.problems)
        assert s.search("kept") != []
    assert fifo.exists() and not list((root / "quarantine").iterdir())  # left in place


@pytest.mark.timeout(10)
def test_fifo_found_by_the_start_up_check_and_the_prescan_helper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not hasattr(os, "fork"):
        pytest.skip("the prescan needs os.fork")
    monkeypatch.setenv(prescan.ENV_SWITCH, "1")
    root = tmp_path / "data"
    _data_with_one_chat(root)  # closing writes index.json: verify_later trusts it
    _fifo(root)
    for helper in (None, prescan.start(root)):
        with ConversationStore(root, verify_later=True, prescan=helper) as s:
            s.verify()
            assert [row.title for row in s.list()] == ["kept chat"]
            _pipe_notice(s.problems)


@pytest.mark.timeout(60)
def test_the_app_starts_with_a_fifo_among_the_conversations(tmp_path: Path) -> None:
    root = tmp_path / "data"
    _data_with_one_chat(root)
    _fifo(root)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NEBULA_PRESCAN="1")
    folders = ["--data-dir", str(root), "--config-dir", str(tmp_path / "config")]
    proc = subprocess.run(
        [sys.executable, "-m", "nebula_desktop", "--smoke-test", *folders],
        capture_output=True,
        text=True,
        timeout=50,
        env=env,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ok: 1 conversation(s)" in proc.stdout
    notices = [line for line in proc.stdout.splitlines() if line.startswith("notice:")]
    _pipe_notice(notices)


def test_symlink_to_dev_zero_is_a_notice_and_memory_stays_bounded(tmp_path: Path) -> None:
    root = tmp_path / "data"
    _data_with_one_chat(root)
    (root / "conversations" / f"{FIFO_ID}.json").symlink_to("/dev/zero")
    (root / "index.json").unlink()  # no index: every file is read at start
    result = run_limited(
        f"""
        from nebula_desktop.store import ConversationStore
        with ConversationStore({str(root)!r}) as s:
            print([row.title for row in s.list()])
            print(*s.problems, sep="\\n")
        """,
        timeout=20,
    )
    assert result.ok, result.stderr
    assert "['kept chat']" in result.stdout
    assert f"{FIFO_ID}.json is a device, not a regular file." in result.stdout
    assert result.peak_mb < 300


def test_huge_sparse_conversation_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    root = tmp_path / "data"
    _data_with_one_chat(root)
    huge = root / "conversations" / f"{FIFO_ID}.json"
    with huge.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: costs no disk, but reading it would cost 3 GB
    result = run_limited(
        f"""
        from nebula_desktop.store import ConversationStore
        with ConversationStore({str(root)!r}) as s:
            print([row.title for row in s.list()])
            print(*s.problems, sep="\\n")
        """,
        timeout=20,
    )
    assert result.ok, result.stderr
    assert "['kept chat']" in result.stdout
    assert f"{FIFO_ID}.json is too large" in result.stdout
    assert result.peak_mb < 300
    assert huge.stat().st_size == 3 * 1024**3  # left in place, untouched


# The thread method: before the fix Qt's open of a FIFO blocked in C, where a signal cannot stop it.
@pytest.mark.timeout(10, method="thread")
@pytest.mark.parametrize("name", ["notes.txt", "photo.png"])
def test_attaching_a_fifo_is_refused_at_once(qtbot: Any, tmp_path: Path, name: str) -> None:
    from nebula_desktop.ui.chat.composer import Composer

    composer = Composer()
    qtbot.addWidget(composer)
    os.mkfifo(tmp_path / name)
    composer.add_paths([str(tmp_path / name)])
    assert composer.strip.error.text() == (
        f"{name} is not a regular file (a pipe, a device or a folder), so it cannot be attached."
    )
    assert composer.attachments() == []


@pytest.mark.timeout(10, method="thread")
@pytest.mark.parametrize("name", ["zero.txt", "zero.png"])
def test_attaching_dev_zero_is_refused_without_reading_it(
    qtbot: Any, tmp_path: Path, name: str
) -> None:
    from nebula_desktop.ui.chat.composer import Composer

    composer = Composer()
    qtbot.addWidget(composer)
    (tmp_path / name).symlink_to("/dev/zero")
    composer.add_paths([str(tmp_path / name)])
    assert composer.strip.error.text() == (
        f"{name} is not a regular file (a pipe, a device or a folder), so it cannot be attached."
    )
    assert composer.attachments() == []


@pytest.mark.timeout(10)
def test_settings_file_that_is_a_fifo_gives_defaults_and_a_notice(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    os.mkfifo(config / "settings.json")
    settings_store = SettingsStore(config)
    settings = settings_store.load()
    assert settings.profiles  # the defaults
    (notice,) = settings_store.problems
    assert "settings.json is a pipe (FIFO), not a regular file." in notice
    assert "Default settings are used." in notice
    assert (config / "settings.json").exists()  # not moved aside: there is nothing in it


@pytest.mark.timeout(10)
def test_a_conflict_copy_that_is_a_fifo_is_never_read(tmp_path: Path) -> None:
    root = tmp_path / "data"
    conv_id = _data_with_one_chat(root)
    folder = root / "conversations"
    os.mkfifo(folder / f"{conv_id} (conflicted copy 2024-01-01).json")
    (folder / f"{conv_id}.sync-conflict-20240101-123456-ABCDEFG.json").symlink_to("/dev/zero")
    assert find_conflicts(folder) == []
    with ConversationStore(root) as s:
        assert [row.title for row in s.list()] == ["kept chat"]
        assert s.problems == []  # a sync tool's names: not ours to complain about
    from nebula_desktop.store.sync import ConflictCopy

    copy = ConflictCopy(folder / f"{conv_id} (conflicted copy 2024-01-01).json", conv_id, "x")
    with pytest.raises(Exception, match=r"is a pipe \(FIFO\), not a regular file"):
        read_copy(copy)


def test_a_conversation_file_of_tiny_values_is_refused_before_it_is_parsed(
    tmp_path: Path,
) -> None:
    root = tmp_path / "data"
    _data_with_one_chat(root)
    bomb = root / "conversations" / f"{FIFO_ID}.json"
    with bomb.open("wb") as handle:  # 48 MB that json.loads would make ~1.2 GB of dicts
        handle.write(b'{"schema_version": 1, "title": "bomb", "messages": [')
        handle.write(b"{}," * (16 * 1024 * 1024))
        handle.write(b"{}]}")
    result = run_limited(
        f"""
        from nebula_desktop.store import ConversationStore
        with ConversationStore({str(root)!r}) as s:
            print([row.title for row in s.list()])
            print(*s.problems, sep="\\n")
            print(s.search("bomb"))
        """,
        timeout=60,
    )
    assert result.ok, result.stderr
    assert "['kept chat']" in result.stdout
    assert f"{FIFO_ID}.json is too large to open" in result.stdout
    assert result.peak_mb < 300
    assert bomb.stat().st_size > 48 * 1024 * 1024  # left in place
