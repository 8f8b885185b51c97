"""Commands are found the way the user's login shell finds them, once, and never with a hang.

Fake login shells (small scripts set as $SHELL) stand in for bash/zsh: one that adds a folder to
PATH (as nvm or Homebrew do in .zshrc), one that hangs, one that floods its output.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nebula_desktop.tools import resolve
from nebula_desktop.tools.errors import CommandNotFound


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    resolve.clear_cache()
    yield
    resolve.clear_cache()


@pytest.fixture
def shell_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder only the fake login shell puts on PATH, holding a fake ``npx-nebula``; the
    shell counts its runs in ``runs``."""
    folder = tmp_path / "shell-only-bin"
    folder.mkdir()
    _script(folder / "npx-nebula", "echo npx\n")
    shell = _script(
        tmp_path / "fake-zsh",
        f'echo run >> "{tmp_path}/runs"\n'
        'echo "Welcome! (a noisy .zshrc)"\n'
        f'PATH="{folder}:$PATH"; export PATH\n'
        'eval "$2"\n',
    )
    monkeypatch.setenv("SHELL", str(shell))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return folder


def test_a_command_on_the_login_shell_path_is_found(shell_bin: Path, tmp_path: Path) -> None:
    assert os.pathsep + str(shell_bin) not in os.pathsep + os.environ["PATH"]
    assert resolve.resolve_command("npx-nebula") == str(shell_bin / "npx-nebula")
    assert resolve.child_path().split(os.pathsep)[0] == str(shell_bin)
    resolve.resolve_command("npx-nebula")
    assert (tmp_path / "runs").read_text().count("run") == 1  # asked once, then cached


def test_a_missing_command_is_reported_at_once(shell_bin: Path) -> None:
    started = time.monotonic()
    with pytest.raises(CommandNotFound) as info:
        resolve.resolve_command("npx-nebula-not-installed")
    assert str(info.value) == "command not found: npx-nebula-not-installed"
    assert time.monotonic() - started < 2.0
    with pytest.raises(CommandNotFound, match=r"command not found: \./no/such/server"):
        resolve.resolve_command("./no/such/server")


def test_a_hanging_login_shell_is_given_up_after_its_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pidfile = tmp_path / "pid"
    shell = _script(tmp_path / "hung-shell", f'echo $$ > "{pidfile}"\nexec sleep 60\n')
    monkeypatch.setenv("SHELL", str(shell))
    started = time.monotonic()
    assert resolve.login_shell_path(timeout=0.5) == []
    assert time.monotonic() - started < 2.0
    pid = int(pidfile.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed, not left behind


def test_a_flood_of_shell_output_is_read_only_up_to_its_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shell = _script(tmp_path / "loud-shell", "exec yes 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'\n")
    monkeypatch.setenv("SHELL", str(shell))
    started = time.monotonic()
    assert resolve.login_shell_path(timeout=5.0) == []
    assert time.monotonic() - started < 2.0


def test_nvm_node_and_common_folders_are_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    for version in ("v18.20.1", "v20.11.0", "v9.0.0"):
        bin_dir = home / ".nvm" / "versions" / "node" / version / "bin"
        bin_dir.mkdir(parents=True)
        _script(bin_dir / "npx-nebula", f"echo {version}\n")
    local_bin = home / ".local" / "bin"
    local_bin.mkdir(parents=True)
    _script(local_bin / "uvx-nebula", "echo uvx\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("NVM_DIR", raising=False)
    monkeypatch.setenv("SHELL", "/nonexistent/shell")  # a desktop launcher's bare session
    found = resolve.resolve_command("npx-nebula")
    assert found == str(home / ".nvm/versions/node/v20.11.0/bin/npx-nebula")  # newest
    (home / ".nvm" / "alias").mkdir()
    (home / ".nvm" / "alias" / "default").write_text("18\n")
    expected = str(home / ".nvm/versions/node/v18.20.1/bin/npx-nebula")  # nvm's default
    assert resolve.resolve_command("npx-nebula") == expected
    assert resolve.resolve_command("uvx-nebula") == str(local_bin / "uvx-nebula")
    assert resolve.resolve_command("~/.local/bin/uvx-nebula") == str(local_bin / "uvx-nebula")
