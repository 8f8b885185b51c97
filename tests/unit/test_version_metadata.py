"""The version is read from our installed metadata without importlib.metadata (~40 ms)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import nebula_desktop


@pytest.mark.parametrize(
    ("folder", "file"),
    [("nebula_desktop-9.8.7.dist-info", "METADATA"), ("nebula_desktop.egg-info", "PKG-INFO")],
)
def test_the_version_comes_from_a_wheel_or_an_egg_metadata_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str, file: str
) -> None:
    # An editable install (and so the PyInstaller bundle, which copies its metadata) has an
    # egg-info folder, a wheel a dist-info one: both are read directly.
    meta = tmp_path / folder
    meta.mkdir()
    (meta / file).write_text("Metadata-Version: 2.1\nName: nebula-desktop\nVersion: 9.8.7\n\nbody")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    assert nebula_desktop._version_from_dist_info() == "9.8.7"
