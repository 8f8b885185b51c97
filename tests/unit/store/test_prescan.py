"""The start-up helper process (store/prescan.py): same rows, same findings, never a lost chat.

Each test opens the store the way the app does (``verify_later`` + a prescan forked before the
store exists) and checks what the user would see in the list afterwards.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from nebula_desktop.store import ConversationStore, Message, folder_watch, prescan

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the prescan needs os.fork")

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(prescan.ENV_SWITCH, "1")  # small test folders too


def _make(root: Path, *titles: str) -> list[str]:
    ids = []
    with ConversationStore(root) as s:
        for title in titles:
            conv = s.create(title=title)
            conv.messages.append(Message(role="user", content=f"hello from {title}"))
            s.save(conv)
            ids.append(conv.id)
    return ids


def _file(root: Path, conv_id: str) -> Path:
    return root / "conversations" / f"{conv_id}.json"


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders the store listed by itself (empty when the helper's answer was used)."""
    calls: list[Path] = []
    real = folder_watch.scan_folder

    def spy(
        folder: Path, valid: set[str], unreadable: dict[str, str] | None = None
    ) -> dict[str, tuple[int, int]]:
        calls.append(folder)
        return real(folder, valid, unreadable)

    monkeypatch.setattr(folder_watch, "scan_folder", spy)
    return calls


def _open(root: Path) -> tuple[ConversationStore, prescan.Prescan]:
    helper = prescan.start(root)
    assert helper is not None
    return ConversationStore(root, verify_later=True, prescan=helper), helper


def _gone(pid: int) -> bool:
    """The helper was reaped (no zombie left behind)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_list_and_the_check_come_from_the_helper(root: Path, scans: list[Path]) -> None:
    edited, kept, gone = _make(root, "before", "kept", "gone")
    path = _file(root, edited)
    data = json.loads(path.read_text())
    data["title"] = "after, longer"
    path.write_text(json.dumps(data))  # in place: the folder's mtime does not change
    _file(root, gone).unlink()
    (added,) = _make(root.parent / "other", "added")
    os.replace(_file(root.parent / "other", added), _file(root, added))
    scans.clear()

    s, helper = _open(root)
    assert sorted(r.title for r in s.list()) == ["before", "gone", "kept"]  # the index, at once
    assert s.verify() is True
    assert sorted(r.title for r in s.list()) == ["added", "after, longer", "kept"]
    assert s.summary(gone) is None
    assert s.load(kept).title == "kept"
    assert scans == []  # the helper's answer was used, no listing here
    assert _gone(helper.pid)
    s.close()
    with ConversationStore(root) as again:  # and the index written from it is right
        assert sorted(r.title for r in again.list()) == ["added", "after, longer", "kept"]


def test_a_file_damaged_while_closed_is_reported_and_kept_aside(root: Path) -> None:
    _good, bad = _make(root, "good", "bad")
    _file(root, bad).write_text('{"half a conv')
    s, _ = _open(root)
    s.verify()
    assert [r.title for r in s.list()] == ["good"]
    assert any("bad" in p or bad in p for p in s.problems)
    assert any(bad in p.name for p in (root / "quarantine").iterdir())
    s.close()


def test_a_folder_changed_after_the_helper_looked_is_listed_again(
    root: Path, scans: list[Path]
) -> None:
    _make(root, "old")
    (late,) = _make(root.parent / "other", "late")
    scans.clear()
    helper = prescan.start(root)
    assert helper is not None
    fd = helper._fd
    assert fd is not None
    select.select([fd], [], [], 10)  # the first answer is there…
    s = ConversationStore(root, verify_later=True, prescan=helper)
    select.select([fd], [], [], 10)  # …and the second: the helper has looked
    os.replace(_file(root.parent / "other", late), _file(root, late))  # after it looked
    s.verify()
    assert sorted(r.title for r in s.list()) == ["late", "old"]
    assert scans == [root / "conversations"]  # its answer was stale: the store listed itself
    s.close()


def test_a_chat_saved_before_the_check_is_not_lost(root: Path) -> None:
    _make(root, "old")
    s, _ = _open(root)
    s.create(title="new")
    s.verify()
    assert sorted(r.title for r in s.list()) == ["new", "old"]
    s.close()


def test_a_helper_that_dies_costs_nothing_but_time(
    root: Path, scans: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _make(root, "one", "two")
    scans.clear()

    def killed_before_it_answers(data_dir: Path, answers: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)  # a kill from outside could come after the answer

    monkeypatch.setattr(prescan, "_helper", killed_before_it_answers)
    helper = prescan.start(root)
    assert helper is not None
    s = ConversationStore(root, verify_later=True, prescan=helper)
    s.verify()
    assert sorted(r.title for r in s.list()) == ["one", "two"]
    assert scans  # done here instead
    assert _gone(helper.pid)
    s.close()


def test_an_unused_helper_is_stopped_by_close(root: Path) -> None:
    _make(root, "one")
    s, helper = _open(root)
    s.close()  # never verified
    assert _gone(helper.pid)
    helper.cancel()  # twice is fine


def test_it_runs_only_for_a_big_index_unless_forced(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make(root, "one")
    monkeypatch.setenv(prescan.ENV_SWITCH, "")
    assert prescan.start(root) is None  # a few chats: not worth a process
    monkeypatch.setattr(prescan, "MIN_INDEX_BYTES", 1)
    assert prescan.wanted(root)
    monkeypatch.setattr(prescan, "_cores", lambda: 1)
    assert not prescan.wanted(root)  # one core: the helper would only take turns with us
    monkeypatch.setattr(prescan, "_cores", lambda: 2)
    assert prescan.wanted(root)
    monkeypatch.setenv(prescan.ENV_SWITCH, "0")
    assert not prescan.wanted(root)
    assert not prescan.wanted(root / "missing")


def test_the_app_starts_with_the_helper_and_finds_what_changed_while_closed(
    tmp_path: Path,
) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    _kept, gone = _make(data, "kept", "gone")
    (added,) = _make(tmp_path / "other", "added")
    os.replace(_file(tmp_path / "other", added), _file(data, added))
    _file(data, gone).unlink()
    (broken,) = _make(tmp_path / "other2", "broken")
    os.replace(_file(tmp_path / "other2", broken), _file(data, broken))
    _file(data, broken).write_text("not json")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NEBULA_PRESCAN="1")
    env["NEBULA_LOG_DIR"] = str(tmp_path / "logs")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "nebula_desktop",
            "--smoke-test",
            "--data-dir",
            str(data),
            "--config-dir",
            str(config),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "ok: 2 conversation(s)" in result.stdout  # kept + added; gone and broken are not
    assert "notice:" in result.stdout and broken in result.stdout


def test_leftovers_of_an_interrupted_save_are_cleaned_up_as_without_it(root: Path) -> None:
    _make(root, "one")
    leftovers = [root / "conversations" / ".half.json.tmp", root / "backups" / ".zip.tmp"]
    for path in leftovers:
        path.write_text("cut short")
    s, _ = _open(root)
    s.verify()
    assert not any(path.exists() for path in leftovers)
    assert [r.title for r in s.list()] == ["one"]
    s.close()


def test_rows_arrive_in_the_list_order(root: Path) -> None:
    ids = _make(root, "a", "b", "c")
    with ConversationStore(root) as s:
        oldest = s.load(ids[0])
        oldest.pinned = True
        s.save(oldest)
        expected = [r.id for r in s.list()]
    assert expected[0] == ids[0]
    s, _ = _open(root)
    assert [r.id for r in s.list()] == expected
    s.close()


def test_without_in_memory_files_a_temporary_file_carries_the_answers(
    root: Path, monkeypatch: pytest.MonkeyPatch, scans: list[Path]
) -> None:
    _make(root, "one", "two")
    scans.clear()

    def unsupported(*_args: object) -> int:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(os, "memfd_create", unsupported, raising=False)
    s, _ = _open(root)
    s.verify()
    assert sorted(r.title for r in s.list()) == ["one", "two"]
    assert scans == []  # the helper's answer was used
    s.close()
