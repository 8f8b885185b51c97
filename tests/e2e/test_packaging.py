"""What the installers ship besides the bundle: icons, desktop entry, AppStream data.

These run in a second or two; the full build-install-launch check is
build_scripts/ci_check_installers.sh (too slow for the test suite).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from nebula_desktop.resources import resource_path

ROOT = Path(__file__).resolve().parents[2]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC, "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def icon_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Everything make_icons.py renders, in a temporary folder."""
    out = tmp_path_factory.mktemp("icons")
    subprocess.run(
        [sys.executable, str(ROOT / "build_scripts" / "make_icons.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


def test_windows_icon_holds_every_size_from_16_to_256(icon_dir: Path) -> None:
    data = (icon_dir / "nebula-desktop.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        w, h, _, _, planes, bits, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        image = data[offset : offset + length]
        # The directory's size (0 = 256) must match the PNG inside, or Windows picks badly.
        assert _png_size(image) == (w or 256, h or 256)
        assert (planes, bits) == (1, 32)
        sizes.append(w or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_macos_icon_holds_retina_sizes_up_to_1024(icon_dir: Path) -> None:
    data = (icon_dir / "nebula-desktop.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    entries = {}
    pos = 8
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        entries[kind] = _png_size(data[pos + 8 : pos + length])
        pos += length
    assert pos == len(data)
    assert entries[b"ic10"] == (1024, 1024)  # 512@2x: what Finder and the Dock show on Retina
    assert entries[b"ic07"] == (128, 128)
    assert entries[b"icp4"] == (16, 16)


def test_committed_pngs_are_the_rendered_svg(icon_dir: Path) -> None:
    # A changed SVG must come with re-rendered PNGs (python build_scripts/make_icons.py).
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        committed = resource_path("icons", f"nebula-desktop-{size}.png")
        assert committed.is_file(), f"missing {committed}"
        assert _png_size(committed.read_bytes()) == (size, size)
        assert committed.read_bytes() == (icon_dir / committed.name).read_bytes(), (
            f"{committed.name} is stale: run python build_scripts/make_icons.py"
        )


def test_resource_path_finds_the_app_icon() -> None:
    svg = resource_path("icons", "nebula-desktop.svg")
    assert svg.is_file()
    assert b"<svg" in svg.read_bytes()


def test_desktop_entry_passes_desktop_file_validate() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("needs desktop-file-validate: apt-get install desktop-file-utils")
    entry = ROOT / "resources" / "linux" / "nebula-desktop.desktop"
    run = subprocess.run([tool, str(entry)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "error" not in run.stdout, run.stdout + run.stderr


def test_appstream_metainfo_validates() -> None:
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("needs appstreamcli: apt-get install appstream")
    meta = ROOT / "resources" / "linux" / "com.ai_nebula.NebulaDesktop.metainfo.xml"
    run = subprocess.run(
        [tool, "validate", "--no-net", str(meta)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_installer_takes_its_version_from_pyproject() -> None:
    sys.path.insert(0, str(ROOT / "build_scripts"))
    try:
        from version import project_version
    finally:
        sys.path.remove(str(ROOT / "build_scripts"))
    from nebula_desktop import __version__

    assert project_version() == __version__, "reinstall: pip install -e ."
    meta = (ROOT / "resources" / "linux" / "com.ai_nebula.NebulaDesktop.metainfo.xml").read_text()
    assert f'<release version="{project_version()}"' in meta, (
        "add a <release> for this version to the AppStream metainfo"
    )
