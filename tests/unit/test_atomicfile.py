"""The one save path: a file is either the old version or the new one, never half of each."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from nebula_desktop import atomicfile


def test_write_replaces_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    atomicfile.write_text(path, "first version, quite long")
    atomicfile.write_text(path, "second")
    assert path.read_text() == "second"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_files_are_private_to_the_user(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    atomicfile.write_bytes(path, b"x")
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("err", "why"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EACCES, "the folder is not writable"),
        (errno.EROFS, "the folder is not writable"),
        (errno.EIO, "Input/output error"),
    ],
)
def test_failed_write_keeps_the_old_file_and_explains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, err: int, why: str
) -> None:
    path = tmp_path / "a.json"
    atomicfile.write_text(path, "old")

    def failing(fd: int) -> None:
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(atomicfile.SaveError) as info:
        atomicfile.write_text(path, "new")
    monkeypatch.undo()
    assert info.value.errno == err
    assert str(info.value) == f"Could not save a.json: {why}. The previous version is kept."
    assert isinstance(info.value, OSError)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_saving_into_a_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(atomicfile.SaveError, match="the folder no longer exists"):
        atomicfile.write_text(tmp_path / "gone" / "a.json", "x")


def test_fsync_dir_of_a_missing_folder_is_harmless(tmp_path: Path) -> None:
    atomicfile.fsync_dir(tmp_path / "missing")
